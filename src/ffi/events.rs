//! Change events through the C ABI: callback subscriptions and watch queues.

use super::boundary::{call, call_or, set_last_error, store_status};
use super::handles::{kv_ref, store_kv};
use super::sized::{check_out, own_size, write_out, Growable};
use super::types::{bytes, need, put, store_slice};
use crate::base::error::{Error, ErrorKind, Result};
use crate::{Event, WatchEnd};
use crate::kv::Kv;
use crate::{Subscription, Watcher};
use parking_lot::Mutex;
use std::ffi::{c_char, c_void};
use std::time::Duration;

/// A key was written.
pub const STORE_EVENT_SET: u32 = 0;
/// A key was deleted (explicitly, by lazy expiry, or by a purge).
pub const STORE_EVENT_DELETE: u32 = 1;
/// A group was deleted.
pub const STORE_EVENT_DELETE_GROUP: u32 = 2;
/// Default watch queue capacity (go-store's channel size).
pub const STORE_WATCH_DEFAULT_CAPACITY: usize = 16;

/// One committed change. Every slice is borrowed: in a callback, for the
/// duration of the call; from `store_watch_next`, until the next call on
/// that watch or `store_watch_free`.
///
/// Fields are only ever appended. In a callback, `struct_size` is the size
/// of the library's layout: read a field only if it ends within it. For
/// `store_watch_next`, set `struct_size` first (`STORE_EVENT_INIT` does):
/// the library writes only `min(struct_size, its own size)` bytes and sets
/// `struct_size` to that; every size from `STORE_EVENT_SIZE_V1` up works.
#[repr(C)]
pub struct store_event {
    /// `STORE_EVENT_SET`, `STORE_EVENT_DELETE` or `STORE_EVENT_DELETE_GROUP`.
    pub kind: u32,
    /// Bytes in the struct (see above). Sits where the first published
    /// layout had padding, so no other field moved.
    pub struct_size: u32,
    /// The group (namespace-local for scoped subscriptions).
    pub group: store_slice,
    /// The key; empty for delete-group.
    pub key: store_slice,
    /// The value for set; empty otherwise.
    pub value: store_slice,
    /// When the change was made (staged, in a transaction), Unix milliseconds.
    pub timestamp_ms: i64,
    /// Commit-order sequence number: strictly increasing per store from 1,
    /// assigned when the change commits. Every subscription and watch sees
    /// events in this order. Added after the first layout (0 from a library
    /// that predates it).
    pub seq: u64,
}

// The first published layout ends with `timestamp_ms`.
unsafe impl Growable for store_event {
    const NAME: &'static str = "store_event";
    const HOW: &'static str = "initialise it with STORE_EVENT_INIT or set struct_size = sizeof(store_event)";
    const FIRST_SIZE: usize = std::mem::offset_of!(store_event, timestamp_ms) + std::mem::size_of::<i64>();
    const SIZE_OFFSET: usize = std::mem::offset_of!(store_event, struct_size);

    fn defaults() -> store_event {
        store_event {
            kind: 0,
            struct_size: own_size::<store_event>(),
            group: store_slice::EMPTY,
            key: store_slice::EMPTY,
            value: store_slice::EMPTY,
            timestamp_ms: 0,
            seq: 0,
        }
    }
}

impl store_event {
    fn of(e: &Event) -> store_event {
        store_event {
            kind: e.kind() as u32,
            struct_size: own_size::<store_event>(),
            group: store_slice::of(e.group()),
            key: store_slice::of(e.key()),
            value: store_slice::of(e.value()),
            timestamp_ms: e.timestamp_ms(),
            seq: e.seq(),
        }
    }
}

/// Called for each matching event: on the thread that made the change,
/// after commit, outside every lock of the library. It may call any
/// `store_*` function, including subscribe, unsubscribe and `store_close`.
/// It must not unwind (C++ exceptions, longjmp) into the library.
pub type store_event_callback = Option<unsafe extern "C" fn(user_data: *mut c_void, event: *const store_event)>;

/// Called exactly once with `user_data` when the library no longer needs it:
/// after unsubscribing, when the store closes, or when subscribing fails.
/// Never runs while a call of the callback is in progress.
pub type store_release_callback = Option<unsafe extern "C" fn(user_data: *mut c_void)>;

/// A C callback and its user data, owned by the subscription. Dropping it
/// (when the last dispatch holding it ends) runs `release` once.
struct ForeignCallback {
    on_event: unsafe extern "C" fn(*mut c_void, *const store_event),
    user_data: *mut c_void,
    release: store_release_callback,
}

// The caller of `store_subscribe` promises, as the header says, that
// `user_data` may be used from whichever thread writes to the store.
unsafe impl Send for ForeignCallback {}
unsafe impl Sync for ForeignCallback {}

impl ForeignCallback {
    fn deliver(&self, event: &Event) {
        let e = store_event::of(event);
        unsafe { (self.on_event)(self.user_data, &e) }
    }
}

impl Drop for ForeignCallback {
    fn drop(&mut self) {
        if let Some(release) = self.release {
            unsafe { release(self.user_data) }
        }
    }
}

/// A callback subscription. Free (and unsubscribe) with `store_unsubscribe`.
pub struct store_subscription {
    subscription: Subscription,
}

/// Calls `callback(user_data, event)` for each change to `group` (`"*"` for
/// every group; namespace-local for a scoped view). `kv` must be a store or
/// scoped store view. `release(user_data)` (may be NULL) runs exactly once:
/// after `store_unsubscribe`, at store close, or before this function
/// returns an error. On success the caller owns `*out`.
///
/// Ordering: for each event, watch queues are filled first, then callbacks
/// run in subscription order; the set of callbacks for an event is fixed
/// when its delivery starts. `user_data` is used from the writing threads.
///
/// Ownership: `user_data` passes to the library until `release` runs;
/// `*out` becomes the caller's, freed with `store_unsubscribe`.
/// Thread: any thread that may use `kv`; the callback runs on the
/// writing threads (see `store_event_callback`).
#[no_mangle]
pub unsafe extern "C" fn store_subscribe(
    kv: *mut store_kv,
    group: *const u8,
    group_len: usize,
    callback: store_event_callback,
    user_data: *mut c_void,
    release: store_release_callback,
    out: *mut *mut store_subscription,
) -> store_status {
    call(move || subscribe_with(kv, group, group_len, callback, user_data, release, out, Delivery::Ordered))
}

#[derive(Clone, Copy)]
enum Delivery {
    Ordered,
    Immediate,
}

#[allow(clippy::too_many_arguments)]
unsafe fn subscribe_with(
    kv: *mut store_kv,
    group: *const u8,
    group_len: usize,
    callback: store_event_callback,
    user_data: *mut c_void,
    release: store_release_callback,
    out: *mut *mut store_subscription,
    delivery: Delivery,
) -> Result<()> {
    let owned = callback.map(|on_event| ForeignCallback { on_event, user_data, release });
    let Some(foreign) = owned else {
        if let Some(release) = release {
            release(user_data);
        }
        return Err(Error::invalid("store: callback is NULL"));
    };
    need(out, "out")?;
    let kv = kv_ref(kv)?;
    let group = bytes(group, group_len, "group")?;
    let deliver = move |event: &Event| foreign.deliver(event);
    let subscription = match delivery {
        Delivery::Ordered => kv.subscribe(group, deliver)?,
        Delivery::Immediate => kv.watch_with(group, deliver)?,
    };
    put(out, Box::into_raw(Box::new(store_subscription { subscription })), "out")
}

/// Like `store_subscribe`, but `callback` runs at commit time, on the
/// writing thread, while the store's writer lock is held, in commit order
/// and before every `store_subscribe` callback — the way go-store serves its
/// watch channels. Meant for handing the event on without blocking (a Go
/// channel send with `select`/`default`, a lock-free queue): the callback
/// must not block, and store calls made from it fail with `STORE_BUSY`.
/// Subscribing, unsubscribing and `release` follow `store_subscribe`.
///
/// Ownership: on success the caller owns `*out` (free with
/// `store_unsubscribe`). Thread: any; `user_data` is used from the writing
/// threads.
#[no_mangle]
pub unsafe extern "C" fn store_subscribe_watcher(
    kv: *mut store_kv,
    group: *const u8,
    group_len: usize,
    callback: store_event_callback,
    user_data: *mut c_void,
    release: store_release_callback,
    out: *mut *mut store_subscription,
) -> store_status {
    call(move || subscribe_with(kv, group, group_len, callback, user_data, release, out, Delivery::Immediate))
}

/// Unsubscribes, frees the handle and sets `*subscription` to NULL, so a
/// second call with the same variable is harmless (NULL and `*subscription`
/// NULL are ignored). Other copies of the pointer dangle afterwards. Waits
/// for running calls of the callback to finish, except when called from
/// inside that callback (then `release` runs after it returns).
///
/// Ownership: takes back the subscription; `release(user_data)` runs once
/// no call of the callback is running. Thread: any, once no other call on
/// this subscription handle is running.
#[no_mangle]
pub unsafe extern "C" fn store_unsubscribe(subscription: *mut *mut store_subscription) {
    call_or((), || {
        if subscription.is_null() {
            return;
        }
        let handle = subscription.replace(std::ptr::null_mut());
        if !handle.is_null() {
            Box::from_raw(handle).subscription.cancel();
        }
    })
}

/// A bounded queue of events (go-store `Watch`). One thread reads it with
/// `store_watch_next`; any thread may `store_watch_close` it. Free with
/// `store_watch_free`.
pub struct store_watch {
    watcher: Watcher,
    current: Mutex<Option<Event>>,
}

/// Opens a watch queue on `group` (`"*"` for every group; namespace-local
/// for a scoped view) holding up to `capacity` events (0 = 16). Writers
/// never wait for it: when full, new events are dropped and counted. On a
/// closed store the queue starts closed. The caller owns `*out`.
///
/// Ownership: `*out` becomes the caller's, freed with `store_watch_free`.
/// Thread: any thread that may use `kv`.
#[no_mangle]
pub unsafe extern "C" fn store_watch_open(
    kv: *mut store_kv,
    group: *const u8,
    group_len: usize,
    capacity: usize,
    out: *mut *mut store_watch,
) -> store_status {
    call(|| {
        need(out, "out")?;
        let watcher = kv_ref(kv)?.watch(bytes(group, group_len, "group")?, capacity)?;
        put(out, Box::into_raw(Box::new(store_watch { watcher, current: Mutex::new(None) })), "out")
    })
}

/// Takes the next event into `*out`, waiting up to `timeout_ms` (0 = poll,
/// negative = wait forever). Returns `STORE_OK`, `STORE_TIMEOUT` when none
/// arrived, or `STORE_CLOSED` once the queue is closed and drained. The
/// event's slices are borrowed until the next call on `watch`.
///
/// Ownership: `out` stays the caller's; its slices are borrowed from
/// `watch` until the next call on it or `store_watch_free`.
/// Thread: one reader thread at a time per watch.
#[no_mangle]
pub unsafe extern "C" fn store_watch_next(watch: *mut store_watch, timeout_ms: i64, out: *mut store_event) -> store_status {
    let mut timed_out = false;
    let status = call(|| {
        // Checked before taking an event, so a bad struct loses none.
        check_out(out, "out")?;
        let w = watch.as_ref().ok_or_else(|| Error::invalid("store: watch is NULL"))?;
        let timeout = (timeout_ms >= 0).then(|| Duration::from_millis(timeout_ms as u64));
        match w.watcher.next(timeout) {
            Ok(event) => {
                let mut current = w.current.lock();
                let e = store_event::of(&event);
                *current = Some(event);
                write_out(out, e, "out")
            }
            Err(WatchEnd::Timeout) => {
                timed_out = true;
                Ok(())
            }
            Err(WatchEnd::Closed) => Err(Error::new(ErrorKind::Closed, "store.Watch: watch is closed")),
        }
    });
    if timed_out {
        set_last_error("store.Watch: no event within the timeout");
        return store_status::STORE_TIMEOUT;
    }
    status
}

/// Events dropped because the queue was full. 0 for NULL.
///
/// Ownership: `watch` is borrowed for the call.
/// Thread: any.
#[no_mangle]
pub unsafe extern "C" fn store_watch_dropped(watch: *const store_watch) -> u64 {
    call_or(0, || watch.as_ref().map_or(0, |w| w.watcher.dropped()))
}

/// Stops delivery to the queue (go-store `Unwatch`); buffered events stay
/// readable, then `store_watch_next` reports `STORE_CLOSED`. Wakes a
/// blocked reader. Idempotent; NULL is ignored.
///
/// Ownership: `watch` stays the caller's; free it with `store_watch_free`.
/// Thread: any, also while another thread waits in `store_watch_next`.
#[no_mangle]
pub unsafe extern "C" fn store_watch_close(watch: *mut store_watch) {
    call_or((), || {
        if let Some(w) = watch.as_ref() {
            w.watcher.close();
        }
    })
}

/// Closes (if needed) and frees a watch queue. NULL is ignored. No other
/// call on it may be running.
///
/// Ownership: takes back `watch`; events it returned become invalid.
/// Thread: any, once no other call on `watch` is running.
#[no_mangle]
pub unsafe extern "C" fn store_watch_free(watch: *mut store_watch) {
    call_or((), || {
        if !watch.is_null() {
            let w = Box::from_raw(watch);
            w.watcher.close();
        }
    })
}

/// A static name for an event kind: `"set"`, `"delete"`, `"delete_group"`,
/// or `"unknown"`.
///
/// Ownership: static; never free it.
/// Thread: any.
#[no_mangle]
pub extern "C" fn store_event_kind_str(kind: u32) -> *const c_char {
    call_or(c"unknown".as_ptr(), || {
        let s: &std::ffi::CStr = match kind {
            STORE_EVENT_SET => c"set",
            STORE_EVENT_DELETE => c"delete",
            STORE_EVENT_DELETE_GROUP => c"delete_group",
            _ => c"unknown",
        };
        s.as_ptr()
    })
}
