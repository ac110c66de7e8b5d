//! What a script asks of the stack besides segments and system calls: its `--options`, its
//! `sysctl`s and socket options, turned into tcp-core's [`Config`] where a field models them.
//!
//! The rule, the same for every setting: a FreeBSD `sysctl` that a `Config` field models sets that
//! field, whatever the profile (`rfc1323=1` turns timestamps and window scaling on, with the shift
//! FreeBSD derives from `kern.ipc.maxsockbuf`). One that no field models asks for nothing at
//! FreeBSD's default value (the profile decides how the stack behaves); at any other value the
//! script still runs and its result names the setting as *not honoured*. The two settings that
//! choose RFC 793 over RFC 5961 (`insecure_rst=1`, `insecure_syn=1`) set their `Config` fields
//! too, and the result line notes that the script asks for RFC 793. A setting this runner does not
//! know at all cannot be expressed.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use tcp_core::{Config, Duration, Ecn, SynFin};

/// packetdrill's default `--tolerance_usecs`.
const DEFAULT_TOLERANCE_US: u64 = 4_000;
/// IPv4 and TCP headers without options: an MTU less this is the MSS.
const IPV4_TCP_HEADERS: u32 = 40;
/// FreeBSD's `kern.ipc.maxsockbuf` default.
const MAXSOCKBUF_DEFAULT: u64 = 2_097_152;
/// The longest time a sysctl may set here: a day, in milliseconds.
const MAX_TIME_MS: u64 = 86_400_000;
/// RFC 7323 §2.3: the largest shift.
const MAX_WINDOW_SHIFT: u8 = 14;

/// The settings a script asked for, as they stand.
#[derive(Clone, Debug)]
pub(crate) struct Env {
    /// The configuration new sockets get.
    pub(crate) config: Config,
    /// How far a segment may be from its time (microseconds).
    pub(crate) tolerance_us: u64,
    /// Settings tcp-core has no `Config` field for (`blackhole=1`), or models only in part.
    pub(crate) not_honoured: Vec<String>,
    /// Settings that ask for RFC 793 behaviour: `insecure_rst=1`.
    pub(crate) asks_rfc793: Vec<String>,
    /// `kern.ipc.maxsockbuf`, from which FreeBSD derives its window scale.
    maxsockbuf: u64,
    /// `net.inet.tcp.ecn.maxretries`: the retransmitted SYNs that still ask for ECN once
    /// `ecn.enable` = 1 asks for it.
    ecn_maxretries: u8,
}

/// What became of one setting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Applied {
    /// Done (or nothing to do).
    Done,
    /// The runner does not know this setting: the script cannot be expressed.
    Unknown(String),
}

impl Env {
    pub(crate) fn new(config: Config) -> Env {
        Env {
            config,
            tolerance_us: DEFAULT_TOLERANCE_US,
            not_honoured: Vec::new(),
            asks_rfc793: Vec::new(),
            maxsockbuf: MAXSOCKBUF_DEFAULT,
            ecn_maxretries: 1,
        }
    }

    /// A `--name=value` line of the script's header.
    pub(crate) fn header_option(&mut self, name: &str, value: &str) -> Applied {
        match name {
            "ip_version" if value == "ipv4" => Applied::Done,
            "ip_version" => Applied::Unknown(format!("--ip_version={value} (only ipv4)")),
            "tolerance_usecs" => match value.parse() {
                Ok(us) => {
                    self.tolerance_us = us;
                    Applied::Done
                }
                Err(_) => Applied::Unknown(format!("--tolerance_usecs={value} is not a number")),
            },
            "mtu" => match value.parse::<u32>() {
                Ok(mtu) => {
                    let mss = mtu.saturating_sub(IPV4_TCP_HEADERS).min(u32::from(u16::MAX)) as u16;
                    let mut config = self.config;
                    config.mss = mss;
                    match config.validate() {
                        Ok(()) => {
                            self.config = config;
                            Applied::Done
                        }
                        Err(e) => {
                            Applied::Unknown(format!("--mtu={mtu} needs MSS {mss}, which tcp-core refuses ({e})"))
                        }
                    }
                }
                Err(_) => Applied::Unknown(format!("--mtu={value} is not a number")),
            },
            _ => Applied::Unknown(format!("the option --{name}")),
        }
    }

    /// A shell command `sysctl -w name=value`.
    pub(crate) fn sysctl(&mut self, name: &str, value: &str) -> Applied {
        let Some(default) = freebsd_default(name) else {
            return Applied::Unknown(format!("the sysctl {name}"));
        };
        let setting = format!("{}={value}", name.trim_start_matches("net.inet.tcp."));
        let number = value.parse::<u64>().ok();
        let is_time = matches!(
            name,
            "net.inet.tcp.rexmit_initial"
                | "net.inet.tcp.rexmit_min"
                | "net.inet.tcp.rexmit_slop"
                | "net.inet.tcp.msl"
                | "net.inet.tcp.delacktime"
                | "net.inet.tcp.keepidle"
                | "net.inet.tcp.keepintvl"
        );
        if is_time && number.is_none_or(|ms| ms > MAX_TIME_MS) {
            return Applied::Unknown(format!("sysctl {name}={value} (a time in milliseconds up to a day)"));
        }
        let c = &mut self.config;
        match (name, number) {
            ("net.inet.tcp.rfc1323", Some(0)) => {
                c.timestamps = false;
                c.window_scale = None;
            }
            ("net.inet.tcp.rfc1323", Some(1)) => {
                c.timestamps = true;
                c.window_scale = Some(freebsd_window_shift(self.maxsockbuf));
            }
            ("net.inet.tcp.sack.enable", Some(on @ (0 | 1))) => c.sack_permitted = on == 1,
            ("kern.ipc.maxsockbuf", Some(max)) => {
                self.maxsockbuf = max;
                if c.window_scale.is_some() {
                    c.window_scale = Some(freebsd_window_shift(max));
                }
            }
            // New sockets' buffers (values tcp-core refuses are caught by `validate` below).
            ("net.inet.tcp.recvspace", Some(bytes)) => c.recv_buffer = u32::try_from(bytes).unwrap_or(u32::MAX),
            ("net.inet.tcp.sendspace", Some(bytes)) => c.send_buffer = u32::try_from(bytes).unwrap_or(u32::MAX),
            ("net.inet.tcp.rexmit_initial", Some(ms)) => c.initial_rto = Duration::from_millis(ms),
            ("net.inet.tcp.rexmit_min", Some(ms)) => c.rto_min = Duration::from_millis(ms),
            ("net.inet.tcp.rexmit_slop", Some(ms)) => c.rto_slop = Duration::from_millis(ms),
            ("net.inet.tcp.msl", Some(ms)) => c.msl = Duration::from_millis(ms),
            ("net.inet.tcp.delacktime", Some(ms)) => c.delayed_ack = (ms > 0).then(|| Duration::from_millis(ms)),
            // Keep-alive on every connection, or only where SO_KEEPALIVE asks (FreeBSD's default
            // is 1; the profile leaves keep-alive off, see `Config::freebsd`).
            ("net.inet.tcp.always_keepalive", Some(on @ (0 | 1))) => c.keepalive = on == 1,
            ("net.inet.tcp.keepinit", Some(ms)) => {
                c.establishment_timeout = (ms > 0).then(|| Duration::from_millis(ms))
            }
            ("net.inet.tcp.keepidle", Some(ms)) => c.keepalive_idle = Duration::from_millis(ms),
            ("net.inet.tcp.keepintvl", Some(ms)) => c.keepalive_interval = Duration::from_millis(ms),
            ("net.inet.tcp.keepcnt", Some(n @ 0..=255)) => c.keepalive_probes = n as u8,
            // ECN in the handshake (`Config::ecn`): 0 never, 1 asks and accepts, 2 accepts.
            ("net.inet.tcp.ecn.enable", Some(0)) => c.ecn = Ecn::Off,
            ("net.inet.tcp.ecn.enable", Some(1)) => c.ecn = Ecn::Request { retries: self.ecn_maxretries },
            ("net.inet.tcp.ecn.enable", Some(2)) => c.ecn = Ecn::Accept,
            ("net.inet.tcp.ecn.maxretries", Some(n @ 0..=255)) => {
                self.ecn_maxretries = n as u8;
                if let Ecn::Request { retries } = &mut c.ecn {
                    *retries = n as u8;
                }
            }
            // Options left off the SYN from its third retransmission (`Config::syn_options_retries`).
            ("net.inet.tcp.rexmit_drop_options", Some(0)) => c.syn_options_retries = None,
            ("net.inet.tcp.rexmit_drop_options", Some(1)) => c.syn_options_retries = Some(2),
            // SYN with FIN: dropped in every state when asked (`Config::syn_fin`).
            ("net.inet.tcp.drop_synfin", Some(0)) => c.syn_fin = SynFin::Process,
            ("net.inet.tcp.drop_synfin", Some(1)) => c.syn_fin = SynFin::Drop,
            // Nothing to purge: there is no host cache.
            ("net.inet.tcp.hostcache.purgenow", _) => {}
            // RFC 793's rules instead of RFC 5961's (`Config::rst_anywhere_in_window`,
            // `Config::syn_in_window_resets`); the result line still says the script asks for them.
            ("net.inet.tcp.insecure_rst", Some(on @ (0 | 1))) => {
                c.rst_anywhere_in_window = on == 1;
                if on == 1 {
                    push_once(&mut self.asks_rfc793, setting);
                }
            }
            ("net.inet.tcp.insecure_syn", Some(on @ (0 | 1))) => {
                c.syn_in_window_resets = on == 1;
                if on == 1 {
                    push_once(&mut self.asks_rfc793, setting);
                }
            }
            _ if value == default => {}
            _ => push_once(&mut self.not_honoured, setting),
        }
        if let Err(e) = self.config.validate() {
            return Applied::Unknown(format!("sysctl {name}={value} gives a configuration tcp-core refuses ({e})"));
        }
        Applied::Done
    }

    /// `setsockopt(fd, level, name, [value], len)`.
    pub(crate) fn setsockopt(&mut self, level: &str, name: &str, value: Option<i64>) -> Applied {
        match (level, name) {
            // Binding to a port in TIME-WAIT is not modelled: every bind succeeds.
            ("SOL_SOCKET", "SO_REUSEADDR" | "SO_REUSEPORT") => Applied::Done,
            ("IPPROTO_TCP", "TCP_NOOPT") => self.set(|c| c.no_options = value.unwrap_or(1) != 0, name, value),
            // The active open's time limit, in seconds (tcp(4)), for the sockets that connect
            // after it (`Config::establishment_timeout`).
            ("IPPROTO_TCP", "TCP_KEEPINIT") => {
                let Some(v) = value.filter(|v| (1..=86_400).contains(v)) else {
                    return Applied::Unknown(format!("{name} of {value:?} (1 to 86400)"));
                };
                self.set(|c| c.establishment_timeout = Some(Duration::from_secs(v as u64)), name, value)
            }
            // Keep-alive, for the sockets that listen or connect after it (the caller refuses it
            // on one that already does). Times in seconds, as tcp(4) and tcp(7) give them.
            ("SOL_SOCKET", "SO_KEEPALIVE") => self.set(|c| c.keepalive = value.unwrap_or(1) != 0, name, value),
            ("IPPROTO_TCP", "TCP_KEEPIDLE" | "TCP_KEEPINTVL" | "TCP_KEEPCNT") => {
                let Some(v) = value.filter(|v| (1..=86_400).contains(v)) else {
                    return Applied::Unknown(format!("{name} of {value:?} (1 to 86400)"));
                };
                let v = v as u64;
                match name {
                    "TCP_KEEPIDLE" => self.set(|c| c.keepalive_idle = Duration::from_secs(v), name, value),
                    "TCP_KEEPINTVL" => self.set(|c| c.keepalive_interval = Duration::from_secs(v), name, value),
                    _ => self.set(|c| c.keepalive_probes = v.min(255) as u8, name, value),
                }
            }
            _ => Applied::Unknown(format!("the socket option {level}/{name}")),
        }
    }

    /// Applies a socket option to the configuration if tcp-core accepts the result.
    fn set(&mut self, change: impl FnOnce(&mut Config), name: &str, value: Option<i64>) -> Applied {
        let mut config = self.config;
        change(&mut config);
        match config.validate() {
            Ok(()) => {
                self.config = config;
                Applied::Done
            }
            Err(e) => Applied::Unknown(format!("{name}={value:?} gives a configuration tcp-core refuses ({e})")),
        }
    }
}

fn push_once(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// FreeBSD 14's default value of each sysctl this runner knows.
fn freebsd_default(name: &str) -> Option<&'static str> {
    Some(match name {
        "net.inet.tcp.rfc1323" => "1",
        "net.inet.tcp.sack.enable" => "1",
        "net.inet.tcp.blackhole" => "0",
        "net.inet.tcp.ecn.enable" => "2",
        "net.inet.tcp.ecn.maxretries" => "1",
        "kern.ipc.maxsockbuf" => "2097152",
        "net.inet.tcp.recvspace" => "65536",
        "net.inet.tcp.sendspace" => "32768",
        "net.inet.tcp.hostcache.purgenow" => "0",
        "net.inet.tcp.insecure_rst" => "0",
        "net.inet.tcp.insecure_syn" => "0",
        "net.inet.tcp.drop_synfin" => "0",
        "net.inet.tcp.rexmit_initial" => "1000",
        "net.inet.tcp.rexmit_min" => "30",
        "net.inet.tcp.rexmit_slop" => "200",
        "net.inet.tcp.rexmit_drop_options" => "0",
        "net.inet.tcp.keepinit" => "75000",
        "net.inet.tcp.msl" => "30000",
        "net.inet.tcp.delacktime" => "40",
        "net.inet.tcp.always_keepalive" => "1",
        "net.inet.tcp.keepidle" => "7200000",
        "net.inet.tcp.keepintvl" => "75000",
        "net.inet.tcp.keepcnt" => "8",
        _ => return None,
    })
}

/// The window scale FreeBSD offers for a `kern.ipc.maxsockbuf`: the smallest shift at which the
/// largest unscaled window (65535) shifted reaches the largest socket buffer, at most 14.
fn freebsd_window_shift(maxsockbuf: u64) -> u8 {
    let mut shift = 0;
    while shift < MAX_WINDOW_SHIFT && (65_535u64 << shift) < maxsockbuf {
        shift += 1;
    }
    shift
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_shift_follows_maxsockbuf() {
        assert_eq!(freebsd_window_shift(MAXSOCKBUF_DEFAULT), 6);
        assert_eq!(freebsd_window_shift(73_728), 1);
        assert_eq!(freebsd_window_shift(4_294_967_295), 14);
    }

    #[test]
    fn modelled_settings_apply_and_others_are_named() {
        let mut env = Env::new(Config::linux());
        assert_eq!(env.sysctl("net.inet.tcp.ecn.enable", "2"), Applied::Done);
        assert_eq!(env.config, Config::linux(), "a default without a Config field changes nothing");
        assert_eq!(env.sysctl("net.inet.tcp.rexmit_slop", "200"), Applied::Done);
        assert_eq!(env.config.rto_slop, Duration::from_millis(200), "a modelled setting applies whatever the profile");
        env.config.rto_slop = Duration::ZERO;
        assert_eq!(env.sysctl("kern.ipc.maxsockbuf", "73728"), Applied::Done);
        assert_eq!(env.config.window_scale, Some(1), "a modelled setting applies whatever the profile");
        assert_eq!(env.sysctl("net.inet.tcp.drop_synfin", "1"), Applied::Done);
        assert_eq!(env.config.syn_fin, SynFin::Drop);
        assert!(env.not_honoured.is_empty(), "modelled in every state");
        assert_eq!(env.sysctl("net.inet.tcp.blackhole", "1"), Applied::Done);
        assert_eq!(env.not_honoured, ["blackhole=1"]);
        assert_eq!(env.sysctl("net.inet.tcp.insecure_rst", "1"), Applied::Done);
        assert_eq!(env.asks_rfc793, ["insecure_rst=1"]);
        assert!(env.config.rst_anywhere_in_window && !env.config.syn_in_window_resets);
        assert_eq!(env.sysctl("net.inet.tcp.insecure_syn", "1"), Applied::Done);
        assert!(env.config.syn_in_window_resets);
        assert_eq!(env.sysctl("net.inet.tcp.insecure_rst", "0"), Applied::Done);
        assert!(!env.config.rst_anywhere_in_window, "and back to RFC 5961's rule");
        assert_eq!(env.sysctl("net.inet.tcp.rfc1323", "0"), Applied::Done);
        assert_eq!((env.config.timestamps, env.config.window_scale), (false, None));
        assert!(matches!(env.sysctl("net.inet.tcp.nonsense", "1"), Applied::Unknown(_)));
        assert!(matches!(env.header_option("mtu", "72"), Applied::Unknown(_)));
        assert_eq!(env.header_option("mtu", "9000"), Applied::Done);
        assert_eq!(env.config.mss, 8960);
    }
}
