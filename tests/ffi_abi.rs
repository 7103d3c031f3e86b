//! C ABI behaviour checked from Rust, in a debug build of the library (with
//! its precondition checks on unsafe calls): an empty read into a NULL
//! buffer, a transaction body returning an integer that is no status, and
//! store calls made while a thread's locals are being destroyed.

use std::ptr;
use store::ffi::*;

unsafe fn open_memory() -> *mut store_db {
    let path = b":memory:";
    let mut db = ptr::null_mut();
    assert_eq!(store_open(path.as_ptr(), path.len(), ptr::null(), &mut db), store_status::STORE_OK);
    db
}

#[test]
fn get_into_a_null_buffer_of_an_empty_value_copies_nothing() {
    unsafe {
        let db = open_memory();
        let kv = store_db_kv(db);
        let (g, k) = (b"g", b"empty");
        assert_eq!(store_set(kv, g.as_ptr(), g.len(), k.as_ptr(), k.len(), ptr::null(), 0), store_status::STORE_OK);
        let mut len = 99usize;
        let status = store_get_into(kv, g.as_ptr(), g.len(), k.as_ptr(), k.len(), ptr::null_mut(), 0, &mut len, ptr::null_mut());
        assert_eq!(status, store_status::STORE_OK);
        assert_eq!(len, 0);
        store_free(db);
    }
}

unsafe extern "C" fn returns_12345(_user_data: *mut std::ffi::c_void, _txn: *mut store_kv) -> std::ffi::c_int {
    12345
}

#[test]
fn a_transaction_body_may_return_any_int() {
    unsafe {
        let db = open_memory();
        let status = store_transaction(store_db_kv(db), Some(returns_12345), ptr::null_mut());
        assert_eq!(status, store_status::STORE_ABORTED);
        let message = std::ffi::CStr::from_ptr(store_last_error()).to_string_lossy().into_owned();
        assert!(message.contains("body returned 12345"), "{message}");
        store_free(db);
    }
}

#[test]
fn the_last_error_survives_thread_teardown_quietly() {
    // A store call from a thread-local destructor runs after the library's
    // own thread-local may be gone: it must neither panic nor abort.
    struct CallsOnExit;
    impl Drop for CallsOnExit {
        fn drop(&mut self) {
            unsafe {
                let _ = store_close(ptr::null_mut());
                let _ = store_last_error();
            }
        }
    }
    thread_local! { static GUARD: CallsOnExit = const { CallsOnExit }; }
    std::thread::spawn(|| {
        // Registered after the library's thread-local by this first call.
        unsafe { store_close(ptr::null_mut()) };
        GUARD.with(|_| {});
    })
    .join()
    .expect("thread exits cleanly");
}
