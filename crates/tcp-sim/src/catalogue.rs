//! The built-in experiments. Each is a scenario file in `crates/tcp-sim/scenarios/`, with a
//! bilingual title and narration of our own.

use crate::scenario::{Scenario, ScenarioError};

/// One catalogue entry: a stable name (used in URLs and on the command line) and its file.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    /// Stable name, e.g. `lost-syn`.
    pub name: &'static str,
    /// The scenario file, as written (TOML). Only with the `toml` feature: the browser build shows
    /// no source, and the text would otherwise ship twice (the JSON below carries the same scenario).
    #[cfg(feature = "toml")]
    pub source: &'static str,
    /// The same scenario as JSON, converted by the build script (what is parsed at run time).
    json: &'static str,
}

impl Entry {
    /// Parses the entry's scenario.
    pub fn scenario(&self) -> Result<Scenario, ScenarioError> {
        Scenario::from_json(self.json)
    }
}

macro_rules! entries {
    ($($name:literal),* $(,)?) => {
        &[$(Entry {
            name: $name,
            #[cfg(feature = "toml")]
            source: include_str!(concat!("../scenarios/", $name, ".toml")),
            json: include_str!(concat!(env!("OUT_DIR"), "/", $name, ".json")),
        }),*]
    };
}

/// Every entry, in teaching order. A `static`, not a `const`: a constant is copied into every
/// crate that uses it, and the browser build carried every scenario twice.
pub static ENTRIES: &[Entry] = entries![
    "handshake",
    "four-way-close",
    "three-segment-close",
    "lost-syn",
    "lost-syn-ack",
    "lost-third-ack",
    "lost-fin",
    "lost-final-ack",
    "simultaneous-open",
    "simultaneous-close",
    "half-close",
    "refused",
    "abort",
    "old-duplicate-syn",
    "two-way-ghost",
    "syn-flood",
    "syn-flood-cookies",
    "connect-timeout",
];

/// The entry named `name`.
pub fn get(name: &str) -> Option<&'static Entry> {
    ENTRIES.iter().find(|e| e.name == name)
}
