//! Workspace names (go-store's `core.ValidateName`, plus NUL and control
//! characters, which no file system name should carry).

use crate::base::error::{Error, Result};

/// Checks `name` for use as `<stateDir>/<name>.duckdb`.
pub(crate) fn validate(op: &str, name: &str) -> Result<()> {
    let fail = |why: &str| Err(Error::invalid(format!("{op}: validate workspace name: validate: {why}: {name:?}")));
    if name.is_empty() || name == "." || name == ".." {
        return fail("invalid name");
    }
    if name.contains('/') || name.contains('\\') {
        return fail("name contains path separator");
    }
    if name.chars().any(char::is_control) {
        return fail("name contains a NUL or control character");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::validate;

    #[test]
    fn accepts_what_go_store_accepts_and_refuses_control_characters() {
        for good in ["a", "with space", "a:b", "ünï", ".hidden"] {
            assert!(validate("op", good).is_ok(), "{good}");
        }
        for bad in ["", ".", "..", "a/b", "a\\b", "a\0b", "a\nb", "\u{7f}"] {
            assert!(validate("op", bad).is_err(), "{bad:?}");
        }
    }
}
