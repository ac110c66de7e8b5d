//! Converts the catalogue's scenario files from TOML (what people write and read) to JSON (what
//! the library embeds): the browser build then needs no TOML parser, which would triple its size.

use std::path::Path;

fn main() {
    let dir = Path::new("scenarios");
    println!("cargo:rerun-if-changed=scenarios");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .expect("crates/tcp-sim/scenarios exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    names.sort();
    for path in names {
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).expect("readable scenario file");
        let value: toml::Value =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: not valid TOML: {e}", path.display()));
        let json = serde_json::to_string(&value).expect("TOML values are JSON values");
        let stem = path.file_stem().and_then(|s| s.to_str()).expect("UTF-8 file name");
        std::fs::write(out.join(format!("{stem}.json")), json).expect("write to OUT_DIR");
    }
}
