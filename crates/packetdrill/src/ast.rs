//! A parsed packetdrill script: header options and timed events, each with its line.

use alloc::string::String;
use alloc::vec::Vec;
use tcp_core::Flags;

/// A whole script after `#ifdef` selection.
#[derive(Clone, Debug, PartialEq)]
pub struct Script {
    /// `--name=value` lines at the top.
    pub options: Vec<ScriptOption>,
    /// The events in script order.
    pub events: Vec<Event>,
    /// The symbols of `#ifdef`s without `#else`, in order: branches that only one stack takes.
    pub symbols: Vec<String>,
}

/// One `--name=value` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptOption {
    /// Its line (1-based).
    pub line: u32,
    /// The name, without the dashes.
    pub name: String,
    /// The value after `=` (empty when there is none).
    pub value: String,
}

/// One statement: when, and what.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Its line (1-based).
    pub line: u32,
    /// When it happens.
    pub time: EventTime,
    /// The segment, system call, shell command or Python code on the line.
    pub action: Action,
    /// The statement as written after its time, whitespace collapsed, for messages.
    pub text: String,
}

/// When an event happens (microseconds). Relative times count from the previous event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventTime {
    /// `0.100`: from the start of the script.
    Absolute(u64),
    /// `+0.100`: after the previous event.
    Relative(u64),
    /// `*`: any time.
    Any,
    /// `0.1~0.2` (absolute) or `+0.1~+0.2` (relative): anywhere in the range.
    Range {
        /// Both ends are relative to the previous event.
        relative: bool,
        /// The earliest time, in microseconds from the start of the script, or from the previous
        /// event when `relative`.
        lo: u64,
        /// The latest time, counted as `lo` is.
        hi: u64,
    },
}

/// What an event does.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// A segment the script injects (`<`) or expects (`>`).
    Packet(Packet),
    /// A system call and its expected result.
    Syscall(Syscall),
    /// A shell command between backquotes.
    Shell(String),
    /// Python code between `%{` and `}%`.
    Code(String),
}

/// Which way a segment goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// `<`: the script injects it into the stack.
    Inbound,
    /// `>`: the stack must send it.
    Outbound,
}

/// A TCP segment line: `> F. 1:1(0) ack 2 win 65535 <nop,nop,TS val 1 ecr 0>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet {
    /// In or out.
    pub direction: Direction,
    /// The flags (`.` is ACK, `E` ECE, `W` CWR).
    pub flags: Flags,
    /// First sequence number, relative; `None` for `...` (any).
    pub seq: Option<u32>,
    /// Payload length in bytes: the `len` of `start:end(len)`, which the parser checks is
    /// `end - start`.
    pub len: u32,
    /// `ack N`, relative.
    pub ack: Option<u32>,
    /// `win N`.
    pub win: Option<u32>,
    /// The options: injected in the order written; expected, compared regardless of order, NOPs
    /// and EOLs aside, unless the run compares the layout byte for byte.
    pub options: OptionList,
}

/// The options of a segment line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OptionList {
    /// None written: the segment carries no options.
    None,
    /// `<...>`: any options.
    Any,
    /// The options, in order.
    List(Vec<TcpOptionSpec>),
}

/// One option of a segment line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TcpOptionSpec {
    /// `nop`.
    Nop,
    /// `eol`.
    Eol,
    /// `mss N`.
    Mss(u16),
    /// `wscale N`.
    WindowScale(u8),
    /// `sackOK`.
    SackPermitted,
    /// `sack a:b c:d`, relative.
    Sack(Vec<(u32, u32)>),
    /// `TS val N ecr M`.
    Timestamps {
        /// TSval: sent as written in an injected segment, not compared in an expected one.
        val: u32,
        /// TSecr: sent as written, and compared as written (not relative).
        ecr: u32,
    },
}

/// A system call line: `connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Syscall {
    /// `connect`.
    pub name: String,
    /// The arguments in the C call's order (`...` where the script leaves one open).
    pub args: Vec<Expr>,
    /// The expected return value.
    pub result: Expr,
    /// The expected errno name, if any.
    pub errno: Option<String>,
    /// `start...end`: the call blocks until `end` (microseconds, absolute).
    pub end_time: Option<u64>,
}

/// An argument or result of a system call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    /// `...`: anything.
    Ellipsis,
    /// A decimal or hexadecimal integer.
    Int(i64),
    /// A symbol such as `SOL_SOCKET` or `EINPROGRESS`.
    Word(String),
    /// A quoted string.
    Str(String),
    /// `A | B`.
    Or(Vec<Expr>),
    /// `[A, B]`.
    Array(Vec<Expr>),
}

impl Expr {
    /// The integer, if this is one.
    pub fn int(&self) -> Option<i64> {
        match self {
            Expr::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// The symbol, if this is one.
    pub fn word(&self) -> Option<&str> {
        match self {
            Expr::Word(w) => Some(w),
            _ => None,
        }
    }

    /// The one element of `[X]`, if this is such an array.
    pub fn single(&self) -> Option<&Expr> {
        match self {
            Expr::Array(items) if items.len() == 1 => items.first(),
            _ => None,
        }
    }
}
