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
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
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
	// Decoded in place: every value is copied into Go memory (string
	// conversions, numbers), so the library's buffer can be freed after.
	defer C.store_bytes_free(&r.out)
	return decodeJournalRows(v.op, unsafe.Slice((*byte)(unsafe.Pointer(r.out.ptr)), int(r.out.len)))
}

// decodeJournalRows turns the library's JSON rows into go-store's row maps:
// integers stay int64 (the library writes reals with a decimal point or an
// exponent), fields numbers become float64, tags a string map. The rows
// are flat objects written by the library, so a small scanner reads them
// (encoding/json's interface decoding costs several times more); nested
// field values go through encoding/json.
func decodeJournalRows(op string, data []byte) ([]map[string]any, error) {
	r := rowReader{data: data, intern: make(map[string]string, 64)}
	rows, err := r.rows()
	if err != nil {
		return nil, usageError(op, "decode rows: "+err.Error())
	}
	return rows, nil
}

type rowReader struct {
	data []byte
	i    int
	// Short strings repeat from row to row (column names, field and tag
	// keys, buckets, measurements, tag values): one copy serves them all.
	intern map[string]string
}

// internLimits bound the interning: strings up to internMaxLen bytes, at
// most internMaxCount distinct ones per decode.
const (
	internMaxLen   = 32
	internMaxCount = 4096
)

type decodeError struct{ at int }

func (e decodeError) Error() string { return "malformed row JSON at byte " + strconv.Itoa(e.at) }

func (r *rowReader) fail() error { return decodeError{r.i} }

func (r *rowReader) skipSpace() {
	for r.i < len(r.data) && (r.data[r.i] == ' ' || r.data[r.i] == '\n' || r.data[r.i] == '\t' || r.data[r.i] == '\r') {
		r.i++
	}
}

// next returns the next non-space byte without consuming it (0 at the end).
func (r *rowReader) next() byte {
	r.skipSpace()
	if r.i < len(r.data) {
		return r.data[r.i]
	}
	return 0
}

func (r *rowReader) expect(b byte) error {
	if r.next() != b {
		return r.fail()
	}
	r.i++
	return nil
}

func (r *rowReader) rows() ([]map[string]any, error) {
	if err := r.expect('['); err != nil {
		return nil, err
	}
	var rows []map[string]any
	if r.next() == ']' {
		return nil, nil
	}
	for {
		row, err := r.row()
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
		switch r.next() {
		case ',':
			r.i++
		case ']':
			return rows, nil
		default:
			return nil, r.fail()
		}
	}
}

// members reads one object, calling value with the cursor on each
// member's value.
func (r *rowReader) members(value func(key string) error) error {
	if err := r.expect('{'); err != nil {
		return err
	}
	if r.next() == '}' {
		r.i++
		return nil
	}
	for {
		key, err := r.str()
		if err != nil {
			return err
		}
		if err := r.expect(':'); err != nil {
			return err
		}
		if err := value(key); err != nil {
			return err
		}
		switch r.next() {
		case ',':
			r.i++
		case '}':
			r.i++
			return nil
		default:
			return r.fail()
		}
	}
}

func (r *rowReader) row() (map[string]any, error) {
	row := make(map[string]any, 8)
	err := r.members(func(key string) error {
		var value any
		var err error
		switch key {
		case "fields":
			value, err = r.object()
		case "tags":
			value, err = r.stringObject()
		default:
			value, err = r.scalar(true)
		}
		row[key] = value
		return err
	})
	return row, err
}

// object reads a JSON object as encoding/json would into map[string]any
// (numbers float64).
func (r *rowReader) object() (map[string]any, error) {
	out := make(map[string]any, 4)
	err := r.members(func(key string) error {
		var value any
		var err error
		if c := r.next(); c == '{' || c == '[' {
			start := r.i
			if err = r.skip(); err == nil {
				err = json.Unmarshal(r.data[start:r.i], &value)
			}
		} else {
			value, err = r.scalar(false)
		}
		out[key] = value
		return err
	})
	return out, err
}

func (r *rowReader) stringObject() (map[string]string, error) {
	out := make(map[string]string, 4)
	err := r.members(func(key string) error {
		value, err := r.str()
		out[key] = value
		return err
	})
	return out, err
}

// scalar reads null, a boolean, a string or a number; with ints, a number
// without '.' or exponent becomes int64 (else float64, as encoding/json).
func (r *rowReader) scalar(ints bool) (any, error) {
	switch c := r.next(); {
	case c == '"':
		return r.str()
	case c == 'n' && bytes.HasPrefix(r.data[r.i:], []byte("null")):
		r.i += 4
		return nil, nil
	case c == 't' && bytes.HasPrefix(r.data[r.i:], []byte("true")):
		r.i += 4
		return true, nil
	case c == 'f' && bytes.HasPrefix(r.data[r.i:], []byte("false")):
		r.i += 5
		return false, nil
	case c == '-' || (c >= '0' && c <= '9'):
		start, integer := r.i, true
		for r.i < len(r.data) {
			b := r.data[r.i]
			if b == '.' || b == 'e' || b == 'E' || b == '+' {
				integer = false
			} else if b != '-' && (b < '0' || b > '9') {
				break
			}
			r.i++
		}
		text := string(r.data[start:r.i])
		if ints && integer {
			if n, err := strconv.ParseInt(text, 10, 64); err == nil {
				return n, nil
			}
		}
		return strconv.ParseFloat(text, 64)
	}
	return nil, r.fail()
}

// str reads a JSON string; escapes go through encoding/json.
func (r *rowReader) str() (string, error) {
	if r.next() != '"' {
		return "", r.fail()
	}
	start := r.i
	r.i++
	escaped := false
	for r.i < len(r.data) {
		switch r.data[r.i] {
		case '\\':
			escaped = true
			r.i += 2
			continue
		case '"':
			r.i++
			if !escaped {
				return r.text(r.data[start+1 : r.i-1]), nil
			}
			return unescape(r.data[start+1 : r.i-1])
		}
		r.i++
	}
	return "", r.fail()
}

// unescape decodes the escapes of a JSON string body (the library writes
// \" \\ \n \r \t \b \f and \uXXXX); anything unusual goes through
// encoding/json.
func unescape(b []byte) (string, error) {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		if i+1 >= len(b) {
			return "", decodeError{i}
		}
		i++
		switch b[i] {
		case '"', '\\', '/':
			out = append(out, b[i])
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'u':
			r, ok := hex4(b, i+1)
			if !ok || utf16.IsSurrogate(r) {
				// Surrogate pairs and malformed escapes: encoding/json's rules.
				var s string
				err := json.Unmarshal(append(append([]byte{'"'}, b...), '"'), &s)
				return s, err
			}
			out = utf8.AppendRune(out, r)
			i += 4
		default:
			return "", decodeError{i}
		}
	}
	return string(out), nil
}

func hex4(b []byte, at int) (rune, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[at : at+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// text converts b to a string, sharing one copy of short repeated ones.
func (r *rowReader) text(b []byte) string {
	if len(b) > internMaxLen || r.intern == nil {
		return string(b)
	}
	if s, ok := r.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(r.intern) < internMaxCount {
		r.intern[s] = s
	}
	return s
}

// skip passes over one object or array, strings included.
func (r *rowReader) skip() error {
	depth := 0
	for r.i < len(r.data) {
		switch r.data[r.i] {
		case '"':
			if _, err := r.str(); err != nil {
				return err
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				r.i++
				return nil
			}
		}
		r.i++
	}
	return r.fail()
}
