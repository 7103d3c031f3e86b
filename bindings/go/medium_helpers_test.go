package store

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"time"
)

// memoryMedium is a go-io style in-memory Medium (all 17 methods) whose
// reads and writes can be made to fail, for the medium tests.
type memoryMedium struct {
	mu         sync.Mutex
	files      map[string]string
	dirs       map[string]bool
	writes     int
	failWrites error
	failReads  error
	panicOn    string
	// failStreamAfter makes stream writes fail past this many bytes (0 = never).
	failStreamAfter int
	closes          int
}

func newMemoryMedium() *memoryMedium {
	return &memoryMedium{files: map[string]string{}, dirs: map[string]bool{}}
}

type memInfo struct {
	name  string
	size  int64
	mode  fs.FileMode
	isDir bool
}

func (i memInfo) Name() string               { return i.name }
func (i memInfo) Size() int64                { return i.size }
func (i memInfo) Mode() fs.FileMode          { return i.mode }
func (i memInfo) ModTime() time.Time         { return time.Time{} }
func (i memInfo) IsDir() bool                { return i.isDir }
func (i memInfo) Sys() any                   { return nil }
func (i memInfo) Type() fs.FileMode          { return i.mode.Type() }
func (i memInfo) Info() (fs.FileInfo, error) { return i, nil }

type memFile struct {
	*bytes.Reader
	info memInfo
}

func (f memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f memFile) Close() error               { return nil }

type memWriter struct {
	m      *memoryMedium
	path   string
	buf    bytes.Buffer
	append bool
}

func (w *memWriter) Write(p []byte) (int, error) {
	if limit := w.m.failStreamAfter; limit > 0 && w.buf.Len()+len(p) > limit {
		return 0, errors.New("quota exceeded on the medium")
	}
	return w.buf.Write(p)
}

func (w *memWriter) Close() error {
	w.m.mu.Lock()
	defer w.m.mu.Unlock()
	w.m.closes++
	if w.append {
		w.m.files[w.path] += w.buf.String()
	} else {
		w.m.files[w.path] = w.buf.String()
	}
	return nil
}

func (m *memoryMedium) maybePanic(method string) {
	if m.panicOn == method {
		panic("medium exploded in " + method)
	}
}

func (m *memoryMedium) Read(path string) (string, error) {
	m.maybePanic("Read")
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failReads != nil {
		return "", m.failReads
	}
	content, ok := m.files[path]
	if !ok {
		return "", &fs.PathError{Op: "read", Path: path, Err: fs.ErrNotExist}
	}
	return content, nil
}

func (m *memoryMedium) Write(path, content string) error {
	m.maybePanic("Write")
	m.mu.Lock()
	defer m.mu.Unlock()
	m.writes++
	if m.failWrites != nil {
		return m.failWrites
	}
	m.files[path] = content
	return nil
}

func (m *memoryMedium) WriteMode(path, content string, _ fs.FileMode) error {
	return m.Write(path, content)
}

func (m *memoryMedium) EnsureDir(path string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.dirs[path] = true
	return nil
}

func (m *memoryMedium) IsFile(path string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.files[path]
	return ok
}

func (m *memoryMedium) Delete(path string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.files[path]; !ok {
		return fs.ErrNotExist
	}
	delete(m.files, path)
	return nil
}

func (m *memoryMedium) DeleteAll(path string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for name := range m.files {
		if name == path || strings.HasPrefix(name, path+"/") {
			delete(m.files, name)
		}
	}
	delete(m.dirs, path)
	return nil
}

func (m *memoryMedium) Rename(oldPath, newPath string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	content, ok := m.files[oldPath]
	if !ok {
		return fs.ErrNotExist
	}
	delete(m.files, oldPath)
	m.files[newPath] = content
	return nil
}

func (m *memoryMedium) List(path string) ([]fs.DirEntry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []fs.DirEntry
	prefix := strings.TrimSuffix(path, "/") + "/"
	for name, content := range m.files {
		if rest, ok := strings.CutPrefix(name, prefix); ok && !strings.Contains(rest, "/") {
			out = append(out, memInfo{name: rest, size: int64(len(content)), mode: 0o644})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

func (m *memoryMedium) Stat(path string) (fs.FileInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if content, ok := m.files[path]; ok {
		return memInfo{name: path, size: int64(len(content)), mode: 0o644}, nil
	}
	if m.dirs[path] {
		return memInfo{name: path, mode: fs.ModeDir | 0o755, isDir: true}, nil
	}
	return nil, fs.ErrNotExist
}

func (m *memoryMedium) Open(path string) (fs.File, error) {
	content, err := m.Read(path)
	if err != nil {
		return nil, err
	}
	return memFile{bytes.NewReader([]byte(content)), memInfo{name: path, size: int64(len(content))}}, nil
}

func (m *memoryMedium) Create(path string) (io.WriteCloser, error) {
	return &memWriter{m: m, path: path}, nil
}
func (m *memoryMedium) Append(path string) (io.WriteCloser, error) {
	return &memWriter{m: m, path: path, append: true}, nil
}
func (m *memoryMedium) ReadStream(path string) (io.ReadCloser, error)   { return m.Open(path) }
func (m *memoryMedium) WriteStream(path string) (io.WriteCloser, error) { return m.Create(path) }

func (m *memoryMedium) Exists(path string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.files[path]
	return ok || m.dirs[path]
}

func (m *memoryMedium) IsDir(path string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.dirs[path]
}

func (m *memoryMedium) file(path string) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	content, ok := m.files[path]
	return content, ok
}

func (m *memoryMedium) writeCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.writes
}

// errRemote is the failure injected into medium writes and reads.
var errRemote = errors.New("remote storage unavailable")

// extendedMedium has the methods of a newer go-io Medium on top of the 17
// (FileGet, FileSet): it must still satisfy Medium.
type extendedMedium struct{ *memoryMedium }

func (e extendedMedium) FileGet(path string) (string, error) { return e.Read(path) }
func (e extendedMedium) FileSet(path, content string) error  { return e.Write(path, content) }

var _ Medium = extendedMedium{}
