//! The retransmission timeout estimator of RFC 6298.

use crate::config::Config;
use crate::time::Duration;

/// SRTT, RTTVAR and the current RTO (RFC 6298 §2).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rtt {
    srtt: Option<Duration>,
    rttvar: Duration,
    /// The RTO without the slop: what backoff doubles.
    rto: Duration,
    /// `Config::rto_slop` once the RTO was computed from a sample or backed off (not before),
    /// cut so that the sum stays within `rto_max`.
    slop: Duration,
}

impl Rtt {
    /// RFC 6298 (2.1): until a sample is taken, RTO <- the initial RTO.
    pub(crate) fn new(config: &Config) -> Rtt {
        Rtt { srtt: None, rttvar: Duration::ZERO, rto: config.initial_rto, slop: Duration::ZERO }
    }

    pub(crate) fn rto(&self) -> Duration {
        self.rto + self.slop
    }

    /// FreeBSD's `TCPT_RANGESET` adds `rexmit_slop` to every RTO it sets, then bounds it.
    fn add_slop(&mut self, config: &Config) {
        self.slop = config.rto_slop.min(config.rto_max.saturating_sub(self.rto));
    }

    pub(crate) fn srtt(&self) -> Option<Duration> {
        self.srtt
    }

    pub(crate) fn has_sample(&self) -> bool {
        self.srtt.is_some()
    }

    /// RFC 6298 (2.2) and (2.3): fold in a measurement `r`, then recompute the RTO with (2.4)
    /// and (2.5)'s bounds. A new sample also ends any backoff (5.7's note).
    pub(crate) fn sample(&mut self, r: Duration, config: &Config) {
        match self.srtt {
            None => {
                // (2.2) SRTT <- R, RTTVAR <- R/2
                self.srtt = Some(r);
                self.rttvar = r / 2;
            }
            Some(srtt) => {
                // (2.3) RTTVAR <- (1 - 1/4) * RTTVAR + 1/4 * |SRTT - R'|; SRTT <- 7/8 SRTT + 1/8 R'
                let delta = srtt.abs_diff(r);
                self.rttvar = self.rttvar * 3 / 4 + delta / 4;
                self.srtt = Some(srtt * 7 / 8 + r / 8);
            }
        }
        let srtt = self.srtt.unwrap_or(r);
        // RTO <- SRTT + max(G, K*RTTVAR), K = 4
        let rto = srtt + config.clock_granularity.max(self.rttvar * 4);
        self.rto = rto.clamp(config.rto_min, config.rto_max);
        self.add_slop(config);
    }

    /// RFC 6298 (5.5): the host MUST set RTO <- RTO * 2 ("back off the timer"), up to the maximum.
    pub(crate) fn back_off(&mut self, config: &Config) {
        self.rto = (self.rto * 2).min(config.rto_max);
        self.add_slop(config);
    }

    /// RFC 6298 (5.7): after a retransmitted SYN and no sample, start data transfer with 3 s.
    pub(crate) fn fall_back(&mut self, rto: Duration) {
        if self.srtt.is_none() && self.rto < rto {
            self.rto = rto;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Rtt;
    use crate::config::Config;
    use crate::time::Duration;

    #[test]
    fn rfc6298_first_and_second_sample() {
        let c = Config::rfc9293();
        let mut rtt = Rtt::new(&c);
        assert_eq!(rtt.rto(), Duration::from_secs(1));
        rtt.sample(Duration::from_millis(100), &c);
        // SRTT 100, RTTVAR 50: 100 + 200 = 300 ms, raised to the 1 s minimum.
        assert_eq!(rtt.rto(), Duration::from_secs(1));
        rtt.sample(Duration::from_millis(900), &c);
        // RTTVAR = 37.5 + 200 = 237.5, SRTT = 87.5 + 112.5 = 200 -> 200 + 950 = 1150 ms
        assert_eq!(rtt.rto(), Duration::from_millis(1150));
        rtt.back_off(&c);
        assert_eq!(rtt.rto(), Duration::from_millis(2300));
    }

    #[test]
    fn linux_loopback_rto_is_about_200ms() {
        let c = Config::linux();
        let mut rtt = Rtt::new(&c);
        rtt.sample(Duration::from_micros(30), &c);
        assert_eq!(rtt.rto(), Duration::from_micros(200_030));
        for _ in 0..20 {
            rtt.back_off(&c);
        }
        assert_eq!(rtt.rto(), Duration::from_secs(120));
    }

    #[test]
    fn freebsd_adds_the_slop_to_backed_off_and_sampled_rtos_only() {
        let c = Config::freebsd();
        let mut rtt = Rtt::new(&c);
        assert_eq!(rtt.rto(), Duration::from_secs(1), "the initial RTO has no slop");
        rtt.back_off(&c);
        assert_eq!(rtt.rto(), Duration::from_millis(2200), "doubled, then the slop: not compounded");
        rtt.back_off(&c);
        assert_eq!(rtt.rto(), Duration::from_millis(4200));
        let mut rtt = Rtt::new(&c);
        rtt.sample(Duration::from_millis(10), &c);
        // SRTT 10, RTTVAR 5: 10 + max(1, 20) = 30 ms (rexmit_min), + 200 ms.
        assert_eq!(rtt.rto(), Duration::from_millis(230));
        for _ in 0..20 {
            rtt.back_off(&c);
        }
        assert_eq!(rtt.rto(), c.rto_max, "the slop never takes the RTO past its maximum");
    }
}
