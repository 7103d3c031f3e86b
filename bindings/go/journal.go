package store

// CommitToJournal and QueryJournal: go-store's journal, stored in the same
// journal_entries table. Values cross the C ABI as JSON (one buffer per
// call) and are decoded into go-store's shapes here.

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#include "journal_shims.h"
*/
import "C"

import (
	"bytes"
	"encoding/json"
	"maps"
	"runtime"
)

// CommitToJournal records one row in the journal (bucket: the configured
// journal bucket, else "store"). fields is marshalled with encoding/json
// (NaN fails with "marshal fields"); nil maps count as empty. The result
// has go-store's keys: "bucket", "measurement", "fields" and "tags" (copies
// of the arguments, original Go types kept) and "committed_at" (int64 Unix
// ms).
func (s *Store) CommitToJournal(measurement string, fields map[string]any, tags map[string]string) (map[string]any, error) {
	const op = "store.CommitToJournal"
	kv, err := s.ready(op)
	if err != nil {
		return nil, err
	}
	return commitToJournal(view{kv: kv, owner: s, op: op}, measurement, fields, tags)
}

// CommitToJournal records a journal row inside the transaction: it commits
// or rolls back with the transaction's other writes.
func (t *StoreTransaction) CommitToJournal(measurement string, fields map[string]any, tags map[string]string) (map[string]any, error) {
	return commitToJournal(t.view("store.Transaction.CommitToJournal"), measurement, fields, tags)
}

func commitToJournal(v view, measurement string, fields map[string]any, tags map[string]string) (map[string]any, error) {
	if v.err != nil {
		return nil, v.err
	}
	if measurement == "" {
		return nil, usageError(v.op, "measurement is empty")
	}
	if fields == nil {
		fields = map[string]any{}
	}
	if tags == nil {
		tags = map[string]string{}
	}
	fieldsJSON, err := json.Marshal(fields)
	if err != nil {
		return nil, usageError(v.op, "marshal fields: "+err.Error())
	}
	tagsJSON, err := json.Marshal(tags)
	if err != nil {
		return nil, usageError(v.op, "marshal tags: "+err.Error())
	}
	r := C.go_journal_commit(v.kv, measurement, string(fieldsJSON), string(tagsJSON))
	runtime.KeepAlive(v.owner)
	if err := failure(r.status, r.err); err != nil {
		return nil, err
	}
	var recorded struct {
		Bucket      string `json:"bucket"`
		CommittedAt int64  `json:"committed_at"`
	}
	if err := json.Unmarshal(takeBytes(r.out), &recorded); err != nil {
		return nil, usageError(v.op, "decode result: "+err.Error())
	}
	return map[string]any{
		"bucket":       recorded.Bucket,
		"measurement":  measurement,
		"fields":       maps.Clone(fields),
		"tags":         maps.Clone(tags),
		"committed_at": recorded.CommittedAt,
	}, nil
}

// QueryJournal returns journal rows as go-store does: "" → every
// unarchived row in commit order; text starting with SELECT, WITH, EXPLAIN
// or PRAGMA → one read-only SQL statement (writes, state-changing PRAGMAs,
// ATTACH and several statements are refused); anything else → the Flux
// subset (from, range, filter, limit, sort), where unsupported syntax is an
// error naming it and its line:col. Each row maps column names to int64,
// float64, string or nil, plus "fields" (map[string]any, numbers float64)
// and "tags" (map[string]string) decoded from fields_json and tags_json.
// No rows gives a nil slice.
func (s *Store) QueryJournal(flux string) ([]map[string]any, error) {
	const op = "store.QueryJournal"
	kv, err := s.ready(op)
	if err != nil {
		return nil, err
	}
	return queryJournal(view{kv: kv, owner: s, op: op}, flux)
}

// QueryJournal queries the journal inside the transaction, seeing its
// pending rows.
func (t *StoreTransaction) QueryJournal(flux string) ([]map[string]any, error) {
	return queryJournal(t.view("store.Transaction.QueryJournal"), flux)
}

func queryJournal(v view, flux string) ([]map[string]any, error) {
	if v.err != nil {
		return nil, v.err
	}
	r := C.go_journal_query(v.kv, flux)
	runtime.KeepAlive(v.owner)
	if err := failure(r.status, r.err); err != nil {
		return nil, err
	}
	return decodeJournalRows(v.op, takeBytes(r.out))
}

// decodeRows turns the library's JSON rows into go-store's row maps:
// integers stay int64 (the library writes reals with a decimal point or an
// exponent), fields numbers become float64, tags a string map.
func decodeJournalRows(op string, data []byte) ([]map[string]any, error) {
	var raw []map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, usageError(op, "decode rows: "+err.Error())
	}
	if len(raw) == 0 {
		return nil, nil
	}
	rows := make([]map[string]any, len(raw))
	for i, columns := range raw {
		row := make(map[string]any, len(columns))
		for name, value := range columns {
			decoded, err := decodeColumn(name, value)
			if err != nil {
				return nil, usageError(op, "decode rows: "+err.Error())
			}
			row[name] = decoded
		}
		rows[i] = row
	}
	return rows, nil
}

func decodeColumn(name string, value json.RawMessage) (any, error) {
	switch name {
	case "fields":
		fields := map[string]any{}
		err := json.Unmarshal(value, &fields)
		return fields, err
	case "tags":
		tags := map[string]string{}
		err := json.Unmarshal(value, &tags)
		return tags, err
	}
	d := json.NewDecoder(bytes.NewReader(value))
	d.UseNumber()
	var out any
	if err := d.Decode(&out); err != nil {
		return nil, err
	}
	if n, ok := out.(json.Number); ok {
		if i, err := n.Int64(); err == nil {
			return i, nil
		}
		return n.Float64()
	}
	return out, nil
}
