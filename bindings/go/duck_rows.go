package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// The library hands a query result over as one JSON document:
//
//	{"columns":[{"name":"model","type":"VARCHAR"},…],"rows":[["m1",0.9],…]}
//
// encoding/json would validate it, copy every cell into a RawMessage and
// parse it again; decoding 100k rows that way cost more than the query.
// rowDoc walks the document once instead, slices each cell out of one
// string (so text cells share its memory instead of each getting a copy),
// and converts it by the column's type resolved once per result. Values
// that need a real JSON decoder (lists, structs, escaped text) still get it.

type column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// duckTable is one query result in column order.
type duckTable struct {
	columns []column
	rows    [][]any
}

// decodeDuckTable converts the library's document into typed values in
// column order (see QueryRows for the Go type of each DuckDB type).
func decodeDuckTable(op string, doc []byte) (duckTable, error) {
	var table duckTable
	columns, err := walkDuckRows(op, doc, func(values []any) {
		table.rows = append(table.rows, append([]any(nil), values...))
	})
	table.columns = columns
	return table, err
}

// decodeDuckRows converts the library's document into row maps.
func decodeDuckRows(doc []byte) ([]map[string]any, error) {
	var rows []map[string]any
	var columns []column
	columns, err := walkDuckRows("store.DuckDB.QueryRows", doc, func(values []any) {
		row := make(map[string]any, len(values))
		for j, v := range values {
			row[columns[j].Name] = v
		}
		rows = append(rows, row)
	}, &columns)
	if err != nil {
		return nil, err
	}
	if rows == nil {
		rows = []map[string]any{}
	}
	return rows, nil
}

// walkDuckRows calls row once per row with that row's values (the slice is
// reused between calls). When seen is given, it receives the columns as
// soon as they are known, before the first row.
func walkDuckRows(op string, doc []byte, row func([]any), seen ...*[]column) ([]column, error) {
	if len(doc) == 0 {
		return nil, fmt.Errorf("%s: decode rows: empty document", op)
	}
	// doc is this call's own copy of the library's buffer and is never
	// written again, so the string may share its memory.
	d := rowDoc{s: unsafe.String(&doc[0], len(doc))}
	var (
		columns []column
		kinds   []cellKind
		values  []any
		gotCols bool
	)
	fail := func(err error) ([]column, error) { return columns, fmt.Errorf("%s: decode rows: %w", op, err) }
	if err := d.expect('{'); err != nil {
		return fail(err)
	}
	for {
		key, _, err := d.value()
		if err != nil {
			return fail(err)
		}
		if err := d.expect(':'); err != nil {
			return fail(err)
		}
		switch key {
		case `"columns"`:
			raw, _, err := d.value()
			if err != nil {
				return fail(err)
			}
			if err := json.Unmarshal([]byte(raw), &columns); err != nil {
				return fail(err)
			}
			kinds = make([]cellKind, len(columns))
			for i, c := range columns {
				kinds[i] = kindOf(c.Type)
			}
			values = make([]any, len(columns))
			gotCols = true
			for _, p := range seen {
				*p = columns
			}
		case `"rows"`:
			if !gotCols {
				return fail(errors.New("rows before columns"))
			}
			if err := d.rows(columns, kinds, values, row); err != nil {
				return columns, fmt.Errorf("%s: %w", op, err)
			}
		default:
			if _, _, err := d.value(); err != nil {
				return fail(err)
			}
		}
		if d.peek() == ',' {
			d.pos++
			continue
		}
		if err := d.expect('}'); err != nil {
			return fail(err)
		}
		return columns, nil
	}
}

// rowDoc is a cursor over a JSON document the library wrote.
type rowDoc struct {
	s   string
	pos int
}

var errDocEnd = errors.New("unexpected end of document")

func (d *rowDoc) peek() byte {
	for d.pos < len(d.s) {
		switch c := d.s[d.pos]; c {
		case ' ', '\n', '\t', '\r':
			d.pos++
		default:
			return c
		}
	}
	return 0
}

func (d *rowDoc) expect(c byte) error {
	if d.peek() != c {
		if d.pos >= len(d.s) {
			return errDocEnd
		}
		return fmt.Errorf("offset %d: expected %q, found %q", d.pos, c, d.s[d.pos])
	}
	d.pos++
	return nil
}

// value returns the text of the next value (strings keep their quotes) and
// whether a string holds escapes.
func (d *rowDoc) value() (text string, escaped bool, err error) {
	c := d.peek()
	start := d.pos
	switch c {
	case 0:
		return "", false, errDocEnd
	case '"':
		end, escaped, err := d.skipString()
		if err != nil {
			return "", false, err
		}
		return d.s[start:end], escaped, nil
	case '[', '{':
		depth := 0
		for d.pos < len(d.s) {
			switch d.s[d.pos] {
			case '"':
				if _, _, err := d.skipString(); err != nil {
					return "", false, err
				}
				continue
			case '[', '{':
				depth++
			case ']', '}':
				depth--
				if depth == 0 {
					d.pos++
					return d.s[start:d.pos], false, nil
				}
			}
			d.pos++
		}
		return "", false, errDocEnd
	default:
		for d.pos < len(d.s) {
			switch d.s[d.pos] {
			case ',', ']', '}', ' ', '\n', '\t', '\r':
				return d.s[start:d.pos], false, nil
			}
			d.pos++
		}
		return d.s[start:], false, nil
	}
}

// skipString moves past the string starting at pos and returns its end.
func (d *rowDoc) skipString() (end int, escaped bool, err error) {
	d.pos++ // opening quote
	for {
		i := strings.IndexByte(d.s[d.pos:], '"')
		if i < 0 {
			return 0, false, errDocEnd
		}
		seg := d.s[d.pos : d.pos+i]
		if strings.IndexByte(seg, '\\') < 0 {
			d.pos += i + 1
			return d.pos, escaped, nil
		}
		escaped = true
		// Count the backslashes right before the quote: odd means escaped.
		n := 0
		for n < len(seg) && seg[len(seg)-1-n] == '\\' {
			n++
		}
		d.pos += i + 1
		if n%2 == 0 {
			return d.pos, true, nil
		}
	}
}

func (d *rowDoc) rows(columns []column, kinds []cellKind, values []any, row func([]any)) error {
	if err := d.expect('['); err != nil {
		return fmt.Errorf("decode rows: %w", err)
	}
	if d.peek() == ']' {
		d.pos++
		return nil
	}
	for {
		if err := d.expect('['); err != nil {
			return fmt.Errorf("decode rows: %w", err)
		}
		for j := range columns {
			if j > 0 {
				if err := d.expect(','); err != nil {
					return fmt.Errorf("decode rows: %w", err)
				}
			}
			text, escaped, err := d.value()
			if err != nil {
				return fmt.Errorf("decode rows: %w", err)
			}
			v, err := kinds[j].decode(columns[j].Type, text, escaped)
			if err != nil {
				return fmt.Errorf("column %s: %w", columns[j].Name, err)
			}
			values[j] = v
		}
		if err := d.expect(']'); err != nil {
			return fmt.Errorf("decode rows: %w", err)
		}
		row(values)
		if d.peek() == ',' {
			d.pos++
			continue
		}
		if err := d.expect(']'); err != nil {
			return fmt.Errorf("decode rows: %w", err)
		}
		return nil
	}
}

// cellKind is a column type with a fast path; other types go through convert.
type cellKind uint8

const (
	cellOther cellKind = iota
	cellText
	cellBigint
	cellInteger
	cellDouble
	cellBoolean
	cellTimestamp
)

func kindOf(typ string) cellKind {
	switch typ {
	case "VARCHAR":
		return cellText
	case "BIGINT":
		return cellBigint
	case "INTEGER":
		return cellInteger
	case "DOUBLE":
		return cellDouble
	case "BOOLEAN":
		return cellBoolean
	case "TIMESTAMP":
		return cellTimestamp
	}
	return cellOther
}

func (k cellKind) decode(typ, text string, escaped bool) (any, error) {
	if text == "null" {
		return nil, nil
	}
	switch k {
	case cellText:
		if !escaped && len(text) >= 2 && text[0] == '"' {
			return text[1 : len(text)-1], nil
		}
	case cellBigint:
		return strconv.ParseInt(text, 10, 64)
	case cellInteger:
		v, err := strconv.ParseInt(text, 10, 32)
		return int32(v), err
	case cellDouble:
		if text[0] != '"' {
			return strconv.ParseFloat(text, 64)
		}
	case cellBoolean:
		return text == "true", nil
	case cellTimestamp:
		if t, ok := plainTimestamp(text); ok {
			return t, nil
		}
	}
	return convert(typ, json.RawMessage(text))
}

// plainTimestamp reads the library's common TIMESTAMP form,
// "YYYY-MM-DD hh:mm:ss[.fffffffff]" in quotes, without time.Parse; anything
// else (years past 9999, BC, infinity) is left to convert.
func plainTimestamp(quoted string) (time.Time, bool) {
	n := len(quoted)
	if n < 21 || quoted[0] != '"' || quoted[n-1] != '"' {
		return time.Time{}, false
	}
	s := quoted[1 : n-1]
	if s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	num := func(from, to int) (int, bool) {
		v := 0
		for i := from; i < to; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	year, ok1 := num(0, 4)
	month, ok2 := num(5, 7)
	day, ok3 := num(8, 10)
	hour, ok4 := num(11, 13)
	minute, ok5 := num(14, 16)
	second, ok6 := num(17, 19)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59 {
		return time.Time{}, false
	}
	nanos := 0
	if len(s) > 19 {
		digits := len(s) - 20
		if s[19] != '.' || digits < 1 || digits > 9 {
			return time.Time{}, false
		}
		v, ok := num(20, len(s))
		if !ok {
			return time.Time{}, false
		}
		for i := digits; i < 9; i++ {
			v *= 10
		}
		nanos = v
	}
	t := time.Date(year, time.Month(month), day, hour, minute, second, nanos, time.UTC)
	if t.Day() != day { // 31 February and the like: let time.Parse refuse it
		return time.Time{}, false
	}
	return t, true
}
