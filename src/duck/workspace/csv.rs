//! CSV text as go-store reads and writes it: RFC 4180 records read the way
//! Go's `encoding/csv` reads them (variable field counts, quoted fields
//! across lines, `""` for a quote, CRLF as LF, blank lines skipped) and the
//! same strictness: a bare `"` in an unquoted field or an unterminated
//! quoted field is an error, never a silently different record. (The `csv`
//! crate accepts malformed quoting by design, so it cannot give go-store's
//! errors.)

/// Parses `text` into records. Errors read like Go's
/// `parse error on line L, column C: …`.
pub(crate) fn parse(text: &str) -> Result<Vec<Vec<String>>, String> {
    let text = text.replace("\r\n", "\n");
    let bytes = text.as_bytes();
    let mut records = Vec::new();
    let mut pos = 0;
    let mut line = 1;
    while pos < bytes.len() {
        if bytes[pos] == b'\n' {
            // A blank line is no record.
            pos += 1;
            line += 1;
            continue;
        }
        let (record, next, next_line) = parse_record(&text, pos, line)?;
        records.push(record);
        pos = next;
        line = next_line;
    }
    Ok(records)
}

/// One record starting at `start` (not a blank line): its fields, the
/// offset after its newline and the line number there.
fn parse_record(text: &str, start: usize, first_line: usize) -> Result<(Vec<String>, usize, usize), String> {
    let bytes = text.as_bytes();
    let mut fields = Vec::new();
    let mut pos = start;
    let mut line = first_line;
    let mut line_start = start;
    let error = |line: usize, col: usize, what: &str| format!("parse error on line {line}, column {col}: {what}");
    loop {
        let mut field = String::new();
        if bytes.get(pos) == Some(&b'"') {
            pos += 1;
            loop {
                match bytes.get(pos) {
                    None => return Err(error(line, pos - line_start + 1, "extraneous or missing \" in quoted field")),
                    Some(b'"') => match bytes.get(pos + 1) {
                        Some(b'"') => {
                            field.push('"');
                            pos += 2;
                        }
                        None | Some(b',') | Some(b'\n') => {
                            pos += 1;
                            break;
                        }
                        Some(_) => {
                            return Err(error(line, pos - line_start + 2, "extraneous or missing \" in quoted field"))
                        }
                    },
                    Some(_) => {
                        // Copy the run up to the next quote in one step (keeps UTF-8 whole).
                        let end = text[pos..].find('"').map_or(bytes.len(), |i| pos + i);
                        let run = &text[pos..end];
                        for (i, _) in run.match_indices('\n') {
                            line += 1;
                            line_start = pos + i + 1;
                        }
                        field.push_str(run);
                        pos = end;
                    }
                }
            }
        } else {
            let end = text[pos..].find([',', '\n']).map_or(bytes.len(), |i| pos + i);
            let raw = &text[pos..end];
            if let Some(q) = raw.find('"') {
                return Err(error(line, pos + q - line_start + 1, "bare \" in non-quoted field"));
            }
            field.push_str(raw);
            pos = end;
        }
        fields.push(field);
        match bytes.get(pos) {
            Some(b',') => pos += 1,
            Some(b'\n') => return Ok((fields, pos + 1, line + 1)),
            _ => return Ok((fields, pos, line)),
        }
    }
}

/// A field as go-store writes it: quoted, with `"` doubled, only when it
/// holds `,` `"` CR or LF.
pub(crate) fn write_field(out: &mut String, value: &str) {
    if value.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Vec<String>> {
        parse(text).unwrap()
    }

    #[test]
    fn plain_quoted_multiline_and_ragged() {
        assert_eq!(rows("a,b\n1,2\n"), [vec!["a", "b"], vec!["1", "2"]]);
        assert_eq!(rows("a,b\r\n\"x,\"\"y\"\"\",\"two\nlines\"\r\n"), [vec!["a", "b"], vec!["x,\"y\"", "two\nlines"]]);
        assert_eq!(rows("a,b,c\n1\n1,2,3,4\n\n\n5,,\n"), [
            vec!["a", "b", "c"],
            vec!["1"],
            vec!["1", "2", "3", "4"],
            vec!["5", "", ""]
        ]);
        assert_eq!(rows("x\n\"\"\n"), [vec!["x"], vec![""]]);
        assert_eq!(rows("é,\"ü\"\nlast"), [vec!["é", "ü"], vec!["last"]]);
        assert!(rows("").is_empty());
    }

    #[test]
    fn malformed_quotes_are_errors() {
        assert_eq!(
            parse("tool,severity\ngosec,\"high\n").unwrap_err(),
            "parse error on line 3, column 1: extraneous or missing \" in quoted field"
        );
        assert_eq!(parse("a,b\nx\"y,2\n").unwrap_err(), "parse error on line 2, column 2: bare \" in non-quoted field");
        assert_eq!(
            parse("a\n\"q\"x\n").unwrap_err(),
            "parse error on line 2, column 4: extraneous or missing \" in quoted field"
        );
    }

    #[test]
    fn fields_are_quoted_only_when_needed() {
        let mut out = String::new();
        for v in ["plain", "a,b", "say \"hi\"", "cr\r", "lf\n", ""] {
            write_field(&mut out, v);
            out.push('|');
        }
        assert_eq!(out, "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"cr\r\"|\"lf\n\"||");
    }
}
