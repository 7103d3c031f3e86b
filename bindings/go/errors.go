package store

import (
	"errors"
	"strings"
)

// NotFoundError is matched (errors.Is) by every error saying a key does not
// exist or has expired, e.g. "store.Get: config/colour: store: not found".
var NotFoundError = errors.New("store: not found")

// QuotaExceededError is matched (errors.Is) by every error saying a scoped
// write would break a namespace quota; nothing was written.
var QuotaExceededError = errors.New("store: quota exceeded")

// Status codes of Error, as numbered by the C ABI (store_status in store.h).
const (
	StatusNotFound        = 1
	StatusQuotaExceeded   = 2
	StatusClosed          = 3
	StatusInvalidArgument = 4
	StatusBusy            = 5
	StatusIO              = 6
	StatusCorrupt         = 7
	StatusQuery           = 8
	StatusTemplate        = 9
	StatusInternal        = 10
)

// Error is a failure reported by the store. Its text follows go-store
// ("operation: message: cause", outermost operation first); Status says what
// kind of failure it is, and errors.Is matches NotFoundError and
// QuotaExceededError by it.
type Error struct {
	// Status is the C ABI's status code (StatusNotFound, StatusClosed, ...).
	Status  int
	message string
}

// Error returns the go-store style text.
func (e *Error) Error() string { return e.message }

// Is reports whether target is the sentinel for e's status.
func (e *Error) Is(target error) bool {
	switch target {
	case NotFoundError:
		return e.Status == StatusNotFound
	case QuotaExceededError:
		return e.Status == StatusQuotaExceeded
	}
	return false
}

// usageError is a failure the binding detects before calling the library:
// a nil receiver, an uninitialised value or a nil function.
func usageError(op, message string) error {
	return &Error{Status: StatusInvalidArgument, message: op + ": " + message}
}

// renamed replaces the leading operation of a library error (the C ABI opens
// every store as "store.New") with the Go function that was called.
func renamed(err error, from, to string) error {
	e, ok := err.(*Error)
	if !ok || !strings.HasPrefix(e.message, from+":") {
		return err
	}
	return &Error{Status: e.Status, message: to + e.message[len(from):]}
}
