//! `synack packetdrill`: run packetdrill scripts against tcp-core, or draw one run.

use crate::{Output, output_format, write_output};
use packetdrill::{Outcome, ProfileName, Run, RunOptions};
use std::io::Write;

/// The formats `packetdrill` writes itself: the report (one line per script) and the run as text
/// (the report's line, then the trace).
pub(crate) const OWN_FORMATS: &[&str] = &["report", "text"];

pub(crate) const HELP: &str = "\
    synack packetdrill <SCRIPT.pkt>... [--profile freebsd|linux|rfc9293|windows|rfc793]
                       [--define SYMBOL]... [--exact-options]
                       [--format {PACKETDRILL_FORMATS}] [--lang en|zh] [--absolute] [-o FILE]";

pub(crate) const ABOUT: &str = "\
    packetdrill  run packetdrill scripts against tcp-core (default profile freebsd): one line per
             script, pass or the first difference; exits non-zero unless all pass. --define
             picks #ifdef branches (default: FreeBSD for freebsd, STANDARD for rfc9293);
             --exact-options compares option layout byte for byte. With --format other than
             report, one script's run is drawn like any synack run";

struct Options {
    scripts: Vec<String>,
    profile: ProfileName,
    defines: Vec<String>,
    exact_options: bool,
    format: Output,
    lang: seqdiag::Lang,
    relative: bool,
    output: Option<String>,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        scripts: Vec::new(),
        profile: ProfileName::Core(packetdrill::Profile::Freebsd),
        defines: Vec::new(),
        exact_options: false,
        format: Output::Own("report"),
        lang: seqdiag::Lang::En,
        relative: true,
        output: None,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--profile" | "-p" => {
                let name = value("--profile")?;
                o.profile = ProfileName::parse(&name).ok_or_else(|| {
                    format!("--profile `{name}`: expected freebsd, linux, rfc9293, windows or rfc793")
                })?;
            }
            "--define" | "-D" => o.defines.push(value("--define")?),
            "--exact-options" => o.exact_options = true,
            "--format" | "-f" => o.format = output_format(&value("--format")?, OWN_FORMATS)?,
            "--lang" => {
                o.lang = match value("--lang")?.as_str() {
                    "en" => seqdiag::Lang::En,
                    "zh" => seqdiag::Lang::Zh,
                    other => return Err(format!("--lang `{other}`: expected en or zh")),
                }
            }
            "--absolute" => o.relative = false,
            "-o" | "--output" => o.output = Some(value("-o")?),
            flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`; try `synack --help`")),
            script => o.scripts.push(script.to_string()),
        }
    }
    if o.scripts.is_empty() {
        return Err("packetdrill: give one or more .pkt scripts".into());
    }
    if o.format.name() != "report" && o.scripts.len() != 1 {
        return Err(format!("--format {} draws one script; {} were given", o.format.name(), o.scripts.len()));
    }
    Ok(o)
}

/// Runs the command; `Ok(false)` when a script did not pass.
pub(crate) fn command(args: &[String]) -> Result<bool, String> {
    let o = parse_args(args)?;
    let profile = match o.profile {
        ProfileName::Core(p) => p,
        ProfileName::Rfc793 => {
            for script in &o.scripts {
                println!(
                    "{script}: unsupported: the rfc793 profile (RST and SYN handling before RFC 5961) is not implemented yet"
                );
            }
            return Ok(false);
        }
    };
    let mut run_options = RunOptions::new(profile);
    if !o.defines.is_empty() {
        run_options.defines = o.defines.clone();
    }
    run_options.exact_option_layout = o.exact_options;
    if o.format.name() != "report" {
        let run = run_file(&o.scripts[0], &run_options)?;
        eprintln!("{}: {}", o.scripts[0], run.summary());
        write_drawing(&run, &o)?;
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

fn write_drawing(run: &Run, o: &Options) -> Result<(), String> {
    let view = seqdiag::ViewOptions { lang: o.lang, relative: o.relative, ..seqdiag::ViewOptions::default() };
    let bytes: Vec<u8> = match o.format {
        Output::Own(_text) => run.to_text().into_bytes(),
        Output::Shared(format) => (format.write)(&run.trace, &view),
    };
    write_output(&bytes, o.format, o.output.as_deref())
}
