//! The odds of an experiment under random loss: one scenario run with many seeds, each run kept
//! only as its [`Outcome`], then counted. What happened to the first connection (the one the
//! scenario opened first, usually the client's) decides a run's [`Verdict`]; the times are those
//! of that connection and of its peer, the first connection on another host.
//!
//! Deterministic: the same scenario, limits and seeds give the same odds (each run is
//! [`Simulator::with_seed`]), so a seed counted under a verdict reopens with that verdict.

use alloc::vec::Vec;
use core::ops::Range;
use tcp_core::Instant;
use tcp_core::event::CloseReason;

use crate::outcome::{ConnOutcome, Ending, Outcome};
use crate::{Limits, Scenario, Simulator};

/// What one run came to, for the first connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// It reached ESTABLISHED and closed with both FINs acknowledged.
    Closed,
    /// The peer reset it, or its own application aborted it.
    Reset,
    /// The peer answered its SYN with RST: nobody listened.
    Refused,
    /// Retransmissions (of the SYN, data or FIN) went unanswered until the retry limit, or the
    /// peer's FIN never came (FIN-WAIT-2 timeout).
    TimedOut,
    /// The run ended with it still open (or it never opened): the time limit or the work budget
    /// came first.
    LeftOpen,
    /// Its host crashed or rebooted: its state vanished.
    Lost,
}

impl Verdict {
    /// Every verdict, in the order reports list them.
    pub const ALL: [Verdict; 6] =
        [Verdict::Closed, Verdict::Reset, Verdict::Refused, Verdict::TimedOut, Verdict::LeftOpen, Verdict::Lost];

    /// A short name, for text, JSON and CSV.
    pub const fn name(self) -> &'static str {
        match self {
            Verdict::Closed => "closed",
            Verdict::Reset => "reset",
            Verdict::Refused => "refused",
            Verdict::TimedOut => "timed-out",
            Verdict::LeftOpen => "left-open",
            Verdict::Lost => "lost-in-crash",
        }
    }

    /// The verdict of one run's outcome (a run with no connection at all is [`Verdict::LeftOpen`]).
    pub fn of(outcome: &Outcome) -> Verdict {
        match outcome.conns.first().map(|c| c.ending) {
            Some(Ending::Closed(CloseReason::Normal)) => Verdict::Closed,
            Some(Ending::Closed(CloseReason::Reset | CloseReason::Aborted)) => Verdict::Reset,
            Some(Ending::Closed(CloseReason::Refused)) => Verdict::Refused,
            Some(Ending::Closed(CloseReason::TimedOut | CloseReason::FinWait2Timeout)) => Verdict::TimedOut,
            Some(Ending::Lost) => Verdict::Lost,
            Some(Ending::Dropped | Ending::Open(_)) | None => Verdict::LeftOpen,
        }
    }
}

/// One run, as the odds keep it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunSummary {
    /// The seed it ran with; [`Simulator::with_seed`] with the same scenario and limits reruns it.
    pub seed: u64,
    /// What it came to.
    pub verdict: Verdict,
    /// When the first connection reached ESTABLISHED, if it did.
    pub established: Option<Instant>,
    /// When the first connection ended, if it did.
    pub first_ended: Option<Instant>,
    /// When its peer (the first connection on another host) ended, if it did.
    pub peer_ended: Option<Instant>,
}

impl RunSummary {
    /// Runs `scenario` with `seed` within `limits`, keeping only what the odds count.
    pub fn run(scenario: &Scenario, limits: Limits, seed: u64) -> RunSummary {
        RunSummary::of(seed, &Outcome::of(&Simulator::with_seed(scenario, limits, seed).finish()))
    }

    /// The summary of the run of `seed` that came to `outcome`.
    pub fn of(seed: u64, outcome: &Outcome) -> RunSummary {
        let first = outcome.conns.first();
        let peer: Option<&ConnOutcome> = first.and_then(|f| outcome.conns.iter().find(|c| c.host != f.host));
        RunSummary {
            seed,
            verdict: Verdict::of(outcome),
            established: first.and_then(|c| c.established_at),
            first_ended: first.and_then(|c| c.ended_at),
            peer_ended: peer.and_then(|c| c.ended_at),
        }
    }
}

/// Many seeded runs of one scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Odds {
    /// Each run, in the order of its seed.
    pub runs: Vec<RunSummary>,
}

impl Odds {
    /// Runs `scenario` once per seed of `seeds`, within `limits` each.
    pub fn run(scenario: &Scenario, limits: Limits, seeds: Range<u64>) -> Odds {
        Odds { runs: seeds.map(|seed| RunSummary::run(scenario, limits, seed)).collect() }
    }

    /// How many runs came to `verdict`.
    pub fn count_of(&self, verdict: Verdict) -> usize {
        self.runs.iter().filter(|r| r.verdict == verdict).count()
    }

    /// The share of runs that came to `verdict`, from 0 to 1 (0 when there were no runs).
    pub fn share(&self, verdict: Verdict) -> f64 {
        if self.runs.is_empty() { 0.0 } else { self.count_of(verdict) as f64 / self.runs.len() as f64 }
    }

    /// The seeds whose run came to `verdict`: any of them reopens as an ordinary experiment
    /// with that verdict.
    pub fn seeds_of(&self, verdict: Verdict) -> impl Iterator<Item = u64> + '_ {
        self.runs.iter().filter(move |r| r.verdict == verdict).map(|r| r.seed)
    }

    /// One time of every run that has it (`time` picks it: `|r| r.established`), sorted, for
    /// [`percentile`].
    pub fn sorted(&self, time: impl Fn(&RunSummary) -> Option<Instant>) -> Vec<Instant> {
        let mut times: Vec<Instant> = self.runs.iter().filter_map(time).collect();
        times.sort_unstable();
        times
    }
}

/// The `p`-th percentile (0 < p ≤ 100) of `sorted` by nearest rank: the smallest value with at
/// least p % of the values at or below it. None for no values.
pub fn percentile(sorted: &[Instant], p: f64) -> Option<Instant> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ceil(p / 100.0 * sorted.len() as f64).clamp(1.0, sorted.len() as f64) as usize;
    Some(sorted[rank - 1])
}

/// `f64::ceil`, which `core` lacks.
fn ceil(x: f64) -> f64 {
    let t = x as i64 as f64;
    if t < x { t + 1.0 } else { t }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue;
    use crate::scenario::Probability;
    use alloc::vec;

    fn handshake_with_loss(loss: f64) -> Scenario {
        let mut s = catalogue::get("handshake").expect("entry").scenario().expect("scenario");
        s.link.loss = Probability::new(loss).expect("a probability");
        s
    }

    #[test]
    fn without_loss_every_run_closes_at_the_same_times() {
        let odds = Odds::run(&handshake_with_loss(0.0), Limits::DEFAULT, 0..20);
        assert_eq!(odds.runs.len(), 20);
        assert_eq!(odds.count_of(Verdict::Closed), 20);
        assert_eq!(odds.share(Verdict::Closed), 1.0);
        let established = odds.sorted(|r| r.established);
        assert_eq!(established.len(), 20);
        assert!(established.windows(2).all(|w| w[0] == w[1]), "no loss, no spread");
        assert!(
            odds.runs.iter().all(|r| r.established < r.first_ended && r.peer_ended.is_some()),
            "{:?}",
            odds.runs[0]
        );
    }

    #[test]
    fn under_loss_the_shares_add_up_and_each_seed_reopens_with_its_verdict() {
        let scenario = handshake_with_loss(0.3);
        let odds = Odds::run(&scenario, Limits::DEFAULT, 100..400);
        let total: usize = Verdict::ALL.iter().map(|v| odds.count_of(*v)).sum();
        assert_eq!(total, 300);
        let shares: f64 = Verdict::ALL.iter().map(|v| odds.share(*v)).sum();
        assert!((shares - 1.0).abs() < 1e-9, "{shares}");
        // 30 % loss: some runs close, some do not; the times spread.
        assert!(odds.count_of(Verdict::Closed) > 0 && odds.count_of(Verdict::Closed) < 300, "{:?}", odds.runs);
        let established = odds.sorted(|r| r.established);
        assert!(percentile(&established, 50.0) < percentile(&established, 99.0));
        assert_eq!(odds.runs.iter().map(|r| r.seed).collect::<Vec<_>>(), (100..400).collect::<Vec<_>>());
        for verdict in Verdict::ALL {
            for seed in odds.seeds_of(verdict).take(3) {
                let again = Outcome::of(&Simulator::with_seed(&scenario, Limits::DEFAULT, seed).finish());
                assert_eq!(Verdict::of(&again), verdict, "seed {seed}");
            }
        }
    }

    #[test]
    fn verdicts_of_catalogue_entries() {
        for (name, verdict) in [
            ("handshake", Verdict::Closed),
            ("refused", Verdict::Refused),
            ("connect-timeout", Verdict::TimedOut),
            ("abort", Verdict::Reset),
        ] {
            let s = catalogue::get(name).expect("entry").scenario().expect("scenario");
            let odds = Odds::run(&s, Limits::DEFAULT, 0..1);
            assert_eq!(odds.runs.iter().map(|r| r.verdict).collect::<Vec<_>>(), vec![verdict], "{name}");
        }
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let times: Vec<Instant> = (1..=10).map(Instant::from_millis).collect();
        assert_eq!(percentile(&times, 50.0), Some(Instant::from_millis(5)));
        assert_eq!(percentile(&times, 99.0), Some(Instant::from_millis(10)));
        assert_eq!(percentile(&times, 10.0), Some(Instant::from_millis(1)));
        assert_eq!(percentile(&times, 0.1), Some(Instant::from_millis(1)));
        assert_eq!(percentile(&[], 50.0), None);
    }
}
