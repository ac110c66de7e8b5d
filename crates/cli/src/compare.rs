//! `synack compare`: an experiment against a variant of itself (another profile, seed or loss,
//! no faults) or against another experiment: where the two runs part, in a sentence
//! (`tcp_sim::compare::divergence`, `narration::narrate_divergence`), with a short side-by-side
//! summary, or both diagrams side by side on one time axis as one SVG (`seqdiag::layout_pair`,
//! `svg::render_pair`).

use crate::{ViewArgs, load_scenario, write_stdout};
use bilingual::{Lang, pick};
use clap::ValueEnum;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use tcp_core::config::Profile;
use tcp_sim::compare::divergence;
use tcp_sim::trace::Fate;
use tcp_sim::{Limits, RunSummary, Scenario, Trace, simulate_with};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The first run: a built-in experiment (see `synack list`) or a scenario file
    #[arg(value_name = "A")]
    first: String,
    /// The second run: another experiment or file (default: A again); the variant options
    /// below apply to it
    #[arg(value_name = "B", required_unless_present_any = ["profile", "seed", "loss", "no_faults"])]
    second: Option<String>,
    /// The second run with this profile, on every host (a host's own `profile` included)
    #[arg(long, value_name = "PROFILE", value_parser = profile_parser())]
    profile: Option<Profile>,
    /// The second run with this random seed (losses, random ISNs)
    #[arg(long, value_name = "SEED")]
    seed: Option<u64>,
    /// The second run with this random loss on the link, in percent
    #[arg(long, value_name = "PERCENT", value_parser = crate::odds::percent)]
    loss: Option<f64>,
    /// The second run without the scenario's faults (no segment dropped, delayed or duplicated
    /// on purpose)
    #[arg(long)]
    no_faults: bool,
    /// What to write: the sentence and a summary, or both diagrams side by side
    #[arg(short, long, value_enum, default_value_t = CompareFormat::Text)]
    format: CompareFormat,
    #[command(flatten)]
    view: ViewArgs,
    /// Write to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    output: Option<String>,
}

/// `compare --format`.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum CompareFormat {
    Text,
    Svg,
}

pub(crate) const EXAMPLES: &str = "\
Examples:
  synack compare lost-final-ack --no-faults
  synack compare lost-final-ack --no-faults --format svg -o lost-final-ack-compared.svg
  synack compare handshake --profile freebsd --lang zh
  synack compare handshake --loss 20 --seed 7
  synack compare lost-syn lost-syn-ack
  synack compare mine.toml --no-faults --profile windows

The second run is B, or A again when B is left out; --profile, --seed, --loss and --no-faults
change it. The runs part at the first segment a reader would see differ (sender, flags,
relative numbers, length, when it left, lost or when it arrived) or the first state change that
differs, whichever comes first.";

/// The profiles' names, for `--profile`.
fn profile_parser() -> impl TypedValueParser<Value = Profile> {
    PossibleValuesParser::new(Profile::ALL.map(Profile::name))
        .map(|name| Profile::from_name(&name).expect("one of the names listed"))
}

pub(crate) fn run(args: &Args) -> Result<(), String> {
    let first = load_scenario(&args.first)?;
    let mut second = load_scenario(args.second.as_deref().unwrap_or(&args.first))?;
    crate::odds::override_loss_and_seed(&mut second, args.loss, args.seed)?;
    if let Some(profile) = args.profile {
        second.profile = profile;
        second.hosts.iter_mut().for_each(|h| h.profile = None);
    }
    if args.no_faults {
        second.faults.clear();
    }
    let (a, b) = (simulate_with(&first, Limits::DEFAULT), simulate_with(&second, Limits::DEFAULT));
    let captions = [args.first.clone(), caption(args)];
    let view = args.view.options();
    let d = divergence(&a, &b);
    let sentence = narration::narrate_divergence(&a, &b, d.as_ref(), view.lang, view.relative);
    let bytes = match args.format {
        CompareFormat::Text => text(&sentence, [&a, &b], [&first, &second], &captions, view.lang),
        CompareFormat::Svg => {
            let pair = seqdiag::layout_pair(&a, &b, &view);
            seqdiag::svg::render_pair(&pair, [&captions[0], &captions[1]], Some(&sentence), view.lang)
        }
    };
    match &args.output {
        Some(path) => std::fs::write(path, bytes).map_err(|e| format!("cannot write {path}: {e}")),
        None => write_stdout(bytes.as_bytes()),
    }
}

/// The second run's name: B, or A, and the variant options given (`lost-final-ack, no faults`).
fn caption(args: &Args) -> String {
    let mut out = args.second.clone().unwrap_or_else(|| args.first.clone());
    if let Some(profile) = args.profile {
        out.push_str(&format!(", {}", profile.name()));
    }
    if let Some(loss) = args.loss {
        out.push_str(&format!(", loss {loss} %"));
    }
    if let Some(seed) = args.seed {
        out.push_str(&format!(", seed {seed}"));
    }
    if args.no_faults {
        out.push_str(", no faults");
    }
    out
}

/// The sentence, then each run's figures side by side.
fn text(sentence: &str, runs: [&Trace; 2], scenarios: [&Scenario; 2], captions: &[String; 2], lang: Lang) -> String {
    let ms = |t: Option<tcp_core::Instant>| t.map_or_else(|| "-".to_string(), |t| bilingual::duration(lang, t.micros));
    let row = |run: &Trace, scenario: &Scenario| {
        let summary = RunSummary::of(scenario.seed, &tcp_sim::Outcome::of(run));
        [
            scenario.profile.name().to_string(),
            run.segments.len().to_string(),
            run.segments.iter().filter(|s| matches!(s.fate, Fate::Lost { .. })).count().to_string(),
            run.segments.iter().filter(|s| s.retransmission).count().to_string(),
            summary.verdict.name().to_string(),
            ms(summary.established),
            ms(summary.first_ended),
            ms(Some(run.end)),
        ]
    };
    let labels = [
        pick(lang, "profile", "配置"),
        pick(lang, "segments", "报文段"),
        pick(lang, "lost", "丢失"),
        pick(lang, "retransmissions", "重传"),
        pick(lang, "outcome", "结果"),
        pick(lang, "established at", "建立连接于"),
        pick(lang, "first connection ended", "第一个连接结束于"),
        pick(lang, "run ended", "运行结束于"),
    ];
    let (ra, rb) = (row(runs[0], scenarios[0]), row(runs[1], scenarios[1]));
    let heads = [
        format!("{}: {}", pick(lang, "first", "第一次"), captions[0]),
        format!("{}: {}", pick(lang, "second", "第二次"), captions[1]),
    ];
    let label_w = labels.iter().map(|l| width(l)).max().unwrap_or(0) + 2;
    let col_w = ra.iter().chain([&heads[0]]).map(|c| width(c)).max().unwrap_or(0) + 3;
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(width(s))));
    let mut out = format!("{sentence}\n\n{}{}{}\n", pad("", label_w), pad(&heads[0], col_w), heads[1]);
    for ((label, a), b) in labels.iter().zip(&ra).zip(&rb) {
        out.push_str(&format!("{}{}{b}\n", pad(label, label_w), pad(a, col_w)));
    }
    out
}

/// Columns a text takes in a terminal: two for a wide (CJK) character.
fn width(s: &str) -> usize {
    s.chars().map(|c| if seqdiag::text::is_wide(c) { 2 } else { 1 }).sum()
}
