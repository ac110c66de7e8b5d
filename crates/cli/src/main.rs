//! `synack`: run the catalogue's TCP experiments, or your own scenario files, from a terminal.

mod import;
mod packetdrill;

use seqdiag::format::{self, Format};
use std::io::Write;
use std::process::ExitCode;
use tcp_sim::{Limits, Scenario, catalogue, simulate_with};

const HELP: &str = "\
synack: see TCP connection setup and teardown happen, segment by segment

USAGE:
    synack list
    synack run <NAME|FILE> [--format {RUN_FORMATS}] [--lang en|zh] [--absolute] [-o FILE]
               [--max-segments N] [--max-connections N] [--max-events N] [--max-steps N]
    synack check <FILE>...
    synack show <NAME|FILE> [--json]
{PACKETDRILL_USAGE}
    synack import <CAPTURE> [--conn N] [--format {IMPORT_FORMATS}] [--lang en|zh] [-o FILE]

COMMANDS:
    list     the built-in experiments, with their titles
    run      simulate an experiment and print its trace (or write it with -o). A run stops at the
             work budget the web page uses too: 5000 segments, 500 connections, 50000 events,
             100000 steps; the --max-* options raise (or lower) it
    check    validate scenario files (TOML or JSON); exits non-zero on the first bad one
    show     print a built-in experiment's scenario file, to start your own from it;
             --json prints a scenario (built-in or a file) as JSON, the form the web page opens
{PACKETDRILL_ABOUT}
    import   open a real pcap or pcapng capture: list its TCP connections, draw one with both
             ends' inferred states, or write the scenario that re-runs it (`synack run` loads it)

EXAMPLES:
    synack run lost-syn
    synack run lost-final-ack --format pcap -o lost-final-ack.pcap
    synack run my-experiment.toml --format svg -o diagram.svg
    synack run handshake --format mermaid --lang zh
    synack show syn-flood > flood.toml && synack check flood.toml
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("synack: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        None | Some("-h" | "--help" | "help") => {
            let help = HELP
                .replace("{PACKETDRILL_USAGE}", packetdrill::HELP)
                .replace("{PACKETDRILL_ABOUT}", packetdrill::ABOUT)
                .replace("{RUN_FORMATS}", &format_names(&[]).join("|"))
                .replace("{IMPORT_FORMATS}", &format_names(import::OWN_FORMATS).join("|"))
                .replace("{PACKETDRILL_FORMATS}", &format_names(packetdrill::OWN_FORMATS).join("|"));
            write_stdout(help.as_bytes())
        }
        Some("list") => {
            let mut out = String::new();
            for entry in catalogue::ENTRIES {
                let s = entry.scenario().map_err(|e| format!("built-in `{}`: {e}", entry.name))?;
                out.push_str(&format!("{:<22} {}  /  {}\n", entry.name, s.title.en, s.title.zh));
            }
            write_stdout(out.as_bytes())
        }
        Some("show") => {
            let json = args.iter().skip(1).any(|a| a == "--json");
            let mut names = args.iter().skip(1).filter(|a| *a != "--json");
            let name = names.next().ok_or("show: which experiment? (see `synack list`)")?;
            if let Some(extra) = names.next() {
                return Err(format!("show: unexpected argument `{extra}`"));
            }
            let text = match (catalogue::get(name), json) {
                (Some(entry), false) => entry.source.to_string(),
                (Some(entry), true) => {
                    format!("{}\n", entry.scenario().map_err(|e| format!("built-in `{name}`: {e}"))?.to_json())
                }
                (None, true) if std::path::Path::new(name).exists() => format!("{}\n", load_file(name)?.to_json()),
                (None, _) => return Err(format!("no built-in experiment is named `{name}`")),
            };
            write_stdout(text.as_bytes())
        }
        Some("check") => {
            if args.len() < 2 {
                return Err("check: give one or more scenario files".into());
            }
            for path in &args[1..] {
                load_file(path)?;
                write_stdout(format!("{path}: ok\n").as_bytes())?;
            }
            Ok(())
        }
        Some("run") => run_command(&args[1..]),
        Some("packetdrill") => match packetdrill::command(&args[1..])? {
            true => Ok(()),
            false => Err("packetdrill: not every script passed".into()),
        },
        Some("import") => import::run(&args[1..]),
        Some(other) => Err(format!("unknown command `{other}`; try `synack --help`")),
    }
}

struct RunOptions {
    target: String,
    format: Format,
    lang: seqdiag::Lang,
    relative: bool,
    output: Option<String>,
    limits: Limits,
}

fn parse_run(args: &[String]) -> Result<RunOptions, String> {
    let mut opts = RunOptions {
        target: String::new(),
        format: format::TEXT,
        lang: seqdiag::Lang::En,
        relative: true,
        output: None,
        limits: Limits::DEFAULT,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--format" | "-f" => opts.format = shared_format(&value("--format")?)?,
            "--lang" => {
                opts.lang = match value("--lang")?.as_str() {
                    "en" => seqdiag::Lang::En,
                    "zh" => seqdiag::Lang::Zh,
                    other => return Err(format!("--lang `{other}`: expected en or zh")),
                }
            }
            "--absolute" => opts.relative = false,
            "-o" | "--output" => opts.output = Some(value("-o")?),
            "--max-segments" => opts.limits.segments = count("--max-segments", &value("--max-segments")?)?,
            "--max-connections" => opts.limits.connections = count("--max-connections", &value("--max-connections")?)?,
            "--max-events" => opts.limits.events = count("--max-events", &value("--max-events")?)?,
            "--max-steps" => opts.limits.steps = count("--max-steps", &value("--max-steps")?)?,
            flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`; try `synack --help`")),
            target if opts.target.is_empty() => opts.target = target.to_string(),
            extra => return Err(format!("unexpected argument `{extra}`")),
        }
    }
    if opts.target.is_empty() {
        return Err("run: which experiment? a name from `synack list` or a scenario file".into());
    }
    Ok(opts)
}

fn run_command(args: &[String]) -> Result<(), String> {
    let opts = parse_run(args)?;
    let scenario = match catalogue::get(&opts.target) {
        Some(entry) => entry.scenario().map_err(|e| format!("built-in `{}`: {e}", entry.name))?,
        None if std::path::Path::new(&opts.target).exists() => load_file(&opts.target)?,
        None => {
            return Err(format!("`{}` is neither a built-in experiment (see `synack list`) nor a file", opts.target));
        }
    };
    let trace = simulate_with(&scenario, opts.limits);
    let view = seqdiag::ViewOptions { lang: opts.lang, relative: opts.relative, ..seqdiag::ViewOptions::default() };
    write_output(&(opts.format.write)(&trace, &view), Output::Shared(opts.format), opts.output.as_deref())
}

/// What `--format` chose: one of the command's own formats (`packetdrill`'s report, `import`'s
/// scenario, either one's `text`), or one of the [`format`]s every command writes.
#[derive(Clone, Copy, Debug)]
enum Output {
    /// The command's own format of this name.
    Own(&'static str),
    /// A shared format.
    Shared(Format),
}

impl Output {
    fn name(self) -> &'static str {
        match self {
            Output::Own(name) => name,
            Output::Shared(format) => format.name,
        }
    }
}

/// The names `--format` takes: the command's own formats (`own`), then the shared ones they do
/// not stand for.
fn format_names(own: &[&'static str]) -> Vec<&'static str> {
    let shared = format::ALL.iter().map(|f| f.name).filter(|name| !own.contains(name));
    own.iter().copied().chain(shared).collect()
}

/// Reads `--format NAME` for a command with formats of its own (`own`), which take precedence.
fn output_format(name: &str, own: &[&'static str]) -> Result<Output, String> {
    match own.iter().find(|o| **o == name) {
        Some(own) => Ok(Output::Own(own)),
        None => format::named(name).map(Output::Shared).ok_or_else(|| unknown_format(name, own)),
    }
}

/// Reads `--format NAME` for a command that writes only the shared formats.
fn shared_format(name: &str) -> Result<Format, String> {
    format::named(name).ok_or_else(|| unknown_format(name, &[]))
}

fn unknown_format(name: &str, own: &[&'static str]) -> String {
    let names = format_names(own);
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("--format `{name}`: expected {} or {last}", rest.join(", ")),
        _ => format!("--format `{name}`: expected {}", names.join(", ")),
    }
}

/// Writes a command's result to `-o FILE`, or to standard output unless the format is binary and
/// standard output a terminal.
fn write_output(bytes: &[u8], format: Output, output: Option<&str>) -> Result<(), String> {
    match output {
        Some(path) => std::fs::write(path, bytes).map_err(|e| format!("cannot write {path}: {e}")),
        None => match format {
            Output::Shared(f) if f.binary && std::io::IsTerminal::is_terminal(&std::io::stdout()) => {
                Err(format!("a {} is binary: use -o FILE or redirect the output", f.name))
            }
            _ => write_stdout(bytes),
        },
    }
}

/// A `--max-*` value: a whole number above zero.
fn count(flag: &str, text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{flag} `{text}`: expected a whole number above 0")),
    }
}

/// Writes to standard output. A reader that went away (`| head`) is not an error: the rest is
/// not wanted, and the command ends quietly.
fn write_stdout(bytes: &[u8]) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("cannot write: {e}")),
        _ => Ok(()),
    }
}

fn load_file(path: &str) -> Result<Scenario, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let text = tcp_sim::scenario::text_of(&bytes).map_err(|e| format!("{path}: {e}"))?;
    let parsed = if path.ends_with(".json") { Scenario::from_json(text) } else { Scenario::parse(text) };
    parsed.map_err(|e| format!("{path}: {e}"))
}
