package store

import (
	"time"
)

// StoreConfig is the declarative form of New's options, for NewConfigured.
type StoreConfig struct {
	// DatabasePath is the SQLite file, or ":memory:".
	DatabasePath string
	// Journal configures the journal; all fields empty means none.
	Journal JournalConfiguration
	// PurgeInterval is how often expired rows are purged; 0 means 60 s.
	PurgeInterval time.Duration
	// WorkspaceStateDirectory holds workspace files; "" means ".core/state".
	WorkspaceStateDirectory string
	// BusyTimeout is how long a write waits for another goroutine's open
	// transaction (or another process's lock) before failing; 0 means 5 s.
	// Not in go-store, which waits without limit.
	BusyTimeout time.Duration
	// Medium, when set, holds the database file (copied in at open and
	// back out at Close) and is where archives go; nil means the local
	// filesystem.
	Medium Medium
}

// JournalConfiguration names the journal endpoint, organisation and bucket.
type JournalConfiguration struct {
	// EndpointURL, e.g. "http://127.0.0.1:8086".
	EndpointURL string
	// Organisation, e.g. "core".
	Organisation string
	// BucketName, e.g. "events".
	BucketName string
}

// StoreOption changes the configuration New opens a store with.
type StoreOption func(*Store)

// WithBusyTimeout sets how long a write waits for another transaction
// before it fails with a "transaction is open" error (default 5 s).
func WithBusyTimeout(timeout time.Duration) StoreOption {
	return func(s *Store) { s.config.BusyTimeout = timeout }
}

// WithJournal sets the journal configuration verbatim (validated at open
// when any field is set).
func WithJournal(endpointURL, organisation, bucketName string) StoreOption {
	return func(s *Store) {
		s.config.Journal = JournalConfiguration{EndpointURL: endpointURL, Organisation: organisation, BucketName: bucketName}
	}
}

// WithPurgeInterval sets the background purge interval; ignored unless positive.
func WithPurgeInterval(interval time.Duration) StoreOption {
	return func(s *Store) {
		if interval > 0 {
			s.config.PurgeInterval = interval
		}
	}
}

// WithWorkspaceStateDirectory sets the workspace state directory.
func WithWorkspaceStateDirectory(directory string) StoreOption {
	return func(s *Store) { s.config.WorkspaceStateDirectory = directory }
}

// Normalised returns a copy with the library's defaults filled in: a zero
// PurgeInterval becomes 60 s, and WorkspaceStateDirectory loses trailing
// slashes ("" becomes ".core/state").
func (c StoreConfig) Normalised() StoreConfig {
	purge, dir, err := cNormalise(c.PurgeInterval, c.WorkspaceStateDirectory)
	if err != nil {
		// Only a directory that is not UTF-8 fails; leave it for Validate and open to report.
		return c
	}
	if c.PurgeInterval == 0 {
		c.PurgeInterval = purge
	}
	c.WorkspaceStateDirectory = dir
	return c
}

// Validate checks the configuration as opening would: an empty path, an
// incomplete journal or a negative purge interval is an error.
func (c StoreConfig) Validate() error {
	return cValidate(c)
}

// Validate reports the first missing field (endpoint URL, organisation,
// bucket name).
func (j JournalConfiguration) Validate() error {
	return cJournalValidate(j)
}

// durationMs converts to whole milliseconds for the C ABI, rounding away
// from zero so that a positive (or negative) interval never becomes 0, which
// would mean "default".
func durationMs(d time.Duration) int64 {
	ms := d.Milliseconds()
	if d%time.Millisecond > 0 {
		ms++
	} else if d%time.Millisecond < 0 {
		ms--
	}
	return ms
}
