//! Prints the narration of a catalogue entry (or of a scenario file), step by step, as the
//! page shows it: `cargo run -p narration --example narrate -- lost-syn [zh] [abs]`.

use narration::{Lang, headline, narrate};
use tcp_sim::{catalogue, simulate};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(name) = args.first() else {
        eprintln!("usage: narrate ENTRY|FILE [zh] [abs]");
        std::process::exit(2);
    };
    let lang = if args.iter().any(|a| a == "zh") { Lang::Zh } else { Lang::En };
    let relative = !args.iter().any(|a| a == "abs");
    let scenario = match catalogue::get(name) {
        Some(entry) => entry.scenario(),
        None => match std::fs::read_to_string(name) {
            Ok(text) => tcp_sim::Scenario::parse(&text),
            Err(e) => {
                eprintln!("{name:?} is neither a catalogue entry nor a readable file: {e}");
                std::process::exit(2);
            }
        },
    };
    let trace = match scenario {
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
