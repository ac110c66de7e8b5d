//! The catalogue's exercises: each is asked of its run, its right answer is what the run did
//! (checked here against the trace by another route than the one that made the question), the
//! wrong choices are other than it, and every question reads in both languages. Then the same
//! exercises under every profile and other seeds: each is asked or says why not, never panics.

use narration::Lang;
use narration::exercise::{self, Choice, Question, Subject};
use std::fmt::Write;
use tcp_core::config::Profile;
use tcp_core::{Flags, State};
use tcp_sim::trace::{EventKind, Fate, Trace};
use tcp_sim::{Scenario, catalogue, simulate};

fn entries_with_exercises() -> Vec<(&'static str, Scenario)> {
    (catalogue::ENTRIES.iter())
        .map(|e| (e.name, e.scenario().expect("scenario")))
        .filter(|(_, s)| !s.exercises.is_empty())
        .collect()
}

/// Checks `q` against the trace by reading the trace itself: the segment sent in the question's
/// step, the receiving connection's last state in it, the timer's firing in it.
fn check_answer(name: &str, q: &Question, t: &Trace) {
    let steps = seqdiag::steps(t);
    let events = &steps[q.step].events;
    let answer = q.choices[q.answer];
    assert!(q.step > 0, "{name}: a question hides its step, so it is never the first");
    for (i, c) in q.choices.iter().enumerate() {
        assert!(i == q.answer || *c != answer, "{name}: a wrong choice equals the answer: {q:?}");
        assert!(!q.choices[..i].contains(c), "{name}: a choice is offered twice: {q:?}");
    }
    assert!(q.choices.len() >= 3, "{name}: at least three choices: {q:?}");
    match (q.subject, answer) {
        (Subject::NextSegment { segment }, Choice::Segment(facts)) => {
            assert!(
                events.iter().any(|&e| matches!(t.events[e].kind, EventKind::Sent { segment: s } if s == segment)),
                "{name}: the segment is sent in the step the question hides"
            );
            let s = &t.segments[segment];
            let (seq, ack) = t.relative(segment);
            assert_eq!((facts.from, facts.to), (s.from, s.to), "{name}");
            assert_eq!(facts.seq, [seq, s.repr.seq.0], "{name}");
            assert_eq!(facts.ack, ack.map(|a| [a, s.repr.ack.0]), "{name}");
            assert_eq!(facts.flags, s.repr.flags.without(Flags::PSH), "{name}");
            // Nothing the question hides was sent before its step.
            let sent_before = (0..q.step)
                .flat_map(|k| steps[k].events.iter())
                .any(|&e| matches!(t.events[e].kind, EventKind::Sent { segment: s } if s == segment));
            assert!(!sent_before, "{name}");
        }
        (Subject::StateAfter { segment, host, .. }, Choice::State(state)) => {
            let s = &t.segments[segment];
            assert!(matches!(s.fate, Fate::Delivered { .. }), "{name}");
            assert_eq!(s.to, Some(host), "{name}");
            // The state the diagram shows for that connection after the step: the last change
            // at or before it (the one before the step when it changes nothing).
            let conn = s.received_by.expect("received");
            let last_change =
                (0..=q.step).flat_map(|k| steps[k].events.iter().copied()).filter_map(|e| match t.events[e].kind {
                    EventKind::State { to, .. } if t.events[e].conn == Some(conn) => Some((e, to)),
                    _ => None,
                });
            let shown = last_change.max_by_key(|&(e, _)| e).map(|(_, to)| to);
            assert_eq!(Some(state), shown, "{name}: {q:?}");
        }
        (Subject::TimerFires { host, timer, armed }, Choice::After(wait)) => {
            let fired = events.iter().find(|&&e| {
                t.events[e].host == host
                    && matches!(t.events[e].kind, EventKind::TimerFired { timer: f, .. } if f == timer)
            });
            let fired = fired.unwrap_or_else(|| panic!("{name}: the timer fires in the hidden step"));
            // The answer is the wait the stack asked for; on Linux's timer wheel it fires within
            // a bucket after it (a 1 s RTO: up to 32 ms, a delayed ACK: a 4 ms tick).
            let asked = t.events.iter().find_map(|e| match e.kind {
                EventKind::TimerArmed { timer: a, timeout, .. } if e.host == host && a == timer && e.at == armed => {
                    Some(timeout.as_micros() as u64)
                }
                _ => None,
            });
            assert_eq!(asked, Some(wait), "{name}");
            let late = t.events[*fired].at.micros - (armed.micros + wait);
            assert!(late <= wait / 7 + 4_000, "{name}: fired {late} µs after it was due");
        }
        other => panic!("{name}: an answer of the wrong kind: {other:?}"),
    }
}

#[test]
fn each_ready_made_exercise_is_answered_by_its_run() {
    let entries = entries_with_exercises();
    assert!(entries.len() >= 4, "a few catalogue entries have exercises");
    for (name, scenario) in entries {
        let t = simulate(&scenario);
        let questions = exercise::questions(&scenario.exercises, &t);
        assert_eq!(questions.len(), scenario.exercises.len(), "{name}");
        let mut steps = Vec::new();
        for q in &questions {
            let q = q.as_ref().unwrap_or_else(|e| panic!("{name}: exercise {e:?} is not asked of its own run"));
            check_answer(name, q, &t);
            steps.push(q.step);
        }
        assert!(steps.windows(2).all(|w| w[0] <= w[1]), "{name}: asked in the order of the run");
    }
}

/// Every question of the catalogue, its choices and the verdicts, in both languages: what a
/// reader reads (the right choice marked `*`).
#[test]
fn the_questions_read_in_both_languages() {
    let mut out = String::new();
    for (name, scenario) in entries_with_exercises() {
        let t = simulate(&scenario);
        let _ = writeln!(out, "== {name}");
        for q in exercise::questions(&scenario.exercises, &t).into_iter().flatten() {
            for lang in [Lang::En, Lang::Zh] {
                let _ = writeln!(out, "[step {}] {}", q.step, exercise::prompt(&q, &t, lang, true));
                for (i, c) in q.choices.iter().enumerate() {
                    let mark = if i == q.answer { '*' } else { ' ' };
                    let _ = writeln!(out, "  {mark} {}", exercise::choice_text(&q, c, &t, lang, true));
                }
                let wrong = (q.answer + 1) % q.choices.len();
                let _ = writeln!(out, "  -> {}", exercise::verdict(&q, q.answer, &t, lang, true));
                let _ = writeln!(out, "  -> {}", exercise::verdict(&q, wrong, &t, lang, true));
            }
        }
    }
    expect_test::expect_file!["snapshots/exercises.txt"].assert_eq(&out);
}

#[test]
fn exercises_under_other_profiles_and_seeds_are_asked_or_skipped() {
    let mut asked = 0;
    for (name, scenario) in entries_with_exercises() {
        for profile in Profile::ALL {
            for seed in 0..4 {
                let mut s = scenario.clone();
                s.profile = profile;
                s.seed = seed;
                s.link.loss = tcp_sim::scenario::Probability::new(if seed == 0 { 0.0 } else { 0.2 }).expect("loss");
                let t = simulate(&s);
                for q in exercise::questions(&s.exercises, &t) {
                    match q {
                        Ok(q) => {
                            check_answer(name, &q, &t);
                            asked += 1;
                        }
                        Err((i, why)) => {
                            assert!(i < s.exercises.len());
                            assert!(!exercise::unasked(why, Lang::En).is_empty());
                            assert!(!exercise::unasked(why, Lang::Zh).is_empty());
                        }
                    }
                }
            }
        }
    }
    assert!(asked > 100, "most are asked: {asked}");
}

#[test]
fn a_state_that_does_not_change_is_offered_as_staying() {
    // lost-final-ack: the FIN sent again reaches a client in TIME_WAIT, which stays there.
    let scenario = catalogue::get("lost-final-ack").expect("entry").scenario().expect("scenario");
    let t = simulate(&scenario);
    let q = (exercise::questions(&scenario.exercises, &t).into_iter().flatten())
        .find(|q| matches!(q.subject, Subject::StateAfter { .. }))
        .expect("a state question");
    assert_eq!(q.choices[q.answer], Choice::State(State::TimeWait));
    assert_eq!(exercise::choice_text(&q, &q.choices[q.answer], &t, Lang::En, true), "stays in TIME_WAIT");
    assert!(exercise::verdict(&q, q.answer, &t, Lang::En, true).starts_with("Right"));
}
