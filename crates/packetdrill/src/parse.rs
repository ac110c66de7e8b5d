//! Logical lines → [`Script`], after the grammar of packetdrill's `Syntax.md` for TCP: header
//! options, event times, TCP segments, system calls, shell commands and code.

use crate::ast::*;
use crate::error::ParseError;
use crate::lex::{Tok, tokens};
use crate::lines::{LogicalLine, logical_lines};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use tcp_core::Flags;

/// Parses a script, keeping the `#ifdef` branches whose symbol `defined` accepts.
pub fn parse(text: &str, defined: &dyn Fn(&str) -> bool) -> Result<Script, ParseError> {
    let lines = logical_lines(text, defined)?;
    let mut script = Script { options: Vec::new(), events: Vec::new(), symbols: lines.symbols };
    for LogicalLine { line, text } in &lines.lines {
        if let Some(option) = text.strip_prefix("--") {
            if !script.events.is_empty() {
                return Err(ParseError::malformed(*line, "`--` options must come before the first event"));
            }
            script.options.push(header_option(option, *line)?);
        } else {
            script.events.push(event(text, *line)?);
        }
    }
    Ok(script)
}

fn header_option(text: &str, line: u32) -> Result<ScriptOption, ParseError> {
    let (name, value) = text.split_once('=').unwrap_or((text, ""));
    let valid = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !valid(name) {
        return Err(ParseError::malformed(line, format!("`--{text}` is not an option (`--name=value`)")));
    }
    Ok(ScriptOption { line, name: String::from(name), value: String::from(value.trim()) })
}

fn event(text: &str, line: u32) -> Result<Event, ParseError> {
    let toks = tokens(text, line)?;
    let mut p = Parser { toks: &toks, pos: 0, line };
    let time = p.time()?;
    let action = p.action()?;
    if let Some(extra) = p.peek() {
        return Err(p.error(format!("unexpected `{}` at the end of the line", extra.describe())));
    }
    let body = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Ok(Event { line, time, action, text: strip_time(&body) })
}

/// The statement without its time, for messages: `> F. 1:1(0) ack 2`.
fn strip_time(body: &str) -> String {
    let s = body.trim_start();
    let rest = match s.strip_prefix('*') {
        Some(rest) => rest,
        None => {
            let rest = skip_number(s.strip_prefix('+').unwrap_or(s).trim_start());
            match rest.strip_prefix('~') {
                Some(hi) => skip_number(hi.strip_prefix('+').unwrap_or(hi).trim_start()),
                None => rest,
            }
        }
    };
    String::from(rest.trim_start())
}

/// `s` after a leading `12`, `12.5` or `.5`.
fn skip_number(s: &str) -> &str {
    let s = s.trim_start_matches(|c: char| c.is_ascii_digit());
    match s.strip_prefix('.') {
        Some(fraction) if fraction.starts_with(|c: char| c.is_ascii_digit()) => {
            fraction.trim_start_matches(|c: char| c.is_ascii_digit())
        }
        _ => s,
    }
}

struct Parser<'a> {
    toks: &'a [Tok],
    pos: usize,
    line: u32,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn peek_at(&self, ahead: usize) -> Option<&Tok> {
        self.toks.get(self.pos + ahead)
    }

    fn next(&mut self) -> Option<&Tok> {
        let t = self.toks.get(self.pos);
        self.pos += 1;
        t
    }

    fn error(&self, message: impl Into<String>) -> ParseError {
        ParseError::malformed(self.line, message)
    }

    fn unsupported(&self, message: impl Into<String>) -> ParseError {
        ParseError::unsupported(self.line, message)
    }

    fn found(&self) -> String {
        self.peek().map_or(String::from("the end of the line"), |t| format!("`{}`", t.describe()))
    }

    fn eat_punct(&mut self, c: char) -> bool {
        if self.peek() == Some(&Tok::Punct(c)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect_punct(&mut self, c: char, what: &str) -> Result<(), ParseError> {
        if self.eat_punct(c) {
            Ok(())
        } else {
            Err(self.error(format!("expected `{c}` {what}, found {}", self.found())))
        }
    }

    fn eat_word(&mut self, w: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Word(x)) if x == w) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn seconds(&mut self) -> Result<u64, ParseError> {
        match self.peek().and_then(Tok::micros) {
            Some(us) => {
                self.pos += 1;
                Ok(us)
            }
            None => Err(self.error(format!("expected a time in seconds (at most 6 decimals), found {}", self.found()))),
        }
    }

    fn time(&mut self) -> Result<EventTime, ParseError> {
        if self.eat_punct('*') {
            return Ok(EventTime::Any);
        }
        let relative = self.eat_punct('+');
        let lo = self.seconds()?;
        if !self.eat_punct('~') {
            return Ok(if relative { EventTime::Relative(lo) } else { EventTime::Absolute(lo) });
        }
        if self.eat_punct('+') != relative {
            return Err(self.error("both ends of a time range are relative (`+a~+b`) or neither is (`a~b`)"));
        }
        let hi = self.seconds()?;
        if hi < lo {
            return Err(self.error("a time range ends before it starts"));
        }
        Ok(EventTime::Range { relative, lo, hi })
    }

    fn action(&mut self) -> Result<Action, ParseError> {
        match self.peek() {
            Some(Tok::Punct('<')) => self.packet(Direction::Inbound).map(Action::Packet),
            Some(Tok::Punct('>')) => self.packet(Direction::Outbound).map(Action::Packet),
            Some(Tok::Cmd(cmd)) => {
                let cmd = cmd.clone();
                self.pos += 1;
                Ok(Action::Shell(cmd))
            }
            Some(Tok::Code(code)) => {
                let code = code.clone();
                self.pos += 1;
                Ok(Action::Code(code))
            }
            Some(Tok::Ellipsis | Tok::Word(_)) => self.syscall().map(Action::Syscall),
            _ => Err(self.error(format!(
                "expected a segment (`<` or `>`), a system call, a `command` or %{{ code }}% after the time, found {}",
                self.found()
            ))),
        }
    }

    // ----- segments -----

    fn packet(&mut self, direction: Direction) -> Result<Packet, ParseError> {
        self.pos += 1;
        match self.peek() {
            Some(Tok::Punct('[')) => return Err(self.unsupported("IP ECN codepoints (`[ect0]` and the like)")),
            Some(Tok::Word(w)) if w == "udp" || w == "icmp" => {
                return Err(self.unsupported(format!("{w} packets (only TCP)")));
            }
            _ => {}
        }
        let flags = self.flags()?;
        let (seq, len) = self.seq()?;
        let mut packet = Packet { direction, flags, seq, len, ack: None, win: None, options: OptionList::None };
        if self.eat_word("ack") {
            packet.ack = Some(self.u32("after `ack`")?);
        }
        if self.eat_word("win") {
            packet.win = Some(self.u32("after `win`")?);
        }
        if self.peek() == Some(&Tok::Punct('<')) {
            packet.options = self.options()?;
        }
        Ok(packet)
    }

    fn flags(&mut self) -> Result<Flags, ParseError> {
        let mut flags = Flags::NONE;
        let mut any = false;
        if let Some(Tok::Word(w)) = self.peek() {
            for c in w.chars() {
                let flag = match c {
                    'S' => Flags::SYN,
                    'F' => Flags::FIN,
                    'R' => Flags::RST,
                    'P' => Flags::PSH,
                    'U' => Flags::URG,
                    'E' => Flags::ECE,
                    'W' => Flags::CWR,
                    _ => return Err(self.error(format!("`{c}` is not a TCP flag (S F R P U E W and `.` for ACK)"))),
                };
                flags = flags | flag;
            }
            self.pos += 1;
            any = true;
        }
        if self.eat_punct('.') {
            flags = flags | Flags::ACK;
            any = true;
        }
        if !any && self.eat_punct('-') {
            any = true;
        }
        if !any {
            return Err(
                self.error(format!("expected the segment's flags (`S`, `S.`, `.`, `F.`, ...), found {}", self.found()))
            );
        }
        Ok(flags)
    }

    /// `start:end(len)` or `...(len)`.
    fn seq(&mut self) -> Result<(Option<u32>, u32), ParseError> {
        let start = if self.peek() == Some(&Tok::Ellipsis) {
            self.pos += 1;
            None
        } else {
            let start = self.u32("as the first sequence number")?;
            self.expect_punct(':', "between the sequence numbers")?;
            let end = self.u32("as the end sequence number")?;
            Some((start, end))
        };
        self.expect_punct('(', "before the payload length")?;
        let len = self.u32("as the payload length")?;
        self.expect_punct(')', "after the payload length")?;
        if let Some((start, end)) = start
            && end.wrapping_sub(start) != len
        {
            return Err(self.error(format!("{start}:{end}({len}) is inconsistent: end - start must equal the length")));
        }
        Ok((start.map(|(s, _)| s), len))
    }

    fn u32(&mut self, what: &str) -> Result<u32, ParseError> {
        match self.peek().and_then(Tok::int).and_then(|n| u32::try_from(n).ok()) {
            Some(n) => {
                self.pos += 1;
                Ok(n)
            }
            None => Err(self.error(format!("expected a number from 0 to 4294967295 {what}, found {}", self.found()))),
        }
    }

    fn options(&mut self) -> Result<OptionList, ParseError> {
        self.pos += 1;
        if self.peek() == Some(&Tok::Ellipsis) {
            self.pos += 1;
            self.expect_punct('>', "after `<...`")?;
            return Ok(OptionList::Any);
        }
        let mut list = Vec::new();
        loop {
            list.push(self.option()?);
            if self.eat_punct(',') {
                continue;
            }
            self.expect_punct('>', "or `,` in the option list")?;
            return Ok(OptionList::List(list));
        }
    }

    fn option(&mut self) -> Result<TcpOptionSpec, ParseError> {
        let Some(Tok::Word(name)) = self.peek() else {
            return Err(self.error(format!(
                "expected a TCP option (nop, eol, mss, wscale, sackOK, sack, TS), found {}",
                self.found()
            )));
        };
        let name = name.clone();
        self.pos += 1;
        Ok(match name.as_str() {
            "nop" => TcpOptionSpec::Nop,
            "eol" => TcpOptionSpec::Eol,
            "sackOK" => TcpOptionSpec::SackPermitted,
            "mss" => {
                let n = self.u32("after `mss`")?;
                TcpOptionSpec::Mss(u16::try_from(n).map_err(|_| self.error("an MSS is at most 65535"))?)
            }
            "wscale" => {
                let n = self.u32("after `wscale`")?;
                TcpOptionSpec::WindowScale(u8::try_from(n).map_err(|_| self.error("a window scale is at most 255"))?)
            }
            "TS" => {
                if !self.eat_word("val") {
                    return Err(self.error(format!("expected `val` after `TS`, found {}", self.found())));
                }
                let val = self.u32("after `val`")?;
                if !self.eat_word("ecr") {
                    return Err(self.error(format!("expected `ecr` after the TS value, found {}", self.found())));
                }
                let ecr = self.u32("after `ecr`")?;
                TcpOptionSpec::Timestamps { val, ecr }
            }
            "sack" => {
                let mut blocks = Vec::new();
                while matches!(self.peek(), Some(Tok::Num(_))) {
                    let left = self.u32("as a SACK block's left edge")?;
                    self.expect_punct(':', "in a SACK block")?;
                    let right = self.u32("as a SACK block's right edge")?;
                    blocks.push((left, right));
                }
                if blocks.is_empty() || blocks.len() > 4 {
                    return Err(self.error("a SACK option has 1 to 4 blocks `left:right`"));
                }
                TcpOptionSpec::Sack(blocks)
            }
            "FO" | "md5" | "mpcapable" | "exp" => return Err(self.unsupported(format!("the TCP option `{name}`"))),
            other => return Err(self.error(format!("`{other}` is not a TCP option"))),
        })
    }

    // ----- system calls -----

    fn syscall(&mut self) -> Result<Syscall, ParseError> {
        let end_time = if self.eat_ellipsis() { Some(self.seconds()?) } else { None };
        let name = match self.next() {
            Some(Tok::Word(w)) => w.clone(),
            _ => return Err(self.error("expected a system call name after `...end`")),
        };
        self.expect_punct('(', &format!("after `{name}`"))?;
        let mut args = Vec::new();
        if !self.eat_punct(')') {
            loop {
                args.push(self.expr()?);
                if self.eat_punct(',') {
                    continue;
                }
                self.expect_punct(')', &format!("or `,` in the arguments of {name}()"))?;
                break;
            }
        }
        self.expect_punct('=', &format!("after {name}(...) and before its result"))?;
        let result = self.expr()?;
        let errno = match self.peek() {
            Some(Tok::Word(w)) => {
                let w = w.clone();
                self.pos += 1;
                Some(w)
            }
            _ => None,
        };
        if self.eat_punct('(') {
            self.skip_note()?;
        }
        Ok(Syscall { name, args, result, errno, end_time })
    }

    fn eat_ellipsis(&mut self) -> bool {
        if self.peek() == Some(&Tok::Ellipsis) && matches!(self.peek_at(1), Some(Tok::Num(_))) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Skips a note `(Operation now in progress)` after the opening parenthesis.
    fn skip_note(&mut self) -> Result<(), ParseError> {
        let mut depth = 1;
        while let Some(t) = self.next() {
            match t {
                Tok::Punct('(') => depth += 1,
                Tok::Punct(')') => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
        Err(self.error("the note in parentheses after the result is never closed"))
    }

    fn expr(&mut self) -> Result<Expr, ParseError> {
        let first = self.primary()?;
        if self.peek() != Some(&Tok::Punct('|')) {
            return Ok(first);
        }
        let mut items = alloc::vec![first];
        while self.eat_punct('|') {
            items.push(self.primary()?);
        }
        Ok(Expr::Or(items))
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let tok = self.peek().cloned();
        match tok {
            Some(Tok::Ellipsis) => {
                self.pos += 1;
                Ok(Expr::Ellipsis)
            }
            Some(t @ Tok::Num(_)) => match t.int() {
                Some(n) => {
                    self.pos += 1;
                    Ok(Expr::Int(n))
                }
                None => Err(self.error(format!("`{}` is not an integer", t.describe()))),
            },
            Some(Tok::Word(w)) => {
                self.pos += 1;
                Ok(Expr::Word(w))
            }
            Some(Tok::Str(s)) => {
                self.pos += 1;
                // `"abc"...` is a string followed by anything.
                if self.peek() == Some(&Tok::Ellipsis) {
                    return Err(self.unsupported("a string followed by `...`"));
                }
                Ok(Expr::Str(s))
            }
            Some(Tok::Punct('[')) => {
                self.pos += 1;
                let mut items = Vec::new();
                if !self.eat_punct(']') {
                    loop {
                        items.push(self.expr()?);
                        if self.eat_punct(',') {
                            continue;
                        }
                        self.expect_punct(']', "or `,` in the array")?;
                        break;
                    }
                }
                Ok(Expr::Array(items))
            }
            Some(Tok::Punct('{')) => {
                Err(self.unsupported("structures in braces (sockaddr, msghdr, iovec, pollfd, linger)"))
            }
            _ => Err(self.error(format!("expected a value, found {}", self.found()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn one(line: &str) -> Event {
        let script = parse(line, &|_| false).expect("parses");
        script.events.into_iter().next().expect("one event")
    }

    #[test]
    fn segments() {
        let e = one("+0.10 > F. 1:1(0) ack 2 win 65535 <mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0,eol>");
        assert_eq!(e.time, EventTime::Relative(100_000));
        let Action::Packet(p) = e.action else { panic!("a packet") };
        assert_eq!((p.flags, p.seq, p.len, p.ack, p.win), (Flags::FIN | Flags::ACK, Some(1), 0, Some(2), Some(65535)));
        assert_eq!(
            p.options,
            OptionList::List(vec![
                TcpOptionSpec::Mss(1460),
                TcpOptionSpec::Nop,
                TcpOptionSpec::WindowScale(6),
                TcpOptionSpec::SackPermitted,
                TcpOptionSpec::Timestamps { val: 100, ecr: 0 },
                TcpOptionSpec::Eol,
            ])
        );
        assert_eq!(e.text, "> F. 1:1(0) ack 2 win 65535 <mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0,eol>");
        let Action::Packet(p) = one("+0.00 > S. ...(0) ack 65537 <...>").action else { panic!() };
        assert_eq!((p.seq, p.options), (None, OptionList::Any));
        let Action::Packet(p) = one("0 > SEW 0:0(0)").action else { panic!() };
        assert_eq!(p.flags, Flags::SYN | Flags::ECE | Flags::CWR);
    }

    #[test]
    fn times_and_syscalls() {
        assert_eq!(one("* > S 0:0(0)").time, EventTime::Any);
        assert_eq!(one("+ 0.20~+0.3 > S 0:0(0)").time, EventTime::Range { relative: true, lo: 200_000, hi: 300_000 });
        let e = one(" 1.00...6.00 connect(3, ..., ...) = -1 ETIMEDOUT (Operation timed out)");
        assert_eq!(e.time, EventTime::Absolute(1_000_000));
        let Action::Syscall(s) = e.action else { panic!("a syscall") };
        assert_eq!(
            (s.name.as_str(), s.end_time, s.result.int(), s.errno.as_deref()),
            ("connect", Some(6_000_000), Some(-1), Some("ETIMEDOUT"))
        );
        let Action::Syscall(s) = one("+0 fcntl(3, F_SETFL, O_RDWR | O_NONBLOCK) = 0").action else { panic!() };
        assert_eq!(s.args[2], Expr::Or(vec![Expr::Word("O_RDWR".into()), Expr::Word("O_NONBLOCK".into())]));
        let Action::Syscall(s) = one("+0 fcntl(3, F_GETFL) = 0x02 (flags O_RDWR)").action else { panic!() };
        assert_eq!((s.result.int(), s.errno), (Some(2), None));
        assert_eq!(one("+0 `sysctl -w a=1`").action, Action::Shell("sysctl -w a=1".into()));
        assert_eq!(
            one("+0 %{ assert tcpi_state == TCPI_LISTEN }%").action,
            Action::Code("assert tcpi_state == TCPI_LISTEN".into())
        );
    }

    #[test]
    fn errors_name_the_line_and_the_problem() {
        let err = parse("--tolerance_usecs=1\n0 > S 0:1(0)\n", &|_| false).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("inconsistent"), "{err}");
        let err = parse("\n\n0 > X 0:0(0)", &|_| false).unwrap_err();
        assert_eq!((err.line, err.unsupported), (3, false));
        let err = parse("0 > S 0:0(0) <FO abc>", &|_| false).unwrap_err();
        assert!(err.unsupported, "{err}");
        let err = parse("0 connect(3, {sa_family=AF_INET}, 16) = 0", &|_| false).unwrap_err();
        assert!(err.unsupported, "{err}");
        assert!(parse("0 close(3) = 0 extra stuff", &|_| false).is_err());
    }
}
