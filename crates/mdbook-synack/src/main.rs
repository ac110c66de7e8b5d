//! `mdbook-synack`, as mdBook runs a preprocessor: `mdbook-synack supports RENDERER` exits 0 for
//! `html` (1 for any other); without arguments it reads `[context, book]` as JSON on standard
//! input and writes the book, its ```` ```synack ```` blocks replaced, as JSON on standard output.
//! See the library for what a block becomes.

use mdbook_preprocessor::Preprocessor as _;
use mdbook_synack::Synack;
use std::io::Write as _;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [supports, renderer] if supports == "supports" => {
            if Synack.supports_renderer(renderer).unwrap_or(false) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        [] => match preprocess() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("mdbook-synack: {e:#}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!(
                "usage: mdbook-synack [supports RENDERER] (mdBook runs it: add [preprocessor.synack] to book.toml)"
            );
            ExitCode::from(2)
        }
    }
}

fn preprocess() -> mdbook_preprocessor::errors::Result<()> {
    let (ctx, book) = mdbook_preprocessor::parse_input(std::io::stdin())?;
    let book = Synack.run(&ctx, book)?;
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, &book)?;
    out.flush()?;
    Ok(())
}
