package store

import (
	"runtime"
	"unsafe"
)

// Store is an open key-value store: groups of keys with string values,
// optional TTLs, change events and transactions. Safe for concurrent use.
type Store struct {
	db      unsafe.Pointer // *store_db, freed by a cleanup once unreachable
	kv      kvHandle
	config  StoreConfig
	watches *watchRegistry
}

// KeyValue is one row of a group.
type KeyValue struct {
	Key   string
	Value string
}

// New opens (creating if needed) the database at databasePath, or a private
// in-memory one for ":memory:", after applying options in order.
func New(databasePath string, options ...StoreOption) (*Store, error) {
	s := &Store{config: StoreConfig{DatabasePath: databasePath}}
	for _, option := range options {
		if option != nil {
			option(s)
		}
	}
	if err := s.open(); err != nil {
		return nil, err
	}
	return s, nil
}

// NewConfigured opens a store from a StoreConfig.
func NewConfigured(storeConfig StoreConfig) (*Store, error) {
	s := &Store{config: storeConfig}
	if err := s.open(); err != nil {
		return nil, renamed(err, "store.New", "store.NewConfigured")
	}
	return s, nil
}

func (s *Store) open() error {
	db, kv, err := cOpen(s.config.DatabasePath, s.config)
	if err != nil {
		return err
	}
	s.db, s.kv = db, kv
	s.watches = newWatchRegistry()
	if purge, dir, err := cStoreOptions(db); err == nil {
		s.config.PurgeInterval, s.config.WorkspaceStateDirectory = purge, dir
	}
	// The backstop for a store that is never closed: free it (closing it
	// first) once nothing refers to it any more.
	runtime.AddCleanup(s, cFree, db)
	return nil
}

// ready returns the store's view or the go-store readiness error for op
// (nil receiver, or a Store not made by New). A closed store is reported by
// the library itself.
func (s *Store) ready(op string) (kvHandle, error) {
	if s == nil {
		return nil, usageError(op, "store is nil")
	}
	if s.kv == nil {
		return nil, usageError(op, "store is not initialised")
	}
	return s.kv, nil
}

// Close stops the background purge, closes every Watch channel (after the
// events already queued are delivered), drops OnChange callbacks, and closes
// the database. Later operations fail with "store is closed". Idempotent;
// nil for a nil store.
func (s *Store) Close() error {
	if s == nil || s.db == nil {
		return nil
	}
	err := cClose(s.db)
	s.watches.closeAll()
	runtime.KeepAlive(s)
	return err
}

// IsClosed reports whether Close has completed (true for a nil store).
func (s *Store) IsClosed() bool {
	if s == nil || s.db == nil {
		return true
	}
	closed := cIsClosed(s.db)
	runtime.KeepAlive(s)
	return closed
}

// Config returns the configuration the store runs with (normalised); it
// still works after Close.
func (s *Store) Config() StoreConfig {
	if s == nil {
		return StoreConfig{}
	}
	return s.config
}

// DatabasePath returns the path as given to New.
func (s *Store) DatabasePath() string {
	if s == nil {
		return ""
	}
	return s.config.DatabasePath
}

// WorkspaceStateDirectory returns the normalised workspace state directory.
func (s *Store) WorkspaceStateDirectory() string {
	if s == nil || s.db == nil {
		return StoreConfig{}.Normalised().WorkspaceStateDirectory
	}
	return s.config.WorkspaceStateDirectory
}

// JournalConfiguration returns the journal configuration (zero if none).
func (s *Store) JournalConfiguration() JournalConfiguration {
	if s == nil {
		return JournalConfiguration{}
	}
	return s.config.Journal
}

// JournalConfigured reports whether all three journal fields are set.
func (s *Store) JournalConfigured() bool {
	j := s.JournalConfiguration()
	return j.EndpointURL != "" && j.Organisation != "" && j.BucketName != ""
}
