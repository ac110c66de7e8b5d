//! Hashes the catalogue's scenario files (`scenarios/*.toml`) into `CATALOGUE_SOURCE_HASH`, and
//! warns when `src/catalogue/generated.rs` (the same scenarios as Rust code) was generated from
//! other files: the library never parses the files at run time, so an edit shows only once the
//! code is generated again (`UPDATE_EXPECT=1 cargo test -p tcp-sim --lib catalogue`).

use std::path::Path;

/// FNV-1a, 64 bits: stable across platforms and Rust versions, and needs no dependency.
fn fnv1a(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

fn main() {
    let dir = Path::new("scenarios");
    println!("cargo:rerun-if-changed=scenarios");
    println!("cargo:rerun-if-changed=src/catalogue/generated.rs");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("crates/tcp-sim/scenarios exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut hash = 0xcbf2_9ce4_8422_2325;
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().and_then(|n| n.to_str()).expect("a UTF-8 file name");
        hash = fnv1a(hash, name.as_bytes());
        hash = fnv1a(hash, &std::fs::read(path).expect("a readable scenario file"));
    }
    let hash = format!("{hash:016x}");
    println!("cargo:rustc-env=CATALOGUE_SOURCE_HASH={hash}");
    let generated = std::fs::read_to_string("src/catalogue/generated.rs").unwrap_or_default();
    if !generated.contains(&format!("// source hash: {hash}\n")) {
        println!(
            "cargo:warning=crates/tcp-sim/src/catalogue/generated.rs is older than scenarios/*.toml: \
             run `UPDATE_EXPECT=1 cargo test -p tcp-sim --lib catalogue`"
        );
    }
}
