package store

import (
	"encoding/json"
	"fmt"
	"runtime"
)

// Workspace is a DuckDB file under the store's state directory that
// collects entries and commits their per-kind counts to the journal
// (go-store's Workspace). Put is buffered: entries are written every 65536
// rows and by Count, Aggregate, Query, Commit and Close, so a crash loses
// at most the entries put since the last of those. Safe for concurrent use.
type Workspace struct {
	h     wsHandle
	name  string
	path  string
	store *Store
}

func newWorkspace(s *Store, h wsHandle, name string) *Workspace {
	w := &Workspace{h: h, name: name, store: s}
	if p, err := cWorkspacePath(h); err == nil {
		w.path = string(p)
	}
	// Closed (files kept) and freed once unreachable.
	runtime.AddCleanup(w, cWorkspaceFree, h)
	return w
}

// NewWorkspace creates <stateDir>/<name>.duckdb. The name may not be empty,
// ".", "..", hold a path separator, NUL or a control character; an existing
// file is an error ("workspace already exists").
func (s *Store) NewWorkspace(name string) (*Workspace, error) {
	const op = "store.NewWorkspace"
	if _, err := s.ready(op); err != nil {
		return nil, err
	}
	h, err := cWorkspaceNew(s.db, name)
	runtime.KeepAlive(s)
	if err != nil {
		return nil, err
	}
	return newWorkspace(s, h, name), nil
}

// RecoverOrphans returns the uncommitted workspaces left in stateDirectory
// ("" = the store's state directory), open and ready to Aggregate, Commit,
// Discard or Close. Files whose own workspace id was committed are deleted,
// unreadable ones moved to quarantine/; a newer workspace that reuses a
// committed name is kept (go-store deletes it).
func (s *Store) RecoverOrphans(stateDirectory string) []*Workspace {
	if s == nil || s.db == nil {
		return nil
	}
	handles, err := cRecoverOrphans(s.db, stateDirectory)
	runtime.KeepAlive(s)
	if err != nil || len(handles) == 0 {
		return nil
	}
	out := make([]*Workspace, len(handles))
	for i, h := range handles {
		w := newWorkspace(s, h, "")
		if p := w.path; p != "" {
			w.name = baseName(p)
		}
		out[i] = w
	}
	return out
}

// WaitForOrphanScan blocks until the scan for orphaned workspaces that New
// started has finished. New never waits for it (reading large orphans takes
// seconds); RecoverOrphans("") waits for it anyway. go-store scans inside
// New: call this after New for the same guarantee, e.g. before removing the
// state directory — RecoverOrphans("") then returns what the scan found,
// with its aggregate, even if the files are gone. Returns at once when
// there was no scan, it finished, or the store is closed.
func (s *Store) WaitForOrphanScan() {
	if s == nil || s.db == nil {
		return
	}
	_ = cWaitForOrphanScan(s.db)
	runtime.KeepAlive(s)
}

// baseName is the workspace name of "<dir>/<name>.duckdb".
func baseName(path string) string {
	i := len(path)
	for i > 0 && path[i-1] != '/' {
		i--
	}
	name := path[i:]
	const ext = ".duckdb"
	if len(name) >= len(ext) && name[len(name)-len(ext):] == ext {
		name = name[:len(name)-len(ext)]
	}
	return name
}

// Name returns the workspace name ("" for nil).
func (w *Workspace) Name() string {
	if w == nil {
		return ""
	}
	return w.name
}

// DatabasePath returns <stateDir>/<name>.duckdb ("" for nil).
func (w *Workspace) DatabasePath() string {
	if w == nil {
		return ""
	}
	return w.path
}

func (w *Workspace) handle(op string) (wsHandle, error) {
	if w == nil || w.h == nil {
		return nil, usageError(op, "workspace is nil")
	}
	return w.h, nil
}

// Put buffers one entry; nil data is stored as {}.
func (w *Workspace) Put(kind string, data map[string]any) error {
	const op = "store.Workspace.Put"
	h, err := w.handle(op)
	if err != nil {
		return err
	}
	text := []byte("{}")
	if data != nil {
		if text, err = json.Marshal(data); err != nil {
			return fmt.Errorf("%s: marshal entry data: %w", op, err)
		}
	}
	err = cWorkspacePut(h, kind, string(text))
	runtime.KeepAlive(w)
	return err
}

// Count returns the number of entries.
func (w *Workspace) Count() (int, error) {
	h, err := w.handle("store.Workspace.Count")
	if err != nil {
		return 0, err
	}
	n, err := cWorkspaceCount(h)
	runtime.KeepAlive(w)
	return int(n), err
}

// Aggregate returns kind → count (Go int). It never fails: a closed
// workspace gives a recovered orphan's cached counts, or an empty map.
func (w *Workspace) Aggregate() map[string]any {
	h, err := w.handle("store.Workspace.Aggregate")
	if err != nil {
		return map[string]any{}
	}
	doc, err := cWorkspaceAggregate(h)
	runtime.KeepAlive(w)
	if err != nil {
		return map[string]any{}
	}
	return decodeCounts(doc)
}

func decodeCounts(doc []byte) map[string]any {
	var counts map[string]int
	out := map[string]any{}
	if json.Unmarshal(doc, &counts) == nil {
		for k, v := range counts {
			out[k] = v
		}
	}
	return out
}

// Query runs one read-only SELECT on the workspace (no file, network or
// extension access) and returns its rows with the types QueryRows uses
// (BIGINT/COUNT as int64, VARCHAR as string, …).
func (w *Workspace) Query(query string) ([]map[string]any, error) {
	h, err := w.handle("store.Workspace.Query")
	if err != nil {
		return nil, err
	}
	doc, err := cWorkspaceQuery(h, query)
	runtime.KeepAlive(w)
	if err != nil {
		return nil, err
	}
	return decodeDuckRows(doc)
}

// Commit writes the journal row, the workspace:<name>/summary entry and
// the commit marker in one transaction, delivers the set event, removes
// the files and returns a copy of the aggregate.
func (w *Workspace) Commit() (map[string]any, error) {
	h, err := w.handle("store.Workspace.Commit")
	if err != nil {
		return nil, err
	}
	doc, err := cWorkspaceCommit(h)
	runtime.KeepAlive(w)
	if err != nil {
		return nil, err
	}
	return decodeCounts(doc), nil
}

// Discard closes the workspace and deletes its files; errors are ignored
// and a second call does nothing. Safe on nil.
func (w *Workspace) Discard() {
	if w == nil || w.h == nil {
		return
	}
	_ = cWorkspaceDiscard(w.h)
	runtime.KeepAlive(w)
}

// Close writes buffered entries and closes the file, keeping it for
// recovery. Idempotent; nil for a nil workspace.
func (w *Workspace) Close() error {
	if w == nil || w.h == nil {
		return nil
	}
	err := cWorkspaceClose(w.h)
	runtime.KeepAlive(w)
	return err
}
