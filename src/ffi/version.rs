//! Version macros and their runtime twins, so bindings can check at load
//! time that the header they were built with matches the library.

use super::boundary::call_or;
use std::ffi::c_char;

/// Major version of the library.
pub const STORE_VERSION_MAJOR: u32 = 0;
/// Minor version of the library.
pub const STORE_VERSION_MINOR: u32 = 1;
/// Patch version of the library.
pub const STORE_VERSION_PATCH: u32 = 0;
/// `MAJOR * 1000000 + MINOR * 1000 + PATCH`.
pub const STORE_VERSION_NUMBER: u32 = STORE_VERSION_MAJOR * 1_000_000 + STORE_VERSION_MINOR * 1000 + STORE_VERSION_PATCH;
/// Bumped on every incompatible change of the C ABI.
pub const STORE_ABI_VERSION: u32 = 1;

const VERSION: &std::ffi::CStr = match std::ffi::CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
    Ok(v) => v,
    Err(_) => panic!("the package version contains a NUL"),
};

/// The library version as `"MAJOR.MINOR.PATCH"`. Ownership: static; never
/// free it. Thread: any.
#[no_mangle]
pub extern "C" fn store_version() -> *const c_char {
    call_or(VERSION.as_ptr(), || VERSION.as_ptr())
}

/// `STORE_VERSION_NUMBER` of the loaded library. Thread: any.
#[no_mangle]
pub extern "C" fn store_version_number() -> u32 {
    call_or(STORE_VERSION_NUMBER, || STORE_VERSION_NUMBER)
}

/// `STORE_ABI_VERSION` of the loaded library; compare it with the macro.
/// Thread: any.
#[no_mangle]
pub extern "C" fn store_abi_version() -> u32 {
    call_or(STORE_ABI_VERSION, || STORE_ABI_VERSION)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macros_match_the_crate_version() {
        let expected = format!("{STORE_VERSION_MAJOR}.{STORE_VERSION_MINOR}.{STORE_VERSION_PATCH}");
        assert_eq!(expected, env!("CARGO_PKG_VERSION"));
        let runtime = unsafe { std::ffi::CStr::from_ptr(store_version()) }.to_str().unwrap();
        assert_eq!(runtime, expected);
        assert_eq!(store_version_number(), 1000);
        assert_eq!(store_abi_version(), STORE_ABI_VERSION);
    }
}
