//! One JSONL line to one row, with go-store's mapping.
//!
//! Lines are decoded the way Go's `encoding/json` decodes into go-store's
//! types: a line must be a JSON object or `null` (which gives an empty
//! record); for training lines, keys match `messages`, `role` and
//! `content` exactly or, failing that, ignoring ASCII case, and a null or
//! missing string is empty.

use super::gofmt::{go_json_string, go_sprint};
use serde_json::{Map, Value};

/// A decoded `training_examples` row (source and split come from the file).
#[derive(Debug, PartialEq)]
pub(crate) struct TrainingRow {
    pub prompt: String,
    pub response: String,
    pub num_turns: i64,
    pub full_messages: String,
}

/// A decoded `benchmark_results` row (source comes from the file).
#[derive(Debug, PartialEq)]
pub(crate) struct BenchmarkRow {
    pub id: String,
    pub benchmark: String,
    pub model: String,
    pub prompt: String,
    pub response: String,
    pub elapsed_seconds: f64,
    pub domain: String,
}

/// A decoded `benchmark_questions` row (the benchmark comes from the file).
#[derive(Debug, PartialEq)]
pub(crate) struct QuestionRow {
    pub id: String,
    pub question: String,
    pub best_answer: String,
    pub correct_answers: String,
    pub incorrect_answers: String,
    pub category: String,
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The line as an object; `null` is an empty one.
fn record(line: &[u8]) -> Result<Map<String, Value>, String> {
    match serde_json::from_slice::<Value>(line).map_err(|e| e.to_string())? {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        other => Err(format!("cannot unmarshal {} into an object", kind(&other))),
    }
}

/// Go's struct-field lookup: the exact key, else one equal ignoring ASCII case.
fn field<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    map.get(name).or_else(|| map.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v))
}

/// go-store's `strOrEmpty`: `%v` of the value when the key is present.
fn str_or_empty(map: &Map<String, Value>, key: &str) -> String {
    map.get(key).map(|v| go_sprint(Some(v))).unwrap_or_default()
}

fn text_field(m: &Map<String, Value>, name: &str, index: usize) -> Result<String, String> {
    match field(m, name) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(format!("messages[{index}].{name}: cannot unmarshal {} into a string", kind(other))),
    }
}

/// `{"messages":[{"role","content"}…]}` → prompt (first user message),
/// response (first assistant message), the number of assistant messages,
/// and the messages re-encoded (`null` when there are none at all).
pub(crate) fn training_row(line: &[u8]) -> Result<TrainingRow, String> {
    let rec = record(line)?;
    let list: &[Value] = match field(&rec, "messages") {
        None | Some(Value::Null) => &[],
        Some(Value::Array(items)) => items,
        Some(other) => return Err(format!("messages: cannot unmarshal {} into a list", kind(other))),
    };
    let mut row = TrainingRow {
        prompt: String::new(),
        response: String::new(),
        num_turns: 0,
        full_messages: if matches!(field(&rec, "messages"), Some(Value::Array(_))) {
            "[".into()
        } else {
            "null".into()
        },
    };
    for (i, item) in list.iter().enumerate() {
        let empty = Map::new();
        let m = match item {
            Value::Object(m) => m,
            Value::Null => &empty,
            other => return Err(format!("messages[{i}]: cannot unmarshal {} into a message", kind(other))),
        };
        let (role, content) = (text_field(m, "role", i)?, text_field(m, "content", i)?);
        if role == "user" && row.prompt.is_empty() {
            row.prompt = content.clone();
        }
        if role == "assistant" {
            if row.response.is_empty() {
                row.response = content.clone();
            }
            row.num_turns += 1;
        }
        if i > 0 {
            row.full_messages.push(',');
        }
        row.full_messages.push_str("{\"role\":");
        go_json_string(&mut row.full_messages, &role);
        row.full_messages.push_str(",\"content\":");
        go_json_string(&mut row.full_messages, &content);
        row.full_messages.push('}');
    }
    if row.full_messages.starts_with('[') {
        row.full_messages.push(']');
    }
    Ok(row)
}

/// A benchmark result line: `id` always as `%v` (`<nil>` when missing),
/// other text fields as `%v` when present, `elapsed_seconds` when numeric.
pub(crate) fn benchmark_row(line: &[u8]) -> Result<BenchmarkRow, String> {
    let rec = record(line)?;
    Ok(BenchmarkRow {
        id: go_sprint(rec.get("id")),
        benchmark: str_or_empty(&rec, "benchmark"),
        model: str_or_empty(&rec, "model"),
        prompt: str_or_empty(&rec, "prompt"),
        response: str_or_empty(&rec, "response"),
        elapsed_seconds: rec.get("elapsed_seconds").and_then(Value::as_f64).unwrap_or(0.0),
        domain: str_or_empty(&rec, "domain"),
    })
}

/// A benchmark question line: the answer lists re-encoded as JSON (`null`
/// when missing).
pub(crate) fn question_row(line: &[u8]) -> Result<QuestionRow, String> {
    let rec = record(line)?;
    Ok(QuestionRow {
        id: go_sprint(rec.get("id")),
        question: str_or_empty(&rec, "question"),
        best_answer: str_or_empty(&rec, "best_answer"),
        correct_answers: super::gofmt::go_json(rec.get("correct_answers")),
        incorrect_answers: super::gofmt::go_json(rec.get("incorrect_answers")),
        category: str_or_empty(&rec, "category"),
    })
}

/// One seed: `(seed_id, domain, prompt)` from an object (prompt from
/// `prompt`, else `text`, else `question`, the first that prints non-empty)
/// or a bare string; `None` for other element kinds, which are skipped.
pub(crate) fn seed_row(item: &Value) -> Option<(String, String, String)> {
    match item {
        Value::Object(m) => {
            let prompt = ["prompt", "text", "question"]
                .iter()
                .map(|k| str_or_empty(m, k))
                .find(|p| !p.is_empty())
                .unwrap_or_default();
            Some((str_or_empty(m, "seed_id"), str_or_empty(m, "domain"), prompt))
        }
        Value::String(s) => Some((String::new(), String::new(), s.clone())),
        _ => None,
    }
}

/// The seed list of a seed file: a top-level array, or an object's
/// `prompts` array, else its `seeds` array; anything else holds none.
pub(crate) fn seed_list(doc: &Value) -> &[Value] {
    match doc {
        Value::Array(items) => items,
        Value::Object(m) => match (m.get("prompts"), m.get("seeds")) {
            (Some(Value::Array(items)), _) | (_, Some(Value::Array(items))) => items,
            _ => &[],
        },
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values were produced by go-store's decoding in Go 1.26.
    #[test]
    fn training_lines() {
        let row = training_row(
            br#"{"messages":[{"role":"system","content":"s"},{"role":"user","content":"q<1>"},{"role":"assistant","content":"a"},{"role":"user","content":"q2"},{"role":"assistant","content":"b"}]}"#,
        )
        .unwrap();
        assert_eq!(row.prompt, "q<1>");
        assert_eq!(row.response, "a");
        assert_eq!(row.num_turns, 2);
        assert_eq!(
            row.full_messages,
            r#"[{"role":"system","content":"s"},{"role":"user","content":"q\u003c1\u003e"},{"role":"assistant","content":"a"},{"role":"user","content":"q2"},{"role":"assistant","content":"b"}]"#
        );
        // Go matches field names ignoring case; null content is empty.
        let row = training_row(br#"{"MESSAGES":[{"Role":"user","content":null}]}"#).unwrap();
        assert_eq!(row.full_messages, r#"[{"role":"user","content":""}]"#);
        assert_eq!(training_row(b"{}").unwrap().full_messages, "null");
        assert_eq!(training_row(b"null").unwrap().full_messages, "null");
        assert_eq!(training_row(br#"{"messages":[]}"#).unwrap().full_messages, "[]");
        assert!(training_row(b"").is_err());
        assert!(training_row(b"[1]").is_err());
        assert!(training_row(br#"{"messages":"x"}"#).is_err());
        assert!(training_row(br#"{"messages":[{"role":1}]}"#).is_err());
    }

    #[test]
    fn benchmark_and_question_lines() {
        let row =
            benchmark_row(br#"{"id":7,"benchmark":null,"model":"m","elapsed_seconds":"2","domain":true}"#).unwrap();
        assert_eq!(row.id, "7");
        assert_eq!(row.benchmark, "<nil>");
        assert_eq!(row.model, "m");
        assert_eq!(row.prompt, "");
        assert_eq!(row.elapsed_seconds, 0.0);
        assert_eq!(row.domain, "true");
        assert_eq!(benchmark_row(b"{}").unwrap().id, "<nil>");
        assert_eq!(benchmark_row(br#"{"elapsed_seconds":1.25}"#).unwrap().elapsed_seconds, 1.25);
        let q = question_row(br#"{"id":"q1","correct_answers":["a",1.0],"category":"c"}"#).unwrap();
        assert_eq!(q.correct_answers, r#"["a",1]"#);
        assert_eq!(q.incorrect_answers, "null");
        assert!(question_row(b"\"text\"").is_err());
    }

    #[test]
    fn seeds() {
        let doc: Value = serde_json::from_str(
            r#"{"seeds":[{"seed_id":"s1","domain":"d","text":"t"},"plain",3,{"prompt":"","question":"q"},{"prompt":null}]}"#,
        )
        .unwrap();
        let rows: Vec<_> = seed_list(&doc).iter().filter_map(seed_row).collect();
        assert_eq!(
            rows,
            vec![
                ("s1".into(), "d".into(), "t".into()),
                (String::new(), String::new(), "plain".into()),
                (String::new(), String::new(), "q".into()),
                (String::new(), String::new(), "<nil>".into()),
            ]
        );
        let doc: Value = serde_json::from_str(r#"{"prompts":"x","seeds":["a"]}"#).unwrap();
        assert_eq!(seed_list(&doc).len(), 1);
        assert!(seed_list(&Value::Null).is_empty());
    }
}
