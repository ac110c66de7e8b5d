//! `cargo xtask fuzz [--time S] [TARGET]`: installs what fuzzing needs (a nightly toolchain
//! through rustup, cargo-fuzz from crates.io), runs each cargo-fuzz target for S seconds (default
//! 60) and prints a table of runs, executions per second, coverage and crashes, the form
//! FUZZING.md records. Only this command needs nightly; `cargo xtask test` runs the proptest
//! versions of the same properties on stable.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context as _, Result, bail};

use crate::util::{self, display};

/// A cargo-fuzz target: the crate whose `fuzz/` folder holds it, its name, and folders of seed
/// inputs (relative to the workspace root; missing ones are skipped).
struct Target {
    krate: &'static str,
    name: &'static str,
    seeds: &'static [&'static str],
}

const TARGETS: [Target; 9] = [
    Target { krate: "crates/tcp-core", name: "parse_segment", seeds: &[] },
    Target { krate: "crates/tcp-core", name: "connection", seeds: &[] },
    Target {
        krate: "crates/tcp-sim",
        name: "scenario_toml",
        seeds: &["crates/tcp-sim/scenarios", "crates/tcp-sim/tests/adversarial", "../shared/adversarial"],
    },
    Target {
        krate: "crates/tcp-sim",
        name: "scenario_json",
        seeds: &["crates/tcp-sim/tests/adversarial", "../shared/adversarial"],
    },
    Target { krate: "crates/tcp-sim", name: "permalink", seeds: &[] },
    Target { krate: "crates/tcp-sim", name: "pcap_read", seeds: &["crates/tcp-sim/tests/captures"] },
    Target { krate: "crates/tcp-sim", name: "simulate", seeds: &[] },
    Target { krate: "crates/tcp-sim", name: "decimal", seeds: &[] },
    Target { krate: "crates/capture", name: "read_capture", seeds: &["tests/captures", "../shared/captures"] },
];

/// What one target's run came to, from libFuzzer's last status line.
#[derive(Debug, Default)]
struct Outcome {
    runs: u64,
    execs_per_sec: u64,
    cov: u64,
    features: u64,
    corpus: u64,
    crashed: bool,
}

pub(crate) fn run(seconds: u64, only: Option<&str>) -> Result<()> {
    let targets: Vec<&Target> = TARGETS.iter().filter(|t| only.is_none_or(|o| o == t.name)).collect();
    if targets.is_empty() {
        let names: Vec<&str> = TARGETS.iter().map(|t| t.name).collect();
        bail!("no fuzz target {:?}; the targets are {}", only.unwrap_or_default(), names.join(", "));
    }
    install_nightly()?;
    install_cargo_fuzz()?;
    let mut results = Vec::new();
    for target in targets {
        let outcome = run_target(target, seconds)?;
        results.push((target.name, outcome));
    }
    println!("\nxtask fuzz: {seconds} s per target\n");
    println!("| target | runs | exec/s | coverage (edges) | features | corpus | crashes |");
    println!("|---|---:|---:|---:|---:|---:|---|");
    for (name, o) in &results {
        let crash = if o.crashed { "CRASH (see fuzz/artifacts)" } else { "none" };
        println!("| {name} | {} | {} | {} | {} | {} | {crash} |", o.runs, o.execs_per_sec, o.cov, o.features, o.corpus);
    }
    let crashed: Vec<&str> = results.iter().filter(|(_, o)| o.crashed).map(|(n, _)| *n).collect();
    if !crashed.is_empty() {
        bail!("crashes in {}", crashed.join(", "));
    }
    Ok(())
}

/// `cargo +nightly ...`, through rustup's proxy, without the variables of the stable cargo that
/// runs xtask (cargo-fuzz would otherwise build with it).
fn nightly_cargo() -> Command {
    let mut cmd = util::command("cargo");
    cmd.arg("+nightly");
    for var in ["CARGO", "RUSTC", "RUSTDOC", "RUSTUP_TOOLCHAIN", "RUSTC_WRAPPER", "CARGO_TARGET_DIR"] {
        cmd.env_remove(var);
    }
    cmd
}

fn install_nightly() -> Result<()> {
    let installed = util::output(util::command("rustup").args(["toolchain", "list"])).unwrap_or_default();
    if installed.lines().any(|l| l.starts_with("nightly")) {
        return Ok(());
    }
    util::run(util::command("rustup").args(["toolchain", "install", "nightly", "--profile", "minimal"]))
}

fn install_cargo_fuzz() -> Result<()> {
    if util::output(nightly_cargo().args(["fuzz", "--version"])).is_some() {
        return Ok(());
    }
    util::run(util::command("cargo").args(["install", "cargo-fuzz", "--locked"]))
}

fn run_target(target: &Target, seconds: u64) -> Result<Outcome> {
    let root = util::root();
    let crate_dir = root.join(target.krate);
    let corpus = crate_dir.join("fuzz/corpus").join(target.name);
    std::fs::create_dir_all(&corpus).with_context(|| format!("cannot create {}", corpus.display()))?;
    let mut cmd = nightly_cargo();
    cmd.current_dir(&crate_dir).args(["fuzz", "run", target.name]).arg(&corpus);
    for seed in target.seeds.iter().map(|s| root.join(s)).filter(|p| p.is_dir()) {
        cmd.arg(seed);
    }
    cmd.args(["--", &format!("-max_total_time={seconds}"), "-print_final_stats=1"]);
    let shown = display(&cmd);
    println!("\n==> fuzz {} ({} s)\n$ {shown}", target.name, seconds);
    let mut child = cmd.stderr(Stdio::piped()).spawn().with_context(|| format!("cannot run `{shown}`"))?;
    let mut outcome = Outcome::default();
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines() {
            let line = line?;
            read_status(&line, &mut outcome);
            // libFuzzer prints a status line per new input: show the milestones only.
            if !line.contains("NEW ") && !line.contains("REDUCE ") {
                println!("{line}");
            }
        }
    }
    let status = child.wait()?;
    outcome.crashed = !status.success();
    if outcome.crashed && outcome.runs == 0 {
        bail!("`{shown}` failed before fuzzing ({status})");
    }
    if outcome.crashed {
        list_artifacts(&crate_dir.join("fuzz/artifacts").join(target.name));
    }
    Ok(outcome)
}

/// Reads `#123 ... cov: 1 ft: 2 corp: 3/4b ... exec/s: 5` and `Done 123 runs in 6 second(s)`.
fn read_status(line: &str, o: &mut Outcome) {
    if let Some(rest) = line.strip_prefix("Done ") {
        o.runs = rest.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(o.runs);
        return;
    }
    if !line.starts_with('#') {
        return;
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    let after = |key: &str| words.windows(2).find(|w| w[0] == key).and_then(|w| w[1].split('/').next()?.parse().ok());
    if let Some(runs) = words.first().and_then(|w| w[1..].parse().ok()) {
        o.runs = runs;
    }
    o.cov = after("cov:").unwrap_or(o.cov);
    o.features = after("ft:").unwrap_or(o.features);
    o.corpus = after("corp:").unwrap_or(o.corpus);
    o.execs_per_sec = after("exec/s:").unwrap_or(o.execs_per_sec);
}

fn list_artifacts(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            println!("  crash input: {}", entry.path().display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Outcome, read_status};

    #[test]
    fn reads_libfuzzer_status_lines() {
        let mut o = Outcome::default();
        read_status("#524288\tpulse  cov: 1510 ft: 6101 corp: 412/88Kb lim: 4096 exec/s: 17476 rss: 412Mb", &mut o);
        assert_eq!((o.runs, o.cov, o.features, o.corpus, o.execs_per_sec), (524_288, 1510, 6101, 412, 17_476));
        read_status("Done 5242881 runs in 301 second(s)", &mut o);
        assert_eq!(o.runs, 5_242_881);
        read_status("INFO: Seed: 42", &mut o);
        assert_eq!(o.runs, 5_242_881);
    }
}
