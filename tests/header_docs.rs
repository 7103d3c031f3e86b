//! The checked-in header documents every function the same way (the rule
//! stated at the top of include/store.h): each comment says which threads
//! may call it (`Thread:`), and each function that takes or returns a
//! pointer says who owns it and how long it lives (`Ownership:`). Macros
//! live inside the include guard.

/// Each function declaration in the header with the doc comment above it.
fn functions(header: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut doc = String::new();
    let mut in_doc = false;
    let mut decl = String::new();
    for line in header.lines() {
        let t = line.trim();
        // Every block comment is skipped; a `/**` one becomes the next declaration's doc.
        if t.starts_with("/*") {
            in_doc = true;
            doc.clear();
        }
        if in_doc {
            doc.push_str(t);
            doc.push('\n');
            if t.ends_with("*/") {
                in_doc = false;
            }
            continue;
        }
        if !decl.is_empty() || (t.contains("store_") && t.contains('(') && !t.starts_with('#') && !t.starts_with("typedef")) {
            decl.push_str(t);
            decl.push(' ');
            if t.ends_with(';') {
                let name = decl.split('(').next().unwrap().split_whitespace().last().unwrap().trim_start_matches('*').to_string();
                out.push((name, std::mem::take(&mut doc), std::mem::take(&mut decl)));
            }
        }
    }
    out
}

#[test]
fn every_function_names_its_thread_rule_and_ownership() {
    let header = include_str!("../include/store.h");
    let functions = functions(header);
    assert!(functions.len() >= 60, "found only {} function declarations", functions.len());
    let mut missing = Vec::new();
    for (name, doc, decl) in &functions {
        if !doc.contains("Thread:") {
            missing.push(format!("{name}: no \"Thread:\" in its comment"));
        }
        if decl.contains('*') && !doc.contains("Ownership:") {
            missing.push(format!("{name}: takes or returns a pointer but has no \"Ownership:\" in its comment"));
        }
    }
    assert!(missing.is_empty(), "include/store.h:\n{}", missing.join("\n"));
}

#[test]
fn macros_are_inside_the_include_guard() {
    let header = include_str!("../include/store.h");
    let guard_end = header.rfind("#endif").expect("include guard");
    assert!(header[guard_end..].trim_start_matches("#endif").trim().trim_start_matches("/* STORE_H */").trim().is_empty(),
        "text after the include guard's #endif");
    for name in ["STORE_STR", "STORE_DEFAULT_GROUP", "STORE_QUOTA_INIT", "STORE_OPTIONS_SIZE_V1"] {
        let at = header.find(&format!("#define {name}")).unwrap_or_else(|| panic!("{name} not defined"));
        assert!(at < guard_end, "{name} is outside the include guard");
    }
    assert!(header.contains("evaluates its argument twice"), "STORE_STR's comment must warn about double evaluation");
}
