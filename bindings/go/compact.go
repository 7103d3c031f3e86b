package store

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#include "journal_shims.h"
*/
import "C"

import (
	"runtime"
	"strings"
	"time"
)

// defaultArchiveOutputDirectory is where Compact writes when Output is empty.
const defaultArchiveOutputDirectory = ".core/archive/"

// CompactOptions archives journal rows committed before Before into a
// compressed JSONL file (go-store's options, plus Retention).
//
//	options := store.CompactOptions{Before: time.Now().Add(-90 * 24 * time.Hour), Output: "/tmp/archive", Format: "zstd"}
type CompactOptions struct {
	// Before is the cutoff: rows committed earlier are archived. Required.
	Before time.Time
	// Output is the archive directory; empty means ".core/archive/".
	Output string
	// Format is "gzip" (default) or "zstd", any case.
	Format string
	// Retention, when positive, deletes archived rows committed longer ago
	// than this once the archive is safely published. Zero keeps them.
	Retention time.Duration
	// Medium receives the archive (go-store's field). A store opened with a
	// medium writes its archives there; through this binding Medium must be
	// nil or that same medium.
	Medium Medium
}

// Normalised returns a copy with go-store's defaults: Output
// ".core/archive/" when empty; Format trimmed and lower-cased, "gzip" when
// empty.
func (o CompactOptions) Normalised() CompactOptions {
	if o.Output == "" {
		o.Output = defaultArchiveOutputDirectory
	}
	o.Format = strings.ToLower(strings.TrimSpace(o.Format))
	if o.Format == "" {
		o.Format = "gzip"
	}
	return o
}

func (o CompactOptions) cutoffMs() int64 {
	if o.Before.IsZero() {
		return 0
	}
	return o.Before.UnixMilli()
}

// Validate reports go-store's errors: a zero Before ("before cutoff time is
// empty") or a format other than gzip/zstd.
func (o CompactOptions) Validate() error {
	return resultErr(C.go_compact_validate(C.int64_t(o.cutoffMs()), o.Output, o.Format, C.int64_t(o.Retention.Milliseconds())))
}

// Compact archives journal rows committed before options.Before into
// <Output>/journal-<UTC timestamp>.jsonl.gz (or .jsonl.zst) and marks them
// archived, so QueryJournal("") and Flux queries no longer return them (raw
// SQL still sees them). The archive is published atomically before any row
// is marked: on failure no archive exists under its final name and no row
// is marked. Returns the archive path, or "" when no row qualified.
func (s *Store) Compact(options CompactOptions) (string, error) {
	const op = "store.Compact"
	if _, err := s.ready(op); err != nil {
		return "", err
	}
	if options.Retention < 0 {
		return "", usageError(op, "retention must not be negative")
	}
	if options.Medium != nil && !sameMedium(options.Medium, s.Medium()) {
		return "", usageError(op, "CompactOptions.Medium must be nil or the store's own medium (open the store WithMedium to archive there)")
	}
	r := C.go_compact((*C.store_db)(s.db), C.int64_t(options.cutoffMs()), options.Output, options.Format, C.int64_t(options.Retention.Milliseconds()))
	runtime.KeepAlive(s)
	if err := failure(r.status, r.err); err != nil {
		return "", err
	}
	return string(takeBytes(r.out)), nil
}

// sameMedium reports whether a and b are the same medium value; values
// that cannot be compared are different.
func sameMedium(a, b Medium) (same bool) {
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	return a == b
}
