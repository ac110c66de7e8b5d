//! `synack compare`: two runs of an experiment, or of two, and where they part, run as a user
//! would.

mod common;
use common::{stderr, stdout, synack};

#[test]
fn the_lost_final_ack_against_no_faults() {
    let o = synack(&["compare", "lost-final-ack", "--no-faults"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let first = out.lines().next().expect("a sentence");
    assert!(first.starts_with("Here the two runs part: in the first run, the client's last ACK"), "{out}");
    assert!(first.contains("is lost") && first.ends_with("it arrives at 230 ms."), "{out}");
    assert!(out.contains("first: lost-final-ack") && out.contains("second: lost-final-ack, no faults"), "{out}");
    let segments = out.lines().find(|l| l.starts_with("segments")).expect("a segments line");
    let counts: Vec<&str> = segments.split_whitespace().skip(1).collect();
    assert_eq!(counts, ["9", "7"], "the lost ACK and the FIN it made the server send again");
    // In Chinese, the sentence and the table's words.
    let o = synack(&["compare", "lost-final-ack", "--no-faults", "--lang", "zh"]);
    let out = stdout(&o);
    assert!(out.starts_with("两次运行从这里开始不同：第一次运行中，客户端"), "{out}");
    assert!(out.contains("报文段") && !out.contains("segments"), "{out}");
}

#[test]
fn a_variant_of_the_same_run_and_two_experiments() {
    // The same experiment again, alike.
    let o = synack(&["compare", "handshake", "handshake"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("The two runs do not part"), "{}", stdout(&o));
    // Another profile parts where its stack first acts otherwise.
    let o = synack(&["compare", "lost-final-ack", "--profile", "rfc9293"]);
    assert!(stdout(&o).contains("leaves at 112 ms in the first run, and at 110 ms in the second"), "{}", stdout(&o));
    assert!(stdout(&o).lines().any(|l| l.starts_with("profile") && l.contains("linux") && l.contains("rfc9293")));
    // Another seed under loss: a run of `synack odds`.
    let o = synack(&["compare", "handshake", "--loss", "30", "--seed", "3"]);
    assert!(o.status.success() && stdout(&o).contains("second: handshake, loss 30 %, seed 3"), "{}", stdout(&o));
    // Two experiments.
    let o = synack(&["compare", "lost-syn", "lost-syn-ack"]);
    assert!(
        stdout(&o).starts_with("Here the two runs part: in the first run, the client's SYN seq=0 is lost"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn both_diagrams_as_one_svg_file() {
    let dir = std::env::temp_dir().join(format!("synack-compare-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("compared.svg");
    let o = synack(&["compare", "lost-final-ack", "--no-faults", "--format", "svg", "-o", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{svg:.200}");
    assert!(svg.contains(">lost-final-ack</text>") && svg.contains(">lost-final-ack, no faults</text>"));
    assert_eq!(svg.matches("class=\"div-line\"").count(), 2, "the divergence marked in both");
    assert!(svg.contains("Here the two runs part:"));
    // Standard output too, the same bytes.
    let o = synack(&["compare", "lost-final-ack", "--no-faults", "--format", "svg"]);
    assert_eq!(stdout(&o), svg);
}

#[test]
fn misuse_and_bad_input() {
    // Nothing to compare with: B or a variant option is required (a usage error).
    let o = synack(&["compare", "handshake"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("<B>"), "{}", stderr(&o));
    let o = synack(&["compare", "handshake", "--profile", "bsd"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("rfc9293") && stderr(&o).contains("freebsd"), "the profiles are listed");
    // An unknown experiment or a bad file names itself (an input error).
    let o = synack(&["compare", "handshake", "no-such-thing"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("`no-such-thing` is neither a built-in experiment"), "{}", stderr(&o));
    let dir = std::env::temp_dir().join(format!("synack-compare-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[[hosts]]\nname = \"a\"\naddr = \"nope\"\n").unwrap();
    let o = synack(&["compare", "handshake", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("bad.toml"), "{}", stderr(&o));
    // The help has examples.
    let o = synack(&["compare", "--help"]);
    assert!(stdout(&o).contains("synack compare lost-final-ack --no-faults"));
}
