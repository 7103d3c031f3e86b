package store

// The cgo layer. Every call into libstore goes through one of the small C
// shims in shims.h, so each operation costs one cgo crossing: the shim
// makes the call and, on failure, copies store_last_error() into a malloc'd
// string before returning. The last-error message is per OS thread and one
// cgo call runs on one thread, so no runtime.LockOSThread is needed.
//
// Go strings are handed to C as _GoString_ (pointer + length, no copy);
// they hold no Go pointers, which cgo permits. Out-parameters live on the C
// stack inside the shims and come back in the returned struct, so no Go
// variable escapes to the heap for them.

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#include "shims.h"
*/
import "C"

import (
	"math"
	"runtime/cgo"
	"sync/atomic"
	"time"
	"unsafe"
)

// Status codes of the C ABI that the binding branches on.
const (
	statusOK            = C.STORE_OK
	statusNotFound      = C.STORE_NOT_FOUND
	statusQuotaExceeded = C.STORE_QUOTA_EXCEEDED
	statusClosed        = C.STORE_CLOSED
	statusTimeout       = C.STORE_TIMEOUT
)

// kvHandle is a borrowed store_kv view: a store, scoped store or transaction.
type kvHandle = *C.store_kv

// failure turns a failed shim result into a Go error and frees the copied
// message. It returns nil for STORE_OK.
func failure(status C.uint32_t, message *C.char) error {
	if status == statusOK {
		return nil
	}
	text := "store: unknown error"
	if message != nil {
		text = C.GoString(message)
		C.free(unsafe.Pointer(message))
	}
	return &Error{Status: int(status), message: text}
}

func resultErr(r C.go_res) error { return failure(r.status, r.err) }

func cSet(kv kvHandle, group, key, value string) error {
	return resultErr(C.go_set(kv, group, key, value))
}

func cSetWithTTL(kv kvHandle, group, key, value string, ttlMs int64) error {
	return resultErr(C.go_set_ttl(kv, group, key, value, C.int64_t(ttlMs)))
}

func cDelete(kv kvHandle, group, key string) error {
	return resultErr(C.go_delete(kv, group, key))
}

func cExists(kv kvHandle, group, key string) (bool, error) {
	r := C.go_exists(kv, group, key)
	return r.n != 0, resultErr(r)
}

func cGroupExists(kv kvHandle, group string) (bool, error) {
	r := C.go_group_exists(kv, group)
	return r.n != 0, resultErr(r)
}

func cCount(kv kvHandle, group string) (int, error) {
	r := C.go_count(kv, group)
	return int(r.n), resultErr(r)
}

func cCountAll(kv kvHandle, prefix string) (int, error) {
	r := C.go_count_all(kv, prefix)
	return int(r.n), resultErr(r)
}

func cDeleteGroup(kv kvHandle, group string) error {
	return resultErr(C.go_delete_group(kv, group))
}

func cDeletePrefix(kv kvHandle, prefix string) error {
	return resultErr(C.go_delete_prefix(kv, prefix))
}

func cPurgeExpired(kv kvHandle) (int64, error) {
	r := C.go_purge(kv)
	return int64(r.n), resultErr(r)
}

// defaultGroup is the group of the scoped single-key helpers (Get(key), Set(key, value)).
const defaultGroup = C.STORE_DEFAULT_GROUP

// abiVersion is the ABI the binding was compiled against (from store.h).
const abiVersion = C.STORE_ABI_VERSION

func loadedABIVersion() uint32 { return uint32(C.store_abi_version()) }

func loadedVersion() string { return C.GoString(C.store_version()) }

// getHint is the buffer size Get starts with; it grows (up to maxGetHint)
// when values spill, so most reads need one crossing and one allocation.
var getHint atomic.Int64

const (
	minGetHint = 64
	maxGetHint = 4096
)

func init() { getHint.Store(minGetHint) }

// cGet reads a value into a fresh Go buffer that becomes the returned
// string without another copy. Values larger than the buffer come back in a
// library buffer, which is copied and freed.
func cGet(kv kvHandle, group, key string) (string, error) {
	size := getHint.Load()
	buf := make([]byte, size)
	r := C.go_get(kv, group, key, (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(buf))), C.size_t(size))
	if r.status != statusOK {
		return "", failure(r.status, r.err)
	}
	n := int64(r.len)
	switch {
	case n == 0:
		return "", nil
	case n <= size:
		return unsafe.String(unsafe.SliceData(buf), n), nil
	}
	value := string(unsafe.Slice((*byte)(unsafe.Pointer(r.spill.ptr)), n))
	C.go_bytes_free(r.spill)
	if n <= maxGetHint {
		grown := int64(minGetHint)
		for grown < n {
			grown *= 2
		}
		if grown > getHint.Load() {
			getHint.Store(grown)
		}
	}
	return value, nil
}

// arena is one Go copy of a packed list's string storage: the library packs
// every string of a list into one allocation, so the binding copies that
// block once and slices it, instead of allocating per row.
type arena struct {
	base uintptr
	text string
}

func newArena(first, last C.store_slice) arena {
	base := uintptr(unsafe.Pointer(first.ptr))
	end := uintptr(unsafe.Pointer(last.ptr)) + uintptr(last.len)
	if first.ptr == nil || end < base {
		return arena{}
	}
	return arena{base: base, text: string(unsafe.Slice((*byte)(unsafe.Pointer(first.ptr)), end-base))}
}

// str returns the Go string for s, sliced from the arena when s lies inside
// it and copied otherwise (so a different packing stays correct).
func (a arena) str(s C.store_slice) string {
	if s.len == 0 {
		return ""
	}
	off := uintptr(unsafe.Pointer(s.ptr)) - a.base
	if a.text != "" && uintptr(unsafe.Pointer(s.ptr)) >= a.base && off+uintptr(s.len) <= uintptr(len(a.text)) {
		return a.text[off : off+uintptr(s.len)]
	}
	return string(unsafe.Slice((*byte)(unsafe.Pointer(s.ptr)), s.len))
}

// visitPairs calls visit for each row of a packed list, then frees it.
func visitPairs(list C.store_pairs, visit func(key, value string)) {
	if list.len > 0 {
		items := unsafe.Slice(list.items, list.len)
		a := newArena(items[0].key, items[len(items)-1].value)
		for i := range items {
			visit(a.str(items[i].key), a.str(items[i].value))
		}
	}
	C.go_pairs_free(list)
}

// stringList converts a packed string list to Go strings and frees it.
func stringList(list C.store_strings) []string {
	out := make([]string, int(list.len))
	if list.len > 0 {
		items := unsafe.Slice(list.items, list.len)
		a := newArena(items[0], items[len(items)-1])
		for i := range items {
			out[i] = a.str(items[i])
		}
	}
	C.go_strings_free(list)
	return out
}

func pairsToKeyValues(list C.store_pairs) []KeyValue {
	out := make([]KeyValue, 0, int(list.len))
	visitPairs(list, func(k, v string) { out = append(out, KeyValue{Key: k, Value: v}) })
	return out
}

func cGetAll(kv kvHandle, group string) (map[string]string, error) {
	r := C.go_get_all(kv, group)
	if r.status != statusOK {
		return nil, failure(r.status, r.err)
	}
	out := make(map[string]string, int(r.list.len))
	visitPairs(r.list, func(k, v string) { out[k] = v })
	return out, nil
}

func cGetPage(kv kvHandle, group string, offset, limit int) ([]KeyValue, error) {
	r := C.go_get_page(kv, group, C.int64_t(offset), C.int64_t(limit))
	if r.status != statusOK {
		return nil, failure(r.status, r.err)
	}
	return pairsToKeyValues(r.list), nil
}

func stringsResult(r C.go_strings_res) ([]string, error) {
	if r.status != statusOK {
		return nil, failure(r.status, r.err)
	}
	return stringList(r.list), nil
}

func cGroups(kv kvHandle, prefix string) ([]string, error) {
	return stringsResult(C.go_groups(kv, prefix))
}

func cGetSplit(kv kvHandle, group, key, separator string) ([]string, error) {
	return stringsResult(C.go_get_split(kv, group, key, separator))
}

func cGetFields(kv kvHandle, group, key string) ([]string, error) {
	return stringsResult(C.go_get_fields(kv, group, key))
}

// iterBatch is how many rows All fetches per crossing.
const iterBatch = 512

// cIter is a library iterator: rows are fetched a batch at a time and no
// database connection is held between batches, so loop bodies may call the store.
type cIter struct{ handle unsafe.Pointer }

func cIterOpen(kv kvHandle, group string) (cIter, error) {
	r := C.go_iter_open(kv, group)
	return cIter{handle: r.handle}, failure(r.status, r.err)
}

func (it cIter) next() ([]KeyValue, error) {
	r := C.go_iter_next(it.handle, iterBatch)
	if r.status != statusOK {
		return nil, failure(r.status, r.err)
	}
	return pairsToKeyValues(r.list), nil
}

func (it cIter) free() { C.go_iter_free(it.handle) }

// cOpen opens a store; the returned handles are owned by the caller.
func cOpen(path string, c StoreConfig) (unsafe.Pointer, kvHandle, error) {
	if c.Medium != nil {
		return cOpenWithMedium(path, c)
	}
	r := C.go_open(path, C.int64_t(durationMs(c.PurgeInterval)), busyMs(c.BusyTimeout), c.WorkspaceStateDirectory,
		c.Journal.EndpointURL, c.Journal.Organisation, c.Journal.BucketName)
	if r.status != statusOK {
		return nil, nil, failure(r.status, r.err)
	}
	return r.handle, r.kv, nil
}

func cValidate(c StoreConfig) error {
	return resultErr(C.go_validate(c.DatabasePath, C.int64_t(durationMs(c.PurgeInterval)), busyMs(c.BusyTimeout), c.WorkspaceStateDirectory,
		c.Journal.EndpointURL, c.Journal.Organisation, c.Journal.BucketName))
}

// busyMs converts a busy timeout for the library: 0 keeps its default
// (5 s), anything else is at least 1 ms and at most what uint32 holds.
func busyMs(d time.Duration) C.uint32_t {
	switch {
	case d <= 0:
		return 0
	case d < time.Millisecond:
		return 1
	case d.Milliseconds() > math.MaxUint32:
		return math.MaxUint32
	}
	return C.uint32_t(d.Milliseconds())
}

func optionsResult(r C.go_options_res) (time.Duration, string, error) {
	if r.status != statusOK {
		return 0, "", failure(r.status, r.err)
	}
	dir := string(unsafe.Slice((*byte)(unsafe.Pointer(r.dir.ptr)), r.dir.len))
	return time.Duration(r.purge_ms) * time.Millisecond, dir, nil
}

// cNormalise returns the library's normalised purge interval and directory.
func cNormalise(purge time.Duration, dir string) (time.Duration, string, error) {
	return optionsResult(C.go_normalise(C.int64_t(durationMs(purge)), dir))
}

// cStoreOptions reads the normalised purge interval and directory of an open store.
func cStoreOptions(db unsafe.Pointer) (time.Duration, string, error) {
	return optionsResult(C.go_store_options((*C.store_db)(db)))
}

func cClose(db unsafe.Pointer) error { return resultErr(C.go_close((*C.store_db)(db))) }

func cIsClosed(db unsafe.Pointer) bool { return bool(C.store_is_closed((*C.store_db)(db))) }

func cFree(db unsafe.Pointer) { C.store_free((*C.store_db)(db)) }

func cScopeOpen(db unsafe.Pointer, namespace string, q QuotaConfig) (unsafe.Pointer, kvHandle, error) {
	r := C.go_scope_open((*C.store_db)(db), namespace, C.int64_t(q.MaxKeys), C.int64_t(q.MaxGroups), C.int64_t(q.MaxBytes))
	if r.status != statusOK {
		return nil, nil, failure(r.status, r.err)
	}
	return r.handle, r.kv, nil
}

func cScopeValidate(namespace string, q QuotaConfig) error {
	return resultErr(C.go_scope_validate(namespace, C.int64_t(q.MaxKeys), C.int64_t(q.MaxGroups), C.int64_t(q.MaxBytes)))
}

func cQuotaValidate(q QuotaConfig) error {
	return resultErr(C.go_quota_validate(C.int64_t(q.MaxKeys), C.int64_t(q.MaxGroups), C.int64_t(q.MaxBytes)))
}

func cJournalValidate(j JournalConfiguration) error {
	return resultErr(C.go_journal_validate(j.EndpointURL, j.Organisation, j.BucketName))
}

func cScopeSetQuota(scope unsafe.Pointer, q QuotaConfig) error {
	return resultErr(C.go_scope_set_quota(scope, C.int64_t(q.MaxKeys), C.int64_t(q.MaxGroups), C.int64_t(q.MaxBytes)))
}

func cScopeFree(scope unsafe.Pointer) { C.go_scope_free(scope) }

func cTxnBegin(kv kvHandle) (unsafe.Pointer, kvHandle, error) {
	r := C.go_txn_begin(kv)
	if r.status != statusOK {
		return nil, nil, failure(r.status, r.err)
	}
	return r.handle, r.kv, nil
}

func cTxnCommit(txn unsafe.Pointer) error   { return resultErr(C.go_txn_commit(txn)) }
func cTxnRollback(txn unsafe.Pointer) error { return resultErr(C.go_txn_rollback(txn)) }
func cTxnFree(txn unsafe.Pointer)           { C.go_txn_free(txn) }

// cSubscribe registers the callback behind handle for every event of the
// view. The library calls goStoreRelease(handle) exactly once, also when
// subscribing fails.
func cSubscribe(kv kvHandle, handle cgo.Handle) (unsafe.Pointer, error) {
	r := C.go_subscribe(kv, "*", C.uintptr_t(handle))
	return r.handle, failure(r.status, r.err)
}

// cSubscribeWatcher registers the sink behind handle as a watch callback:
// the library calls it at commit time under its writer lock, so it must not
// block. goStoreRelease(handle) runs exactly once, also on failure.
func cSubscribeWatcher(kv kvHandle, group string, handle cgo.Handle) (unsafe.Pointer, error) {
	r := C.go_subscribe_watcher(kv, group, C.uintptr_t(handle))
	return r.handle, failure(r.status, r.err)
}

func cUnsubscribe(sub unsafe.Pointer) { C.go_unsubscribe(sub) }

// eventFromC copies a borrowed library event into Go memory, with one
// allocation for its three strings.
func eventFromC(e *C.store_event) Event {
	g, k, v := int(e.group.len), int(e.key.len), int(e.value.len)
	buf := make([]byte, g+k+v)
	copy(buf, unsafe.Slice((*byte)(unsafe.Pointer(e.group.ptr)), g))
	copy(buf[g:], unsafe.Slice((*byte)(unsafe.Pointer(e.key.ptr)), k))
	copy(buf[g+k:], unsafe.Slice((*byte)(unsafe.Pointer(e.value.ptr)), v))
	all := unsafe.String(unsafe.SliceData(buf), len(buf))
	return Event{
		Type:      EventType(e.kind),
		Group:     all[:g],
		Key:       all[g : g+k],
		Value:     all[g+k:],
		Timestamp: time.UnixMilli(int64(e.timestamp_ms)),
		Seq:       uint64(e.seq),
	}
}
