//! The architecture, checked: data flows one way through the floors of `src/`, and the library
//! never prints. A module may import only from floors below its own (the ground floor's modules
//! may use each other); siblings on one floor — the two front ends, or `service` and `lab` — never
//! import each other.

use std::path::{Path, PathBuf};

/// Floors, lowest first. `main.rs` stands above all and is not checked.
const FLOORS: &[&[&str]] = &[
    &["clock", "error", "fsio", "paths", "settings", "image_ops", "words"],
    &["video"],
    &["encoder"],
    &["features"],
    &["model"],
    &["segments"],
    &["formats"],
    &["service", "lab"],
    &["cli", "gui"],
];

/// Files allowed to print, and why: the command line is the printing front end; the benchmark
/// tables and training progress are the lab's console output; the sampler's trace is opt-in
/// (`INTROSKIP_TRACE`) debugging. The GUI's kittest module reports frame times.
const MAY_PRINT: &[&str] = &["cli/mod.rs", "cli/lab.rs", "cli/scan.rs", "cli/search.rs", "lab/bench.rs", "lab/train.rs", "video/sampler/engine.rs", "gui/tests/mod.rs"];

fn floor(module: &str) -> Option<usize> {
    FLOORS.iter().position(|f| f.contains(&module))
}

/// Every source file of `src/`: its path relative to `src/` and its code ([`code_of`]).
fn sources() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.iter().map(|f| (f.strip_prefix(&src).unwrap().to_string_lossy().into_owned(), code_of(&std::fs::read_to_string(f).unwrap()))).collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The file's code without comments and without its unit-test module (tests may reach anywhere).
fn code_of(text: &str) -> String {
    let body = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    body.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// Top-level modules a file names through `crate::…` (also inside `use crate::{a, b::c}`).
fn imports(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + 7..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for part in group[..end].split(',') {
                let name: String = part.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                out.push(name);
            }
        } else {
            out.push(rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect());
        }
    }
    out.retain(|m| !m.is_empty() && m.chars().next().is_some_and(|c| c.is_lowercase()));
    out
}

#[test]
fn imports_run_downward_only() {
    let mut wrong = Vec::new();
    for (rel, code) in sources() {
        if rel == "main.rs" || rel == "lib.rs" || rel.ends_with("/tests.rs") {
            continue;
        }
        let module = rel.split('/').next().unwrap().trim_end_matches(".rs").to_string();
        let Some(own) = floor(&module) else {
            wrong.push(format!("{rel}: module '{module}' is on no floor of this test"));
            continue;
        };
        for dep in imports(&code) {
            if dep == module || dep == "Error" || dep == "Result" {
                continue;
            }
            let Some(theirs) = floor(&dep) else { continue };
            if theirs > own || (theirs == own && own != 0) {
                wrong.push(format!("{rel}: {module} (floor {own}) imports {dep} (floor {theirs})"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports that run upward or sideways:\n{}", wrong.join("\n"));
}

#[test]
fn the_library_never_prints() {
    let mut wrong = Vec::new();
    for (rel, code) in sources() {
        if rel == "main.rs" || MAY_PRINT.contains(&rel.as_str()) {
            continue;
        }
        for macro_name in ["println!", "eprintln!", "print!(", "eprint!("] {
            if code.contains(macro_name) {
                wrong.push(format!("{rel} uses {macro_name}"));
            }
        }
    }
    assert!(wrong.is_empty(), "library code that prints (return a note instead):\n{}", wrong.join("\n"));
}

#[test]
fn the_checker_sees_grouped_and_plain_imports() {
    let code = "use crate::{gui, video::probe};\nlet x = crate::lab::eval::f();";
    assert_eq!(imports(code), ["gui", "video", "lab"]);
}
