//! The README's tables of error codes, operations, defaults and enums are the vocabulary's: each is
//! rendered here from `remote_rendering::vocabulary` and must equal the text between its markers
//! in README.md. `UPDATE_README=1 cargo test -p remote-rendering --test readme_tables` rewrites
//! them after the table changed.

use remote_rendering::vocabulary::{
    self, Value, BASE_ERROR, DEFAULTS, ENUMS, ERRORS, ERROR_FIELDS, OBJECTS, OPERATIONS,
};
use std::path::PathBuf;

fn value(v: &Value) -> String {
    match *v {
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Str(s) => format!("`{s}`"),
        Value::Bool(b) => b.to_string(),
        Value::Millis(ms) => remote_rendering::human_duration(std::time::Duration::from_millis(ms)),
        Value::Null => "none".to_owned(),
    }
}

fn errors() -> String {
    let mut out = String::from(
        "| code | HTTP | Python | Node.js | C++ | Java | C status | when |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    let b = &BASE_ERROR;
    out += &format!(
        "| (base) | | `{}` | `{}` | `{}` | `{}` | `{}` | every error |\n",
        b.python, b.node, b.cpp, b.java, b.c
    );
    for e in ERRORS {
        let c = &e.classes;
        out += &format!(
            "| `{}` | {} | `{}` | `{}` | `{}` | `{}` | `{}` | {} |\n",
            e.code,
            e.status.map(|s| s.to_string()).unwrap_or_default(),
            c.python,
            c.node,
            c.cpp,
            c.java,
            c.c,
            e.doc
        );
    }
    out
}

fn operations() -> String {
    let mut out = String::from(
        "| object | operation | Node.js, Java | parameters (default) |\n| --- | --- | --- | --- |\n",
    );
    for o in OPERATIONS {
        let owner = if o.of.is_empty() { o.name } else { o.of };
        let class = OBJECTS
            .iter()
            .find(|x| x.name == owner)
            .map(|x| x.classes.python)
            .expect("every operation's object is in the table");
        let params: Vec<String> = o
            .params
            .iter()
            .map(|p| {
                if p.required {
                    format!("`{}`", p.name)
                } else {
                    format!("`{}` ({})", p.name, value(&p.default))
                }
            })
            .collect();
        let (name, camel) = if o.of.is_empty() {
            ("(constructor)".to_owned(), String::new())
        } else {
            (
                format!("`{}`", o.name),
                format!("`{}`", vocabulary::camel_case(o.name)),
            )
        };
        out += &format!("| `{class}` | {name} | {camel} | {} |\n", params.join(", "));
    }
    out
}

fn error_fields() -> String {
    let mut out = String::from(
        "| attribute | Python | Node.js | Java | C | holds |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    let or = |o: &'static str, rule: String| if o.is_empty() { rule } else { o.to_owned() };
    for f in ERROR_FIELDS {
        let camel = vocabulary::camel_case(f.name);
        out += &format!(
            "| `{}` | `{}` | `{}` | `{}()` | `rr_error_{}` | {} |\n",
            f.name,
            or(f.names.python, f.name.to_owned()),
            or(f.names.node, camel.clone()),
            or(f.names.java, camel),
            or(f.names.c, f.name.to_owned()),
            f.doc
        );
    }
    out
}

fn defaults() -> String {
    let mut out = String::from("| name | value | meaning |\n| --- | --- | --- |\n");
    for c in DEFAULTS {
        out += &format!("| `{}` | {} | {} |\n", c.name, value(&c.value), c.doc);
    }
    out
}

fn enums() -> String {
    let mut out = String::from(
        "| enum | values (Node.js, C++: as written; Python, Java: `CONSTANT_CASE`) | terminal |\n| --- | --- | --- |\n",
    );
    for e in ENUMS {
        let list = |vs: &[&str]| {
            vs.iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out += &format!(
            "| `{}` | {} | {} |\n",
            e.name,
            list(e.values),
            list(e.terminal)
        );
    }
    out
}

fn between<'a>(text: &'a str, name: &str) -> (usize, usize, &'a str) {
    let open = format!("<!-- vocabulary:{name} -->\n");
    let close = format!("<!-- /vocabulary:{name} -->");
    let a = text
        .find(&open)
        .unwrap_or_else(|| panic!("README.md has no {open}"))
        + open.len();
    let b = a + text[a..]
        .find(&close)
        .unwrap_or_else(|| panic!("README.md has no {close}"));
    (a, b, &text[a..b])
}

#[test]
fn the_readme_tables_are_the_vocabulary() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let mut text = std::fs::read_to_string(&path).expect("README.md");
    let update = std::env::var_os("UPDATE_README").is_some();
    let mut stale = Vec::new();
    for (name, table) in [
        ("errors", errors()),
        ("operations", operations()),
        ("error_fields", error_fields()),
        ("defaults", defaults()),
        ("enums", enums()),
    ] {
        let (a, b, current) = between(&text, name);
        if current != table {
            if update {
                text.replace_range(a..b, &table);
            } else {
                stale.push(name);
            }
        }
    }
    if update {
        std::fs::write(&path, text).expect("write README.md");
    }
    assert!(
        stale.is_empty(),
        "README.md's {stale:?} tables differ from the vocabulary: run \
         UPDATE_README=1 cargo test -p remote-rendering --test readme_tables"
    );
}
