//! Every Chinese string synack can show follows `../shared/GLOSSARY.md`: one term per idea (the
//! variants the glossary rules out never appear), a space between Chinese and Latin letters or
//! digits, and no English word outside an allowlist of names a Chinese textbook also writes in
//! Latin letters (state names, flags, calls, RFC abbreviations).
//!
//! Two sources are read. What the product renders for every step of every catalogue entry
//! (narration, the diagram's labels, tooltips, titles), which catches text glued to an
//! interpolated name or number; and every string literal with Chinese in it in the sources of the
//! crates that draw or print text, which catches UI strings and templates (`客户端{name}`)
//! whatever the experiment.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use narration::{Lang, explain_field, explain_state, headline, narrate};
use seqdiag::ViewOptions;
use tcp_core::State;
use tcp_sim::catalogue::ENTRIES;
use tcp_sim::trace::EventKind;

/// Words written in Latin letters in Chinese text that a Chinese networking textbook or blog
/// writes the same way.
const ALLOWED_WORDS: &[&str] = &[
    // States (netstat spelling), flags, header fields and option names.
    "CLOSED",
    "LISTEN",
    "SYN_SENT",
    "SYN_RECV",
    "SYN_RCVD",
    "ESTABLISHED",
    "FIN_WAIT1",
    "FIN_WAIT2",
    "CLOSE_WAIT",
    "CLOSING",
    "LAST_ACK",
    "TIME_WAIT",
    "SYN",
    "ACK",
    "FIN",
    "RST",
    "PSH",
    "URG",
    "ECE",
    "CWR",
    "NS",
    "seq",
    "ack",
    "win",
    "len",
    "MSS",
    "SACK",
    "SACK_PERM",
    "TS",
    "TSval",
    "TSecr",
    "NOP",
    "EOL",
    "WS",
    "mss",
    "wscale",
    "sackOK",
    // Protocols, standards, abbreviations.
    "TCP",
    "IP",
    "IPv4",
    "IPv6",
    "UDP",
    "ISN",
    "ISS",
    "IRS",
    "RTO",
    "RTT",
    "SRTT",
    "RTTVAR",
    "MSL",
    "RFC",
    "MTU",
    "ICMP",
    "DoS",
    "SYNs",
    "URL",
    "ID",
    "UTF",
    "JSON",
    "TOML",
    "SVG",
    "PNG",
    "Mermaid",
    "PlantUML",
    "MSC",
    "mscgen",
    "LaTeX",
    "TikZ",
    "pcap",
    "pcapng",
    "PCAP",
    "MIME",
    "Wireshark",
    "tshark",
    "tcpdump",
    "netstat",
    "ss",
    "Linux",
    "FreeBSD",
    "Windows",
    "macOS",
    "BSD",
    "smoltcp",
    "synack",
    "base64url",
    "WebAssembly",
    "JavaScript",
    "iframe",
    "HTML",
    "CSS",
    "Markdown",
    "Hugo",
    "Hexo",
    "Jekyll",
    "GitHub",
    "cookie",
    "cookies",
    "Cookie",
    "Cookies",
    "SNMP",
    "API",
    "CPU",
    "TCB",
    "ECN",
    "English",
    // The catalogue's host names, shown beside their role in the diagram (`客户端 client`).
    "client",
    "server",
    "attacker",
    // Keys on the keyboard.
    "Esc",
    "Home",
    "End",
    "Space",
    "Enter",
    "Tab",
    // Calls, errors and kernel settings, as the application and the kernel name them.
    "connect",
    "listen",
    "accept",
    "close",
    "shutdown",
    "read",
    "recv",
    "send",
    "write",
    "abort",
    "bind",
    "socket",
    "SO_LINGER",
    "SO_RCVBUF",
    "SO_KEEPALIVE",
    "TCP_KEEPINIT",
    "SHUT_WR",
    "SHUT_RD",
    "EOF",
    "ETIMEDOUT",
    "ECONNREFUSED",
    "ECONNRESET",
    "EPIPE",
    "EAGAIN",
    "tcp_fin_timeout",
    "tcp_syn_retries",
    "tcp_synack_retries",
    "tcp_retries2",
    "tcp_syncookies",
    "tcp_max_syn_backlog",
    "somaxconn",
    "tcp_tw_reuse",
    "tcp_abort_on_overflow",
    "tcp_rmem",
    "tcp_wmem",
    "tcp_invalid_ratelimit",
    "tcp_challenge_ack_limit",
    // Units and notation.
    "ms",
    "s",
    "KiB",
    "KB",
    "MB",
    "bit",
    "bits",
    "to",
    "from",
    "ui",
    "lang",
    "zh",
    "en",
    // The scenario file's keys and values, quoted in errors.
    "hosts",
    "app",
    "do",
    "on",
    "at_ms",
    "after_ms",
    "name",
    "addr",
    "port",
    "profile",
    "link",
    "delay_ms",
    "return_delay_ms",
    "loss",
    "seed",
    "faults",
    "kind",
    "nth",
    "action",
    "drop",
    "delay",
    "duplicate",
    "flood",
    "target",
    "count",
    "interval_ms",
    "start_ms",
    "until_ms",
    "isn",
    "random",
    "fixed",
    "tcp",
    "rfc9293",
    "rfc793",
    "linux",
    "freebsd",
    "windows",
    "data",
    "eof",
    "reset",
    "refused",
    "timeout",
    "closed",
    "connected",
    "accepted",
    "text",
    "bytes",
    "title",
    "narration",
    "inject",
    "flags",
    "repeat",
    "index",
    "syn",
    "fin",
    "rst",
];

/// Spellings and words the glossary rules out in Chinese text, each with what to write instead.
/// A match is a problem unless the text also holds an allowed context (`except`).
const RULED_OUT: &[(&str, &str)] = &[
    ("报文交换", "报文段往来"),
    ("序列号", "序号 (a field tooltip may say 序号（也常称序列号） once)"),
    ("确认序号", "确认号"),
    ("控制位", "标志位"),
    ("对端", "对方"),
    ("计时器", "定时器"),
    ("头部", "首部"),
    ("重置", "复位（RST）"),
    ("2·MSL", "2MSL"),
    ("流结束", "读到 EOF（read() 返回 0）"),
    ("对方已关闭", "对方关闭了发送方向 / 读到 EOF"),
    ("关闭端口", "端口无人监听"),
    ("端口关闭", "端口无人监听"),
    ("复制（", "重复 (the duplicate fault; 复制 is copying to the clipboard)"),
    ("网络复制", "网络重复"),
    ("SYN-ACK", "SYN+ACK"),
    ("SYN,ACK", "SYN+ACK"),
    ("SYN-SENT", "SYN_SENT"),
    ("SYN-RECEIVED", "SYN_RECV"),
    ("FIN-WAIT", "FIN_WAIT1 / FIN_WAIT2"),
    ("FIN_WAIT_", "FIN_WAIT1 / FIN_WAIT2"),
    ("CLOSE-WAIT", "CLOSE_WAIT"),
    ("LAST-ACK", "LAST_ACK"),
    ("TIME-WAIT", "TIME_WAIT"),
    ("个字 =", "32 位字"),
    ("向空中发送", "向一个不存在的对方发送"),
    ("一身两用", "一个报文段同时做两件事"),
    ("假如它已经离开", "如果它已经关闭"),
    ("我们的 FIN", "客户端 / 服务器的 FIN (say whose)"),
];

/// Places where the glossary itself allows a ruled-out spelling: a state's tooltip gives RFC
/// 9293's spelling, and the sequence-number tooltip names the common variant once.
fn allowed_exception(text: &str, bad: &str) -> bool {
    let rfc_spelling = text.contains("RFC 9293 写作") || text.contains("RFC 9293 拼作");
    let seq_tooltip = bad == "序列号" && text.contains("序号（也常称序列号）");
    (rfc_spelling && bad.contains('-')) || seq_tooltip
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

/// What is wrong with one Chinese string (empty: nothing).
fn problems(text: &str) -> Vec<String> {
    problems_with_names(text, &[])
}

/// What is wrong with one Chinese string that may also hold the names in `names` (host names
/// from a scenario are data, written as their author wrote them).
fn problems_with_names(text: &str, names: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for (bad, instead) in RULED_OUT {
        if text.contains(bad) && !allowed_exception(text, bad) {
            out.push(format!("{bad:?} (write {instead})"));
        }
    }
    // "SYN, ACK" is the diagram's label notation (as Wireshark prints flags): allowed where a
    // label is quoted (followed by its numbers), never in running prose.
    if text.trim() == "复制" {
        out.push("\"复制\" alone names the duplicate fault (write 重复)".into());
    }
    let mut rest = text;
    while let Some(i) = rest.find("SYN, ACK") {
        let after = &rest[i + "SYN, ACK".len()..];
        if !after.starts_with(" seq=") {
            out.push("\"SYN, ACK\" in prose (write SYN+ACK; the label notation only before its numbers)".into());
        }
        rest = after;
    }
    // "以 ETIMEDOUT 失败" (fails with ...) is a calque, whichever errno it names.
    let mut rest = text;
    while let Some(i) = rest.find("以 E") {
        rest = &rest[i + "以 E".len()..];
        let errno = rest.chars().take_while(char::is_ascii_uppercase).count();
        if errno >= 3 {
            out.push("\"以 E… 失败\" (write 调用失败，返回 E…)".into());
        }
    }
    let chars: Vec<char> = text.chars().collect();
    for w in chars.windows(2) {
        let (a, b) = (w[0], w[1]);
        let latin = |c: char| c.is_ascii_alphanumeric();
        if (is_han(a) && latin(b)) || (latin(a) && is_han(b)) {
            out.push(format!("no space between {a:?} and {b:?}"));
        }
    }
    for word in prose_words(text) {
        let letters = word.trim_matches(|c: char| c.is_ascii_digit());
        let allowed = |w: &str| ALLOWED_WORDS.contains(&w) || names.contains(&w);
        if letters.chars().filter(char::is_ascii_alphabetic).count() < 2 || allowed(word) || allowed(letters) {
            continue;
        }
        out.push(format!("English word {word:?}"));
    }
    out
}

/// The Latin words of a Chinese text that are prose: code in backticks, an ASCII-only gloss in
/// Chinese parentheses (`坚持定时器（persist timer）`) and dotted identifiers
/// (`net.ipv4.tcp_syn_retries`) are quoted, not written in English.
fn prose_words(text: &str) -> Vec<&str> {
    let mut prose = Vec::new();
    for (k, part) in text.split('`').enumerate() {
        if k % 2 == 1 {
            continue; // inside backticks
        }
        let mut rest = part;
        while !rest.is_empty() {
            let (before, gloss_and_after) = rest.split_once('（').unwrap_or((rest, ""));
            prose.push(before);
            let Some((gloss, after)) = gloss_and_after.split_once('）') else {
                prose.push(gloss_and_after);
                break;
            };
            if !gloss.is_ascii() {
                prose.push(gloss);
            }
            rest = after;
        }
    }
    prose
        .into_iter()
        .flat_map(|p| p.split(|c: char| !(c.is_ascii_alphanumeric() || "_.-".contains(c))))
        .map(|w| w.trim_matches(|c| c == '.' || c == '-'))
        .filter(|w| !w.contains('.'))
        // An RFC spelling (`TIME-WAIT`) is a state name, which RULED_OUT judges.
        .filter(|w| !(w.contains('-') && w.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')))
        .collect()
}

/// Collects the problems of one string, naming where it came from.
#[derive(Default)]
struct Report(Vec<String>);

impl Report {
    fn check(&mut self, place: &str, text: &str) {
        self.check_with_names(place, text, &[]);
    }

    fn check_with_names(&mut self, place: &str, text: &str, names: &[&str]) {
        // Chinese text: an English string that names 中文 (the language switch) is not.
        let han = text.chars().filter(|&c| is_han(c)).count();
        let latin = text.chars().filter(char::is_ascii_alphabetic).count();
        if han == 0 || latin > 4 * han {
            return;
        }
        for p in problems_with_names(text, names) {
            self.0.push(format!("{place}: {p}\n    in {text:?}"));
        }
    }

    #[track_caller]
    fn assert_clean(self, what: &str) {
        let mut lines = self.0;
        lines.sort();
        lines.dedup();
        assert!(lines.is_empty(), "{} problem(s) in {what}:\n{}", lines.len(), lines.join("\n"));
    }
}

#[test]
fn rendered_chinese_follows_the_glossary() {
    let mut report = Report::default();
    for entry in ENTRIES {
        let scenario = entry.scenario().expect("catalogue scenario parses");
        report.check(&format!("{} title", entry.name), &scenario.title.zh);
        report.check(&format!("{} narration", entry.name), &scenario.narration.zh);
        let trace = common::trace(entry.name);
        let names: Vec<&str> = trace.hosts.iter().map(|h| h.name.as_str()).collect();
        let mut report_names = |place: &str, text: &str| report.check_with_names(place, text, &names);
        for relative in [true, false] {
            for (k, events) in common::steps(&trace).iter().enumerate() {
                let place = format!("{} step {} relative={relative}", entry.name, k + 1);
                report_names(&place, &headline(&trace, events, Lang::Zh, relative));
                for p in narrate(&trace, events, Lang::Zh, relative) {
                    report_names(&place, &p);
                }
            }
            let view = ViewOptions { lang: Lang::Zh, relative, ..ViewOptions::default() };
            let d = seqdiag::layout(&trace, &view);
            let place = format!("{} diagram", entry.name);
            let texts = [d.title.clone(), d.desc.clone()]
                .into_iter()
                .chain(d.lifelines.iter().flat_map(|l| [l.name.clone(), l.addr.clone()]))
                .chain(d.arrows.iter().flat_map(|a| [a.badge.clone(), a.label.clone(), a.tag.clone()]))
                .chain(d.transitions.iter().map(|t| t.text.clone()))
                .chain(d.timers.iter().map(|t| t.text.clone()))
                .chain(d.breaks.iter().map(|b| b.text.clone()))
                .chain(d.notes.iter().map(|n| n.text.clone()))
                .chain(d.ruler.iter().map(|m| m.text.clone()))
                .chain(d.caption.iter().map(|(s, _)| s.clone()));
            for text in texts {
                report_names(&place, &text);
            }
        }
    }
    for state in State::ALL {
        report.check(&format!("tooltip of {state:?}"), explain_state(state, Lang::Zh));
    }
    for field in FIELD_NAMES {
        if let Some(text) = explain_field(field, Lang::Zh) {
            report.check(&format!("tooltip of {field}"), text);
        }
    }
    report.assert_clean("the Chinese that the catalogue renders");
}

/// A call that fails reads in Chinese too: the trace records what failed (`AppError`), and each
/// view words it in the reader's language. (The catalogue has no failing call, so the test above
/// never meets one.)
#[test]
fn a_failed_call_reads_in_chinese() {
    use tcp_core::conn::CommandError;
    use tcp_sim::trace::AppError;
    let mut report = Report::default();
    let all = [
        AppError::Command(CommandError::AlreadyExists),
        AppError::Command(CommandError::DoesNotExist),
        AppError::Command(CommandError::Closing),
        AppError::NoConnection,
        AppError::AddressInUse,
        AppError::AlreadyListening,
        AppError::SocketClosed,
        AppError::WouldBlock { waiting: 70_000 },
    ];
    for e in all {
        report.check(&format!("{e:?}"), &bilingual::app_error(Lang::Zh, e));
    }
    // In place: send() before any connection, listen() twice, a connect() from a port in use.
    let text = r#"
[[hosts]]
name = "client"
addr = "192.0.2.1"
port = 40000
app = [
  { at_ms = 0, do = "send", bytes = 10 },
  { at_ms = 10, do = "connect", to = "server" },
  { at_ms = 100, do = "connect", to = "server", port = 40000 },
]
[[hosts]]
name = "server"
addr = "198.51.100.1"
app = [{ at_ms = 0, do = "listen" }, { at_ms = 1, do = "listen" }]
"#;
    let trace = tcp_sim::simulate(&tcp_sim::Scenario::from_toml(text).expect("reads"));
    let failed = trace.events.iter().filter(|e| matches!(e.kind, EventKind::App { error: Some(_), .. })).count();
    assert_eq!(failed, 3, "send with no connection, the second listen, connect from a port in use");
    let mut told = String::new();
    for events in common::steps(&trace) {
        for p in narrate(&trace, &events, Lang::Zh, true) {
            report.check_with_names("failing calls narration", &p, &["client", "server"]);
            told.push_str(&p);
        }
    }
    let d = seqdiag::layout(&trace, &ViewOptions { lang: Lang::Zh, ..ViewOptions::default() });
    for n in &d.notes {
        report.check_with_names("failing calls diagram", &n.text, &["client", "server"]);
        told.push_str(&n.text);
    }
    for words in ["没有连接", "已在监听", "地址已被占用"] {
        assert!(told.contains(words), "{words:?} is told in the narration or the notes: {told}");
    }
    report.assert_clean("the Chinese of failed calls");
}

/// The header fields the inspector explains (`tcp_core::wire::FieldSpan` names).
const FIELD_NAMES: &[&str] = &[
    "Source Port",
    "Destination Port",
    "Sequence Number",
    "Acknowledgment Number",
    "Data Offset",
    "Reserved",
    "Window",
    "Checksum",
    "Urgent Pointer",
    "Option: MSS",
    "Option: Window Scale",
    "Option: SACK Permitted",
    "Option: Timestamps",
    "Option: NOP",
    "Option: EOL",
];

/// The string literals of a Rust source file that contain Chinese, with their line numbers.
/// Enough of Rust's lexical grammar for this: comments, char literals, plain and raw strings.
fn chinese_literals(source: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = source.chars().collect();
    let (mut out, mut i, mut line) = (Vec::new(), 0, 1);
    let count_lines = |s: &[char]| s.iter().filter(|&&c| c == '\n').count();
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let end = (i + 2..chars.len())
                .find(|&j| chars[j] == '*' && chars.get(j + 1) == Some(&'/'))
                .unwrap_or(chars.len());
            line += count_lines(&chars[i..end]);
            i = end + 2;
        } else if c == '\'' && (chars.get(i + 2) == Some(&'\'') || next == Some('\\')) {
            // A char literal ('x' or an escape); lifetimes ('a) are left alone.
            let end = (i + 1..chars.len()).find(|&j| chars[j] == '\'' && chars[j - 1] != '\\').unwrap_or(i + 1);
            i = end + 1;
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !chars[i.saturating_sub(1)].is_alphanumeric()
        {
            let hashes = chars[i + 1..].iter().take_while(|&&h| h == '#').count();
            if chars.get(i + 1 + hashes) != Some(&'"') {
                i += 1;
                continue;
            }
            let start = i + 2 + hashes;
            let closing: Vec<char> = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            let end = (start..chars.len()).find(|&j| chars[j..].starts_with(&closing)).unwrap_or(chars.len());
            let text: String = chars[start..end].iter().collect();
            if text.chars().any(is_han) {
                out.push((line, text));
            }
            line += count_lines(&chars[i..end]);
            i = end + closing.len();
        } else if c == '"' {
            let mut j = i + 1;
            let mut text = String::new();
            while j < chars.len() && chars[j] != '"' {
                if chars[j] == '\\' {
                    // A line continuation swallows the newline and the next line's indentation.
                    if chars.get(j + 1) == Some(&'\n') {
                        j += 2;
                        while j < chars.len() && chars[j].is_whitespace() {
                            j += 1;
                        }
                        continue;
                    }
                    j += 2;
                    continue;
                }
                text.push(chars[j]);
                j += 1;
            }
            if text.chars().any(is_han) {
                out.push((line, text));
            }
            line += count_lines(&chars[i..j.min(chars.len())]);
            i = j + 1;
        } else {
            if c == '\n' {
                line += 1;
            }
            i += 1;
        }
    }
    out
}

/// A format string with each `{placeholder}` replaced by U+FFFC: what a placeholder becomes
/// (Chinese or Latin) is only known when it is rendered, which the other test checks.
fn without_placeholders(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    out.push('\u{FFFC}');
                }
            }
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn chinese_in_the_sources_follows_the_glossary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    // What draws or prints text a reader sees; tests and the core's comments are not shown.
    for dir in ["crates/narration/src", "crates/seqdiag/src", "crates/tcp-sim/src", "crates/cli/src", "web/src"] {
        rust_files(&root.join(dir), &mut files);
    }
    files.sort();
    assert!(files.len() > 20, "the sources were not found under {}", root.display());
    let mut report = Report::default();
    for file in &files {
        let source = fs::read_to_string(file).expect("readable source");
        // Unit tests at the end of a file hold deliberately bad Chinese.
        let source = source.split("#[cfg(test)]").next().unwrap_or_default();
        let name = file.strip_prefix(&root).unwrap_or(file).display().to_string();
        for (line, text) in chinese_literals(source) {
            report.check(&format!("{name}:{line}"), &without_placeholders(&text));
        }
    }
    let scenarios = root.join("crates/tcp-sim/scenarios");
    for entry in fs::read_dir(&scenarios).expect("scenarios folder").flatten() {
        let text = fs::read_to_string(entry.path()).expect("readable scenario");
        for (k, line) in text.lines().enumerate() {
            let name = entry.path().file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            report.check(&format!("scenarios/{name}:{}", k + 1), line);
        }
    }
    report.assert_clean("the Chinese string literals of the sources");
}

#[test]
fn the_checker_finds_what_it_looks_for() {
    let found = |s: &str| problems(s);
    assert!(found("客户端A调用 connect()").iter().any(|p| p.contains("no space")));
    assert!(found("客户端B发送").iter().any(|p| p.contains("no space")));
    assert!(found(&without_placeholders("客户端 {who} 发送 {seg:?}")).is_empty());
    assert!(found("等待 2·MSL").iter().any(|p| p.contains("2MSL")));
    assert!(found("对端发来 SYN-ACK").len() >= 2);
    assert!(found("服务器回复 SYN, ACK，然后").iter().any(|p| p.contains("prose")));
    assert!(found("服务器回复 SYN, ACK seq=0 ack=1。").is_empty());
    assert!(found("连接 timed out 了").iter().any(|p| p.contains("English word")));
    assert!(found("connect() 以 ECONNREFUSED（“连接被拒绝”）失败。").iter().any(|p| p.contains("调用失败")));
    assert!(found("connect() 调用失败，返回 ECONNREFUSED（“连接被拒绝”）。").is_empty());
    assert!(found("客户端调用 connect()，进入 SYN_SENT，等待 40 毫秒。").is_empty());
    assert_eq!(found("TIME_WAIT（RFC 9293 写作 TIME-WAIT）"), Vec::<String>::new());
    assert!(
        found("坚持定时器（persist timer）到期，见 `f=client.syn.1.drop` 与 net.ipv4.tcp_syn_retries。").is_empty()
    );
    let literals =
        chinese_literals("let a = \"中文\"; // 注释\nlet b = r#\"原始\"#; let c = 'x'; let d = \"英\\\"文\";");
    let texts: Vec<&str> = literals.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(texts, ["中文", "原始", "英文"]);
}

/// Where two runs part, in Chinese: every catalogue entry against itself without faults and
/// under each other profile (`narration::narrate_divergence`).
#[test]
fn comparisons_read_in_chinese() {
    use narration::narrate_divergence;
    use tcp_sim::compare::divergence;
    let mut report = Report::default();
    for (name, a, b) in common::variant_pairs() {
        let names: Vec<&str> = a.hosts.iter().chain(&b.hosts).map(|h| h.name.as_str()).collect();
        let d = divergence(&a, &b);
        for relative in [true, false] {
            let text = narrate_divergence(&a, &b, d.as_ref(), Lang::Zh, relative);
            report.check_with_names(&format!("{name} compared"), &text, &names);
        }
    }
    report.assert_clean("the Chinese of compared runs");
}
