//! How user bytes (keys, groups, names) appear inside error messages: one
//! escaping rule everywhere, so every message is valid UTF-8 and bounded in
//! size whatever the input.
//!
//! Printable UTF-8 appears as is (so `config/colour` reads exactly as
//! go-store writes it); a backslash becomes `\\`, newline, tab and carriage
//! return `\n`, `\t`, `\r`, other control characters `\u{…}`, and bytes that
//! are not UTF-8 `\xNN`. At most [`SHOWN_BYTES`] input bytes are shown; the
//! rest is summarised as `…(+N bytes)`.

use std::fmt::{self, Write};

/// Input bytes shown before the summary.
pub const SHOWN_BYTES: usize = 256;

/// Displays `bytes` escaped and bounded (see the module docs).
pub(crate) struct Quoted<'a>(pub &'a [u8]);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.0;
        let mut cut = bytes.len().min(SHOWN_BYTES);
        // Never split a character: step back over continuation bytes (at most 3).
        while cut < bytes.len() && cut > SHOWN_BYTES.saturating_sub(3) && bytes[cut] & 0xC0 == 0x80 {
            cut -= 1;
        }
        for chunk in bytes[..cut].utf8_chunks() {
            for c in chunk.valid().chars() {
                match c {
                    '\\' => f.write_str("\\\\")?,
                    '\n' => f.write_str("\\n")?,
                    '\t' => f.write_str("\\t")?,
                    '\r' => f.write_str("\\r")?,
                    c if c.is_control() => write!(f, "\\u{{{:x}}}", c as u32)?,
                    c => f.write_char(c)?,
                }
            }
            for b in chunk.invalid() {
                write!(f, "\\x{b:02x}")?;
            }
        }
        if cut < bytes.len() {
            write!(f, "…(+{} bytes)", bytes.len() - cut)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(b: &[u8]) -> String {
        Quoted(b).to_string()
    }

    #[test]
    fn printable_text_is_unchanged() {
        assert_eq!(q(b"config"), "config");
        assert_eq!(q("ключ ✓".as_bytes()), "ключ ✓");
    }

    #[test]
    fn escapes_control_backslash_and_invalid_bytes() {
        assert_eq!(q(b"a\\b"), "a\\\\b");
        assert_eq!(q(b"a\nb\tc\r"), "a\\nb\\tc\\r");
        assert_eq!(q(b"nul\0here\x1b"), "nul\\u{0}here\\u{1b}");
        assert_eq!(q(b"\xff\xfeok"), "\\xff\\xfeok");
    }

    #[test]
    fn long_input_is_bounded() {
        let key = vec![b'k'; 1 << 20];
        let text = q(&key);
        assert!(text.len() < SHOWN_BYTES + 32, "{} bytes", text.len());
        assert!(text.ends_with(&format!("…(+{} bytes)", (1 << 20) - SHOWN_BYTES)), "{}", &text[text.len() - 30..]);
    }

    #[test]
    fn a_character_cut_by_the_bound_is_counted_not_escaped() {
        let mut key = vec![b'a'; SHOWN_BYTES - 1];
        key.extend_from_slice("é".as_bytes()); // crosses the bound
        key.extend_from_slice(b"tail");
        let text = q(&key);
        assert!(!text.contains("\\x"), "{text}");
        assert!(text.ends_with("…(+6 bytes)"), "{text}");
    }
}
