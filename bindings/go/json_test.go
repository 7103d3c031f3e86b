package store

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestJSON_MarshalIndent_Good_MatchesEncodingJSON(t *testing.T) {
	values := []any{
		nil,
		42,
		"plain",
		"<tag> & \u2028 \"quoted\" [not, a: {container}]",
		[]any{},
		map[string]any{},
		[]any{[]any{}, map[string]any{}, 1, "two", nil, true},
		map[string]any{"b": []int{1, 2, 3}, "a": map[string]any{"nested": map[string]any{}, "list": []any{map[string]any{"x": 1.5}}}, "c": nil},
		struct {
			Name  string         `json:"name"`
			Tags  []string       `json:"tags"`
			Inner map[string]int `json:"inner,omitempty"`
			Raw   RawMessage     `json:"raw"`
		}{"n", []string{"x", "y"}, map[string]int{"k": 1}, RawMessage(` { "spaced" : [ 1 , 2 ] } `)},
	}
	layouts := [][2]string{{"", "  "}, {"", "\t"}, {">", "  "}, {"// ", "...."}, {"p", ""}}
	for _, value := range values {
		for _, layout := range layouts {
			want, err := json.MarshalIndent(value, layout[0], layout[1])
			if err != nil {
				t.Fatalf("encoding/json: %v", err)
			}
			got, err := MarshalIndent(value, layout[0], layout[1])
			if err != nil {
				t.Fatalf("MarshalIndent(%#v): %v", value, err)
			}
			if string(got) != string(want) {
				t.Errorf("MarshalIndent(%#v, %q, %q)\n got %s\nwant %s", value, layout[0], layout[1], got, want)
			}
		}
	}
}

func TestJSON_MarshalIndent_Good_EmptyLayoutIsCompact(t *testing.T) {
	value := map[string]any{"list": []int{1, 2}, "html": "<&>"}
	got, err := MarshalIndent(value, "", "")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(value)
	if string(got) != string(want) || strings.Contains(string(got), "\n") {
		t.Fatalf("got %s, want compact %s", got, want)
	}
}

func TestJSON_MarshalIndent_Bad_Unsupported(t *testing.T) {
	_, err := MarshalIndent(map[string]any{"ch": make(chan int)}, "", "  ")
	if err == nil || !strings.HasPrefix(err.Error(), "store.MarshalIndent: marshal: ") {
		t.Fatalf("error = %v", err)
	}
	var unsupported *json.UnsupportedTypeError
	if !errors.As(err, &unsupported) {
		t.Fatalf("cause lost: %v", err)
	}
	if _, err := MarshalIndent(RawMessage(`{"broken"`), "", " "); err == nil {
		t.Fatal("invalid raw JSON was accepted")
	}
}

func TestJSON_RawMessage_Good_Marshal(t *testing.T) {
	for _, m := range []RawMessage{nil, {}} {
		got, err := m.MarshalJSON()
		if err != nil || string(got) != "null" {
			t.Fatalf("empty MarshalJSON = %q, %v", got, err)
		}
	}
	got, err := RawMessage(`{"a":1}`).MarshalJSON()
	if err != nil || string(got) != `{"a":1}` {
		t.Fatalf("MarshalJSON = %q, %v", got, err)
	}
	embedded, err := json.Marshal(map[string]any{"empty": RawMessage(nil), "raw": RawMessage(` [1, 2] `)})
	if err != nil || string(embedded) != `{"empty":null,"raw":[1,2]}` {
		t.Fatalf("embedded = %s, %v", embedded, err)
	}
}

func TestJSON_RawMessage_Good_UnmarshalCopies(t *testing.T) {
	var holder struct {
		Raw RawMessage `json:"raw"`
	}
	if err := json.Unmarshal([]byte(`{"raw": {"x": [1, "two"]}}`), &holder); err != nil {
		t.Fatal(err)
	}
	if string(holder.Raw) != `{"x": [1, "two"]}` {
		t.Fatalf("raw = %s", holder.Raw)
	}
	data := []byte(`"abc"`)
	message := make(RawMessage, 0, 16)
	backing := &message[:1][0]
	if err := message.UnmarshalJSON(data); err != nil {
		t.Fatal(err)
	}
	data[1] = 'X'
	if string(message) != `"abc"` {
		t.Fatalf("message aliases its input: %s", message)
	}
	if &message[0] != backing {
		t.Fatal("capacity was not reused")
	}
}

func TestJSON_RawMessage_Bad_NilReceiver(t *testing.T) {
	var message *RawMessage
	err := message.UnmarshalJSON([]byte(`1`))
	if err == nil || err.Error() != "store.RawMessage.UnmarshalJSON: nil receiver" {
		t.Fatalf("error = %v", err)
	}
}
