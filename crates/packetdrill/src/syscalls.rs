//! The system calls, shell commands and code the suite uses, carried out on the [`Kernel`] and
//! checked against the script's expected results.

use crate::ast::{Event, Expr, Syscall};
use crate::env::Applied;
use crate::kernel::{self, Errno, SockKind};
use crate::report::DiffKind;
use crate::runner::{Runner, Stop};
use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::net::SocketAddrV4;
use tcp_core::{Connection, Listener, ReadShutdown, State};
use tcp_sim::trace::{AppCall, AppError, ConnId};

/// FreeBSD's `O_RDWR` and `O_NONBLOCK`, as `fcntl(F_GETFL)` returns them.
const O_RDWR: i64 = 0x2;
const O_NONBLOCK: i64 = 0x4;
/// The listener's SYN-cookie key (any fixed value: runs are deterministic).
const COOKIE_SECRET: u64 = 0x7061_636b_6574_6472;

/// What a system call returned.
#[derive(Debug, Default)]
struct Returned {
    ret: i64,
    errno: Option<Errno>,
    /// The value a `getsockopt` wrote, to compare with the script's `[value]`.
    value: Option<OptValue>,
    /// The call would block forever: nothing the script does can happen while it waits.
    blocks: Option<&'static str>,
}

impl Returned {
    fn ok(ret: i64) -> Returned {
        Returned { ret, ..Returned::default() }
    }
    fn error(errno: Errno) -> Returned {
        Returned { ret: -1, errno: Some(errno), ..Returned::default() }
    }
    fn blocks(why: &'static str) -> Returned {
        Returned { blocks: Some(why), ..Returned::default() }
    }
}

#[derive(Debug)]
enum OptValue {
    /// A buffer size.
    Size(i64),
    /// `SO_ERROR`.
    Error(Option<Errno>),
}

fn same_errno(a: &str, b: &str) -> bool {
    fn norm(e: &str) -> &str {
        if e == "EAGAIN" { "EWOULDBLOCK" } else { e }
    }
    norm(a) == norm(b)
}

fn errno_text(ret: i64, errno: Option<&str>) -> String {
    match errno {
        Some(e) => format!("{ret} {e}"),
        None => ret.to_string(),
    }
}

impl Runner {
    /// A system call line.
    pub(crate) fn syscall(&mut self, event: &Event, call: &Syscall) -> Result<(), Stop> {
        let line = event.line;
        if call.end_time.is_some() {
            return Err(Stop::cannot(
                line,
                "a system call that returns later (`start...end`), which needs packetdrill's threads",
            ));
        }
        let fd = call.args.first().and_then(Expr::int).and_then(|n| i32::try_from(n).ok());
        let returned = match call.name.as_str() {
            "socket" => self.sys_socket(line, call)?,
            _ if fd.is_none() => {
                return Err(Stop::cannot(line, format!("{}() without a descriptor as first argument", call.name)));
            }
            _ if fd.and_then(|fd| self.kernel.index(fd)).is_none() => Returned::error("EBADF"),
            "fcntl" => self.sys_fcntl(line, call)?,
            "setsockopt" => self.sys_setsockopt(line, call)?,
            "getsockopt" => self.sys_getsockopt(line, call)?,
            "bind" => self.sys_bind(call),
            "listen" => self.sys_listen(call),
            "connect" => self.sys_connect(line, call)?,
            "accept" => self.sys_accept(call),
            "read" | "recv" => self.sys_read(call),
            "write" | "send" => self.sys_write(call),
            "shutdown" => self.sys_shutdown(line, call)?,
            "close" => self.sys_close(call),
            other => return Err(Stop::cannot(line, format!("the system call {other}()"))),
        };
        // `%{ tcpi_state }%` reads the socket a call returned (socket, accept) or used.
        let new_fd = matches!(call.name.as_str(), "socket" | "accept") && returned.ret >= 0;
        self.last_fd = if new_fd { i32::try_from(returned.ret).ok() } else { fd };
        self.collect();
        self.check(event, call, returned)
    }

    /// Compares what the call returned with the script.
    fn check(&mut self, event: &Event, call: &Syscall, got: Returned) -> Result<(), Stop> {
        let line = event.line;
        let want = match &call.result {
            Expr::Int(n) => Some(*n),
            Expr::Ellipsis => None,
            _ => return Err(Stop::cannot(line, "a result that is not an integer")),
        };
        let want_text = || errno_text(want.unwrap_or(0), call.errno.as_deref());
        if let Some(why) = got.blocks {
            let message =
                format!("{}() would block: {why}; the script expects it to return {}", call.name, want_text());
            return Err(Stop::differs(line, DiffKind::Syscall, message));
        }
        let errno_ok = match (&call.errno, got.errno) {
            (Some(w), Some(g)) => same_errno(w, g),
            (None, _) => true,
            (Some(_), None) => false,
        };
        if want.is_some_and(|w| w != got.ret) || !errno_ok {
            let message =
                format!("{}() returned {}, expected {}", call.name, errno_text(got.ret, got.errno), want_text());
            return Err(Stop::differs(line, DiffKind::Syscall, message));
        }
        let expected_value = call.args.get(3).and_then(Expr::single);
        match (got.value, expected_value) {
            (Some(OptValue::Size(size)), Some(Expr::Int(w))) if size != *w => {
                let name = call.args.get(2).and_then(Expr::word).unwrap_or("the buffer");
                let message = format!("{name} is {size}, expected {w}");
                return Err(Stop::differs(line, DiffKind::Syscall, message));
            }
            (Some(OptValue::Error(error)), Some(w)) => {
                let matches = match (w, error) {
                    (Expr::Int(0), None) => true,
                    (Expr::Word(name), Some(e)) => same_errno(name, e),
                    _ => false,
                };
                if !matches {
                    let message = format!(
                        "SO_ERROR is {}, expected {}",
                        error.unwrap_or("0"),
                        w.word().map_or_else(|| w.int().unwrap_or(0).to_string(), String::from)
                    );
                    return Err(Stop::differs(line, DiffKind::Syscall, message));
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn sock_index(&self, call: &Syscall) -> usize {
        let fd = call.args.first().and_then(Expr::int).and_then(|n| i32::try_from(n).ok()).unwrap_or(-1);
        self.kernel.index(fd).unwrap_or(usize::MAX)
    }

    /// The trace's connection for socket `i`, if it has one.
    fn conn_of(&self, i: usize) -> Option<ConnId> {
        let c = self.kernel.sockets[i].connection()?;
        self.rec.live(c.local(), c.remote())
    }

    fn sys_socket(&mut self, line: u32, call: &Syscall) -> Result<Returned, Stop> {
        let stream = call.args.get(1).and_then(Expr::word) == Some("SOCK_STREAM");
        let tcp = matches!(call.args.get(2).and_then(Expr::word), Some("IPPROTO_TCP") | None);
        if !stream || !tcp {
            return Err(Stop::cannot(line, "a socket that is not SOCK_STREAM/IPPROTO_TCP"));
        }
        Ok(Returned::ok(i64::from(self.kernel.socket())))
    }

    fn sys_fcntl(&mut self, line: u32, call: &Syscall) -> Result<Returned, Stop> {
        let i = self.sock_index(call);
        match call.args.get(1).and_then(Expr::word) {
            Some("F_GETFL") => {
                let nonblocking = self.kernel.sockets[i].nonblocking;
                Ok(Returned::ok(O_RDWR | if nonblocking { O_NONBLOCK } else { 0 }))
            }
            Some("F_SETFL") => {
                let words: Vec<&str> = match call.args.get(2) {
                    Some(Expr::Or(items)) => items.iter().filter_map(Expr::word).collect(),
                    Some(Expr::Word(w)) => alloc::vec![w.as_str()],
                    _ => Vec::new(),
                };
                if words.iter().any(|w| !matches!(*w, "O_RDWR" | "O_NONBLOCK")) {
                    return Err(Stop::cannot(line, "fcntl flags other than O_RDWR and O_NONBLOCK"));
                }
                self.kernel.sockets[i].nonblocking = words.contains(&"O_NONBLOCK");
                Ok(Returned::ok(0))
            }
            _ => Err(Stop::cannot(line, "fcntl commands other than F_GETFL and F_SETFL")),
        }
    }

    fn sys_setsockopt(&mut self, line: u32, call: &Syscall) -> Result<Returned, Stop> {
        let level = call.args.get(1).and_then(Expr::word).unwrap_or("?");
        let name = call.args.get(2).and_then(Expr::word).unwrap_or("?");
        let value = call.args.get(3).and_then(|v| v.single().unwrap_or(v).int());
        let keepalive = matches!(name, "SO_KEEPALIVE" | "TCP_KEEPIDLE" | "TCP_KEEPINTVL" | "TCP_KEEPCNT");
        let i = self.sock_index(call);
        if keepalive && self.kernel.sockets.get(i).is_some_and(|s| !matches!(s.kind, SockKind::Fresh)) {
            // The options apply to the connections made after them; one already made keeps its own.
            return Err(Stop::cannot(line, format!("{name} on a socket that already listens or is connected")));
        }
        match self.env.setsockopt(level, name, value) {
            Applied::Done => Ok(Returned::ok(0)),
            Applied::Unknown(what) => Err(Stop::cannot(line, what)),
        }
    }

    fn sys_getsockopt(&mut self, line: u32, call: &Syscall) -> Result<Returned, Stop> {
        let i = self.sock_index(call);
        let value = match (call.args.get(1).and_then(Expr::word), call.args.get(2).and_then(Expr::word)) {
            (Some("SOL_SOCKET"), Some(name @ ("SO_RCVBUF" | "SO_SNDBUF"))) => {
                let (recv, send) = match &self.kernel.sockets[i].kind {
                    SockKind::Connected(c) => (c.recv_capacity(), c.send_capacity()),
                    SockKind::Listening(l) => (l.config().recv_buffer as usize, l.config().send_buffer as usize),
                    SockKind::Fresh => (self.env.config.recv_buffer as usize, self.env.config.send_buffer as usize),
                };
                OptValue::Size(if name == "SO_RCVBUF" { recv } else { send } as i64)
            }
            (Some("SOL_SOCKET"), Some("SO_ERROR")) => OptValue::Error(self.kernel.sockets[i].pending_error.take()),
            (level, name) => {
                let what = format!("getsockopt {}/{}", level.unwrap_or("?"), name.unwrap_or("?"));
                return Err(Stop::cannot(line, what));
            }
        };
        Ok(Returned { value: Some(value), ..Returned::ok(0) })
    }

    fn sys_bind(&mut self, call: &Syscall) -> Returned {
        let i = self.sock_index(call);
        let s = &mut self.kernel.sockets[i];
        if !matches!(s.kind, SockKind::Fresh) || s.bound {
            return Returned::error("EINVAL");
        }
        s.bound = true;
        self.flow = script_connects_to(kernel::WELL_KNOWN_PORT);
        Returned::ok(0)
    }

    fn sys_listen(&mut self, call: &Syscall) -> Returned {
        let i = self.sock_index(call);
        if !matches!(self.kernel.sockets[i].kind, SockKind::Fresh) {
            return Returned::error("EINVAL");
        }
        let backlog = call.args.get(1).and_then(Expr::int).unwrap_or(1).clamp(1, i64::from(u16::MAX));
        let mut config = self.env.config;
        config.accept_backlog = backlog as u16;
        let local = SocketAddrV4::new(kernel::LOCAL_ADDR, kernel::WELL_KNOWN_PORT);
        self.kernel.sockets[i].kind = SockKind::Listening(Box::new(Listener::new(config, local, COOKIE_SECRET)));
        self.kernel.sockets[i].bound = true;
        self.flow = script_connects_to(kernel::WELL_KNOWN_PORT);
        let now = self.kernel.now;
        self.rec.app(now, None, AppCall::Listen { port: local.port() }, None);
        Returned::ok(0)
    }

    fn sys_connect(&mut self, line: u32, call: &Syscall) -> Result<Returned, Stop> {
        let i = self.sock_index(call);
        let now = self.kernel.now;
        let s = &mut self.kernel.sockets[i];
        match &s.kind {
            SockKind::Listening(_) => return Ok(Returned::error("EINVAL")),
            SockKind::Connected(c) => {
                let returned = match (c.state(), s.pending_error.take()) {
                    (State::SynSent | State::SynReceived, _) => Returned::error("EALREADY"),
                    (State::Closed, Some(error)) => Returned::error(error),
                    _ => Returned::error("EISCONN"),
                };
                return Ok(returned);
            }
            SockKind::Fresh => {}
        }
        if !s.nonblocking {
            return Err(Stop::cannot(
                line,
                "a blocking connect(), which returns only after segments the script sends later",
            ));
        }
        let port = if s.bound { kernel::WELL_KNOWN_PORT } else { kernel::EPHEMERAL_PORT };
        let local = SocketAddrV4::new(kernel::LOCAL_ADDR, port);
        let remote = SocketAddrV4::new(kernel::REMOTE_ADDR, kernel::WELL_KNOWN_PORT);
        let mut conn = Connection::new(self.env.config, local, remote);
        let isn = self.kernel.next_isn();
        let result = conn.connect(now, isn);
        self.kernel.sockets[i].kind = SockKind::Connected(Box::new(conn));
        self.flow = (local, remote);
        let id = self.rec.conn(local, remote);
        self.rec.app(now, Some(id), AppCall::Connect { to: remote }, result.err().map(AppError::from));
        self.kernel.drain(i);
        Ok(match result {
            Ok(()) => Returned::error("EINPROGRESS"),
            Err(_) => Returned::error("EISCONN"),
        })
    }

    fn sys_accept(&mut self, call: &Syscall) -> Returned {
        let i = self.sock_index(call);
        let nonblocking = self.kernel.sockets[i].nonblocking;
        let SockKind::Listening(l) = &mut self.kernel.sockets[i].kind else {
            return Returned::error("EINVAL");
        };
        let Some(conn) = l.accept() else {
            return if nonblocking {
                Returned::error("EWOULDBLOCK")
            } else {
                Returned::blocks("no connection is ready to accept")
            };
        };
        let (local, remote) = (conn.local(), conn.remote());
        let error = self.kernel.take_child_error(remote);
        let fd = self.kernel.adopt(SockKind::Connected(Box::new(conn)), error);
        // BSD: the accepted socket inherits O_NONBLOCK from the listening one.
        if let Some(j) = self.kernel.index(fd) {
            self.kernel.sockets[j].nonblocking = nonblocking;
        }
        let now = self.kernel.now;
        let id = self.rec.conn(local, remote);
        self.rec.app(now, Some(id), AppCall::Accept, None);
        if let Some(j) = self.kernel.index(fd) {
            self.kernel.drain(j);
        }
        Returned::ok(i64::from(fd))
    }

    /// For read and write: the socket, the length asked for (at most 1 MiB) and the trace's
    /// connection.
    fn io_call(&self, call: &Syscall) -> (usize, usize, Option<ConnId>) {
        let i = self.sock_index(call);
        let len = call.args.get(2).and_then(Expr::int).unwrap_or(0).clamp(0, 1 << 20) as usize;
        (i, len, self.conn_of(i))
    }

    fn sys_read(&mut self, call: &Syscall) -> Returned {
        let (i, len, conn_id) = self.io_call(call);
        let now = self.kernel.now;
        let s = &mut self.kernel.sockets[i];
        let nonblocking = s.nonblocking;
        let SockKind::Connected(c) = &mut s.kind else {
            return Returned::error("ENOTCONN");
        };
        let mut buf = alloc::vec![0u8; len];
        let n = c.recv(now, &mut buf).unwrap_or(0);
        // After shutdown(SHUT_RD) a read returns what is still queued, then 0 (Linux
        // `tcp_recvmsg`, FreeBSD `soreceive` on `SBS_CANTRCVMORE`); Windows refuses it.
        let shut = c.is_read_shut();
        let refused = shut && c.config().read_shutdown == ReadShutdown::Reset;
        let eof = shut
            || matches!(
                c.state(),
                State::Closed | State::CloseWait | State::LastAck | State::Closing | State::TimeWait
            );
        let returned = match (n, if n == 0 { s.pending_error.take() } else { None }) {
            (1.., _) => Returned::ok(n as i64),
            (_, Some(error)) => Returned::error(error),
            _ if refused => Returned::error("ESHUTDOWN"),
            _ if eof => Returned::ok(0),
            _ if nonblocking => Returned::error("EWOULDBLOCK"),
            _ => Returned::blocks("no data has arrived"),
        };
        if n > 0 {
            self.rec.read(now, conn_id, n);
        }
        self.kernel.drain(i);
        returned
    }

    fn sys_write(&mut self, call: &Syscall) -> Returned {
        let (i, len, conn_id) = self.io_call(call);
        let now = self.kernel.now;
        let s = &mut self.kernel.sockets[i];
        let nonblocking = s.nonblocking;
        let SockKind::Connected(c) = &mut s.kind else {
            return Returned::error("ENOTCONN");
        };
        let result = c.send(now, &alloc::vec![0u8; len]);
        let returned = match result {
            Ok(0) if len > 0 && nonblocking => Returned::error("EWOULDBLOCK"),
            Ok(0) if len > 0 => Returned::blocks("the send buffer is full"),
            Ok(n) => Returned::ok(n as i64),
            Err(tcp_core::conn::CommandError::DoesNotExist) => Returned::error("ENOTCONN"),
            Err(_) => Returned::error("EPIPE"),
        };
        let error = result.err().map(AppError::from);
        self.rec.app(now, conn_id, AppCall::Send { bytes: len }, error);
        self.kernel.drain(i);
        returned
    }

    /// `shutdown(fd, SHUT_WR | SHUT_RD | SHUT_RDWR)`: SHUT_RDWR is SHUT_RD then SHUT_WR, as
    /// FreeBSD's `soshutdown` does them (`sorflush`, then the protocol's shutdown); the second is
    /// not tried once the first reset the connection (Windows with data unread).
    fn sys_shutdown(&mut self, line: u32, call: &Syscall) -> Result<Returned, Stop> {
        let (read, write) = match call.args.get(1).and_then(Expr::word) {
            Some("SHUT_RD") => (true, false),
            Some("SHUT_WR") => (false, true),
            Some("SHUT_RDWR") => (true, true),
            _ => return Err(Stop::cannot(line, "shutdown() other than SHUT_RD, SHUT_WR or SHUT_RDWR")),
        };
        let i = self.sock_index(call);
        let now = self.kernel.now;
        let conn_id = self.conn_of(i);
        let SockKind::Connected(c) = &mut self.kernel.sockets[i].kind else {
            return Ok(Returned::error("ENOTCONN"));
        };
        let mut result = Ok(());
        if read {
            let rule = c.config().read_shutdown;
            let lost = c.shutdown_read(now);
            let call = AppCall::ShutdownRead { rule, discarded: *lost.as_ref().unwrap_or(&0) };
            self.rec.app(now, conn_id, call, lost.err().map(AppError::from));
            result = lost.map(|_| ());
        }
        if write && result.is_ok() && c.state() != State::Closed {
            result = c.shutdown(now);
            self.rec.app(now, conn_id, AppCall::Shutdown, result.err().map(AppError::from));
        }
        self.kernel.drain(i);
        Ok(match result {
            Ok(()) | Err(tcp_core::conn::CommandError::Closing) => Returned::ok(0),
            Err(_) => Returned::error("ENOTCONN"),
        })
    }

    fn sys_close(&mut self, call: &Syscall) -> Returned {
        let i = self.sock_index(call);
        let fd = self.kernel.sockets[i].fd.unwrap_or(-1);
        let now = self.kernel.now;
        let conn_id = self.conn_of(i);
        self.rec.app(now, conn_id, AppCall::Close, None);
        match &mut self.kernel.sockets[i].kind {
            SockKind::Listening(l) => l.close(now),
            SockKind::Connected(c) if c.state() != State::Closed => {
                let _ = c.close(now);
            }
            _ => {}
        }
        self.kernel.drain(i);
        self.kernel.release(fd);
        Returned::ok(0)
    }

    // ----- shell commands and code -----

    /// A shell command: `sysctl -w`, a `sockstat | grep` count, `tcpdrop -s TIME_WAIT`.
    pub(crate) fn shell(&mut self, line: u32, cmd: &str) -> Result<(), Stop> {
        let words: Vec<&str> = cmd.split_whitespace().collect();
        match words.as_slice() {
            ["sysctl", "-w", setting] => {
                let Some((name, value)) = setting.split_once('=') else {
                    return Err(Stop::cannot(line, format!("the command `{cmd}`")));
                };
                match self.env.sysctl(name, value) {
                    Applied::Done => Ok(()),
                    Applied::Unknown(what) => Err(Stop::cannot(line, what)),
                }
            }
            ["tcpdrop", "-s", "TIME_WAIT"] => {
                self.drop_time_wait();
                Ok(())
            }
            ["sockstat", ..] => self.sockstat(line, cmd),
            _ => Err(Stop::cannot(line, format!("the command `{cmd}`"))),
        }
    }

    /// `tcpdrop -s TIME_WAIT`: every connection in TIME-WAIT is dropped without a segment.
    fn drop_time_wait(&mut self) {
        let now = self.kernel.now;
        for i in 0..self.kernel.sockets.len() {
            if let SockKind::Connected(c) = &mut self.kernel.sockets[i].kind
                && c.state() == State::TimeWait
            {
                let _ = c.abort(now);
                self.kernel.drain(i);
            }
        }
        self.collect();
    }

    /// `sockstat -4 -P tcp [-p PORT] -s | [grep packetdril |] grep -c STATE | grep N`: the number of
    /// connections in STATE (of this process, on PORT) must contain N, as `grep N` reads it.
    fn sockstat(&mut self, line: u32, cmd: &str) -> Result<(), Stop> {
        let cannot = || Stop::cannot(line, format!("the command `{cmd}`"));
        let stages: Vec<Vec<&str>> = cmd.split('|').map(|s| s.split_whitespace().collect()).collect();
        let first = stages.first().ok_or_else(cannot)?;
        let port = first.iter().position(|w| *w == "-p").and_then(|p| first.get(p + 1)).map(|p| p.parse::<u16>());
        let port = match port {
            Some(Ok(p)) => Some(p),
            Some(Err(_)) => return Err(cannot()),
            None => None,
        };
        let mut owned_only = false;
        let mut state_name = None;
        let mut expect = None;
        for stage in &stages[1..] {
            match stage.as_slice() {
                ["grep", "packetdril"] => owned_only = true,
                ["grep", "-c", name] => state_name = Some(*name),
                ["grep", n] if state_name.is_some() => expect = Some(*n),
                _ => return Err(cannot()),
            }
        }
        let (Some(name), Some(expect)) = (state_name, expect) else { return Err(cannot()) };
        let Some(state) = sockstat_state(name) else { return Err(cannot()) };
        let count = self
            .kernel
            .connection_states()
            .into_iter()
            .filter(|&(p, s, owned)| s == state && port.is_none_or(|want| p == want) && (owned || !owned_only))
            .count();
        if !count.to_string().contains(expect) {
            let message = format!("sockstat counts {count} connections in {name}, expected {expect}");
            return Err(Stop::differs(line, DiffKind::Assertion, message));
        }
        Ok(())
    }

    /// `%{ assert tcpi_state == TCPI_X }%` about the socket of the latest system call.
    pub(crate) fn code(&mut self, line: u32, code: &str) -> Result<(), Stop> {
        let words: Vec<&str> = code.split_whitespace().collect();
        let ["assert", "tcpi_state", "==", name] = words.as_slice() else {
            return Err(Stop::cannot(line, format!("the code `{code}` (only `assert tcpi_state == TCPI_…`)")));
        };
        let want = name
            .strip_prefix("TCPI_")
            .and_then(sockstat_state)
            .ok_or_else(|| Stop::cannot(line, format!("the state {name}")))?;
        let got = self.last_fd.and_then(|fd| self.kernel.index(fd)).map(|i| match &self.kernel.sockets[i].kind {
            SockKind::Connected(c) => c.state(),
            SockKind::Listening(_) => State::Listen,
            SockKind::Fresh => State::Closed,
        });
        let Some(got) = got else {
            return Err(Stop::cannot(line, "tcpi_state without a socket from an earlier system call"));
        };
        if got != want {
            let message = format!("tcpi_state is {got}, the script asserts {want}");
            return Err(Stop::differs(line, DiffKind::Assertion, message));
        }
        Ok(())
    }
}

/// The state a FreeBSD `sockstat` or `tcp_info` name stands for: `SYN_RCVD`, `TIME_WAIT`,
/// `SYN_RECEIVED`, `FIN_WAIT_1`.
fn sockstat_state(name: &str) -> Option<State> {
    if name == "SYN_RCVD" {
        return Some(State::SynReceived);
    }
    State::from_name(&name.replace('_', "-")).or_else(|| State::from_name(name))
}

/// The addresses when the script is the one that connects (to a listening or bound `port`).
fn script_connects_to(port: u16) -> (SocketAddrV4, SocketAddrV4) {
    (SocketAddrV4::new(kernel::LOCAL_ADDR, port), SocketAddrV4::new(kernel::REMOTE_ADDR, kernel::SCRIPT_PORT))
}
