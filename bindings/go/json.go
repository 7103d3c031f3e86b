package store

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// RawMessage is pre-encoded JSON that is embedded verbatim when marshalled
// (the encoder still validates and compacts it), as go-store's RawMessage.
type RawMessage []byte

// MarshalJSON returns the bytes unchanged, or null when there are none.
func (m RawMessage) MarshalJSON() ([]byte, error) {
	if len(m) == 0 {
		return []byte("null"), nil
	}
	return m, nil
}

// UnmarshalJSON keeps a copy of data, reusing the message's capacity; the
// decoder may reuse data after the call, so it is never aliased.
func (m *RawMessage) UnmarshalJSON(data []byte) error {
	if m == nil {
		return usageError("store.RawMessage.UnmarshalJSON", "nil receiver")
	}
	*m = append((*m)[:0], data...)
	return nil
}

// MarshalIndent encodes value as encoding/json does and lays it out with
// one element per line, each line after the first starting with prefix and
// one indent per nesting level; the output equals json.MarshalIndent's.
// With prefix and indent both empty it returns the compact encoding (where
// json.MarshalIndent would still break lines), as go-store does.
func MarshalIndent(value any, prefix, indent string) ([]byte, error) {
	compact, err := json.Marshal(value)
	if err != nil {
		return nil, fmt.Errorf("store.MarshalIndent: marshal: %w", err)
	}
	if prefix == "" && indent == "" {
		return compact, nil
	}
	var out bytes.Buffer
	out.Grow(len(compact) * 2)
	// compact is json.Marshal output, which Indent always accepts.
	if err := json.Indent(&out, compact, prefix, indent); err != nil {
		return nil, fmt.Errorf("store.MarshalIndent: indent: %w", err)
	}
	return out.Bytes(), nil
}
