//! `synack odds`: one experiment run with many seeds under random loss, and what the runs came to
//! ([`tcp_sim::Odds`]): the share of each outcome, with seeds to reopen, and the spread of the
//! times, as a table, JSON, or one CSV line per run.

use crate::{load_scenario, write_stdout};
use clap::ValueEnum;
use serde_json::json;
use tcp_core::Instant;
use tcp_sim::odds::{Odds, RunSummary, Verdict, percentile};
use tcp_sim::scenario::Probability;
use tcp_sim::{Limits, Scenario};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A built-in experiment (see `synack list`) or a scenario file
    #[arg(value_name = "NAME|FILE")]
    target: String,
    /// The link's random loss, in percent (default: the scenario's own)
    #[arg(long, value_name = "PERCENT", value_parser = percent)]
    loss: Option<f64>,
    /// How many runs, one seed each
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    runs: u64,
    /// The first seed; the runs use this one and the ones after it
    #[arg(long, value_name = "SEED", default_value_t = 0)]
    first_seed: u64,
    /// What to write: a table, JSON, or CSV (one line per run)
    #[arg(short, long, value_enum, default_value_t = OddsFormat::Text)]
    format: OddsFormat,
}

/// `odds --format`.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum OddsFormat {
    Text,
    Json,
    Csv,
}

pub(crate) const EXAMPLES: &str = "\
Examples:
  synack odds handshake --loss 20
  synack odds lost-final-ack --loss 10 --runs 1000 --format json
  synack odds handshake --loss 30 --format csv > runs.csv
  synack run handshake --loss 20 --seed 7    # one of the runs the table lists";

/// A `--loss` value: a percentage from 0 to 100.
pub(crate) fn percent(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err("expected a percentage from 0 to 100".into()),
    }
}

/// Reads one time of a run.
type TimeOf = fn(&RunSummary) -> Option<Instant>;

/// The times reported: what, and how to read it from a run.
const TIMES: [(&str, TimeOf); 3] =
    [("established", |r| r.established), ("first-ended", |r| r.first_ended), ("peer-ended", |r| r.peer_ended)];

pub(crate) fn run(args: &Args) -> Result<(), String> {
    let mut scenario = load_scenario(&args.target)?;
    override_loss_and_seed(&mut scenario, args.loss, None)?;
    let seeds = args.first_seed..args.first_seed.saturating_add(args.runs);
    let odds = Odds::run(&scenario, Limits::DEFAULT, seeds.clone());
    let loss = scenario.link.loss.get() * 100.0;
    let text = match args.format {
        OddsFormat::Text => text(&args.target, loss, &odds),
        OddsFormat::Json => json(&args.target, loss, &odds),
        OddsFormat::Csv => csv(&odds),
    };
    write_stdout(text.as_bytes())
}

/// `--loss` (in percent) and `--seed`, where given, instead of the scenario's own.
pub(crate) fn override_loss_and_seed(
    scenario: &mut Scenario,
    loss: Option<f64>,
    seed: Option<u64>,
) -> Result<(), String> {
    if let Some(loss) = loss {
        scenario.link.loss = Probability::new(loss / 100.0)?;
    }
    if let Some(seed) = seed {
        scenario.seed = seed;
    }
    Ok(())
}

fn ms(t: Instant) -> f64 {
    t.micros as f64 / 1000.0
}

fn text(target: &str, loss: f64, odds: &Odds) -> String {
    let (first, last) = (odds.runs.first().map_or(0, |r| r.seed), odds.runs.last().map_or(0, |r| r.seed));
    let mut out = format!("{target}: {} runs (seeds {first}–{last}), loss {loss} %\n\n", odds.runs.len());
    out.push_str(&format!("{:<10} {:>8} {:>9}   seeds\n", "outcome", "runs", "share"));
    for v in Verdict::ALL {
        let seeds: Vec<String> = odds.seeds_of(v).take(3).map(|s| s.to_string()).collect();
        out.push_str(&format!(
            "{:<10} {:>8} {:>8.2} %   {}\n",
            v.name(),
            odds.count_of(v),
            odds.share(v) * 100.0,
            seeds.join(", ")
        ));
    }
    out.push_str(&format!("\n{:<12} {:>8} {:>12} {:>12}\n", "time (ms)", "runs", "median", "99th"));
    for (name, time) in TIMES {
        let sorted = odds.sorted(time);
        let show = |p: f64| percentile(&sorted, p).map_or_else(|| "-".to_string(), |t| format!("{:.3}", ms(t)));
        out.push_str(&format!("{name:<12} {:>8} {:>12} {:>12}\n", sorted.len(), show(50.0), show(99.0)));
    }
    out.push_str(
        "\nA run's outcome is what its first connection (usually the client's) came to; first-ended is\n\
         when that connection ended, peer-ended when its peer did.\n",
    );
    out
}

fn json(target: &str, loss: f64, odds: &Odds) -> String {
    let outcomes: serde_json::Map<String, serde_json::Value> = Verdict::ALL
        .iter()
        .map(|v| {
            let seeds: Vec<u64> = odds.seeds_of(*v).take(10).collect();
            (v.name().to_string(), json!({ "runs": odds.count_of(*v), "share": odds.share(*v), "seeds": seeds }))
        })
        .collect();
    let times: serde_json::Map<String, serde_json::Value> = TIMES
        .iter()
        .map(|(name, time)| {
            let sorted = odds.sorted(time);
            let at = |p: f64| percentile(&sorted, p).map(ms);
            (name.to_string(), json!({ "runs": sorted.len(), "median_ms": at(50.0), "p99_ms": at(99.0) }))
        })
        .collect();
    let value = json!({
        "experiment": target,
        "loss_percent": loss,
        "runs": odds.runs.len(),
        "first_seed": odds.runs.first().map(|r| r.seed),
        "outcomes": outcomes,
        "times": times,
    });
    format!("{value:#}\n")
}

fn csv(odds: &Odds) -> String {
    let mut out = String::from("seed,outcome,established_ms,first_ended_ms,peer_ended_ms\n");
    let cell = |t: Option<Instant>| t.map_or_else(String::new, |t| format!("{:.3}", ms(t)));
    for r in &odds.runs {
        out.push_str(&format!(
            "{},{},{},{},{}\n",
            r.seed,
            r.verdict.name(),
            cell(r.established),
            cell(r.first_ended),
            cell(r.peer_ended)
        ));
    }
    out
}
