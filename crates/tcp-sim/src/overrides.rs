//! The scenario's `[tcp]` table (and a host's `tcp`): overrides of a profile's [`Config`], the
//! one type through which a scenario file, the page's settings and a page link change a
//! profile. Each key is declared once, below, with the `Config` field it sets; the struct, its
//! serde form, applying it, reading a `Config` back, and the keys' names and types all come from
//! that one line, so a new setting is a line here (and a control in the page, if it gets one).

use alloc::vec::Vec;
use core::fmt;
use serde::{Deserialize, Serialize};
use tcp_core::config::Config;
use tcp_core::time::Duration;

use crate::scenario::Millis;

/// One override's value, whatever its key's type: what a link or a page field carries.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    /// A duration (keys ending in `_ms`).
    Millis(Millis),
    /// A count or a size in bytes.
    Number(u32),
    /// On or off.
    Flag(bool),
}

/// The type of a key's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Milliseconds ([`Value::Millis`]).
    Millis,
    /// A whole number from 0 to `max` ([`Value::Number`]).
    Number {
        /// The largest value the key's type holds.
        max: u32,
    },
    /// `true` or `false` ([`Value::Flag`]).
    Flag,
}

/// A value that does not fit its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OverrideError {
    /// No `[tcp]` key has this name.
    UnknownKey,
    /// The value is of another kind (a flag for a duration, ...).
    WrongKind(Kind),
    /// A number larger than the key's type holds.
    TooLarge(u32),
}

impl fmt::Display for OverrideError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OverrideError::UnknownKey => f.write_str("is not a [tcp] key"),
            OverrideError::WrongKind(Kind::Millis) => f.write_str("expected milliseconds"),
            OverrideError::WrongKind(Kind::Number { max }) => write!(f, "expected a whole number from 0 to {max}"),
            OverrideError::WrongKind(Kind::Flag) => f.write_str("expected true or false"),
            OverrideError::TooLarge(max) => write!(f, "must be at most {max}"),
        }
    }
}

impl core::error::Error for OverrideError {}

/// A type a key's value may have: how it becomes a [`Value`] and back.
trait Setting: Copy {
    const KIND: Kind;
    fn value(self) -> Value;
    fn from_value(v: Value) -> Result<Self, OverrideError>;
}

impl Setting for Millis {
    const KIND: Kind = Kind::Millis;
    fn value(self) -> Value {
        Value::Millis(self)
    }
    fn from_value(v: Value) -> Result<Millis, OverrideError> {
        match v {
            Value::Millis(m) => Ok(m),
            _ => Err(OverrideError::WrongKind(Self::KIND)),
        }
    }
}

impl Setting for bool {
    const KIND: Kind = Kind::Flag;
    fn value(self) -> Value {
        Value::Flag(self)
    }
    fn from_value(v: Value) -> Result<bool, OverrideError> {
        match v {
            Value::Flag(b) => Ok(b),
            _ => Err(OverrideError::WrongKind(Self::KIND)),
        }
    }
}

macro_rules! number_setting {
    ($($t:ty),*) => {$(
        impl Setting for $t {
            const KIND: Kind = Kind::Number { max: <$t>::MAX as u32 };
            fn value(self) -> Value {
                Value::Number(u32::from(self))
            }
            fn from_value(v: Value) -> Result<$t, OverrideError> {
                match v {
                    Value::Number(n) => <$t>::try_from(n).map_err(|_| OverrideError::TooLarge(<$t>::MAX as u32)),
                    _ => Err(OverrideError::WrongKind(Self::KIND)),
                }
            }
        }
    )*};
}
number_setting!(u8, u16, u32);

/// How a value of type `V` goes into a `Config` field of this type, and is read back.
trait Slot<V> {
    fn put(&mut self, v: V);
    fn read(&self) -> V;
}

impl<T: Copy> Slot<T> for T {
    fn put(&mut self, v: T) {
        *self = v;
    }
    fn read(&self) -> T {
        *self
    }
}

fn millis(d: Duration) -> Millis {
    Millis::new(d.as_micros() as f64 / 1000.0).unwrap_or_default()
}

impl Slot<Millis> for Duration {
    fn put(&mut self, v: Millis) {
        *self = v.duration();
    }
    fn read(&self) -> Millis {
        millis(*self)
    }
}

/// An optional timer: 0 turns it off.
impl Slot<Millis> for Option<Duration> {
    fn put(&mut self, v: Millis) {
        *self = (v.get() > 0.0).then(|| v.duration());
    }
    fn read(&self) -> Millis {
        self.map_or(Millis::default(), millis)
    }
}

macro_rules! overrides {
    ($( $(#[doc = $doc:literal])* $key:ident: $ty:ty => $field:ident, )*) => {
        /// Overrides of a profile's timers, limits and behaviour. An absent key keeps the
        /// profile's value. Every key sets the [`Config`] field named beside it in
        /// `overrides.rs`; its documentation there gives the sources.
        #[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct Tcp {
            $(
                $(#[doc = $doc])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $key: Option<$ty>,
            )*
        }

        impl Tcp {
            /// Every key, in the order the format lists them.
            pub const KEYS: &[&str] = &[$(stringify!($key)),*];

            /// `base` with these overrides applied.
            pub fn apply(&self, base: Config) -> Config {
                let mut c = base;
                $( if let Some(v) = self.$key { Slot::<$ty>::put(&mut c.$field, v); } )*
                c
            }

            /// Every key set to `config`'s value: what a connection with it uses.
            pub fn of(config: &Config) -> Tcp {
                Tcp { $( $key: Some(Slot::<$ty>::read(&config.$field)), )* }
            }

            /// These overrides, and `fallback`'s where these set none.
            pub fn or(&self, fallback: &Tcp) -> Tcp {
                Tcp { $( $key: self.$key.or(fallback.$key), )* }
            }

            /// The value of `key`, if set.
            pub fn get(&self, key: &str) -> Option<Value> {
                match key {
                    $( stringify!($key) => self.$key.map(Setting::value), )*
                    _ => None,
                }
            }

            /// Sets `key` to `value`.
            pub fn set(&mut self, key: &str, value: Value) -> Result<(), OverrideError> {
                match key {
                    $( stringify!($key) => self.$key = Some(<$ty as Setting>::from_value(value)?), )*
                    _ => return Err(OverrideError::UnknownKey),
                }
                Ok(())
            }

            /// The type of `key`'s value, if it is a key.
            pub fn kind(key: &str) -> Option<Kind> {
                match key {
                    $( stringify!($key) => Some(<$ty as Setting>::KIND), )*
                    _ => None,
                }
            }

            /// The key that sets the `Config` field named `field`, if one does.
            pub fn key_of(field: &str) -> Option<&'static str> {
                match field {
                    $( stringify!($field) => Some(stringify!($key)), )*
                    _ => None,
                }
            }
        }
    };
}

overrides! {
    /// Initial RTO (RFC 6298 (2.1)).
    initial_rto_ms: Millis => initial_rto,
    /// Lower bound of the RTO (RFC 6298 (2.4)).
    rto_min_ms: Millis => rto_min,
    /// Upper bound of the RTO after backoff (RFC 6298 (2.5)).
    rto_max_ms: Millis => rto_max,
    /// Maximum segment lifetime; TIME-WAIT is twice this.
    msl_ms: Millis => msl,
    /// Delayed-ACK timeout; 0 turns delayed ACKs off.
    delayed_ack_ms: Millis => delayed_ack,
    /// FIN-WAIT-2 timeout after close(); 0 waits forever.
    fin_wait_2_timeout_ms: Millis => fin_wait_2_timeout,
    /// SYN retransmissions before connect() fails.
    syn_retries: u8 => syn_retries,
    /// A time limit on connect(): the open fails with ETIMEDOUT this long after it began,
    /// whatever retries are left (BSD's `keepinit`, `TCP_KEEPINIT`); 0 sets no limit.
    establishment_timeout_ms: Millis => establishment_timeout,
    /// SYN-ACK retransmissions before a half-open connection is dropped.
    synack_retries: u8 => synack_retries,
    /// Data/FIN retransmissions before the connection is dropped.
    data_retries: u8 => data_retries,
    /// SYN queue size of listeners.
    syn_backlog: u16 => syn_backlog,
    /// listen()'s backlog: the accept queue holds this many (rfc9293), one more (linux) or half
    /// as many again plus one (freebsd).
    accept_backlog: u16 => accept_backlog,
    /// SYN cookies when the SYN queue is full.
    syn_cookies: bool => syn_cookies,
    /// A full accept queue resets the handshake's last ACK instead of dropping it.
    abort_on_overflow: bool => abort_on_overflow,
    /// Ignore a reset in TIME-WAIT (RFC 1337).
    ignore_rst_in_time_wait: bool => ignore_rst_in_time_wait,
    /// The deliberately broken two-way handshake.
    two_way_handshake: bool => two_way_handshake,
    /// RFC 7323 timestamps.
    timestamps: bool => timestamps,
    /// MSS advertised in the host's SYN (RFC 9293 §3.7.1): the largest payload the peer should
    /// send it.
    mss: u16 => mss,
    /// Bytes the receive buffer holds (`SO_RCVBUF`): the most the window offers.
    recv_buffer: u32 => recv_buffer,
    /// Bytes the send buffer holds (`SO_SNDBUF`).
    send_buffer: u32 => send_buffer,
    /// Keep-alive (`SO_KEEPALIVE`) on every connection (off in every profile).
    keepalive: bool => keepalive,
    /// Keep-alive: time without any segment from the peer before the first probe.
    keepalive_idle_ms: Millis => keepalive_idle,
    /// Keep-alive: time between unanswered probes.
    keepalive_interval_ms: Millis => keepalive_interval,
    /// Keep-alive: unanswered probes before the connection is dropped (ETIMEDOUT).
    keepalive_probes: u8 => keepalive_probes,
    /// Clock granularity G in the RTO's formula (RFC 6298 (2.3)).
    clock_granularity_ms: Millis => clock_granularity,
    /// Added to every RTO computed from a sample or backed off (FreeBSD `rexmit_slop`).
    rto_slop_ms: Millis => rto_slop,
    /// RTO once established after a retransmitted SYN and no RTT sample (RFC 6298 (5.7): 3 s);
    /// 0 keeps the backed-off value.
    syn_fallback_rto_ms: Millis => syn_fallback_rto,
    /// SYN retransmissions that keep the initial RTO before the backoff doubles (Linux
    /// `tcp_syn_linear_timeouts`), on top of `syn_retries`.
    syn_linear_timeouts: u8 => syn_linear_timeouts,
    /// Before any data has arrived a delayed ACK waits 0 (Linux's `ato`): it goes at the timer
    /// wheel's next tick, or at once without one.
    ack_delay_zero_before_data: bool => ack_delay_zero_before_data,
    /// Data segments acknowledged at once at the start of a connection (Linux quick-ACK mode).
    quick_acks: u8 => quick_acks,
    /// Linux's interactive ("pingpong") mode: delay ACKs to ride on the next segment.
    interactive_acks: bool => interactive_acks,
    /// Acknowledge a FIN at once (RFC 9293) instead of with the delayed ACK (Linux).
    ack_fin_at_once: bool => ack_fin_at_once,
    /// Answer a retransmitted SYN in SYN-RECEIVED with the SYN-ACK again.
    resend_synack_on_dup_syn: bool => resend_synack_on_dup_syn,
    /// Keep the data that arrives on a SYN in SYN-SENT (RFC 9293 §3.10.7.3).
    accept_syn_data: bool => accept_syn_data,
    /// Answer a SYN-ACK that reaches a listener with a reset (RFC 9293 §3.10.7.2).
    reset_synack_in_listen: bool => reset_synack_in_listen,
    /// Closing a listener resets its half-open connections.
    reset_half_open_on_close: bool => reset_half_open_on_close,
    /// An abort's reset carries the ACK bit (Linux).
    abort_rst_has_ack: bool => abort_rst_has_ack,
    /// A reset the connection sends of its own offers a window of 0 (FreeBSD).
    rst_window_zero: bool => rst_window_zero,
    /// Round both buffers up to whole segments of the MSS (FreeBSD).
    buffers_in_mss_units: bool => buffers_in_mss_units,
    /// Windows shaped as Linux offers them: a SYN's in whole segments, later ones no larger and
    /// rounded up to the scale's unit.
    linux_windows: bool => linux_windows,
    /// Offer SACK-permitted in the SYN (RFC 2018).
    sack_permitted: bool => sack_permitted,
    /// Accept a pure ACK at the right edge of the receive window (Linux, BSD).
    ack_at_window_edge: bool => ack_at_window_edge,
    /// Judge segments against the free receive buffer, not the window announced (FreeBSD).
    window_is_buffer_space: bool => window_is_buffer_space,
    /// Process the ACK of a segment left of the window before answering it (BSD).
    old_segment_ack_processed: bool => old_segment_ack_processed,
    /// Repeat an unacknowledged FIN on every ACK sent (BSD).
    fin_on_every_ack: bool => fin_on_every_ack,
    /// In TIME-WAIT, acknowledge at once anything but a duplicate ACK (Linux, FreeBSD).
    time_wait_acks_segments: bool => time_wait_acks_segments,
    /// In TIME-WAIT, any segment with ACK restarts the 2·MSL timer (Linux), not only a
    /// retransmitted FIN.
    time_wait_restart_on_ack: bool => time_wait_restart_on_ack,
    /// TIME-WAIT limits all its answers on a count of its own (Linux's TIME-WAIT socket).
    time_wait_answers_counted_anew: bool => time_wait_answers_counted_anew,
    /// The SYN and SYN-ACK carry no option at all (`TCP_NOOPT`).
    no_options: bool => no_options,
    /// Announce the configured window scale even where the buffer then reads as a few units.
    window_scale_as_configured: bool => window_scale_as_configured,
    /// RFC 793: a reset anywhere in the window resets the connection.
    rst_anywhere_in_window: bool => rst_anywhere_in_window,
    /// RFC 793: a SYN in the window of a synchronized connection resets it.
    syn_in_window_resets: bool => syn_in_window_resets,
    /// A keep-alive probe carries one garbage octet (RFC 1122 §4.2.3.6).
    keepalive_probe_byte: bool => keepalive_probe_byte,
    /// Send a reset when the last keep-alive probe went unanswered (Linux, FreeBSD).
    keepalive_timeout_rst: bool => keepalive_timeout_rst,
}

impl Tcp {
    /// No override at all.
    pub fn is_empty(&self) -> bool {
        *self == Tcp::default()
    }

    /// The keys set, with their values, in the order of [`Tcp::KEYS`].
    pub fn values(&self) -> Vec<(&'static str, Value)> {
        Tcp::KEYS.iter().filter_map(|key| Some((*key, self.get(key)?))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use tcp_core::config::Profile;

    #[test]
    fn reading_a_profile_back_and_applying_it_changes_nothing() {
        for profile in Profile::ALL {
            let all = Tcp::of(&profile.config());
            assert_eq!(Tcp::of(&all.apply(Config::rfc9293())), all, "{profile}");
            assert_eq!(all.apply(profile.config()), profile.config(), "{profile}");
        }
    }

    #[test]
    fn every_key_reads_writes_and_names_its_field() {
        let all = Tcp::of(&Config::linux());
        for key in Tcp::KEYS {
            let value = all.get(key).expect("every key is set");
            let mut one = Tcp::default();
            one.set(key, value).expect("its own value fits");
            assert_eq!(one.values(), [(*key, value)]);
            assert!(Tcp::kind(key).is_some());
        }
        assert_eq!(Tcp::key_of("initial_rto"), Some("initial_rto_ms"));
        assert_eq!(Tcp::key_of("ecn"), None);
    }

    #[test]
    fn a_value_that_does_not_fit_its_key_says_why() {
        let mut t = Tcp::default();
        assert_eq!(t.set("syn_retries", Value::Number(256)), Err(OverrideError::TooLarge(255)));
        assert_eq!(t.set("mss", Value::Flag(true)), Err(OverrideError::WrongKind(Kind::Number { max: 65535 })));
        assert_eq!(t.set("nagle", Value::Flag(true)), Err(OverrideError::UnknownKey));
        assert_eq!(OverrideError::TooLarge(255).to_string(), "must be at most 255");
        assert!(t.is_empty());
    }

    #[test]
    fn zero_turns_an_optional_timer_off() {
        let t = Tcp { delayed_ack_ms: Some(Millis::default()), ..Tcp::default() };
        assert_eq!(t.apply(Config::linux()).delayed_ack, None);
        assert_eq!(Tcp::of(&t.apply(Config::linux())).delayed_ack_ms, Some(Millis::default()));
    }
}
