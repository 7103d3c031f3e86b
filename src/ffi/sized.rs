//! Structs that may grow (options, events, quota, usage), by libgit2's rule:
//! each carries the size of the caller's copy in `struct_size`; the library
//! reads and writes only `min(caller size, own size)` bytes and fills what
//! the caller's copy lacks with defaults. So a program built against an
//! older, smaller layout keeps working with a newer library, and a newer
//! program keeps working with an older library (which ignores the tail).
//!
//! Every size from the first published layout up is accepted; smaller ones
//! are `STORE_INVALID_ARGUMENT`, and then nothing is read or written.

use crate::base::error::{Error, Result};
use std::mem::{size_of, MaybeUninit};
use std::ptr;

/// A `#[repr(C)]` struct with a `u32` `struct_size` field.
///
/// # Safety
/// `SIZE_OFFSET` must be the offset of a `u32` field inside the first
/// `FIRST_SIZE` bytes, and every field that may hold a byte pattern invalid
/// for its Rust type (a `bool`) must be repaired by `repair`.
pub(crate) unsafe trait Growable: Sized {
    /// The struct's C name, for messages.
    const NAME: &'static str;
    /// How callers set the size, for messages.
    const HOW: &'static str;
    /// The end of the last field of the first published layout.
    const FIRST_SIZE: usize;
    /// Where `struct_size` lives.
    const SIZE_OFFSET: usize;

    /// Defaults for the fields a smaller caller layout lacks.
    fn defaults() -> Self;

    /// Makes every field valid for its Rust type after raw bytes from C were
    /// copied in (e.g. maps a `bool` byte other than 0 or 1 to `true`).
    ///
    /// # Safety
    /// `raw` points at a fully initialised-by-bytes value not yet assumed valid.
    unsafe fn repair(_raw: *mut Self) {}
}

/// The size of the library's own layout, as the `struct_size` it reports.
pub(crate) fn own_size<T: Growable>() -> u32 {
    size_of::<T>() as u32
}

/// Reads the caller's `struct_size` and checks it; returns how many bytes
/// to read or write (`min(caller, own)`).
unsafe fn usable_size<T: Growable>(caller: *const T, what: &str) -> Result<usize> {
    let size = (caller as *const u8).add(T::SIZE_OFFSET).cast::<u32>().read_unaligned() as usize;
    check_size::<T>(size, what)
}

fn check_size<T: Growable>(size: usize, what: &str) -> Result<usize> {
    if size < T::FIRST_SIZE {
        return Err(Error::invalid(format!(
            "store: {what}.struct_size is {size}, below the first published {} layout ({} bytes); {}",
            T::NAME,
            T::FIRST_SIZE,
            T::HOW
        )));
    }
    Ok(size.min(size_of::<T>()))
}

/// Reads a caller's struct: the bytes its `struct_size` covers over the
/// defaults. NULL gives the defaults.
pub(crate) unsafe fn read_in<T: Growable>(caller: *const T, what: &str) -> Result<T> {
    if caller.is_null() {
        return Ok(T::defaults());
    }
    let n = usable_size(caller, what)?;
    let mut value = MaybeUninit::new(T::defaults());
    ptr::copy_nonoverlapping(caller as *const u8, value.as_mut_ptr() as *mut u8, n);
    T::repair(value.as_mut_ptr());
    let mut value = value.assume_init();
    set_size(&mut value, own_size::<T>());
    Ok(value)
}

/// Checks, before any work, that an output struct is present and declares a
/// size the library accepts.
pub(crate) unsafe fn check_out<T: Growable>(out: *const T, what: &str) -> Result<()> {
    if out.is_null() {
        return Err(Error::invalid(format!("store: {what} is NULL")));
    }
    usable_size(out, what).map(|_| ())
}

/// Writes `value` into the caller's struct, never past its `struct_size`,
/// and sets its `struct_size` to the number of bytes written, so a newer
/// caller can tell which of its fields an older library filled.
pub(crate) unsafe fn write_out<T: Growable>(out: *mut T, value: T, what: &str) -> Result<()> {
    check_out(out, what)?;
    let n = usable_size(out, what)?;
    write_prefix(out, value, n);
    Ok(())
}

/// Fills a caller's struct of `size` bytes with the defaults (an `*_init`
/// function): writes `min(size, own)` bytes, `struct_size` included.
pub(crate) unsafe fn init<T: Growable>(out: *mut T, size: usize, what: &str) -> Result<()> {
    if out.is_null() {
        return Err(Error::invalid(format!("store: {what} is NULL")));
    }
    let n = check_size::<T>(size, what)?;
    write_prefix(out, T::defaults(), n);
    Ok(())
}

unsafe fn write_prefix<T: Growable>(out: *mut T, mut value: T, n: usize) {
    set_size(&mut value, n as u32);
    // Byte copy: padding inside `value` may be uninitialised, which a typed
    // read would not allow.
    ptr::copy_nonoverlapping(&value as *const T as *const u8, out as *mut u8, n);
}

fn set_size<T: Growable>(value: &mut T, size: u32) {
    unsafe { (value as *mut T as *mut u8).add(T::SIZE_OFFSET).cast::<u32>().write_unaligned(size) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A "version 2" layout whose first published version ended at `b`.
    #[repr(C)]
    #[derive(Debug, PartialEq)]
    struct Grown {
        struct_size: u32,
        a: u32,
        b: u64,
        c: u64,
        flag: bool,
    }

    unsafe impl Growable for Grown {
        const NAME: &'static str = "grown";
        const HOW: &'static str = "set it to sizeof(grown)";
        const FIRST_SIZE: usize = std::mem::offset_of!(Grown, b) + 8;
        const SIZE_OFFSET: usize = 0;
        fn defaults() -> Grown {
            Grown { struct_size: own_size::<Grown>(), a: 1, b: 2, c: 3, flag: false }
        }
        unsafe fn repair(raw: *mut Grown) {
            let flag = ptr::addr_of_mut!((*raw).flag) as *mut u8;
            flag.write((flag.read() != 0) as u8);
        }
    }

    /// The first published layout, as an old caller declares it.
    #[repr(C)]
    struct First {
        struct_size: u32,
        a: u32,
        b: u64,
    }

    #[test]
    fn an_old_caller_is_read_with_defaults_for_the_new_fields() {
        let old = First { struct_size: size_of::<First>() as u32, a: 10, b: 20 };
        let got = unsafe { read_in(&old as *const First as *const Grown, "g") }.unwrap();
        assert_eq!(got, Grown { struct_size: own_size::<Grown>(), a: 10, b: 20, c: 3, flag: false });
    }

    #[test]
    fn an_old_caller_gets_only_its_bytes_written() {
        // The old struct sits at the start of a buffer whose tail must stay untouched.
        let mut buf = [0xAAu8; 64];
        let first = size_of::<First>();
        unsafe { buf.as_mut_ptr().cast::<u32>().write_unaligned(first as u32) };
        let value = Grown { struct_size: 0, a: 7, b: 8, c: 9, flag: true };
        unsafe { write_out(buf.as_mut_ptr() as *mut Grown, value, "g") }.unwrap();
        let old = unsafe { (buf.as_ptr() as *const First).read_unaligned() };
        assert_eq!((old.struct_size as usize, old.a, old.b), (first, 7, 8));
        assert!(buf[first..].iter().all(|&b| b == 0xAA), "wrote past the caller's size");

        let mut buf = [0xAAu8; 64];
        unsafe { init(buf.as_mut_ptr() as *mut Grown, first, "g") }.unwrap();
        let old = unsafe { (buf.as_ptr() as *const First).read_unaligned() };
        assert_eq!((old.struct_size as usize, old.a, old.b), (first, 1, 2));
        assert!(buf[first..].iter().all(|&b| b == 0xAA), "init wrote past the caller's size");
    }

    #[test]
    fn a_newer_caller_is_read_up_to_the_own_size() {
        let mut buf = [0x55u8; 64];
        unsafe { buf.as_mut_ptr().cast::<u32>().write_unaligned(64) };
        let got = unsafe { read_in(buf.as_ptr() as *const Grown, "g") }.unwrap();
        assert!(got.flag, "a non-zero bool byte reads as true");
        assert_eq!(got.struct_size, own_size::<Grown>());
    }

    #[test]
    fn sizes_below_the_first_layout_are_refused_untouched() {
        let mut buf = [0xAAu8; 64];
        unsafe { buf.as_mut_ptr().cast::<u32>().write_unaligned(8) };
        let before = buf;
        let err = unsafe { read_in(buf.as_ptr() as *const Grown, "g") }.unwrap_err();
        assert!(err.message().contains("g.struct_size is 8"), "{}", err.message());
        let value = Grown { struct_size: 0, a: 7, b: 8, c: 9, flag: true };
        assert!(unsafe { write_out(buf.as_mut_ptr() as *mut Grown, value, "g") }.is_err());
        assert!(unsafe { init(buf.as_mut_ptr() as *mut Grown, 4, "g") }.is_err());
        assert_eq!(buf, before);
    }
}
