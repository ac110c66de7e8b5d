//! Where a wasm module's bytes go, by crate: read from the module's name section (the release
//! build keeps an optimised copy with names, `target/web-named/`). A small reader of the wasm
//! binary format: the sections, the code section's function bodies and the name section's
//! function names; no dependency.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context as _, Result, bail};

use crate::util::human;
use crate::web::gzip;

/// A cursor over the module's bytes.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8> {
        let b = *self.bytes.get(self.at).context("the wasm module ends early")?;
        self.at += 1;
        Ok(b)
    }

    /// An unsigned LEB128 number.
    fn uleb(&mut self) -> Result<u64> {
        let (mut value, mut shift) = (0u64, 0);
        loop {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
            shift += 7;
            if shift > 63 {
                bail!("a LEB128 number is too long");
            }
        }
    }

    fn len(&mut self) -> Result<usize> {
        usize::try_from(self.uleb()?).context("a length does not fit")
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len()).context("the wasm module ends early")?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn name(&mut self) -> Result<&'a str> {
        let n = self.len()?;
        std::str::from_utf8(self.take(n)?).context("a name is not UTF-8")
    }
}

/// The module's parts: each function body with its name, the data segments' bytes, the rest.
struct Parts<'a> {
    functions: Vec<(String, &'a [u8])>,
    data: Vec<u8>,
    other: u64,
}

fn parts(bytes: &[u8]) -> Result<Parts<'_>> {
    if !bytes.starts_with(b"\0asm") {
        bail!("not a wasm module");
    }
    let mut r = Reader { bytes, at: 8 };
    let (mut imported, mut bodies, mut names) = (0u64, Vec::new(), BTreeMap::new());
    let mut data = Vec::new();
    let mut other = 8u64;
    while r.at < bytes.len() {
        let id = r.byte()?;
        let size = r.len()?;
        let start = r.at;
        let mut s = Reader { bytes: r.take(size)?, at: 0 };
        match id {
            2 => imported = count_function_imports(&mut s)?,
            10 => {
                for _ in 0..s.uleb()? {
                    let n = s.len()?;
                    bodies.push(s.take(n)?);
                }
            }
            11 => data.extend_from_slice(s.bytes),
            0 if s.name()? == "name" => {
                names = function_names(&mut s)?;
                continue;
            }
            _ => {}
        }
        if !matches!(id, 10 | 11) {
            other += (r.at - start) as u64;
        }
    }
    let functions = bodies
        .into_iter()
        .enumerate()
        .map(|(i, body)| {
            let name = names.get(&(imported + i as u64)).cloned().unwrap_or_else(|| format!("function[{i}]"));
            (name, body)
        })
        .collect();
    Ok(Parts { functions, data, other })
}

fn count_function_imports(s: &mut Reader<'_>) -> Result<u64> {
    let mut functions = 0;
    for _ in 0..s.uleb()? {
        s.name()?;
        s.name()?;
        match s.byte()? {
            0x00 => {
                s.uleb()?;
                functions += 1;
            }
            0x01 => {
                s.byte()?;
                limits(s)?;
            }
            0x02 => limits(s)?,
            0x03 => {
                s.byte()?;
                s.byte()?;
            }
            0x04 => {
                s.byte()?;
                s.uleb()?;
            }
            kind => bail!("unknown import kind {kind}"),
        }
    }
    Ok(functions)
}

fn limits(s: &mut Reader<'_>) -> Result<()> {
    let flags = s.byte()?;
    s.uleb()?;
    if flags & 1 != 0 {
        s.uleb()?;
    }
    Ok(())
}

/// The name section's function names (subsection 1), by function index.
fn function_names(s: &mut Reader<'_>) -> Result<BTreeMap<u64, String>> {
    let mut names = BTreeMap::new();
    while s.at < s.bytes.len() {
        let id = s.byte()?;
        let size = s.len()?;
        let mut sub = Reader { bytes: s.take(size)?, at: 0 };
        if id == 1 {
            for _ in 0..sub.uleb()? {
                let index = sub.uleb()?;
                names.insert(index, sub.name()?.to_owned());
            }
        }
    }
    Ok(names)
}

/// The crate a (demangled or legacy-mangled) function name belongs to: the first path segment,
/// looking inside `<Type as Trait>`; a primitive type's (`<f64 as Display>`) is core's. A
/// component's view is generic code of Yew's, named Yew's.
fn crate_of(name: &str) -> String {
    let name = name.strip_prefix("_ZN").map_or_else(|| name.to_owned(), demangle_legacy);
    let name = name.trim_start_matches(['<', '&', '*', ' ']).trim_start_matches("mut ").trim_start_matches("dyn ");
    let Some((first, _)) = name.split_once("::") else { return "other".to_owned() };
    let first = first.split(['[', '<', ' ', '>']).next().unwrap_or(first);
    const PRIMITIVES: [&str; 14] =
        ["u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "f32", "f64", "str", "char"];
    if PRIMITIVES.contains(&first) {
        "core".to_owned()
    } else if first.is_empty() || !first.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        "other".to_owned()
    } else {
        first.to_owned()
    }
}

/// `_ZN9narration7stories17h…E` → `narration::stories::h…`, and `$LT$` → `<` and so on.
fn demangle_legacy(rest: &str) -> String {
    let mut out = Vec::new();
    let mut s = rest;
    while let Some(digits) = s.find(|c: char| !c.is_ascii_digit()).filter(|&d| d > 0) {
        let Ok(n) = s[..digits].parse::<usize>() else { break };
        let Some(segment) = s.get(digits..digits + n) else { break };
        out.push(segment.replace("$LT$", "<").replace("$GT$", ">").replace("..", "::").replace("$u20$", " "));
        s = &s[digits + n..];
    }
    out.join("::")
}

/// Core's float parsing and formatting: costly in a player and replaced there by
/// `tcp_sim::decimal` (`parse_f64`, `Shortest`). Any function of these modules in a player fails
/// the size check, naming where it came from.
const KEPT_OUT_OF_PLAYERS: [(&str, &str); 2] = [
    ("dec2flt", "core's float parser (str::parse::<f64> or ::<f32>): use tcp_sim::decimal::parse_f64"),
    ("flt2dec", "core's float formatting ({} or {:.N} of a float): use tcp_sim::decimal::Shortest"),
];

/// Why the module at `path` holds code a player must not (see [`KEPT_OUT_OF_PLAYERS`]), if it does.
pub(crate) fn kept_out_but_present(path: &Path) -> Result<Vec<String>> {
    let bytes =
        fs::read(path).with_context(|| format!("reading {} (build with `cargo xtask build-web`)", path.display()))?;
    let parts = parts(&bytes)?;
    Ok(KEPT_OUT_OF_PLAYERS
        .iter()
        .filter_map(|(module, why)| {
            let found = parts.functions.iter().find(|(name, _)| name.contains(&format!("::{module}::")))?;
            Some(format!("{why} ({} is in {})", found.0, path.display()))
        })
        .collect())
}

/// Prints raw and gzip bytes per crate (the code of its functions), plus data and the rest.
pub(crate) fn print_breakdown(path: &Path) -> Result<()> {
    let bytes =
        fs::read(path).with_context(|| format!("reading {} (build with `cargo xtask build-web`)", path.display()))?;
    let parts = parts(&bytes)?;
    let mut by_crate: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (name, body) in &parts.functions {
        by_crate.entry(crate_of(name)).or_default().extend_from_slice(body);
    }
    let mut rows: Vec<(String, Vec<u8>)> = by_crate.into_iter().collect();
    rows.sort_by_key(|(_, b)| std::cmp::Reverse(b.len()));
    println!("    {:<34} {:>10} {:>14}", "part", "raw", "gzip -9 alone");
    let mut small = (0usize, Vec::new());
    for (name, code) in rows {
        if code.len() < 4096 {
            small.0 += 1;
            small.1.extend_from_slice(&code);
            continue;
        }
        println!(
            "    {:<34} {:>10} {:>14}",
            format!("code: {name}"),
            human(code.len() as u64),
            human(gzip(&code)?.len() as u64)
        );
    }
    let label = format!("code: {} smaller crates", small.0);
    println!("    {label:<34} {:>10} {:>14}", human(small.1.len() as u64), human(gzip(&small.1)?.len() as u64));
    let data = &parts.data;
    println!(
        "    {:<34} {:>10} {:>14}",
        "data (text, tables)",
        human(data.len() as u64),
        human(gzip(data)?.len() as u64)
    );
    println!("    {:<34} {:>10}", "other sections (not names)", human(parts.other));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_attributed_to_their_crate() {
        assert_eq!(crate_of("narration::stories::h0123"), "narration");
        assert_eq!(crate_of("_ZN9narration7stories17h0123456789abcdefE"), "narration");
        assert_eq!(crate_of("<yew::html::Scope<COMP> as core::fmt::Debug>::fmt"), "yew");
        assert_eq!(crate_of("core[c5930c85a12de822]::num::flt2dec::x"), "core");
        assert_eq!(crate_of("<&mut serde_json::de::Deserializer<R>>::f"), "serde_json");
        assert_eq!(crate_of("function[3]"), "other");
    }

    #[test]
    fn reads_a_tiny_module() {
        // (module (func $a) (func $b nop)) with a name section naming both.
        let module: &[u8] = &[
            0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, // magic, version
            1, 4, 1, 0x60, 0, 0, // type section: () -> ()
            3, 3, 2, 0, 0, // function section: two functions of type 0
            10, 7, 2, 2, 0, 0x0b, 2, 0, 0x0b, // code section: two empty bodies
            0, 14, 4, b'n', b'a', b'm', b'e', 1, 7, 2, 0, 1, b'a', 1, 1, b'b', // names
        ];
        let p = parts(module).expect("a valid module");
        let names: Vec<&str> = p.functions.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(p.functions[1].1, &[0, 0x0b]);
    }
}
