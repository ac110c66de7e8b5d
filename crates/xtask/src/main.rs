//! `cargo xtask`: build, serve and test automation for synack.
//!
//! Every tool the project needs is installed from here (`cargo xtask setup`), so a
//! brand-new machine only needs rustup, cargo and Debian's apt.

mod ci;
mod fuzz;
mod prerender;
mod setup;
mod shell;
mod util;
mod wasm_names;
mod web;

use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  setup                 install what builds and tests need (idempotent)
  build-web [--dev|--profiling]
                        build the web app into web/dist: the full module, the players, the
                        prerendered diagrams and the pages (release + wasm-opt unless --dev;
                        --profiling keeps function names for `cargo bench --bench profile`)
  serve [--port 8080] [--base /] [--dev]
                        build the web app and serve web/dist on 127.0.0.1 (gzip, like GitHub Pages)
  size                  build the release web app, print what a first visit downloads and
                        where the bytes go, and check the 250 KiB gzip -9 budget
  test                  run every check CI runs (fmt, clippy, tests, embedded and wasm builds,
                        browser tests)
  fuzz [--time 60] [TARGET]
                        run each cargo-fuzz target (or TARGET) for --time seconds; installs a
                        nightly toolchain and cargo-fuzz when missing
  help                  show this";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_else(|| "help".to_owned());
    let mut opts = Options::parse(args)?;
    match command.as_str() {
        "setup" => {
            opts.finish()?;
            setup::all()
        }
        "build-web" => {
            let profile = opts.profile();
            opts.finish()?;
            setup::build_prerequisites()?;
            web::build(profile).map(drop)
        }
        "serve" => {
            let profile = opts.profile();
            let port = opts
                .value("--port")?
                .map_or(Ok(8080), |p| p.parse::<u16>().with_context(|| format!("bad --port {p:?}")))?;
            let base = opts.value("--base")?.unwrap_or_else(|| "/".to_owned());
            opts.finish()?;
            setup::build_prerequisites()?;
            web::build(profile)?;
            web::serve(port, &base)
        }
        "size" => {
            opts.finish()?;
            setup::build_prerequisites()?;
            web::size()
        }
        "test" => {
            opts.finish()?;
            ci::test()
        }
        "fuzz" => {
            let seconds = opts
                .value("--time")?
                .map_or(Ok(60), |t| t.parse::<u64>().with_context(|| format!("bad --time {t:?}")))?;
            let target = opts.positional();
            opts.finish()?;
            fuzz::run(seconds, target.as_deref())
        }
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown command {other:?}\n\n{USAGE}"),
    }
}

/// Hand-rolled option parsing: `--flag`, `--key value` and `--key=value`.
struct Options(Vec<String>);

impl Options {
    fn parse(args: impl Iterator<Item = String>) -> Result<Self> {
        let mut out = Vec::new();
        for arg in args {
            match arg.split_once('=') {
                Some((key, value)) if key.starts_with("--") => {
                    out.push(key.to_owned());
                    out.push(value.to_owned());
                }
                _ => out.push(arg),
            }
        }
        Ok(Self(out))
    }

    fn flag(&mut self, name: &str) -> bool {
        let before = self.0.len();
        self.0.retain(|a| a != name);
        self.0.len() != before
    }

    fn value(&mut self, name: &str) -> Result<Option<String>> {
        let Some(i) = self.0.iter().position(|a| a == name) else {
            return Ok(None);
        };
        if i + 1 >= self.0.len() {
            bail!("{name} needs a value");
        }
        let value = self.0.remove(i + 1);
        self.0.remove(i);
        Ok(Some(value))
    }

    fn profile(&mut self) -> web::Profile {
        if self.flag("--dev") {
            web::Profile::Dev
        } else if self.flag("--profiling") {
            web::Profile::Profiling
        } else {
            web::Profile::Release
        }
    }

    /// The first argument that is not an option, taken out.
    fn positional(&mut self) -> Option<String> {
        let i = self.0.iter().position(|a| !a.starts_with('-'))?;
        Some(self.0.remove(i))
    }

    fn finish(self) -> Result<()> {
        if self.0.is_empty() { Ok(()) } else { bail!("unexpected arguments: {}\n\n{USAGE}", self.0.join(" ")) }
    }
}
