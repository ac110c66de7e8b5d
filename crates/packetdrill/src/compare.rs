//! Segments as packetdrill writes them, and the comparison of a sent segment with a script line.
//!
//! Numbers are relative, as in the script: our sequence numbers count from tcp-core's first ISN,
//! acknowledgments of the script's data from the script's ISN. Options are compared by meaning
//! (which options, with which values) unless exact layout is asked for; a TS option's value is
//! not compared, since it reads tcp-core's clock (packetdrill compares it only with
//! `--tcp_ts_tick_usecs`), but its echo is.

use crate::ast::{OptionList, Packet, TcpOptionSpec};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write as _;
use tcp_core::wire::{Options, TcpOption};
use tcp_core::{Flags, SeqNum, TcpRepr};

/// The numbering of one run: both sides' ISNs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Numbering {
    /// tcp-core's first ISN, once seen (0 before, as in packetdrill).
    pub(crate) local: SeqNum,
    /// The ISN of the script's side.
    pub(crate) remote: SeqNum,
}

/// Which fields of a sent segment differ from the script's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct FieldDiffs {
    pub(crate) fields: Vec<&'static str>,
}

impl FieldDiffs {
    pub(crate) fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

/// Flags as packetdrill writes them: `S.`, `F.`, `SEW`, `.`; `-` for none.
pub(crate) fn flags_text(flags: Flags) -> String {
    let mut s: String = [
        (Flags::SYN, 'S'),
        (Flags::FIN, 'F'),
        (Flags::RST, 'R'),
        (Flags::PSH, 'P'),
        (Flags::URG, 'U'),
        (Flags::ECE, 'E'),
        (Flags::CWR, 'W'),
    ]
    .iter()
    .filter(|(f, _)| flags.contains(*f))
    .map(|(_, c)| *c)
    .collect();
    if flags.contains(Flags::ACK) {
        s.push('.');
    }
    if s.is_empty() {
        s.push('-');
    }
    s
}

/// A script line's segment, normalised: `F. 1:1(0) ack 2 win 65535 <nop,nop,TS val 1 ecr 0>`.
pub(crate) fn spec_text(p: &Packet) -> String {
    let mut s = flags_text(p.flags);
    match p.seq {
        Some(seq) => {
            let _ = write!(s, " {seq}:{}({})", seq.wrapping_add(p.len), p.len);
        }
        None => {
            let _ = write!(s, " ...({})", p.len);
        }
    }
    if let Some(ack) = p.ack {
        let _ = write!(s, " ack {ack}");
    }
    if let Some(win) = p.win {
        let _ = write!(s, " win {win}");
    }
    if p.options != OptionList::None {
        let _ = write!(s, " {}", spec_options(&p.options));
    }
    s
}

/// A script line's options: `<mss 1460,nop,wscale 6>`, `<...>`, or `no options`.
fn spec_options(options: &OptionList) -> String {
    match options {
        OptionList::None => String::from("no options"),
        OptionList::Any => String::from("<...>"),
        OptionList::List(list) => {
            let items: Vec<String> = list.iter().map(spec_option_text).collect();
            format!("<{}>", items.join(","))
        }
    }
}

fn spec_option_text(o: &TcpOptionSpec) -> String {
    match o {
        TcpOptionSpec::Nop => String::from("nop"),
        TcpOptionSpec::Eol => String::from("eol"),
        TcpOptionSpec::Mss(m) => format!("mss {m}"),
        TcpOptionSpec::WindowScale(w) => format!("wscale {w}"),
        TcpOptionSpec::SackPermitted => String::from("sackOK"),
        TcpOptionSpec::Sack(blocks) => {
            let b: Vec<String> = blocks.iter().map(|(l, r)| format!("{l}:{r}")).collect();
            format!("sack {}", b.join(" "))
        }
        TcpOptionSpec::Timestamps { val, ecr } => format!("TS val {val} ecr {ecr}"),
    }
}

/// A script line's segment without window and options: `F. 1:1(0) ack 2`.
pub(crate) fn head_text(p: &Packet) -> String {
    let stripped = Packet { win: None, options: OptionList::None, ..p.clone() };
    spec_text(&stripped)
}

/// A sent segment without window and options: `F. 1:1(0) ack 2`.
pub(crate) fn sent_head(repr: &TcpRepr, payload_len: usize, n: Numbering) -> String {
    let mut bare = *repr;
    bare.options = Options::new();
    let text = sent_text(&bare, payload_len, n);
    match text.rfind(" win ") {
        Some(at) => String::from(&text[..at]),
        None => text,
    }
}

/// The differing `fields` only, expected then sent, for a caption: (`ack 2`, `ack 3`). The
/// window is left out when something else differs too (it differs everywhere: 4 KiB buffers);
/// options are named without padding or TS values.
pub(crate) fn brief(p: &Packet, repr: &TcpRepr, payload_len: usize, n: Numbering, fields: &[&str]) -> (String, String) {
    let mut words: Vec<(String, String)> = Vec::new();
    for field in fields {
        let pair = match *field {
            "flags" => (flags_text(p.flags), flags_text(repr.flags)),
            "seq" => (format!("seq {}", p.seq.unwrap_or(0)), format!("seq {}", repr.seq - n.local)),
            "len" => (format!("len {}", p.len), format!("len {payload_len}")),
            "ack" => (format!("ack {}", p.ack.unwrap_or(0)), format!("ack {}", repr.ack - n.remote)),
            "win" if fields.len() == 1 => (format!("win {}", p.win.unwrap_or(0)), format!("win {}", repr.window)),
            "options" => {
                let want = match &p.options {
                    OptionList::List(list) => list.iter().filter_map(spec_meaning).map(|m| meaning_name(&m)).collect(),
                    _ => Vec::new(),
                };
                let got: Vec<String> =
                    repr.options.iter().filter_map(|o| sent_meaning(&o, n)).map(|m| meaning_name(&m)).collect();
                let list = |l: Vec<String>| {
                    if l.is_empty() { String::from("no options") } else { format!("<{}>", l.join(",")) }
                };
                (list(want), list(got))
            }
            _ => continue,
        };
        words.push(pair);
    }
    let join = |pick: fn(&(String, String)) -> &String| words.iter().map(pick).cloned().collect::<Vec<_>>().join(" ");
    (join(|w| &w.0), join(|w| &w.1))
}

fn meaning_name(m: &Meaning) -> String {
    match m {
        Meaning::Mss(v) => format!("mss {v}"),
        Meaning::WindowScale(v) => format!("wscale {v}"),
        Meaning::SackPermitted => String::from("sackOK"),
        Meaning::Sack(_) => String::from("sack"),
        Meaning::TimestampEcho(_) => String::from("TS"),
        Meaning::Other(kind, _) => format!("kind {kind}"),
    }
}

/// A sent segment, written as the script would: relative numbers, every field shown.
pub(crate) fn sent_text(repr: &TcpRepr, payload_len: usize, n: Numbering) -> String {
    let seq = repr.seq - n.local;
    let mut s = format!("{} {seq}:{}({payload_len})", flags_text(repr.flags), seq.wrapping_add(payload_len as u32));
    if repr.flags.contains(Flags::ACK) {
        let _ = write!(s, " ack {}", repr.ack - n.remote);
    }
    let _ = write!(s, " win {}", repr.window);
    if !repr.options.is_empty() {
        let _ = write!(s, " {}", sent_options(&repr.options, n));
    }
    s
}

/// A sent segment's options: `<mss 1460,sackOK>`, or `no options`.
fn sent_options(options: &Options, n: Numbering) -> String {
    let items: Vec<String> = options.iter().map(|o| option_text(&o, n)).collect();
    if items.is_empty() { String::from("no options") } else { format!("<{}>", items.join(",")) }
}

fn option_text(o: &TcpOption<'_>, n: Numbering) -> String {
    match *o {
        TcpOption::Eol => String::from("eol"),
        TcpOption::Nop => String::from("nop"),
        TcpOption::Mss(m) => format!("mss {m}"),
        TcpOption::WindowScale(w) => format!("wscale {w}"),
        TcpOption::SackPermitted => String::from("sackOK"),
        TcpOption::Sack(raw) => {
            let b: Vec<String> = sack_blocks(raw).map(|(l, r)| format!("{}:{}", l - n.remote, r - n.remote)).collect();
            format!("sack {}", b.join(" "))
        }
        TcpOption::Timestamps { tsval, tsecr } => format!("TS val {tsval} ecr {tsecr}"),
        TcpOption::Unknown { kind, data } => format!("kind {kind} len {}", data.len() + 2),
    }
}

fn sack_blocks(raw: &[u8]) -> impl Iterator<Item = (SeqNum, SeqNum)> + '_ {
    raw.chunks_exact(8).map(|b| {
        let edge = |x: &[u8]| SeqNum(u32::from_be_bytes([x[0], x[1], x[2], x[3]]));
        (edge(&b[..4]), edge(&b[4..]))
    })
}

/// The fields in which `repr` (sent) differs from `p` (expected).
pub(crate) fn compare(p: &Packet, repr: &TcpRepr, payload_len: usize, n: Numbering, exact_layout: bool) -> FieldDiffs {
    let mut d = FieldDiffs::default();
    if repr.flags != p.flags {
        d.fields.push("flags");
    }
    if p.seq.is_some_and(|seq| repr.seq - n.local != seq) {
        d.fields.push("seq");
    }
    if payload_len as u64 != u64::from(p.len) {
        d.fields.push("len");
    }
    if p.flags.contains(Flags::ACK) && p.ack.is_some_and(|ack| repr.ack - n.remote != ack) {
        d.fields.push("ack");
    }
    if p.win.is_some_and(|w| u32::from(repr.window) != w) {
        d.fields.push("win");
    }
    if !options_match(&p.options, &repr.options, n, exact_layout) {
        d.fields.push("options");
    }
    d
}

/// One option by meaning: kind and the values that matter (a timestamp's echo, not its value).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Meaning {
    Mss(u16),
    WindowScale(u8),
    SackPermitted,
    Sack(Vec<(u32, u32)>),
    TimestampEcho(u32),
    Other(u8, Vec<u8>),
}

fn options_match(expected: &OptionList, sent: &Options, n: Numbering, exact_layout: bool) -> bool {
    let list = match expected {
        OptionList::Any => return true,
        OptionList::None => return sent.is_empty(),
        OptionList::List(list) => list,
    };
    let mut want: Vec<Meaning> = list.iter().filter_map(spec_meaning).collect();
    let mut got: Vec<Meaning> = sent.iter().filter_map(|o| sent_meaning(&o, n)).collect();
    if exact_layout && !layout_matches(list, sent) {
        return false;
    }
    want.sort();
    got.sort();
    want == got
}

fn spec_meaning(o: &TcpOptionSpec) -> Option<Meaning> {
    Some(match o {
        TcpOptionSpec::Nop | TcpOptionSpec::Eol => return None,
        TcpOptionSpec::Mss(m) => Meaning::Mss(*m),
        TcpOptionSpec::WindowScale(w) => Meaning::WindowScale(*w),
        TcpOptionSpec::SackPermitted => Meaning::SackPermitted,
        TcpOptionSpec::Sack(blocks) => Meaning::Sack(blocks.clone()),
        TcpOptionSpec::Timestamps { ecr, .. } => Meaning::TimestampEcho(*ecr),
    })
}

fn sent_meaning(o: &TcpOption<'_>, n: Numbering) -> Option<Meaning> {
    Some(match *o {
        TcpOption::Eol | TcpOption::Nop => return None,
        TcpOption::Mss(m) => Meaning::Mss(m),
        TcpOption::WindowScale(w) => Meaning::WindowScale(w),
        TcpOption::SackPermitted => Meaning::SackPermitted,
        TcpOption::Sack(raw) => Meaning::Sack(sack_blocks(raw).map(|(l, r)| (l - n.remote, r - n.remote)).collect()),
        TcpOption::Timestamps { tsecr, .. } => Meaning::TimestampEcho(tsecr),
        TcpOption::Unknown { kind, data } => Meaning::Other(kind, data.to_vec()),
    })
}

/// Exact layout: the same kinds in the same order, NOPs and EOLs included (trailing padding
/// after an EOL aside).
fn layout_matches(list: &[TcpOptionSpec], sent: &Options) -> bool {
    let kinds_sent: Vec<u8> = sent.iter().map(|o| o.kind()).collect();
    let kinds_want: Vec<u8> = list
        .iter()
        .map(|o| match o {
            TcpOptionSpec::Eol => 0,
            TcpOptionSpec::Nop => 1,
            TcpOptionSpec::Mss(_) => 2,
            TcpOptionSpec::WindowScale(_) => 3,
            TcpOptionSpec::SackPermitted => 4,
            TcpOptionSpec::Sack(_) => 5,
            TcpOptionSpec::Timestamps { .. } => 8,
        })
        .collect();
    let trim = |k: &[u8]| -> Vec<u8> {
        match k.iter().position(|&x| x == 0) {
            Some(eol) => k[..=eol].to_vec(),
            None => k.to_vec(),
        }
    };
    trim(&kinds_sent) == trim(&kinds_want)
}

/// The option bytes of an injected segment, padded to whole words with EOL. `None` when they do
/// not fit in a header.
pub(crate) fn options_bytes(list: &[TcpOptionSpec], n: Numbering) -> Option<Options> {
    let mut bytes: Vec<u8> = Vec::new();
    for o in list {
        match o {
            TcpOptionSpec::Eol => bytes.push(0),
            TcpOptionSpec::Nop => bytes.push(1),
            TcpOptionSpec::Mss(m) => bytes.extend_from_slice(&[2, 4, (m >> 8) as u8, *m as u8]),
            TcpOptionSpec::WindowScale(w) => bytes.extend_from_slice(&[3, 3, *w]),
            TcpOptionSpec::SackPermitted => bytes.extend_from_slice(&[4, 2]),
            TcpOptionSpec::Sack(blocks) => {
                bytes.extend_from_slice(&[5, (2 + 8 * blocks.len()) as u8]);
                for (l, r) in blocks {
                    bytes.extend_from_slice(&(n.local + *l).0.to_be_bytes());
                    bytes.extend_from_slice(&(n.local + *r).0.to_be_bytes());
                }
            }
            TcpOptionSpec::Timestamps { val, ecr } => {
                bytes.extend_from_slice(&[8, 10]);
                bytes.extend_from_slice(&val.to_be_bytes());
                bytes.extend_from_slice(&ecr.to_be_bytes());
            }
        }
    }
    while !bytes.len().is_multiple_of(4) {
        bytes.push(0);
    }
    Options::parse(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Direction;
    use alloc::vec;

    const N: Numbering = Numbering { local: SeqNum(1000), remote: SeqNum(5000) };

    fn syn_spec(options: OptionList) -> Packet {
        Packet {
            direction: Direction::Outbound,
            flags: Flags::SYN,
            seq: Some(0),
            len: 0,
            ack: None,
            win: Some(65535),
            options,
        }
    }

    #[test]
    fn options_by_meaning_or_by_layout() {
        let freebsd = vec![
            TcpOptionSpec::Mss(1460),
            TcpOptionSpec::Nop,
            TcpOptionSpec::WindowScale(6),
            TcpOptionSpec::SackPermitted,
            TcpOptionSpec::Timestamps { val: 100, ecr: 0 },
        ];
        let linux_layout = Options::linux_syn(1460, true, Some((77, 0)), Some(6));
        let mut repr = TcpRepr {
            src_port: 1,
            dst_port: 2,
            seq: SeqNum(1000),
            ack: SeqNum(0),
            reserved: 0,
            flags: Flags::SYN,
            window: 65535,
            checksum: 0,
            urgent: 0,
            options: linux_layout,
        };
        let spec = syn_spec(OptionList::List(freebsd.clone()));
        assert!(compare(&spec, &repr, 0, N, false).is_empty());
        assert_eq!(compare(&spec, &repr, 0, N, true).fields, ["options"]);
        repr.window = 4096;
        assert_eq!(compare(&spec, &repr, 0, N, false).fields, ["win"]);
        repr.options = options_bytes(&freebsd, N).expect("fits");
        assert_eq!(compare(&spec, &repr, 0, N, true).fields, ["win"]);
        assert_eq!(sent_text(&repr, 0, N), "S 0:0(0) win 4096 <mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0>");
        assert_eq!(spec_text(&spec), "S 0:0(0) win 65535 <mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0>");
        repr.options = Options::new();
        assert_eq!(compare(&syn_spec(OptionList::Any), &repr, 0, N, true).fields, ["win"]);
        assert_eq!(compare(&syn_spec(OptionList::None), &repr, 3, N, true).fields, ["len", "win"]);
    }
}
