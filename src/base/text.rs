//! Go's `strings.Split` and `strings.Fields` over byte strings, so
//! `GetSplit`/`GetFields` agree with go-store on every input, including
//! empty separators and invalid UTF-8.

use bstr::ByteSlice;

/// `strings.Split(value, separator)`: an empty separator splits into UTF-8
/// sequences (an invalid byte stands alone); an empty value gives one `""`.
pub(crate) fn split<'a>(value: &'a [u8], separator: &[u8]) -> Vec<&'a [u8]> {
    if separator.is_empty() {
        return value.char_indices().map(|(start, end, _)| &value[start..end]).collect();
    }
    value.split_str(separator).collect()
}

/// `strings.Fields(value)`: maximal runs of non-whitespace (Unicode White_Space).
pub(crate) fn fields(value: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = None;
    for (s, e, c) in value.char_indices() {
        // An invalid byte decodes to U+FFFD but is not whitespace, as in Go.
        let space = c.is_whitespace() && !(c == '\u{FFFD}');
        match (space, start) {
            (true, Some(b)) => {
                out.push(&value[b..s]);
                start = None;
            }
            (false, None) => start = Some(s),
            _ => {}
        }
        let _ = e;
    }
    if let Some(b) = start {
        out.push(&value[b..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_matches_go() {
        assert_eq!(split(b"a,b,c", b","), vec![&b"a"[..], b"b", b"c"]);
        assert_eq!(split(b"", b","), vec![&b""[..]]);
        assert_eq!(split(b"a,,b", b","), vec![&b"a"[..], b"", b"b"]);
        assert_eq!(split("héé".as_bytes(), b""), vec!["h".as_bytes(), "é".as_bytes(), "é".as_bytes()]);
        assert_eq!(split(b"a\xffb", b""), vec![&b"a"[..], b"\xff", b"b"]);
        assert!(split(b"", b"").is_empty());
    }

    #[test]
    fn fields_matches_go() {
        assert_eq!(fields(b"alpha beta\tgamma\n"), vec![&b"alpha"[..], b"beta", b"gamma"]);
        assert_eq!(fields("  a\u{00A0}b\u{2003}c ".as_bytes()), vec![&b"a"[..], b"b", b"c"]);
        assert!(fields(b" \t\n").is_empty());
        assert_eq!(fields(b"x\xffy z"), vec![&b"x\xffy"[..], b"z"]);
    }
}
