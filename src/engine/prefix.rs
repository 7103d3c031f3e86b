//! Byte-range bounds for group-prefix filters.

use crate::engine::statement::Param;

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

    pub(crate) fn lower(&self) -> Param<'_> {
        Param::Text(&self.lower)
    }

    /// The exclusive upper bound. An unbounded range binds an empty BLOB:
    /// SQLite orders every TEXT value before every BLOB, so `group_name < x''`
    /// holds for all rows and one statement serves both cases.
    pub(crate) fn upper(&self) -> Param<'_> {
        match &self.upper {
            Some(bytes) => Param::Text(bytes),
            None => Param::EmptyBlob,
        }
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
