package store

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#include "medium_shims.h"
*/
import "C"

import (
	"encoding/json"
	"unsafe"
)

// ExportLineProtocol converts journal rows (QueryJournal's rows, or the
// decoded lines of a Compact archive) to InfluxDB line protocol, one line
// per row, ready for InfluxDB or Telegraf: the measurement, tags and fields
// sorted by key, integers with the i suffix, strings quoted and escaped,
// and committed_at (Unix ms) as a nanosecond timestamp. A row needs
// "measurement" and "fields_json" or "fields"; "tags_json"/"tags" and
// "committed_at" are optional. Rows line protocol cannot carry (an empty
// or control-character name, a trailing backslash, no fields) are an error
// naming the row; nothing is silently changed.
func ExportLineProtocol(rows []map[string]any) (string, error) {
	if rows == nil {
		rows = []map[string]any{}
	}
	encoded, err := json.Marshal(rows)
	if err != nil {
		return "", usageError("store.ExportLineProtocol", "encode rows: "+err.Error())
	}
	return ExportLineProtocolJSON(string(encoded))
}

// ExportLineProtocolJSON is ExportLineProtocol for rows already encoded as
// JSON: an array of row objects, or one row object per line (an archive's
// decompressed content).
func ExportLineProtocolJSON(rowsJSON string) (string, error) {
	r := C.go_export_line_protocol(rowsJSON)
	if r.status != statusOK {
		return "", failure(r.status, r.err)
	}
	defer C.go_bytes_free(r.out)
	return C.GoStringN((*C.char)(unsafe.Pointer(r.out.ptr)), C.int(r.out.len)), nil
}
