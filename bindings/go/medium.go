package store

import (
	"io"
	"io/fs"
)

// Medium is a storage backend: local disk, memory, object storage, a remote
// host. Its method set is exactly that of dappco.re/go/core/io's Medium
// (which go-store's Medium aliases), so any go-store medium can be passed
// unchanged.
//
// The store calls Exists, Read, Write, EnsureDir, Delete and Rename, from
// whichever goroutine opens or closes the store. A medium must be safe for
// concurrent use and must not call the store that uses it. Errors matching
// fs.ErrNotExist are reported as "not found"; a panic inside a method is
// recovered and reported as that method's error.
type Medium interface {
	// Read retrieves the content of a file.
	Read(path string) (string, error)
	// Write replaces a file's content (mode 0644 for a new file).
	Write(path, content string) error
	// WriteMode replaces a file's content with the given permissions.
	WriteMode(path, content string, mode fs.FileMode) error
	// EnsureDir creates a directory and its parents if missing.
	EnsureDir(path string) error
	// IsFile reports whether path exists and is a regular file.
	IsFile(path string) bool
	// Delete removes a file or an empty directory.
	Delete(path string) error
	// DeleteAll removes a file or a directory and everything below it.
	DeleteAll(path string) error
	// Rename moves a file or directory.
	Rename(oldPath, newPath string) error
	// List returns the entries of a directory.
	List(path string) ([]fs.DirEntry, error)
	// Stat describes one path.
	Stat(path string) (fs.FileInfo, error)
	// Open opens a file for reading.
	Open(path string) (fs.File, error)
	// Create creates or truncates a file.
	Create(path string) (io.WriteCloser, error)
	// Append opens a file for appending, creating it if missing.
	Append(path string) (io.WriteCloser, error)
	// ReadStream returns a reader over a file's content.
	ReadStream(path string) (io.ReadCloser, error)
	// WriteStream returns a writer for a file's content.
	WriteStream(path string) (io.WriteCloser, error)
	// Exists reports whether path exists (file or directory).
	Exists(path string) bool
	// IsDir reports whether path exists and is a directory.
	IsDir(path string) bool
}

// WithMedium keeps the database on medium: for a path other than
// ":memory:" the file is read from the medium at open (if it exists there)
// and written back whole at Close, as go-store does. A nil medium keeps the
// local filesystem.
func WithMedium(medium Medium) StoreOption {
	return func(s *Store) { s.config.Medium = medium }
}

// Medium returns the medium the store was opened with, or nil.
func (s *Store) Medium() Medium {
	if s == nil {
		return nil
	}
	return s.config.Medium
}
