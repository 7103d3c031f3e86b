//! Byte-range bounds for group-prefix filters, and the SQLite values that
//! carry them.

use rusqlite::types::{ToSql, ToSqlOutput, ValueRef};

/// A byte string bound as SQLite TEXT (embedded NULs and invalid UTF-8 kept).
pub(crate) struct Text<'a>(pub &'a [u8]);

impl ToSql for Text<'_> {
    #[inline]
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(ValueRef::Text(self.0)))
    }
}

/// The half-open range of TEXT values that start with a prefix.
pub(crate) struct PrefixRange {
    lower: Vec<u8>,
    /// `None` when no TEXT value bounds the range (empty or all-0xFF prefix).
    upper: Option<Vec<u8>>,
}

impl PrefixRange {
    pub(crate) fn new(prefix: &[u8]) -> PrefixRange {
        let mut upper = prefix.to_vec();
        while let Some(last) = upper.pop() {
            if last != 0xFF {
                upper.push(last + 1);
                return PrefixRange { lower: prefix.to_vec(), upper: Some(upper) };
            }
        }
        PrefixRange { lower: prefix.to_vec(), upper: None }
    }

    pub(crate) fn lower(&self) -> Text<'_> {
        Text(&self.lower)
    }

    pub(crate) fn upper(&self) -> UpperBound<'_> {
        UpperBound(self.upper.as_deref())
    }
}

/// The exclusive upper bound. An unbounded range binds an empty BLOB: SQLite
/// orders every TEXT value before every BLOB, so `group_name < x''` holds for
/// all rows and one statement serves both cases.
pub(crate) struct UpperBound<'a>(Option<&'a [u8]>);

impl ToSql for UpperBound<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self.0 {
            Some(bytes) => ValueRef::Text(bytes),
            None => ValueRef::Blob(&[]),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upper_bound_increments_last_non_ff_byte() {
        assert_eq!(PrefixRange::new(b"ab").upper, Some(b"ac".to_vec()));
        assert_eq!(PrefixRange::new(b"a\xff").upper, Some(b"b".to_vec()));
        assert_eq!(PrefixRange::new(b"").upper, None);
        assert_eq!(PrefixRange::new(b"\xff\xff").upper, None);
    }
}
