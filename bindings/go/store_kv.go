package store

import (
	"iter"
	"time"
)

// view returns the target of a Store operation named op ("store.Get").
func (s *Store) view(op string) view {
	kv, err := s.ready(op)
	return view{kv: kv, owner: s, op: op, err: err}
}

// Get returns the value of key in group. A missing or expired key is an
// error matching NotFoundError ("store.Get: group/key: store: not found");
// an expired row is deleted on the way and an EventDelete sent.
func (s *Store) Get(group, key string) (string, error) { return s.view("store.Get").get(group, key) }

// Set writes value at (group, key) with no expiry, replacing any value and TTL.
func (s *Store) Set(group, key, value string) error {
	return s.view("store.Set").set(group, key, value)
}

// SetWithTTL writes value at (group, key), expiring after timeToLive.
func (s *Store) SetWithTTL(group, key, value string, timeToLive time.Duration) error {
	return s.view("store.SetWithTTL").setWithTTL(group, key, value, timeToLive)
}

// Delete removes (group, key); a missing key is not an error.
func (s *Store) Delete(group, key string) error { return s.view("store.Delete").delete(group, key) }

// Exists reports whether a live row exists at (group, key). It never deletes.
func (s *Store) Exists(group, key string) (bool, error) {
	return s.view("store.Exists").exists(group, key)
}

// GroupExists reports whether group has at least one live row.
func (s *Store) GroupExists(group string) (bool, error) {
	return s.view("store.GroupExists").groupExists(group)
}

// Count returns the number of live rows in group.
func (s *Store) Count(group string) (int, error) { return s.view("store.Count").count(group) }

// CountAll returns the number of live rows in every group whose name starts
// with groupPrefix (case-sensitive; "" counts everything).
func (s *Store) CountAll(groupPrefix string) (int, error) {
	return s.view("store.CountAll").countAll(groupPrefix)
}

// DeleteGroup removes every row of group.
func (s *Store) DeleteGroup(group string) error {
	return s.view("store.DeleteGroup").deleteGroup(group)
}

// DeletePrefix removes every group whose name starts with groupPrefix
// ("" removes all), atomically, with one EventDeleteGroup per group.
func (s *Store) DeletePrefix(groupPrefix string) error {
	return s.view("store.DeletePrefix").deletePrefix(groupPrefix)
}

// GetAll returns the live rows of group as a map (empty, not nil, for an empty group).
func (s *Store) GetAll(group string) (map[string]string, error) {
	return s.view("store.GetAll").getAll(group)
}

// GetPage returns up to limit live rows of group in key order, starting at
// offset. Negative offset or limit is an error; limit 0 gives an empty list.
func (s *Store) GetPage(group string, offset, limit int) ([]KeyValue, error) {
	return s.view("store.GetPage").getPage(group, offset, limit)
}

// All iterates the live rows of group in key order. The loop body may call the store.
func (s *Store) All(group string) iter.Seq2[KeyValue, error] {
	return all(func() view { return s.view("store.All") }, group)
}

// AllSeq is All.
func (s *Store) AllSeq(group string) iter.Seq2[KeyValue, error] { return s.All(group) }

// Groups lists the distinct groups with live rows whose name starts with
// the first groupPrefix (none: all groups), ascending.
func (s *Store) Groups(groupPrefix ...string) ([]string, error) {
	return s.view("store.Groups").groups(groupPrefix)
}

// GroupsSeq is Groups as a sequence, queried when iteration starts.
func (s *Store) GroupsSeq(groupPrefix ...string) iter.Seq2[string, error] {
	return groupsSeq(func() view { return s.view("store.GroupsSeq") }, groupPrefix)
}

// GetSplit reads a value and yields its parts split on separator, like
// strings.Split.
func (s *Store) GetSplit(group, key, separator string) (iter.Seq[string], error) {
	return s.view("store.GetSplit").getSplit(group, key, separator)
}

// GetFields reads a value and yields its whitespace-separated fields, like
// strings.Fields.
func (s *Store) GetFields(group, key string) (iter.Seq[string], error) {
	return s.view("store.GetFields").getFields(group, key)
}

// Render executes a Go text/template against the live rows of group, e.g.
// `{{ .host }}:{{ .port }}`. Missing keys render "<no value>".
func (s *Store) Render(templateSource, group string) (string, error) {
	return s.view("store.Render").render(templateSource, group)
}

// PurgeExpired deletes every expired row now and returns how many; one
// EventDelete per row.
func (s *Store) PurgeExpired() (int64, error) { return s.view("store.PurgeExpired").purgeExpired() }
