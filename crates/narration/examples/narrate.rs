//! Prints the narration of a catalogue entry, step by step, as the page shows it:
//! `cargo run -p narration --example narrate -- lost-syn [zh] [abs]`.

use narration::{Lang, headline, narrate};
use tcp_sim::{catalogue, simulate};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(name) = args.first() else {
        eprintln!("usage: narrate ENTRY [zh] [abs]");
        std::process::exit(2);
    };
    let lang = if args.iter().any(|a| a == "zh") { Lang::Zh } else { Lang::En };
    let relative = !args.iter().any(|a| a == "abs");
    let Some(entry) = catalogue::get(name) else {
        eprintln!("no catalogue entry {name:?}");
        std::process::exit(2);
    };
    let trace = match entry.scenario() {
        Ok(scenario) => simulate(&scenario),
        Err(e) => {
            eprintln!("{name}: {e}");
            std::process::exit(1);
        }
    };
    for (k, step) in seqdiag::steps::steps(&trace).iter().enumerate() {
        println!(
            "## step {} @ {}: {}",
            k + 1,
            trace.events[step.events[0]].at,
            headline(&trace, &step.events, lang, relative)
        );
        for p in narrate(&trace, &step.events, lang, relative) {
            println!("- {p}");
        }
    }
}
