//! What `import_all` reads: go-store's fixed lists of training sets,
//! benchmark files and directories, and the remote layout on the copy host.

/// The 14 training sources: the name stored in `source`, then the files
/// (relative to the data directory) that may hold its lines.
pub(crate) const TRAINING_SOURCES: [(&str, &[&str]); 14] = [
    ("training", &["training/train.jsonl", "training/valid.jsonl", "training/test.jsonl"]),
    ("training-2k", &["training-2k/train.jsonl", "training-2k/valid.jsonl", "training-2k/test.jsonl"]),
    ("training-expanded", &["training-expanded/train.jsonl", "training-expanded/valid.jsonl"]),
    ("training-book", &["training-book/train.jsonl", "training-book/valid.jsonl", "training-book/test.jsonl"]),
    ("training-conv", &["training-conv/train.jsonl", "training-conv/valid.jsonl", "training-conv/test.jsonl"]),
    ("gold-full", &["gold-full/train.jsonl", "gold-full/valid.jsonl"]),
    ("sovereignty-gold", &["sovereignty-gold/train.jsonl", "sovereignty-gold/valid.jsonl"]),
    ("composure-lessons", &["composure-lessons/train.jsonl", "composure-lessons/valid.jsonl"]),
    ("watts-full", &["watts-full/train.jsonl", "watts-full/valid.jsonl"]),
    ("watts-expanded", &["watts-expanded/train.jsonl", "watts-expanded/valid.jsonl"]),
    ("watts-composure", &["watts-composure-merged/train.jsonl", "watts-composure-merged/valid.jsonl"]),
    ("western-fresh", &["western-fresh/train.jsonl", "western-fresh/valid.jsonl"]),
    ("deepseek-soak", &["deepseek-western-soak/train.jsonl", "deepseek-western-soak/valid.jsonl"]),
    ("russian-bridge", &["russian-bridge/train.jsonl", "russian-bridge/valid.jsonl"]),
];

/// Benchmarks whose `<name>.jsonl` holds questions (`benchmark_questions`).
pub(crate) const QUESTION_BENCHMARKS: [&str; 4] = ["truthfulqa", "gsm8k", "do_not_answer", "toxigen"];

/// Subdirectories of `benchmarks/` whose `*.jsonl` files hold results; the
/// directory name is the rows' `source`.
pub(crate) const RESULT_DIRS: [&str; 4] = ["results", "scale_results", "cross_arch_results", "deepseek-r1-7b"];

/// Result files directly under `benchmarks/` (`<name>.jsonl`, source `benchmark`).
pub(crate) const STANDALONE_RESULTS: [&str; 6] =
    ["lem_bench", "lem_ethics", "lem_ethics_allen", "instruction_tuned", "abliterated", "base_pt"];

/// The golden set's file name, locally and under `responses/` remotely.
pub(crate) const GOLDEN_FILE: &str = "gold-15k.jsonl";

/// The data directory on the copy host, hard-coded in go-store.
pub(crate) const REMOTE_ROOT: &str = "/Volumes/Data/lem";

/// The copy host when the configuration names none.
pub const DEFAULT_M3_HOST: &str = "m3";

/// go-store's split rule: `valid` if the relative path contains "valid",
/// else `test` if it contains "test", else `train`.
pub(crate) fn split_of(relative: &str) -> &'static str {
    if relative.contains("valid") {
        "valid"
    } else if relative.contains("test") {
        "test"
    } else {
        "train"
    }
}

/// `dir/rel` as go-store's `JoinPath` forms it for these fixed relative
/// names; an empty `dir` means the working directory.
pub(crate) fn join(dir: &str, rel: &str) -> String {
    if dir.is_empty() {
        return rel.to_string();
    }
    let trimmed = dir.trim_end_matches('/');
    if trimmed.is_empty() {
        format!("/{rel}")
    } else {
        format!("{trimmed}/{rel}")
    }
}

/// `<host>:/Volumes/Data/lem/<rel>`.
pub(crate) fn remote(host: &str, rel: &str) -> String {
    format!("{host}:{REMOTE_ROOT}/{rel}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_rule() {
        assert_eq!(split_of("training/train.jsonl"), "train");
        assert_eq!(split_of("training/valid.jsonl"), "valid");
        assert_eq!(split_of("training/test.jsonl"), "test");
        // The rule looks at the whole relative path, as go-store's does.
        assert_eq!(split_of("test-set/valid.jsonl"), "valid");
        assert_eq!(split_of("contest/train.jsonl"), "test");
    }

    #[test]
    fn joins() {
        assert_eq!(join("", "a.jsonl"), "a.jsonl");
        assert_eq!(join("/data/", "a.jsonl"), "/data/a.jsonl");
        assert_eq!(join("/", "a.jsonl"), "/a.jsonl");
        assert_eq!(remote("m3", "responses/gold-15k.jsonl"), "m3:/Volumes/Data/lem/responses/gold-15k.jsonl");
    }
}
