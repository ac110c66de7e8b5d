//! `cargo xtask test`: every check CI runs, in order, stopping at the first failure.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

use crate::util::{self, display};
use crate::{setup, web};

/// Tests counted from `test result:` lines.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    passed: u64,
    failed: u64,
}

type Step = (&'static str, Box<dyn Fn() -> Result<Counts>>);

pub(crate) fn test() -> Result<()> {
    let root = util::root();
    let has = |krate: &str| root.join("crates").join(krate).join("Cargo.toml").exists();

    let mut steps: Vec<Step> = vec![
        ("setup", Box::new(|| setup::all().map(|()| Counts::default()))),
        ("rustfmt", cargo(&["fmt", "--all", "--", "--check"])),
        ("clippy (native)", cargo(&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])),
        ("clippy (web, wasm32)", clippy_web(&["--all-targets"])),
        // The player (see web/src/upgrade.rs) compiles other code: its library alone.
        ("clippy (web player, wasm32)", clippy_web(&["--no-default-features", "--features", "en,player"])),
        // The browser tests in `cargo test --workspace` load the built site.
        ("build-web", Box::new(|| web::build(web::Profile::Release).map(|_| Counts::default()))),
        ("size budget (first visits)", Box::new(|| web::check_size(&web::dist_dir()).map(|()| Counts::default()))),
        ("cargo test (native)", cargo_test(&["test", "--workspace"])),
    ];
    if has("tcp-core") {
        steps.push((
            "tcp-core on thumbv7em (no default features)",
            cargo(&["build", "--package", "tcp-core", "--no-default-features", "--target", "thumbv7em-none-eabihf"]),
        ));
        steps.push((
            "tcp-core on thumbv7em",
            cargo(&["build", "--package", "tcp-core", "--target", "thumbv7em-none-eabihf"]),
        ));
    }
    let wasm_libs: Vec<&str> = ["tcp-core", "tcp-sim"].into_iter().filter(|k| has(k)).collect();
    if !wasm_libs.is_empty() {
        let mut args = vec!["build", "--target", "wasm32-unknown-unknown"];
        for krate in wasm_libs {
            args.extend(["--package", krate]);
        }
        steps.push(("core crates on wasm32", cargo(&args)));
    }
    steps.push(("wasm-bindgen-test (headless Chromium)", wasm_tests()));

    let started = Instant::now();
    let mut total = Counts::default();
    let mut timings: Vec<(&str, Duration)> = Vec::new();
    let count = steps.len();
    for (i, (name, step)) in steps.iter().enumerate() {
        println!("\n==> [{}/{count}] {name}", i + 1);
        let step_started = Instant::now();
        let result = step();
        timings.push((name, step_started.elapsed()));
        match result {
            Ok(counts) => {
                total.passed += counts.passed;
                total.failed += counts.failed;
            }
            Err(e) => {
                print_timings(&timings);
                eprintln!("xtask test: error: {e:#}");
                println!(
                    "xtask test: FAILED at step {}/{count} `{name}` after {:.0}s",
                    i + 1,
                    started.elapsed().as_secs_f64()
                );
                bail!("step `{name}` failed");
            }
        }
    }
    print_timings(&timings);
    println!("xtask test: all {count} steps passed in {:.0}s", started.elapsed().as_secs_f64());
    println!("{} passed, {} failed", total.passed, total.failed);
    Ok(())
}

fn print_timings(timings: &[(&str, Duration)]) {
    println!("\nxtask test: step timings");
    for (name, took) in timings {
        println!("  {:>7.1}s  {name}", took.as_secs_f64());
    }
}

/// A step running clippy on the web crate for wasm32, with these extra arguments.
fn clippy_web(extra: &[&'static str]) -> Box<dyn Fn() -> Result<Counts>> {
    let mut args = vec!["clippy", "--package", "synack-web", "--target", "wasm32-unknown-unknown"];
    args.extend(extra);
    args.extend(["--", "-D", "warnings"]);
    cargo(&args)
}

/// A step running cargo with these arguments.
fn cargo(args: &[&'static str]) -> Box<dyn Fn() -> Result<Counts>> {
    let args = args.to_vec();
    Box::new(move || {
        util::run(util::cargo().args(&args))?;
        Ok(Counts::default())
    })
}

/// A step running `cargo test`, counting the tests it reports.
fn cargo_test(args: &[&'static str]) -> Box<dyn Fn() -> Result<Counts>> {
    let args = args.to_vec();
    Box::new(move || run_counting(util::cargo().args(&args)))
}

/// The wasm32 tests of the web crate, run by `wasm-bindgen-test-runner` in headless Chromium.
fn wasm_tests() -> Box<dyn Fn() -> Result<Counts>> {
    Box::new(|| {
        let runner = setup::test_runner();
        let webdriver_json = util::root().join("webdriver.json");
        let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| setup::CHROMEDRIVER.to_owned());
        let timeout = std::env::var("WASM_BINDGEN_TEST_TIMEOUT").unwrap_or_else(|_| "120".into());
        let mut cmd = util::cargo();
        cmd.args(["test", "--package", "synack-web", "--target", "wasm32-unknown-unknown"])
            .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", &runner)
            .env("CHROMEDRIVER", chromedriver)
            .env("WASM_BINDGEN_TEST_TIMEOUT", timeout)
            .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", &webdriver_json);
        // The runner prefers these drivers over CHROMEDRIVER when they are set.
        for var in ["GECKODRIVER", "GECKODRIVER_REMOTE", "SAFARIDRIVER", "SAFARIDRIVER_REMOTE", "CHROMEDRIVER_REMOTE"] {
            cmd.env_remove(var);
        }
        println!("  (runner {}, capabilities {})", runner.display(), webdriver_json.display());
        let counts = run_counting(&mut cmd)?;
        if counts.passed == 0 {
            bail!("the wasm32 test run reported no passing test");
        }
        Ok(counts)
    })
}

/// Runs a command, echoing its stdout while summing libtest's `test result:` lines.
fn run_counting(cmd: &mut Command) -> Result<Counts> {
    let shown = display(cmd);
    println!("$ {shown}");
    let mut child = cmd.stdout(Stdio::piped()).spawn().with_context(|| format!("cannot run `{shown}`"))?;
    let mut counts = Counts::default();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line?;
            println!("{line}");
            if let Some(result) = line.trim().strip_prefix("test result:") {
                counts.passed += number_before(result, "passed");
                counts.failed += number_before(result, "failed");
            }
        }
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("`{shown}` failed ({status})");
    }
    Ok(counts)
}

/// In `ok. 3 passed; 0 failed; ...`, the number before `word`.
fn number_before(text: &str, word: &str) -> u64 {
    let words: Vec<&str> = text.split(|c: char| c.is_whitespace() || c == ';').collect();
    words.windows(2).find(|w| w[1] == word).and_then(|w| w[0].parse().ok()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::number_before;

    #[test]
    fn reads_libtest_summaries() {
        let line = " ok. 12 passed; 1 failed; 0 ignored; 0 measured; 3 filtered out; finished in 0.01s";
        assert_eq!(number_before(line, "passed"), 12);
        assert_eq!(number_before(line, "failed"), 1);
        assert_eq!(number_before(line, "skipped"), 0);
    }
}
