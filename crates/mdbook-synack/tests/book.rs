//! The sample book in `web/examples/book/` built with mdBook (the `mdbook-driver` crate) running
//! this preprocessor's binary as mdBook runs any preprocessor: each ```synack block's page holds
//! the SVG that `synack run … --format svg` writes, byte for byte, on an element that `embed.js`
//! mounts; a malformed block gets an error box and the book still builds; `supports` answers as
//! mdBook asks.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use mdbook_driver::MDBook;
use mdbook_driver::config::Config;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fresh copy of a book folder, so that building writes nothing into the repository.
fn copy_book(from: &Path, test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mdbook-synack-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(from, &dir);
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let path = entry.expect("a folder entry").path();
        let target = to.join(path.file_name().expect("a name"));
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "book") {
                continue;
            }
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
}

/// Builds the book in `dir` with this crate's binary as its `synack` preprocessor.
fn build(dir: &Path) {
    let mut config: Config =
        std::fs::read_to_string(dir.join("book.toml")).expect("book.toml").parse().expect("config");
    config.set("preprocessor.synack.command", env!("CARGO_BIN_EXE_mdbook-synack")).expect("set the command");
    MDBook::load_with_config(dir, config).expect("load the book").build().expect("build the book");
}

/// What `synack run ARGS --format svg` writes (the workspace's CLI, built by cargo).
fn cli_svg(args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO"))
        .args(["run", "-q", "-p", "synack-cli", "--", "run"])
        .args(args)
        .args(["--format", "svg"])
        .current_dir(repo())
        .output()
        .expect("cargo run synack-cli");
    assert!(out.status.success(), "synack run {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// The `data-synack` links of a page, each with the SVG of its static diagram (if drawn).
fn embeds(html: &str) -> Vec<(String, Option<Vec<u8>>)> {
    html.split("<div class=\"synack-block\" data-synack=\"")
        .skip(1)
        .map(|rest| {
            let (link, rest) = rest.split_once('"').expect("the link's end");
            let block = &rest[..rest.find("</div>").expect("the block's end")];
            let svg = block
                .split_once("src=\"data:image/svg+xml;base64,")
                .map(|(_, data)| STANDARD.decode(&data[..data.find('"').expect("the data's end")]).expect("base64"));
            (link.replace("&amp;", "&"), svg)
        })
        .collect()
}

#[test]
fn the_sample_book_holds_the_clis_svg_for_every_block() {
    let dir = copy_book(&repo().join("web/examples/book"), "sample");
    build(&dir);
    let page = |name: &str| std::fs::read_to_string(dir.join("book").join(name)).expect("a built page");

    let first = page("lost-final-ack.html");
    let found = embeds(&first);
    assert_eq!(found.len(), 2, "two blocks in the first chapter");
    assert_eq!(found[0].0, "lost-final-ack&ui=play.text");
    assert_eq!(found[0].1.as_deref(), Some(cli_svg(&["lost-final-ack"]).as_slice()), "the CLI's bytes");
    assert_eq!(found[1].0, "lost-final-ack&lang=zh&abs");
    let zh = cli_svg(&["lost-final-ack", "--lang", "zh", "--absolute"]);
    assert_eq!(found[1].1.as_deref(), Some(zh.as_slice()), "the CLI's bytes, in Chinese, absolute");
    assert!(first.contains("<script type=\"module\" src=\"https://synack-viz.github.io/synack/embed.js\"></script>"));
    assert!(!first.contains("```synack") && !first.contains("language-synack"), "no block left as code");

    let second = page("own-scenario.html");
    let found = embeds(&second);
    assert_eq!(found.len(), 1);
    assert!(found[0].0.starts_with("s="), "a scenario travels in the link: {}", found[0].0);
    let source = std::fs::read_to_string(dir.join("src/own-scenario.md")).expect("the chapter");
    let block = mdbook_synack::blocks(&source).remove(0);
    let file = dir.join("scenario.toml");
    std::fs::write(&file, block.text.trim()).expect("write the scenario");
    let expected = cli_svg(&[file.to_str().expect("a UTF-8 path")]);
    assert_eq!(found[0].1.as_deref(), Some(expected.as_slice()), "the CLI's bytes for the scenario");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_malformed_block_is_an_error_box_and_the_book_builds() {
    let dir = copy_book(&repo().join("web/examples/book"), "malformed");
    let chapter = dir.join("src/lost-final-ack.md");
    let text = std::fs::read_to_string(&chapter).expect("the chapter");
    std::fs::write(&chapter, format!("{text}\n```synack\nlost-final-akc\n```\n\n```synack\ntitle = 3\nx = [\n```\n"))
        .expect("write");
    build(&dir);
    let html = std::fs::read_to_string(dir.join("book/lost-final-ack.html")).expect("the page");
    let boxes: Vec<&str> = html.split("<div class=\"synack-error\" role=\"alert\">").skip(1).collect();
    assert_eq!(boxes.len(), 2, "one box per bad block");
    assert!(boxes[0].contains("line 20: no experiment is named `lost-final-akc`"), "{}", &boxes[0][..200]);
    assert!(boxes[1].contains("line 24: the scenario: line "), "{}", &boxes[1][..200]);
    assert_eq!(embeds(&html).len(), 2, "the good blocks are still drawn");
    assert!(std::fs::read_to_string(dir.join("book/own-scenario.html")).is_ok(), "the rest of the book");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn it_answers_mdbooks_supports_question() {
    let run = |renderer: &str| {
        Command::new(env!("CARGO_BIN_EXE_mdbook-synack")).args(["supports", renderer]).status().expect("run").success()
    };
    assert!(run("html"));
    assert!(!run("epub"));
    let usage = Command::new(env!("CARGO_BIN_EXE_mdbook-synack")).arg("--nonsense").output().expect("run");
    assert_eq!(usage.status.code(), Some(2));
}
