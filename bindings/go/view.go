package store

import (
	"iter"
	"runtime"
	"slices"
	"time"
)

// view is one key-value operation's target: the library view of a store,
// scoped store or transaction, the Go value that owns it (kept alive until
// the library call returns, so its cleanup cannot free the handle
// mid-call), the operation name, and the readiness error if the receiver
// cannot be used (nil, not initialised). Every public KV method is a
// one-line call of the matching view method, so the four types share one
// implementation.
type view struct {
	kv    kvHandle
	owner any
	op    string
	err   error
}

func (v view) get(group, key string) (string, error) {
	if v.err != nil {
		return "", v.err
	}
	value, err := cGet(v.kv, group, key)
	runtime.KeepAlive(v.owner)
	return value, err
}

func (v view) set(group, key, value string) error {
	if v.err != nil {
		return v.err
	}
	err := cSet(v.kv, group, key, value)
	runtime.KeepAlive(v.owner)
	return err
}

// setWithTTL stores a row that expires after ttl (zero or negative: already
// expired, as in go-store).
func (v view) setWithTTL(group, key, value string, ttl time.Duration) error {
	if v.err != nil {
		return v.err
	}
	err := cSetWithTTL(v.kv, group, key, value, durationMs(ttl))
	runtime.KeepAlive(v.owner)
	return err
}

func (v view) delete(group, key string) error {
	if v.err != nil {
		return v.err
	}
	err := cDelete(v.kv, group, key)
	runtime.KeepAlive(v.owner)
	return err
}

func (v view) exists(group, key string) (bool, error) {
	if v.err != nil {
		return false, v.err
	}
	found, err := cExists(v.kv, group, key)
	runtime.KeepAlive(v.owner)
	return found, err
}

func (v view) groupExists(group string) (bool, error) {
	if v.err != nil {
		return false, v.err
	}
	found, err := cGroupExists(v.kv, group)
	runtime.KeepAlive(v.owner)
	return found, err
}

func (v view) count(group string) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	n, err := cCount(v.kv, group)
	runtime.KeepAlive(v.owner)
	return n, err
}

func (v view) countAll(prefix string) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	n, err := cCountAll(v.kv, prefix)
	runtime.KeepAlive(v.owner)
	return n, err
}

func (v view) deleteGroup(group string) error {
	if v.err != nil {
		return v.err
	}
	err := cDeleteGroup(v.kv, group)
	runtime.KeepAlive(v.owner)
	return err
}

func (v view) deletePrefix(prefix string) error {
	if v.err != nil {
		return v.err
	}
	err := cDeletePrefix(v.kv, prefix)
	runtime.KeepAlive(v.owner)
	return err
}

func (v view) getAll(group string) (map[string]string, error) {
	if v.err != nil {
		return nil, v.err
	}
	rows, err := cGetAll(v.kv, group)
	runtime.KeepAlive(v.owner)
	return rows, err
}

func (v view) getPage(group string, offset, limit int) ([]KeyValue, error) {
	if v.err != nil {
		return nil, v.err
	}
	rows, err := cGetPage(v.kv, group, offset, limit)
	runtime.KeepAlive(v.owner)
	return rows, err
}

func (v view) groups(prefix []string) ([]string, error) {
	if v.err != nil {
		return nil, v.err
	}
	groups, err := cGroups(v.kv, firstPrefix(prefix))
	runtime.KeepAlive(v.owner)
	return groups, err
}

// getSplit splits a value with Go strings.Split semantics (in the library).
func (v view) getSplit(group, key, separator string) (iter.Seq[string], error) {
	if v.err != nil {
		return nil, v.err
	}
	parts, err := cGetSplit(v.kv, group, key, separator)
	runtime.KeepAlive(v.owner)
	if err != nil {
		return nil, err
	}
	return slices.Values(parts), nil
}

// getFields splits a value with Go strings.Fields semantics (in the library).
func (v view) getFields(group, key string) (iter.Seq[string], error) {
	if v.err != nil {
		return nil, v.err
	}
	parts, err := cGetFields(v.kv, group, key)
	runtime.KeepAlive(v.owner)
	if err != nil {
		return nil, err
	}
	return slices.Values(parts), nil
}

func (v view) purgeExpired() (int64, error) {
	if v.err != nil {
		return 0, v.err
	}
	n, err := cPurgeExpired(v.kv)
	runtime.KeepAlive(v.owner)
	return n, err
}

// all iterates a group's live rows in key order, a batch per library call.
// Readiness is checked when iteration starts (resolve), and no database
// connection is held between batches, so the loop body may use the store.
func all(resolve func() view, group string) iter.Seq2[KeyValue, error] {
	return func(yield func(KeyValue, error) bool) {
		v := resolve()
		if v.err != nil {
			yield(KeyValue{}, v.err)
			return
		}
		it, err := cIterOpen(v.kv, group)
		runtime.KeepAlive(v.owner)
		if err != nil {
			yield(KeyValue{}, err)
			return
		}
		defer it.free()
		for {
			rows, err := it.next()
			if err != nil {
				yield(KeyValue{}, err)
				return
			}
			if len(rows) == 0 {
				return
			}
			for _, row := range rows {
				if !yield(row, nil) {
					return
				}
			}
		}
	}
}

// groupsSeq lists the groups with live rows under the first prefix,
// ascending, when iteration starts.
func groupsSeq(resolve func() view, prefix []string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		groups, err := resolve().groups(prefix)
		if err != nil {
			yield("", err)
			return
		}
		for _, g := range groups {
			if !yield(g, nil) {
				return
			}
		}
	}
}

// firstPrefix returns the first of a variadic prefix argument ("" if none);
// go-store ignores the rest.
func firstPrefix(prefix []string) string {
	if len(prefix) > 0 {
		return prefix[0]
	}
	return ""
}
