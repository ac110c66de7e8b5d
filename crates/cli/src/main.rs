//! `synack`: run the catalogue's TCP experiments, or your own scenario files, from a terminal.
//!
//! The command line is clap's (derive). Every `--format` takes the names of seqdiag's one table
//! ([`format::ALL`]) and the command's own, through [`FormatParser`]: a new row there is a new
//! value here, in the help, in the errors and in the shell completions.

mod compare;
mod import;
mod odds;
mod packetdrill;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use seqdiag::format::{self, Format};
use std::ffi::OsStr;
use std::io::Write;
use std::process::ExitCode;
use tcp_sim::{Limits, Scenario, catalogue, simulate_with};

/// synack: see TCP connection setup and teardown happen, segment by segment
#[derive(Debug, Parser)]
#[command(name = "synack", version, after_help = top_after_help())]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The built-in experiments, with their titles in English and Chinese
    #[command(after_help = "Examples:\n  synack list\n  synack run handshake")]
    List,
    /// Simulate an experiment and print its trace (or write it with -o)
    ///
    /// The experiment is a built-in one (see `synack list`) or a scenario file (TOML, or JSON when
    /// its name ends in .json). A run stops at the work budget the web page uses too: 5000
    /// segments, 500 connections, 50000 events, 100000 steps; the --max-* options move it.
    #[command(verbatim_doc_comment)]
    #[command(after_help = RUN_EXAMPLES, after_long_help = format!("{RUN_EXAMPLES}\n\n{FAULTS_HELP}"))]
    Run(RunArgs),
    /// Validate scenario files (TOML or JSON); exits non-zero on the first bad one
    #[command(after_help = "Examples:\n  synack show syn-flood > flood.toml\n  synack check flood.toml")]
    Check {
        /// Scenario files: TOML, or JSON when the name ends in .json
        #[arg(value_name = "FILE", required = true)]
        files: Vec<String>,
    },
    /// Print a built-in experiment's scenario file, to start your own from it
    ///
    /// With --json, print a scenario (built-in or a file) as JSON, the form the web page opens.
    #[command(
        after_help = "Examples:\n  synack show syn-flood > flood.toml\n  synack show flood.toml --json > flood.json"
    )]
    Show {
        /// A built-in experiment (see `synack list`), or with --json a scenario file
        #[arg(value_name = "NAME|FILE")]
        name: String,
        /// Print the scenario as JSON
        #[arg(long)]
        json: bool,
    },
    /// Run an experiment many times under random loss, one seed each, and count what happened
    ///
    /// Each run is the experiment with another seed: other random losses, other random ISNs.
    /// What the run's first connection (usually the client's) came to is its outcome: closed,
    /// reset, refused, timed-out, or left-open. The table lists a few seeds of each outcome: put
    /// one in a scenario file (`seed = N`, with the same loss) to see that run drawn. Times are
    /// from the start of a run: when the first connection reached ESTABLISHED, when it ended,
    /// and when its peer ended.
    #[command(verbatim_doc_comment, after_help = odds::EXAMPLES)]
    Odds(odds::Args),
    /// Compare two runs: an experiment against a variant of itself, or against another one
    ///
    /// Says where the two runs part, in a sentence, with a short summary of each; or, with
    /// --format svg, draws both diagrams side by side on one time axis, with where they part
    /// marked in both.
    #[command(verbatim_doc_comment, after_help = compare::EXAMPLES)]
    Compare(compare::Args),
    Packetdrill(packetdrill::Args),
    Import(import::Args),
    /// Print a shell completion script to standard output
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions {
        /// The shell to complete for
        shell: clap_complete::Shell,
    },
}

/// The top-level help's closing block: the formats, the examples, the exit status.
fn top_after_help() -> String {
    let binary: Vec<&str> = format::ALL.iter().filter(|f| f.binary).map(|f| f.name).collect();
    format!(
        "\
Formats (--format): {shared}; packetdrill adds {packetdrill}, import adds {import}.
A binary format ({binary}) is written to -o FILE or a redirect, never to a terminal.

Examples:
  synack run lost-syn
  synack run lost-final-ack --format svg -o lost.svg
  synack run lost-final-ack --format pcap -o lost-final-ack.pcap
  synack run handshake --format mermaid --lang zh
  synack compare lost-final-ack --no-faults --format svg -o compared.svg
  synack show syn-flood > flood.toml && synack check flood.toml

Exit status: 0 when all went well; 1 when the input is wrong (an unknown experiment, a bad
scenario file or capture, a binary format for a terminal) or a packetdrill script did not pass;
2 when the command line is wrong (an unknown option or value, a missing argument).
`synack COMMAND --help` says more about each command.",
        shared = format_names(&[]).join(", "),
        packetdrill = own_only(packetdrill::OWN_FORMATS).join(", "),
        import = own_only(import::OWN_FORMATS).join(", "),
        binary = binary.join(", "),
    )
}

const RUN_EXAMPLES: &str = "\
Examples:
  synack run lost-syn
  synack run lost-final-ack --format svg -o lost.svg
  synack run lost-final-ack --format pcap -o lost-final-ack.pcap
  synack run handshake --format mermaid --lang zh
  synack run handshake --format json --absolute
  synack run handshake --loss 20 --seed 7
  synack show syn-flood > flood.toml && synack run flood.toml --max-segments 20000";

/// `run --help`'s word on faults and on what happens at one instant.
const FAULTS_HELP: &str = "\
Faults: a scenario's [[faults]] pick a segment by sender (`from`), `kind` and `nth`, or by
`index`, and `drop`, `delay` or `duplicate` it. A segment has one kind, the first that fits:
  rst      RST set (whatever else is)
  syn      SYN without ACK
  syn-ack  SYN with ACK
  fin      FIN set (with or without data)
  data     a payload, and no SYN, FIN or RST
  ack      a bare ACK: no SYN, FIN, RST or payload (a window update, an empty probe)
`nth` counts from 1, per fault, the segments that match its `from` and `kind` (either may be
left out: any sender, any kind) in the order they are sent, over the whole run: every
connection, retransmissions and injected segments included, and lost ones too. `index` counts
every segment of the trace from 0.

At one instant, a segment's arrival (or an application rule due then) is handled before a timer
due at the same instant; arrivals at one instant in the order they were scheduled.";

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  synack completions bash > ~/.local/share/bash-completion/completions/synack
  synack completions zsh > ~/.zfunc/_synack    # with fpath+=~/.zfunc before compinit
  synack completions fish > ~/.config/fish/completions/synack.fish";

/// The labels' language.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum Lang {
    En,
    Zh,
}

impl From<Lang> for bilingual::Lang {
    fn from(lang: Lang) -> bilingual::Lang {
        match lang {
            Lang::En => bilingual::Lang::En,
            Lang::Zh => bilingual::Lang::Zh,
        }
    }
}

/// How a drawing or a text is labelled: `run`'s and `packetdrill`'s `--lang` and `--absolute`.
#[derive(Debug, clap::Args)]
struct ViewArgs {
    /// The language of the labels and notes
    #[arg(long, value_enum, default_value_t = Lang::En)]
    lang: Lang,
    /// Print sequence numbers as they are on the wire, not counted from each side's ISN
    #[arg(long)]
    absolute: bool,
}

impl ViewArgs {
    fn options(&self) -> seqdiag::ViewOptions {
        seqdiag::ViewOptions { lang: self.lang.into(), relative: !self.absolute, ..seqdiag::ViewOptions::default() }
    }
}

#[derive(Debug, clap::Args)]
struct RunArgs {
    /// A built-in experiment (see `synack list`) or a scenario file
    #[arg(value_name = "NAME|FILE")]
    target: String,
    /// What to write
    #[arg(short, long, value_name = "FORMAT", default_value = "text", value_parser = FormatParser(&[]))]
    format: Output,
    #[command(flatten)]
    view: ViewArgs,
    /// Write to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    output: Option<String>,
    /// The link's random loss, in percent, instead of the scenario's own
    #[arg(long, value_name = "PERCENT", value_parser = odds::percent)]
    loss: Option<f64>,
    /// The random seed (losses, random ISNs) instead of the scenario's own: one of the seeds
    /// `synack odds` lists
    #[arg(long, value_name = "SEED")]
    seed: Option<u64>,
    /// Stop after N segments (default 5000)
    #[arg(long, value_name = "N", value_parser = count)]
    max_segments: Option<usize>,
    /// Stop after N connections (default 500)
    #[arg(long, value_name = "N", value_parser = count)]
    max_connections: Option<usize>,
    /// Stop after N events (default 50000)
    #[arg(long, value_name = "N", value_parser = count)]
    max_events: Option<usize>,
    /// Stop after N simulation steps (default 100000)
    #[arg(long, value_name = "N", value_parser = count)]
    max_steps: Option<usize>,
}

impl RunArgs {
    fn limits(&self) -> Limits {
        let mut limits = Limits::DEFAULT;
        let chosen = [
            (&mut limits.segments, self.max_segments),
            (&mut limits.connections, self.max_connections),
            (&mut limits.events, self.max_events),
            (&mut limits.steps, self.max_steps),
        ];
        for (limit, n) in chosen {
            if let Some(n) = n {
                *limit = n;
            }
        }
        limits
    }
}

fn main() -> ExitCode {
    // Usage errors end here, with clap's message and exit status 2; --help and --version too.
    let cli = Cli::parse();
    if let Some(Command::Packetdrill(args)) = &cli.command
        && let Some(message) = args.misuse()
    {
        let mut command = Cli::command();
        command.build();
        let packetdrill = command.find_subcommand_mut("packetdrill").expect("the packetdrill command");
        packetdrill.error(clap::error::ErrorKind::ArgumentConflict, message).exit();
    }
    let result = match cli.command {
        None => write_stdout(Cli::command().render_help().to_string().as_bytes()),
        Some(command) => run(command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("synack: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<(), String> {
    match command {
        Command::List => {
            let mut out = String::new();
            for entry in catalogue::ENTRIES {
                let s = entry.scenario().map_err(|e| format!("built-in `{}`: {e}", entry.name))?;
                out.push_str(&format!("{:<22} {}  /  {}\n", entry.name, s.title.en, s.title.zh));
            }
            write_stdout(out.as_bytes())
        }
        Command::Show { name, json } => {
            let text = match (catalogue::get(&name), json) {
                (Some(entry), false) => entry.source.to_string(),
                (Some(entry), true) => {
                    format!("{}\n", entry.scenario().map_err(|e| format!("built-in `{name}`: {e}"))?.to_json())
                }
                (None, true) if std::path::Path::new(&name).exists() => format!("{}\n", load_file(&name)?.to_json()),
                (None, _) => return Err(format!("no built-in experiment is named `{name}`")),
            };
            write_stdout(text.as_bytes())
        }
        Command::Check { files } => {
            for path in &files {
                load_file(path)?;
                write_stdout(format!("{path}: ok\n").as_bytes())?;
            }
            Ok(())
        }
        Command::Run(args) => run_command(&args),
        Command::Packetdrill(args) => match packetdrill::command(&args)? {
            true => Ok(()),
            false => Err("packetdrill: not every script passed".into()),
        },
        Command::Import(args) => import::run(&args),
        Command::Odds(args) => odds::run(&args),
        Command::Compare(args) => compare::run(&args),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "synack", &mut script);
            write_stdout(&script)
        }
    }
}

fn run_command(args: &RunArgs) -> Result<(), String> {
    refuse_binary_on_terminal(args.format, args.output.as_deref())?;
    let mut scenario = load_scenario(&args.target)?;
    odds::override_loss_and_seed(&mut scenario, args.loss, args.seed)?;
    let trace = simulate_with(&scenario, args.limits());
    let view = args.view.options();
    let bytes = match args.format {
        Output::Shared(format) => (format.write)(&trace, &view),
        Output::Own(name) => unreachable!("`run` has no format of its own, not even `{name}`"),
    };
    write_output(&bytes, args.format, args.output.as_deref())
}

/// What `--format` chose: one of the command's own formats (`packetdrill`'s report, `import`'s
/// scenario, either one's `text`), or one of the [`format`]s every command writes.
#[derive(Clone, Copy, Debug)]
enum Output {
    /// The command's own format of this name.
    Own(&'static str),
    /// One of the [`format`]s every command writes (`svg`, `mermaid`, `pcap`, ...).
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

/// A command's own formats that are not also shared ones (`import`'s `scenario`, not its `text`).
fn own_only(own: &[&'static str]) -> Vec<&'static str> {
    own.iter().copied().filter(|name| format::named(name).is_none()).collect()
}

/// Reads `--format NAME` for a command with formats of its own (the slice), which take
/// precedence over the shared ones of the same name. Its values, for the help, the errors and the
/// completions, are [`format_names`].
#[derive(Clone, Copy, Debug)]
struct FormatParser(&'static [&'static str]);

impl TypedValueParser for FormatParser {
    type Value = Output;

    fn parse_ref(&self, cmd: &clap::Command, arg: Option<&clap::Arg>, value: &OsStr) -> Result<Output, clap::Error> {
        // clap's own check first: an unknown name gets its message, the values and a suggestion.
        let name = PossibleValuesParser::new(format_names(self.0)).parse_ref(cmd, arg, value)?;
        let output = match self.0.iter().find(|own| **own == name) {
            Some(own) => Output::Own(own),
            None => Output::Shared(format::named(&name).expect("a name of format_names")),
        };
        Ok(output)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(format_names(self.0).into_iter().map(PossibleValue::new)))
    }
}

/// A binary format is refused before any work when it would go to a terminal.
fn refuse_binary_on_terminal(format: Output, output: Option<&str>) -> Result<(), String> {
    match format {
        Output::Shared(f) if f.binary && output.is_none() && std::io::IsTerminal::is_terminal(&std::io::stdout()) => {
            Err(format!("a {} is binary: use -o FILE or redirect the output", f.name))
        }
        _ => Ok(()),
    }
}

/// Writes a command's result to `-o FILE`, or to standard output unless the format is binary and
/// standard output a terminal.
fn write_output(bytes: &[u8], format: Output, output: Option<&str>) -> Result<(), String> {
    refuse_binary_on_terminal(format, output)?;
    match output {
        Some(path) => std::fs::write(path, bytes).map_err(|e| format!("cannot write {path}: {e}")),
        None => write_stdout(bytes),
    }
}

/// A `--max-*` value: a whole number above zero.
fn count(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err("expected a whole number above 0".into()),
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

/// A built-in experiment by name, or a scenario file.
fn load_scenario(target: &str) -> Result<Scenario, String> {
    match catalogue::get(target) {
        Some(entry) => entry.scenario().map_err(|e| format!("built-in `{}`: {e}", entry.name)),
        None if std::path::Path::new(target).exists() => load_file(target),
        None => Err(format!("`{target}` is neither a built-in experiment (see `synack list`) nor a file")),
    }
}

fn load_file(path: &str) -> Result<Scenario, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let text = tcp_sim::scenario::text_of(&bytes).map_err(|e| format!("{path}: {e}"))?;
    let parsed = if path.ends_with(".json") { Scenario::from_json(text) } else { Scenario::parse(text) };
    parsed.map_err(|e| format!("{path}: {e}"))
}
