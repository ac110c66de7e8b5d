#!/usr/bin/env python3
"""Make the real Linux captures in tests/captures/ (see tests/captures/README.md).

Every capture is a real exchange between sockets of the running kernel, inside network namespaces
this script creates, recorded with tcpdump (dumpcap for the one pcapng). The programs at both
ends are one small "socket shell" (`make.py shell`, below) that runs one socket call per line it
reads; each capture below is the list of calls it makes, with the firewall rules, sysctls and
sleeps around them. Next to each capture the script writes NAME.log: every call, when it was
made and when it returned (seconds from the capture's first packet), and what it returned.

Usage, as root on Linux, with iproute2, iptables and tcpdump (and dumpcap, from Debian's
tshark, for two_interfaces):

    python3 tools/captures/make.py                 # all of them, into tests/captures/
    python3 tools/captures/make.py keepalive ...   # only these
    python3 tools/captures/make.py --out DIR       # somewhere else
    python3 tools/captures/make.py --list          # what there is

Namespaces are named synack-PID-...; they and every process the script started are removed when
it ends, also on error. CI does not run this script: the captures are checked in.

Python 3.9+ standard library only.
"""

import argparse
import errno
import os
import queue
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

SCRIPT = os.path.abspath(__file__)
REPO = os.path.dirname(os.path.dirname(os.path.dirname(SCRIPT)))
SNAPLEN = "128"
SERVER_PORT = 5555
CALL_TIMEOUT_S = 300  # the longest call: connect() until ETIMEDOUT


# ---------------------------------------------------------------------------------------------
# The socket shell: the program at each end. One command per line on stdin, one answer per line
# on stdout: `ok|err CALLED RETURNED VALUE` (epoch seconds; VALUE is the result or errno name).
# ---------------------------------------------------------------------------------------------

def shell_main():
    sockets = {}
    for line in sys.stdin:
        words = line.split()
        called = time.time()
        try:
            value = SHELL_COMMANDS[words[0]](sockets, *words[1:])
            status = "ok"
        except OSError as e:
            status, value = "err", errno.errorcode.get(e.errno, str(e))
        print(status, f"{called:.6f}", f"{time.time():.6f}", "-" if value is None else value, flush=True)
        if words[0] == "quit":
            return


def _options(words):
    return dict(w.split("=", 1) for w in words)


def _family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def _new_socket(addr, opts):
    """A TCP socket with SO_REUSEADDR and the options `rcvbuf=N`, `keepalive=IDLE/INTVL/COUNT`."""
    s = socket.socket(_family(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if "rcvbuf" in opts:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, int(opts["rcvbuf"]))
    if "keepalive" in opts:
        idle, interval, count = (int(x) for x in opts["keepalive"].split("/"))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, idle)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, interval)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, count)
    return s


def sh_listen(sockets, name, addr, port, *rest):
    """listen NAME ADDR PORT [backlog=N] [rcvbuf=N]"""
    opts = _options(rest)
    s = _new_socket(addr, opts)
    s.bind((addr, int(port)))
    s.listen(int(opts.get("backlog", "8")))
    sockets[name] = s


def sh_accept(sockets, listener, name):
    """accept LISTENER NAME: the peer's address"""
    conn, peer = sockets[listener].accept()
    sockets[name] = conn
    return f"{peer[0]}/{peer[1]}"


def sh_connect(sockets, name, addr, port, *rest):
    """connect NAME ADDR PORT [sport=N] [rcvbuf=N] [keepalive=IDLE/INTVL/COUNT]"""
    opts = _options(rest)
    s = _new_socket(addr, opts)
    sockets[name] = s
    if "sport" in opts:
        s.bind(("::" if _family(addr) == socket.AF_INET6 else "0.0.0.0", int(opts["sport"])))
    s.connect((addr, int(port)))


def sh_send(sockets, name, count):
    """send NAME N: N bytes 'x', blocking until all are in the send buffer"""
    sockets[name].sendall(b"x" * int(count))
    return count


def sh_recv(sockets, name):
    """recv NAME: one recv(); the byte count, or eof"""
    return len(sockets[name].recv(65536)) or "eof"


def sh_recvn(sockets, name, count):
    """recvn NAME N: receive until N bytes (or end of stream); the byte count"""
    got = 0
    while got < int(count):
        data = sockets[name].recv(65536)
        if not data:
            break
        got += len(data)
    return got


def sh_shutdown(sockets, name):
    """shutdown NAME: shutdown(SHUT_WR)"""
    sockets[name].shutdown(socket.SHUT_WR)


def sh_linger0(sockets, name):
    """linger0 NAME: SO_LINGER on with time 0 (close() then aborts with a RST)"""
    sockets[name].setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def sh_close(sockets, name):
    """close NAME"""
    sockets.pop(name).close()


def sh_raw(sockets, packet_hex):
    """raw HEX: send one IPv4 packet as it is (IP_HDRINCL)"""
    packet = bytes.fromhex(packet_hex)
    with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW) as s:
        s.sendto(packet, (socket.inet_ntoa(packet[16:20]), 0))
    return len(packet)


def sh_quit(sockets):
    """quit: exit (the kernel closes whatever is still open)"""


SHELL_COMMANDS = {name[3:]: f for name, f in globals().items() if name.startswith("sh_")}


# ---------------------------------------------------------------------------------------------
# The VLAN tagger. This kernel has no 802.1Q driver (CONFIG_VLAN_8021Q is not set), so VLAN tags
# are added and removed by two tiny eBPF programs attached to a veth with tcx (Linux 6.6+): on
# egress bpf_skb_vlan_push() for each tag, on ingress bpf_skb_vlan_pop() as many times. The
# kernel then carries the tags exactly as the VLAN driver would on a veth (the outer tag in the
# packet's metadata, "hardware" insertion), and libpcap writes them into the captured frames.
# The programs are assembled here by hand; `tagger IFACE 8100:100[,88a8:200]` loads and attaches
# them, prints `ready`, and holds them until its stdin closes or it is killed.
# ---------------------------------------------------------------------------------------------

SYS_BPF = 321  # x86-64
BPF_PROG_LOAD, BPF_LINK_CREATE = 5, 28
BPF_PROG_TYPE_SCHED_CLS = 3
BPF_TCX_INGRESS, BPF_TCX_EGRESS = 46, 47
HELPER_SKB_VLAN_PUSH, HELPER_SKB_VLAN_POP = 18, 19


def _bpf(cmd, attr):
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    buf = ctypes.create_string_buffer(attr, 128)
    fd = libc.syscall(SYS_BPF, cmd, buf, 128)
    if fd < 0:
        raise OSError(ctypes.get_errno(), f"bpf({cmd}): {os.strerror(ctypes.get_errno())}")
    return fd


def _insn(code, dst=0, src=0, imm=0):
    return struct.pack("<BBhi", code, (src << 4) | dst, 0, imm)


MOV_IMM, MOV_REG, CALL, EXIT = 0xB7, 0xBF, 0x85, 0x95


def _vlan_program(tags, push):
    """r6 = ctx; for each tag: r1 = r6, [r2 = protocol, r3 = id,] call push/pop; return 0 (pass)."""
    code = _insn(MOV_REG, dst=6, src=1)
    for protocol, vid in tags:
        code += _insn(MOV_REG, dst=1, src=6)
        if push:
            code += _insn(MOV_IMM, dst=2, imm=socket.htons(protocol)) + _insn(MOV_IMM, dst=3, imm=vid)
        code += _insn(CALL, imm=HELPER_SKB_VLAN_PUSH if push else HELPER_SKB_VLAN_POP)
    return code + _insn(MOV_IMM, dst=0, imm=0) + _insn(EXIT)


def tagger_main(iface, spec):
    import ctypes
    tags = [(int(p, 16), int(v)) for p, v in (t.split(":") for t in spec.split(","))]
    license_ = ctypes.create_string_buffer(b"GPL")
    keep = []
    for push, attach_type in ((True, BPF_TCX_EGRESS), (False, BPF_TCX_INGRESS)):
        code = ctypes.create_string_buffer(_vlan_program(tags, push))
        keep.append(code)
        log = ctypes.create_string_buffer(4096)
        attr = struct.pack("<IIQQIIQII16s", BPF_PROG_TYPE_SCHED_CLS, (len(code) - 1) // 8, ctypes.addressof(code),
                           ctypes.addressof(license_), 1, len(log), ctypes.addressof(log), 0, 0, b"synack_vlan")
        try:
            prog = _bpf(BPF_PROG_LOAD, attr)
        except OSError:
            sys.exit(f"the verifier said: {log.value.decode()}")
        _bpf(BPF_LINK_CREATE, struct.pack("<IIII", prog, socket.if_nametoindex(iface), attach_type, 0))
    print("ready", flush=True)
    sys.stdin.read()


# ---------------------------------------------------------------------------------------------
# The orchestration: namespaces, programs, firewall rules, captures, the log.
# ---------------------------------------------------------------------------------------------

class Session:
    """One capture run: its namespaces, processes and log. `close()` removes them all."""

    def __init__(self, name, out):
        self.name, self.out = name, out
        self.processes, self.namespaces, self.log = [], [], []
        self.files = []

    def spawn(self, ns, argv, **kw):
        p = subprocess.Popen(["ip", "netns", "exec", ns.name, *argv], **kw)
        self.processes.append(p)
        return p

    def note(self, who, text):
        self.log.append((time.time(), None, who, text, ""))

    def netns(self, tag):
        ns = Netns(self, f"synack-{os.getpid()}-{self.name}-{tag}")
        self.namespaces.append(ns)
        return ns

    def close(self):
        for p in self.processes:
            if p.poll() is None:
                p.kill()
            p.wait()
        for ns in self.namespaces:
            subprocess.run(["ip", "netns", "del", ns.name], check=False)

    def write_log(self, first_packet_file):
        t0 = first_packet_time(first_packet_file)
        uname = os.uname()
        lines = [
            f"# {self.name}: {uname.sysname} {uname.release}; times in seconds from the first packet of "
            f"{os.path.basename(first_packet_file)}",
            "# called   returned  who      what -> result",
        ]
        for called, returned, who, what, result in sorted(self.log, key=lambda e: e[0]):
            end = f"{returned - t0:9.6f}" if returned is not None else " " * 9
            lines.append(f"{called - t0:9.6f} {end}  {who:<8} {what}{' -> ' + result if result else ''}")
        with open(os.path.join(self.out, f"{self.name}.log"), "w") as f:
            f.write("\n".join(lines) + "\n")


class Netns:
    """A network namespace with its loopback up."""

    def __init__(self, session, name):
        self.session, self.name = session, name
        subprocess.run(["ip", "netns", "add", name], check=True)
        self.sh("ip", "link", "set", "lo", "up")

    def sh(self, *argv):
        done = subprocess.run(["ip", "netns", "exec", self.name, *argv], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} (in {self.name}): {done.stderr.strip()}")
        return done.stdout

    def sysctl(self, key, value):
        self.sh("sysctl", "-qw", f"{key}={value}")
        self.session.note("kernel", f"sysctl {key}={value}")

    def iptables(self, *args):
        self.sh("iptables", "-w", *args)
        self.session.note("firewall", "iptables " + " ".join(args))

    def ss(self, *state):
        """Notes the TCP sockets in these states (`ss -tan state ...`), one line each."""
        filters = []
        for s in state:
            filters += ["state", s]
        out = self.sh("ss", "-tanH", *filters)
        lines = [" ".join(line.split()) for line in out.splitlines() if line.strip()]
        self.session.note("ss", f"state {'/'.join(state)}: " + ("; ".join(lines) if lines else "none"))

    def program(self, who):
        return Program(self, who)


class Program:
    """A socket shell in a namespace. `do` runs a call and waits; `start` + `wait` overlap calls."""

    def __init__(self, ns, who):
        self.session, self.who, self.pending = ns.session, who, []
        self.proc = ns.session.spawn(ns, [sys.executable, SCRIPT, "shell"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, bufsize=1)
        self.answers = queue.Queue()
        threading.Thread(target=self._read_answers, daemon=True).start()

    def _read_answers(self):
        for line in self.proc.stdout:
            self.answers.put(line)
        self.answers.put("")

    def start(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        self.pending.append(command)

    def wait(self, expect="ok"):
        """The oldest pending call's result; it must be `ok`, or the errno name `expect`."""
        command = self.pending.pop(0)
        try:
            line = self.answers.get(timeout=CALL_TIMEOUT_S)
        except queue.Empty:
            raise RuntimeError(f"{self.who}: `{command}` did not return within {CALL_TIMEOUT_S} s") from None
        if not line:
            raise RuntimeError(f"{self.who} ended during `{command}`")
        status, called, returned, value = line.split(maxsplit=3)
        value = value.strip()
        result = "ok" if status == "ok" and value == "-" else (value if status == "ok" else f"error {value}")
        self.session.log.append((float(called), float(returned), self.who, command, result))
        if (expect == "ok") != (status == "ok") or (status == "err" and value != expect):
            raise RuntimeError(f"{self.who}: `{command}` gave {status} {value}, expected {expect}")
        return value

    def do(self, command, expect="ok"):
        self.start(command)
        return self.wait(expect)


class Recorder:
    """tcpdump (or dumpcap) writing one file, started and ready when constructed."""

    def __init__(self, session, ns, filename, argv):
        self.session, self.path, self.tool = session, os.path.join(session.out, filename), argv[0]
        session.files.append(self.path)
        self.proc = session.spawn(ns, argv + ["-w", self.path], stderr=subprocess.PIPE, text=True)
        self.stderr = []
        while True:
            line = self.proc.stderr.readline()
            if not line:
                raise RuntimeError(f"{argv[0]} did not start: {''.join(self.stderr)}")
            self.stderr.append(line)
            if "listening on" in line or "Capturing on" in line:
                break
        session.note("capture", f"{' '.join(argv)} -w {filename}: listening")
        time.sleep(0.3)

    def stop(self):
        time.sleep(0.1)
        self.proc.send_signal(signal.SIGINT)
        self.stderr += self.proc.stderr.readlines()
        self.proc.wait()
        text = "".join(self.stderr)
        if self.tool == "tcpdump" and "\n0 packets dropped by kernel" not in text:
            raise RuntimeError(f"{self.path}: the kernel dropped packets: {text}")
        self.session.note("capture", f"{os.path.basename(self.path)} stopped")


def tcpdump(session, ns, filename, iface="lo", extra=()):
    return Recorder(session, ns, filename, ["tcpdump", "-i", iface, "-s", SNAPLEN, "--immediate-mode", "-U", "-n", "-Z", "root", *extra])


def first_packet_time(path):
    out = subprocess.run(["tcpdump", "-r", path, "-c", "1", "-tt", "-n"], check=True, capture_output=True,
                         text=True).stdout
    return float(out.split()[0])


class Clock:
    """Sleeps until a time measured from when it was made."""

    def __init__(self):
        self.t0 = time.time()

    def at(self, seconds):
        time.sleep(max(0.0, self.t0 + seconds - time.time()))


def loopback(session, ipv6=False):
    ns = session.netns("lo")
    if ipv6:
        ns.sysctl("net.ipv6.conf.lo.disable_ipv6", "0")
    return ns


def without_ipv6(ns):
    """No IPv6 on new interfaces: keeps router solicitations and MLD out of veth captures."""
    ns.sh("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
    ns.sh("sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1")


def veth_pair(a, a_if, b, b_if):
    """A veth pair between namespaces a and b, both ends up."""
    a.sh("ip", "link", "add", a_if, "type", "veth", "peer", "name", b_if, "netns", b.name)
    a.sh("ip", "link", "set", a_if, "up")
    b.sh("ip", "link", "set", b_if, "up")


def address(ns, iface, cidr):
    ns.sh("ip", "addr", "add", cidr, "dev", iface)
    ns.sh("ip", "link", "set", iface, "up")


def opened(client, server, addr, sport, listener="l", conn="c", extra=""):
    """client connects from port `sport` to the server's listener; the server accepts."""
    server.start(f"accept {listener} {conn}")
    client.do(f"connect {conn} {addr} {SERVER_PORT} sport={sport} {extra}".rstrip())
    server.wait()


def basic_programs(client, server, addr, sport=40000, conn="c"):
    """The programs of ../shared/captures/ `basic`: connect, send 5 bytes; the server echoes 5;
    the client waits 100 ms and closes; the server, on end-of-stream, waits 100 ms and closes."""
    opened(client, server, addr, sport, conn=conn)
    server.start(f"recvn {conn} 5")
    client.do(f"send {conn} 5")
    server.wait()
    client.start(f"recvn {conn} 5")
    server.do(f"send {conn} 5")
    client.wait()
    server.start(f"recv {conn}")
    time.sleep(0.1)
    client.do(f"close {conn}")
    server.wait()
    time.sleep(0.1)
    server.do(f"close {conn}")


# ---------------------------------------------------------------------------------------------
# The captures. Each function makes the files named in its docstring's first line.
# ---------------------------------------------------------------------------------------------

def ipv6_loopback(s):
    """ipv6_loopback.pcap: the basic programs over ::1 (nanosecond timestamps)."""
    ns = loopback(s, ipv6=True)
    server, client = ns.program("server"), ns.program("client")
    server.do(f"listen l ::1 {SERVER_PORT}")
    cap = tcpdump(s, ns, "ipv6_loopback.pcap", extra=["--time-stamp-precision=nano"])
    basic_programs(client, server, "::1")
    time.sleep(0.2)
    cap.stop()


def veth_any(s):
    """veth_any_sll2.pcap veth_any_sll.pcap: basic programs between two namespaces, `tcpdump -i any`."""
    a, b = s.netns("a"), s.netns("b")
    for ns in (a, b):
        without_ipv6(ns)
    veth_pair(a, "va", b, "vb")
    address(a, "va", "10.0.1.1/24")
    address(b, "vb", "10.0.1.2/24")
    server, client = b.program("server"), a.program("client")
    server.do(f"listen l 10.0.1.2 {SERVER_PORT}")
    caps = [tcpdump(s, a, f"veth_any_{link.lower()[6:]}.pcap", "any", ["-y", link]) for link in ("LINUX_SLL2", "LINUX_SLL")]
    basic_programs(client, server, "10.0.1.2")
    time.sleep(0.2)
    for cap in caps:
        cap.stop()


def vlan_link(s, tags, name):
    """The basic programs between two namespaces over a veth pair whose frames carry `tags`
    (outermost last), captured on the client's veth."""
    a, b = s.netns("a"), s.netns("b")
    for ns in (a, b):
        without_ipv6(ns)
    veth_pair(a, "va", b, "vb")
    address(a, "va", "10.0.1.1/24")
    address(b, "vb", "10.0.1.2/24")
    for ns, iface in ((a, "va"), (b, "vb")):
        tagger = s.spawn(ns, [sys.executable, SCRIPT, "tagger", iface, tags], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
        if tagger.stdout.readline().strip() != "ready":
            raise RuntimeError(f"the VLAN tagger on {iface} did not start")
    s.note("tagger", f"va and vb: push {tags} on egress, pop as many tags on ingress (eBPF, tcx)")
    server, client = b.program("server"), a.program("client")
    server.do(f"listen l 10.0.1.2 {SERVER_PORT}")
    cap = tcpdump(s, a, name, "va")
    basic_programs(client, server, "10.0.1.2")
    time.sleep(0.2)
    cap.stop()


def vlan(s):
    """vlan.pcap: the basic programs between two namespaces over a veth pair whose frames carry an
    802.1Q tag (VLAN 100), captured on the veth."""
    vlan_link(s, "8100:100", "vlan.pcap")


def qinq(s):
    """qinq.pcap: the same with two tags: 802.1ad (S-VLAN 200) outside, 802.1Q (VLAN 100) inside."""
    vlan_link(s, "8100:100,88a8:200", "qinq.pcap")


def mid_stream(s):
    """mid_stream.pcap: capture starts after the handshake and stops before the close."""
    ns = loopback(s)
    server, client = ns.program("server"), ns.program("client")
    server.do(f"listen l 127.0.0.1 {SERVER_PORT}")
    opened(client, server, "127.0.0.1", 40000)
    client.do("send c 10")
    server.do("recvn c 10")
    time.sleep(0.3)
    cap = tcpdump(s, ns, "mid_stream.pcap")
    for _ in range(4):
        server.start("recvn c 10")
        client.do("send c 10")
        server.wait()
        client.start("recvn c 20")
        server.do("send c 20")
        client.wait()
        time.sleep(0.1)
    time.sleep(0.2)
    cap.stop()
    client.do("close c")
    server.do("close c")


def two_interfaces(s):
    """two_interfaces.pcapng: the basic programs through a router namespace, recorded by dumpcap
    on both of the router's interfaces into one pcapng."""
    a, r, b = s.netns("a"), s.netns("r"), s.netns("b")
    for ns in (a, r, b):
        without_ipv6(ns)
    veth_pair(a, "va", r, "ra")
    veth_pair(r, "rb", b, "vb")
    address(a, "va", "10.0.1.1/24")
    address(r, "ra", "10.0.1.254/24")
    address(r, "rb", "10.0.2.254/24")
    address(b, "vb", "10.0.2.1/24")
    a.sh("ip", "route", "add", "default", "via", "10.0.1.254")
    b.sh("ip", "route", "add", "default", "via", "10.0.2.254")
    r.sysctl("net.ipv4.ip_forward", "1")
    server, client = b.program("server"), a.program("client")
    server.do(f"listen l 10.0.2.1 {SERVER_PORT}")
    cap = Recorder(s, r, "two_interfaces.pcapng", ["dumpcap", "-q", "-s", SNAPLEN, "-i", "ra", "-i", "rb"])
    basic_programs(client, server, "10.0.2.1")
    time.sleep(0.2)
    cap.stop()


def several(s):
    """several.pcap: three clients at once: one completes, one is refused (closed port), one is
    reset by the server application (SO_LINGER 0)."""
    ns = loopback(s)
    server = ns.program("server")
    one, two, three = ns.program("client1"), ns.program("client2"), ns.program("client3")
    server.do(f"listen l 127.0.0.1 {SERVER_PORT}")
    cap = tcpdump(s, ns, "several.pcap")
    opened(one, server, "127.0.0.1", 40001, conn="c1")
    server.start("recvn c1 5")
    one.do("send c1 5")
    server.wait()
    time.sleep(0.05)
    two.do(f"connect c 127.0.0.1 {SERVER_PORT + 1} sport=40002", expect="ECONNREFUSED")
    time.sleep(0.05)
    server.start("accept l c3")
    three.do(f"connect c 127.0.0.1 {SERVER_PORT} sport=40003")
    server.wait()
    server.start("recvn c3 5")
    three.do("send c 5")
    server.wait()
    three.start("recv c")
    server.do("linger0 c3")
    server.do("close c3")
    three.wait(expect="ECONNRESET")
    one.start("recvn c1 5")
    server.do("send c1 5")
    one.wait()
    server.start("recv c1")
    time.sleep(0.1)
    one.do("close c1")
    server.wait()
    time.sleep(0.1)
    server.do("close c1")
    time.sleep(0.2)
    cap.stop()


def keepalive(s):
    """keepalive.pcap: keep-alive idle 2 s, interval 1 s, 3 probes; the first two probes are
    answered, then the server's host vanishes (all its input dropped) until the client gives up."""
    ns = loopback(s)
    server, client = ns.program("server"), ns.program("client")
    server.do(f"listen l 127.0.0.1 {SERVER_PORT}")
    cap = tcpdump(s, ns, "keepalive.pcap")
    opened(client, server, "127.0.0.1", 40000, extra="keepalive=2/1/3")
    server.start("recvn c 5")
    client.do("send c 5")
    server.wait()
    clock = Clock()
    client.start("recv c")
    clock.at(5.0)
    ns.iptables("-A", "INPUT", "-p", "tcp", "--dport", str(SERVER_PORT), "-j", "DROP")
    client.wait(expect="ETIMEDOUT")
    ns.ss("established")
    time.sleep(0.3)
    cap.stop()


def reboot(s, keepalive_probe):
    ns = loopback(s)
    server, client = ns.program("server"), ns.program("client")
    server.do(f"listen l 127.0.0.1 {SERVER_PORT}")
    cap = tcpdump(s, ns, f"{s.name}.pcap")
    opened(client, server, "127.0.0.1", 40000, extra="keepalive=2/1/3" if keepalive_probe else "")
    server.start("recvn c 5")
    client.do("send c 5")
    server.wait()
    client.start("recvn c 5")
    server.do("send c 5")
    client.wait()
    clock = Clock()
    clock.at(0.3)
    rule = ("OUTPUT", "-p", "tcp", "--sport", str(SERVER_PORT), "-j", "DROP")
    ns.iptables("-A", *rule)
    server.do("linger0 c")
    server.do("close c")
    server.do("close l")
    server.do("quit")
    ns.ss("all")
    clock.at(0.8)
    ns.iptables("-D", *rule)
    if not keepalive_probe:
        clock.at(1.2)
        client.do("send c 5")
    client.do("recv c", expect="ECONNRESET")
    time.sleep(0.3)
    cap.stop()


def reboot_data(s):
    """reboot_data.pcap: the server's host loses the connection silently (its RST to the
    application's abort is dropped before it leaves); the client's next data meets a RST."""
    reboot(s, keepalive_probe=False)


def reboot_keepalive(s):
    """reboot_keepalive.pcap: the same, with keep-alive (idle 2 s) on the client and no data:
    the first keep-alive probe meets a RST."""
    reboot(s, keepalive_probe=True)


def fin_wait2_timeout(s):
    """fin_wait2_timeout.pcap: tcp_fin_timeout = 3 s; the client closes (orphaned in
    FIN-WAIT-2), the server closes 5 s later and its FIN meets a RST."""
    ns = loopback(s)
    ns.sysctl("net.ipv4.tcp_fin_timeout", "3")
    server, client = ns.program("server"), ns.program("client")
    server.do(f"listen l 127.0.0.1 {SERVER_PORT}")
    cap = tcpdump(s, ns, "fin_wait2_timeout.pcap")
    opened(client, server, "127.0.0.1", 40000)
    server.start("recv c")
    client.do("close c")
    server.wait()
    clock = Clock()
    clock.at(1.0)
    ns.ss("fin-wait-2")
    for tenth in range(25, 40):
        clock.at(tenth / 10)
        ns.ss("fin-wait-2")
    clock.at(5.0)
    server.do("close c")
    time.sleep(0.2)
    ns.ss("all")
    cap.stop()


def accept_queue(s, abort):
    ns = loopback(s)
    ns.sysctl("net.ipv4.tcp_abort_on_overflow", "1" if abort else "0")
    server, first, late = ns.program("server"), ns.program("client1"), ns.program("client2")
    server.do(f"listen l 127.0.0.1 {SERVER_PORT} backlog=0")
    cap = tcpdump(s, ns, f"{s.name}.pcap")
    # client2's handshake starts while the queue is empty; its last ACK is held back (dropped)
    # until client1's connection has filled the queue.
    rule = ("INPUT", "-p", "tcp", "--sport", "40002", "--dport", str(SERVER_PORT), "--tcp-flags", "ALL", "ACK",
            "-j", "DROP")
    ns.iptables("-A", *rule)
    clock = Clock()
    late.do(f"connect c 127.0.0.1 {SERVER_PORT} sport=40002")
    clock.at(0.1)
    first.do(f"connect c 127.0.0.1 {SERVER_PORT} sport=40001")
    first.do("send c 5")
    clock.at(0.3)
    ns.iptables("-D", *rule)
    ns.ss("syn-recv")
    clock.at(0.4)
    late.do("send c 5")
    if abort:
        late.do("recv c", expect="ECONNRESET")
        clock.at(1.5)
    else:
        clock.at(2.5)
        server.do("accept l c1")
        clock.at(4.5)
        ns.ss("established")
    cap.stop()


def accept_queue_drop(s):
    """accept_queue_drop.pcap: backlog 0 (one connection), never accepted until 2.5 s; a second
    client's handshake completes on its side while the queue is full (tcp_abort_on_overflow=0)."""
    accept_queue(s, abort=False)


def accept_queue_abort(s):
    """accept_queue_abort.pcap: the same with tcp_abort_on_overflow=1."""
    accept_queue(s, abort=True)


def close_unread(s):
    """close_unread.pcap: the client sends 5 bytes; the server closes without reading them."""
    ns = loopback(s)
    server, client = ns.program("server"), ns.program("client")
    server.do(f"listen l 127.0.0.1 {SERVER_PORT}")
    cap = tcpdump(s, ns, "close_unread.pcap")
    opened(client, server, "127.0.0.1", 40000)
    client.do("send c 5")
    client.start("recv c")
    time.sleep(0.1)
    server.do("close c")
    client.wait(expect="ECONNRESET")
    time.sleep(0.2)
    cap.stop()


def zero_window(s):
    """zero_window.pcap: the server (SO_RCVBUF 4096) reads nothing for 4 s while the client
    sends 30000 bytes; then it reads them all and both close."""
    ns = loopback(s)
    server, client = ns.program("server"), ns.program("client")
    server.do(f"listen l 127.0.0.1 {SERVER_PORT} rcvbuf=4096")
    cap = tcpdump(s, ns, "zero_window.pcap")
    opened(client, server, "127.0.0.1", 40000)
    clock = Clock()
    client.start("send c 30000")
    clock.at(4.0)
    server.do("recvn c 30000")
    client.wait()
    server.start("recv c")
    client.do("close c")
    server.wait()
    server.do("close c")
    time.sleep(0.2)
    cap.stop()


def time_wait_syn(s):
    """time_wait_syn.pcap: the server closes first (TIME-WAIT on the server); 200 ms later the
    client connects again from the same port and the SYN reaches the TIME-WAIT socket."""
    ns = loopback(s)
    server, client = ns.program("server"), ns.program("client")
    server.do(f"listen l 127.0.0.1 {SERVER_PORT}")
    cap = tcpdump(s, ns, "time_wait_syn.pcap")
    opened(client, server, "127.0.0.1", 40000)
    server.start("recvn c 5")
    client.do("send c 5")
    server.wait()
    client.start("recvn c 5")
    server.do("send c 5")
    client.wait()
    client.start("recv c")
    server.do("close c")
    client.wait()
    client.do("close c")
    time.sleep(0.2)
    ns.ss("time-wait")
    opened(client, server, "127.0.0.1", 40000, conn="c2")
    server.start("recvn c2 5")
    client.do("send c2 5")
    server.wait()
    server.start("recv c2")
    client.do("close c2")
    server.wait()
    server.do("close c2")
    time.sleep(0.2)
    cap.stop()


def ipv4_tcp_packet(src, sport, dst, dport, seq, ack, flags, window):
    """An IPv4 packet holding a TCP header without options or payload, checksums filled in."""
    def checksum(data):
        total = sum(struct.unpack(f"!{len(data) // 2}H", data))
        while total > 0xFFFF:
            total = (total & 0xFFFF) + (total >> 16)
        return ~total & 0xFFFF
    src, dst = socket.inet_aton(src), socket.inet_aton(dst)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, window, 0, 0)
    tcp = tcp[:16] + struct.pack("!H", checksum(src + dst + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ip + tcp


def pcap_tcp_segments(path):
    """(src_port, dst_port, seq, ack, flags, payload length) of each IPv4 TCP segment of a classic
    little-endian pcap with Ethernet frames (tcpdump on lo)."""
    with open(path, "rb") as f:
        data = f.read()
    out, at = [], 24
    while at + 16 <= len(data):
        incl, wire = struct.unpack("<II", data[at + 8:at + 16])
        frame = data[at + 16:at + 16 + incl]
        at += 16 + incl
        ip = frame[14:]
        if len(ip) < 40 or ip[9] != 6:
            continue
        ihl, total = (ip[0] & 15) * 4, struct.unpack("!H", ip[2:4])[0]
        sport, dport, seq, ack, off, flags = struct.unpack("!HHIIBB", ip[ihl:ihl + 14])
        out.append((sport, dport, seq, ack, flags, total - ihl - (off >> 4) * 4))
    return out


RST, SYN, ACK = 0x04, 0x02, 0x10


def challenge_ack(s):
    """challenge_ack.pcap: blind segments injected with a raw socket into an established
    connection: an in-window RST, another 100 ms later, a SYN, then a RST at exactly RCV.NXT."""
    ns = loopback(s)
    server, client = ns.program("server"), ns.program("client")
    server.do(f"listen l 127.0.0.1 {SERVER_PORT}")
    cap = tcpdump(s, ns, "challenge_ack.pcap")
    opened(client, server, "127.0.0.1", 40000)
    server.start("recvn c 5")
    client.do("send c 5")
    server.wait()
    client.start("recvn c 5")
    server.do("send c 5")
    client.wait()
    server.start("recv c")
    time.sleep(0.3)
    # The server's RCV.NXT: the end of the client's last segment.
    sport, dport, seq, ack, flags, length = [x for x in pcap_tcp_segments(cap.path) if x[0] == 40000][-1]
    rcv_nxt = seq + length
    injector = ns.program("injector")

    def inject(seq, flags):
        injector.do("raw " + ipv4_tcp_packet("127.0.0.1", 40000, "127.0.0.1", SERVER_PORT, seq, 0, flags,
                                              0 if flags == RST else 65535).hex())

    clock = Clock()
    inject(rcv_nxt + 1000, RST)
    clock.at(0.1)
    inject(rcv_nxt + 2000, RST)
    clock.at(1.1)
    inject(rcv_nxt + 3000, SYN)
    clock.at(2.1)
    inject(rcv_nxt, RST)
    server.wait(expect="ECONNRESET")
    clock.at(2.4)
    client.do("send c 5")
    client.do("recv c", expect="ECONNRESET")
    time.sleep(0.2)
    cap.stop()


def fin_ack_tick(s):
    """fin_ack_tick.pcap: a bare FIN on connections that have received no data (ports
    40001-40005), and after a 5-byte exchange each way (40006, 40007); the server closes 300 ms
    after each FIN."""
    ns = loopback(s)
    server, client = ns.program("server"), ns.program("client")
    server.do(f"listen l 127.0.0.1 {SERVER_PORT}")
    cap = tcpdump(s, ns, "fin_ack_tick.pcap")
    for sport in range(40001, 40008):
        exchange = sport > 40005
        opened(client, server, "127.0.0.1", sport)
        if exchange:
            server.start("recvn c 5")
            client.do("send c 5")
            server.wait()
            client.start("recvn c 5")
            server.do("send c 5")
            client.wait()
        time.sleep(0.1)
        server.start("recv c")
        client.do("shutdown c")
        server.wait()
        time.sleep(0.3)
        client.start("recv c")
        server.do("close c")
        client.wait()
        client.do("close c")
        time.sleep(0.3)
    cap.stop()


def syn_rto(s):
    """syn_rto.pcap: five connections (ports 40001-40005) whose first SYN is dropped."""
    ns = loopback(s)
    server, client = ns.program("server"), ns.program("client")
    server.do(f"listen l 127.0.0.1 {SERVER_PORT}")
    cap = tcpdump(s, ns, "syn_rto.pcap")
    syn = ("INPUT", "-p", "tcp", "--dport", str(SERVER_PORT), "--tcp-flags", "ALL", "SYN", "-j", "DROP")
    for sport in range(40001, 40006):
        ns.iptables("-A", *syn)
        clock = Clock()
        server.start(f"accept l c{sport}")
        client.start(f"connect c{sport} 127.0.0.1 {SERVER_PORT} sport={sport}")
        clock.at(0.5)
        ns.iptables("-D", *syn)
        client.wait()
        server.wait()
        time.sleep(0.2)
    cap.stop()


def synack_rto(s):
    """synack_rto.pcap: five connections (ports 40001-40005) whose first SYN-ACK is dropped, and
    the client's retransmitted SYN too, so that the server's own timer resends the SYN-ACK."""
    ns = loopback(s)
    server, client = ns.program("server"), ns.program("client")
    server.do(f"listen l 127.0.0.1 {SERVER_PORT}")
    cap = tcpdump(s, ns, "synack_rto.pcap")
    synack = ("INPUT", "-p", "tcp", "--sport", str(SERVER_PORT), "--tcp-flags", "ALL", "SYN,ACK", "-j", "DROP")
    syn = ("INPUT", "-p", "tcp", "--dport", str(SERVER_PORT), "--tcp-flags", "ALL", "SYN", "-j", "DROP")
    for sport in range(40001, 40006):
        ns.iptables("-A", *synack)
        clock = Clock()
        server.start(f"accept l c{sport}")
        client.start(f"connect c{sport} 127.0.0.1 {SERVER_PORT} sport={sport}")
        clock.at(0.1)
        ns.iptables("-A", *syn)
        clock.at(0.5)
        ns.iptables("-D", *synack)
        client.wait()
        server.wait()
        ns.iptables("-D", *syn)
        time.sleep(0.2)
    cap.stop()


def syn_timeout(s):
    """syn_timeout.pcap: every SYN dropped, default tcp_syn_retries: connect() until ETIMEDOUT."""
    ns = loopback(s)
    for key in ("tcp_syn_retries", "tcp_syn_linear_timeouts"):
        s.note("kernel", f"net.ipv4.{key} = " + ns.sh("sysctl", "-n", f"net.ipv4.{key}").strip())
    server, client = ns.program("server"), ns.program("client")
    server.do(f"listen l 127.0.0.1 {SERVER_PORT}")
    ns.iptables("-A", "INPUT", "-p", "tcp", "--dport", str(SERVER_PORT), "--tcp-flags", "ALL", "SYN", "-j", "DROP")
    cap = tcpdump(s, ns, "syn_timeout.pcap")
    client.do(f"connect c 127.0.0.1 {SERVER_PORT} sport=40000", expect="ETIMEDOUT")
    time.sleep(0.2)
    cap.stop()


CAPTURES = [ipv6_loopback, veth_any, vlan, qinq, mid_stream, two_interfaces, several, keepalive, reboot_data,
            reboot_keepalive, fin_wait2_timeout, accept_queue_drop, accept_queue_abort, close_unread,
            zero_window, time_wait_syn, challenge_ack, fin_ack_tick, syn_rto, synack_rto, syn_timeout]


def make(capture, out):
    session = Session(capture.__name__, out)
    try:
        capture(session)
    finally:
        session.close()
    session.write_log(session.files[0])
    for path in session.files:
        print(f"== {os.path.relpath(path)}")
        listing = subprocess.run(["tcpdump", "-r", path, "-n", "-S", "-ttttt"], capture_output=True, text=True)
        print(listing.stdout, end="")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "shell":
        return shell_main()
    if len(sys.argv) == 4 and sys.argv[1] == "tagger":
        return tagger_main(sys.argv[2], sys.argv[3])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="captures to make (default: all)")
    parser.add_argument("--out", default=os.path.join(REPO, "tests", "captures"))
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    by_name = {c.__name__: c for c in CAPTURES}
    if args.list:
        for c in CAPTURES:
            print(f"{c.__name__:20} {c.__doc__.splitlines()[0]}")
        return
    unknown = [n for n in args.names if n not in by_name]
    if unknown:
        parser.error(f"unknown capture(s) {', '.join(unknown)}; --list shows them")
    if os.geteuid() != 0:
        parser.error("run as root: the script creates network namespaces")
    os.makedirs(args.out, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    for name in args.names or list(by_name):
        make(by_name[name], args.out)


if __name__ == "__main__":
    main()
