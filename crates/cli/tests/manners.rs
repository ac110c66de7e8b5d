//! The command line's manners (issue #15.4): help with examples that work, a version, shell
//! completions, no binary on a terminal, clap's usage errors (exit 2) beside the precise input
//! errors (exit 1).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
mod common;
use common::{stderr, stdout, synack};

const BIN: &str = env!("CARGO_BIN_EXE_synack");

/// A fresh directory for one test.
fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("synack-manners-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const COMMANDS: [&str; 7] = ["list", "run", "check", "show", "packetdrill", "import", "completions"];

/// The example command lines of a help text: the lines under `Examples:` up to a blank line.
fn examples(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|line| *line != "Examples:")
        .skip(1)
        .take_while(|line| !line.is_empty())
        .map(|line| line.trim().to_string())
        .collect()
}

#[test]
fn help_and_run_help_show_examples_and_every_format() {
    let formats: Vec<&str> = seqdiag::format::ALL.iter().map(|f| f.name).collect();
    let o = synack(&["--help"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let help = stdout(&o);
    assert!(help.contains(&format!("Formats (--format): {};", formats.join(", "))), "{help}");
    assert!(examples(&help).contains(&"synack run lost-final-ack --format svg -o lost.svg".into()), "{help}");
    for command in COMMANDS {
        assert!(help.contains(&format!("\n  {command} ")), "{command} in {help}");
    }

    let o = synack(&["run", "--help"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let help = stdout(&o);
    assert!(help.contains(&format!("[possible values: {}]", formats.join(", "))), "{help}");
    let run_examples = examples(&help);
    for example in ["synack run lost-syn", "synack run lost-final-ack --format pcap -o lost-final-ack.pcap"] {
        assert!(run_examples.contains(&example.into()), "{example} in {help}");
    }
    // The long help says what each fault kind selects, how nth counts, and the order at one instant.
    for kind in ["syn", "syn-ack", "ack", "data", "fin", "rst"] {
        assert!(help.contains(&format!("\n  {kind:<8} ")), "kind {kind} in {help}");
    }
    assert!(help.contains("ack      a bare ACK: no SYN, FIN, RST or payload"), "{help}");
    assert!(help.contains("`nth` counts from 1, per fault"), "{help}");
    assert!(help.contains("is handled before a timer\ndue at the same instant"), "{help}");
    // -h is the short form: the examples without the fault table.
    let short = stdout(&synack(&["run", "-h"]));
    assert_eq!(examples(&short), run_examples);
    assert!(!short.contains("`nth` counts"), "{short}");
}

#[test]
fn every_command_has_help_with_examples() {
    for command in COMMANDS {
        let o = synack(&[command, "--help"]);
        assert!(o.status.success(), "{command}: {}", stderr(&o));
        let help = stdout(&o);
        assert!(help.contains(&format!("Usage: synack {command}")), "{help}");
        let examples = examples(&help);
        assert!(!examples.is_empty(), "{command} --help has no examples: {help}");
        assert!(examples.iter().all(|e| e.starts_with("synack ")), "{examples:?}");
    }
}

/// Every example in the help (but the completions', which write to the reader's home) runs, in
/// order, in one directory; `handshake.pkt` is the one file an example assumes the reader has.
#[test]
fn the_examples_work() {
    let dir = temp_dir("examples");
    std::fs::write(
        dir.join("handshake.pkt"),
        "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
+0.1 < S 0:0(0) win 32767 <mss 1460,sackOK>
+0 > S. 0:0(0) ack 1 <mss 1460,sackOK>
+0.1 < . 1:1(0) ack 1 win 32767
+0 accept(3, ..., ...) = 4
",
    )
    .unwrap();
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let mut helps = vec![stdout(&synack(&["--help"]))];
    helps.extend(COMMANDS.iter().filter(|c| **c != "completions").map(|c| stdout(&synack(&[c, "--help"]))));
    let mut ran = 0;
    for help in &helps {
        for example in examples(help) {
            let o = Command::new("sh")
                .args(["-c", &example])
                .current_dir(&dir)
                .env("PATH", &path)
                .stdin(Stdio::null())
                .output()
                .unwrap();
            assert!(o.status.success(), "`{example}` failed: {}", stderr(&o));
            ran += 1;
        }
    }
    assert!(ran >= 20, "only {ran} examples");
    for written in ["lost.svg", "lost-final-ack.pcap", "flood.toml", "flood.json", "capture.pcap", "rerun.toml"] {
        assert!(std::fs::metadata(dir.join(written)).unwrap().len() > 0, "{written}");
    }
}

#[test]
fn version_is_the_crates() {
    let o = synack(&["--version"]);
    assert!(o.status.success());
    assert_eq!(stdout(&o), format!("synack {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn completions_are_scripts_for_the_shell() {
    let o = synack(&["completions", "bash"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let script = stdout(&o);
    assert!(script.contains("_synack()") && script.contains("complete -F _synack"), "{script}");
    for command in COMMANDS {
        assert!(script.contains(command), "{command}");
    }
    let formats: Vec<&str> = seqdiag::format::ALL.iter().map(|f| f.name).collect();
    assert!(script.contains(&formats.join(" ")), "the --format values complete");
    let path = temp_dir("completions").join("synack.bash");
    std::fs::write(&path, &script).unwrap();
    let check = Command::new("bash").arg("-n").arg(&path).output().expect("bash runs");
    assert!(check.status.success(), "bash -n: {}", String::from_utf8_lossy(&check.stderr));

    for (shell, mark) in [("zsh", "#compdef synack"), ("fish", "complete -c synack")] {
        let o = synack(&["completions", shell]);
        assert!(o.status.success() && stdout(&o).contains(mark), "{shell}: {}", stdout(&o));
    }
    let o = synack(&["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("invalid value 'tcsh' for '<SHELL>'"), "{}", stderr(&o));
}

/// Runs `synack ARGS` with standard output (and error) on a pseudo-terminal, through util-linux's
/// `script`: what the terminal showed, and the exit status.
fn on_a_terminal(dir: &Path, args: &str) -> (String, Option<i32>) {
    let script = "/usr/bin/script";
    assert!(Path::new(script).exists(), "{script} is missing: Debian's bsdutils (util-linux) has it");
    let o = Command::new(script)
        .args(["-qec", &format!("'{BIN}' {args}"), "/dev/null"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("script runs");
    (stdout(&o), o.status.code())
}

#[test]
fn a_binary_format_is_refused_on_a_terminal_unless_written_to_a_file() {
    let dir = temp_dir("pty");
    // Text goes to the terminal: the pseudo-terminal works, and is one.
    let (shown, code) = on_a_terminal(&dir, "run handshake");
    assert_eq!(code, Some(0), "{shown}");
    assert!(shown.contains("client   -> server: SYN seq=0"), "{shown}");
    for format in seqdiag::format::ALL.iter().filter(|f| f.binary) {
        // Refused before anything is read, so even a name that is no experiment gets this answer.
        for target in ["handshake", "x"] {
            let (shown, code) = on_a_terminal(&dir, &format!("run {target} --format {}", format.name));
            assert_eq!(code, Some(1), "{shown}");
            let message = format!("synack: a {} is binary: use -o FILE or redirect the output", format.name);
            assert!(shown.contains(&message), "{shown}");
        }
        let file = format!("h.{}", format.extension);
        let (shown, code) = on_a_terminal(&dir, &format!("run handshake --format {} -o {file}", format.name));
        assert_eq!(code, Some(0), "{shown}");
        let scenario = tcp_sim::catalogue::get("handshake").unwrap().scenario().unwrap();
        let expected = (format.write)(&tcp_sim::simulate(&scenario), &seqdiag::ViewOptions::default());
        assert_eq!(std::fs::read(dir.join(&file)).unwrap(), expected, "{}", format.name);
    }
}

#[test]
fn a_bad_command_line_exits_2_with_clap_message_and_a_hint() {
    let o = synack(&["run", "handshake", "--frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.starts_with("error: unexpected argument '--frobnicate' found"), "{err}");
    assert!(err.contains("tip: a similar argument exists: '--format'"), "{err}");
    assert!(err.contains("Usage: synack run "), "{err}");
    assert!(err.contains("For more information, try '--help'."), "{err}");
    let o = synack(&["run", "handshake", "--format", "sv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("tip: a similar value exists: 'svg'"), "{}", stderr(&o));
}

#[test]
fn a_bad_scenario_still_names_its_line_and_column_or_key() {
    let dir = temp_dir("scenario");
    let syntax = dir.join("syntax.toml");
    std::fs::write(&syntax, "profile = \"linux\"\n[link]\ndelay_ms = = 3\n").unwrap();
    let kind = dir.join("kind.toml");
    std::fs::write(&kind, "[[faults]]\nkind = \"bare-ack\"\naction = \"drop\"\n").unwrap();
    let nth = dir.join("nth.toml");
    std::fs::write(
        &nth,
        "[[hosts]]\nname = \"c\"\naddr = \"192.0.2.1\"\n[[faults]]\nfrom = \"c\"\nkind = \"ack\"\nnth = 0\naction = \"drop\"\n",
    )
    .unwrap();
    let cases = [
        (&syntax, "syntax.toml: line 3, column 12: "),
        (&kind, "kind.toml: line 2, column 8: unknown variant `bare-ack`"),
        (&nth, "nth.toml: faults[0].nth: occurrences count from 1"),
    ];
    for (path, message) in cases {
        for command in ["run", "check"] {
            let o = synack(&[command, path.to_str().unwrap()]);
            assert_eq!(o.status.code(), Some(1), "{command} {path:?}");
            assert!(stderr(&o).starts_with("synack: ") && stderr(&o).contains(message), "{}", stderr(&o));
        }
    }
}

/// What `run --help` and the README say of one instant: the SYN-ACK arriving at 20 ms stops the
/// client's RTO due at 20 ms; one due at 19 ms fires first and the SYN is sent again.
#[test]
fn an_arrival_is_handled_before_a_timer_due_at_the_same_instant() {
    let dir = temp_dir("tie");
    for (rto, retransmits) in [(20, false), (19, true)] {
        let path = dir.join(format!("rto-{rto}.toml"));
        std::fs::write(
            &path,
            format!(
                "profile = \"rfc9293\"\n[link]\ndelay_ms = 10\n[tcp]\ninitial_rto_ms = {rto}\nrto_min_ms = {rto}\n\
                 [[hosts]]\nname = \"client\"\naddr = \"192.0.2.1\"\napp = [ {{ at_ms = 0, do = \"connect\", to = \"server\" }} ]\n\
                 [[hosts]]\nname = \"server\"\naddr = \"198.51.100.1\"\napp = [ {{ at_ms = 0, do = \"listen\" }} ]\n"
            ),
        )
        .unwrap();
        let o = synack(&["run", path.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        let trace = stdout(&o);
        assert!(trace.contains(&format!("timer RTO set to fire at {rto}.000ms")), "{trace}");
        assert!(trace.contains("20.000ms  client   <- received SYN, ACK"), "{trace}");
        assert_eq!(trace.contains("[retransmission]"), retransmits, "RTO {rto} ms: {trace}");
    }
}
