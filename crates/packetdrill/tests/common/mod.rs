//! FreeBSD's suite as the tests and the benchmark read it.

use std::path::Path;

/// `../shared/conformance/freebsd-tcp-testsuite`, beside the repository.
pub(crate) const SUITE: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/conformance/freebsd-tcp-testsuite");

/// Every `state-event-engine/*/*-ipv4.pkt` and `snd-syn/*ipv4*.pkt`: (path relative to the
/// suite, text), sorted by path.
pub(crate) fn scripts() -> Vec<(String, String)> {
    let root = Path::new(SUITE);
    assert!(root.exists(), "{SUITE} is missing: CI checks out shared/ beside the repo");
    let entries = |dir: &Path| -> Vec<std::path::PathBuf> {
        std::fs::read_dir(dir).expect("a folder of the suite").map(|e| e.expect("an entry").path()).collect()
    };
    let mut paths = Vec::new();
    for folder in entries(&root.join("state-event-engine")).into_iter().filter(|p| p.is_dir()) {
        paths.extend(entries(&folder).into_iter().filter(|p| p.to_string_lossy().ends_with("-ipv4.pkt")));
    }
    let snd_syn = entries(&root.join("snd-syn"));
    paths.extend(snd_syn.into_iter().filter(|p| {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        name.ends_with(".pkt") && name.contains("ipv4")
    }));
    let mut scripts: Vec<(String, String)> = paths
        .iter()
        .map(|p| {
            let name = p.strip_prefix(root).expect("inside the suite").to_string_lossy().replace('\\', "/");
            (name, std::fs::read_to_string(p).expect("a readable script"))
        })
        .collect();
    scripts.sort();
    scripts
}
