//! `synack packetdrill`: run packetdrill scripts against tcp-core, or draw one run.

use crate::{FormatParser, Output, ViewArgs, refuse_binary_on_terminal, write_output};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use packetdrill::{Outcome, Profile, Run, RunOptions};
use std::io::Write;

/// The formats `packetdrill` writes itself: the report (one line per script) and the run as text
/// (the report's line, then the trace).
pub(crate) const OWN_FORMATS: &[&str] = &["report", "text"];

/// Run packetdrill scripts against tcp-core, or draw one script's run
///
/// One line per script: pass, or the first difference; exits non-zero unless all pass. With a
/// --format other than report, one script's run is drawn like any synack run.
#[derive(Debug, clap::Args)]
#[command(
    verbatim_doc_comment,
    after_help = "\
Examples:
  synack packetdrill handshake.pkt
  synack packetdrill handshake.pkt --profile linux
  synack packetdrill handshake.pkt --format svg -o handshake.svg"
)]
pub(crate) struct Args {
    /// packetdrill scripts
    #[arg(value_name = "SCRIPT.pkt", required = true)]
    scripts: Vec<String>,
    /// The stack tcp-core plays
    #[arg(
        short,
        long,
        default_value = "freebsd",
        value_parser = PossibleValuesParser::new(Profile::ALL.map(Profile::name)).map(|name| Profile::from_name(&name).expect("a known profile")),
    )]
    profile: Profile,
    /// Picks the scripts' #ifdef branches (default: FreeBSD for freebsd, STANDARD for rfc9293 and rfc793)
    #[arg(short = 'D', long = "define", value_name = "SYMBOL")]
    defines: Vec<String>,
    /// Compare the options' layout byte for byte
    #[arg(long)]
    exact_options: bool,
    /// What to write: the report, or one script's run
    #[arg(short, long, value_name = "FORMAT", default_value = "report", value_parser = FormatParser(OWN_FORMATS))]
    format: Output,
    #[command(flatten)]
    view: ViewArgs,
    /// Write to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    output: Option<String>,
}

impl Args {
    /// What the command line asks that cannot be done: a drawing of several scripts.
    pub(crate) fn misuse(&self) -> Option<String> {
        (self.format.name() != "report" && self.scripts.len() != 1)
            .then(|| format!("--format {} draws one script; {} were given", self.format.name(), self.scripts.len()))
    }
}

/// Runs the command; `Ok(false)` when a script did not pass.
pub(crate) fn command(o: &Args) -> Result<bool, String> {
    let profile = o.profile;
    let mut run_options = RunOptions::new(profile);
    if !o.defines.is_empty() {
        run_options.defines = o.defines.clone();
    }
    run_options.exact_option_layout = o.exact_options;
    if o.format.name() != "report" {
        refuse_binary_on_terminal(o.format, o.output.as_deref())?;
        let run = run_file(&o.scripts[0], &run_options)?;
        eprintln!("{}: {}", o.scripts[0], run.summary());
        write_drawing(&run, o)?;
        return Ok(run.outcome.passed());
    }
    let mut counts = [0usize; 4];
    let mut out = std::io::stdout().lock();
    for script in &o.scripts {
        let run = run_file(script, &run_options)?;
        counts[match run.outcome {
            Outcome::Pass => 0,
            Outcome::Fail { .. } => 1,
            Outcome::CannotExpress { .. } => 2,
            Outcome::Malformed(_) => 3,
        }] += 1;
        writeln!(out, "{script}: {}", run.summary()).map_err(|e| format!("cannot write: {e}"))?;
    }
    if o.scripts.len() > 1 {
        let [pass, fail, cannot, malformed] = counts;
        writeln!(
            out,
            "{} scripts under {profile}: {pass} pass, {fail} fail, {cannot} cannot be expressed, {malformed} malformed",
            o.scripts.len()
        )
        .map_err(|e| format!("cannot write: {e}"))?;
    }
    Ok(counts[0] == o.scripts.len())
}

fn run_file(path: &str, options: &RunOptions) -> Result<Run, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let text = String::from_utf8(bytes)
        .map_err(|e| format!("{path}: not UTF-8 text (byte {})", e.utf8_error().valid_up_to()))?;
    Ok(packetdrill::run(&text, options))
}

fn write_drawing(run: &Run, o: &Args) -> Result<(), String> {
    let view = o.view.options();
    let bytes: Vec<u8> = match o.format {
        Output::Own(_text) => run.to_text().into_bytes(),
        Output::Shared(format) => (format.write)(&run.trace, &view),
    };
    write_output(&bytes, o.format, o.output.as_deref())
}
