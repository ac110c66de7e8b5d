//! What the page says about a real capture it shows (full module): which file and connection
//! (a picker when the file holds several), what is inferred, what the capture shows, and, once
//! the reader has changed something, that the diagram is a re-run.

use crate::capture_file::{CapturedConnection, connection_line};
use crate::state::Shared;
use bilingual::Lang;
use bilingual::pick;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Props of [`CapturePanel`].
#[derive(Properties, PartialEq, Debug)]
pub struct CapturePanelProps {
    /// The connection shown.
    pub connection: Shared<CapturedConnection>,
    /// The diagram is the re-run (the reader changed something), not the capture.
    pub rerun: bool,
    /// Language.
    pub lang: Lang,
    /// Another connection of the file was picked (its number, from 1).
    pub on_pick: Callback<usize>,
}

/// Notes listed at most (the rest are in the narration and the exchange).
const NOTES_SHOWN: usize = 6;

/// Connections the picker lists at most, around the one shown: a capture may hold 100,000, and
/// a list that long would take the page many frames to build. Past it, a number field reaches
/// any connection.
const LISTED: usize = 200;

/// The connections the picker lists (numbers from 1) when connection `shown` of `count` is shown.
fn listed(shown: usize, count: usize) -> std::ops::RangeInclusive<usize> {
    let first = shown.saturating_sub(LISTED / 2).clamp(1, count.saturating_sub(LISTED - 1).max(1));
    first..=count.min(first + LISTED - 1)
}

/// The panel above the diagram.
#[component]
pub fn CapturePanel(props: &CapturePanelProps) -> Html {
    let lang = props.lang;
    let c = &props.connection;
    let listing = &c.capture.listing;
    let count = listing.connections.len();
    let name = c.capture.file.name();
    let on_pick = {
        let cb = props.on_pick.clone();
        Callback::from(move |e: Event| {
            if let Ok(n) = e.target_unchecked_into::<HtmlSelectElement>().value().parse() {
                cb.emit(n);
            }
        })
    };
    // A number out of range is the connection step's to report.
    let on_number = {
        let cb = props.on_pick.clone();
        Callback::from(move |e: Event| {
            if let Ok(n) = e.target_unchecked_into::<HtmlInputElement>().value().trim().parse() {
                cb.emit(n);
            }
        })
    };
    let what = if props.rerun {
        pick(
            lang,
            "You changed it: the diagram is now a re-run of this connection as an experiment, from the scenario derived from the capture. Its timings, delays and stack profile are inferred, so the re-run is an approximation.",
            "你改动了它：时序图现在是这个连接作为实验的重新运行，依据从抓包推出的场景。其中的时间、时延和协议栈配置都是推断的，所以重新运行只是近似。",
        )
    } else {
        pick(
            lang,
            "The segments are the capture's; both ends' states are inferred from them. Tap a segment to drop, delay or duplicate it and see what would have happened: the connection is then re-run as an experiment.",
            "报文段都来自抓包，两端的状态是据此推断的。点击任一报文段即可让它丢失、延迟或重复，看看会发生什么：这时连接会作为实验重新运行。",
        )
    };
    let shown = c.import.notes.len().min(NOTES_SHOWN);
    html! {
        <section class="capture" data-testid="capture" aria-labelledby="capture-title">
            <h2 id="capture-title">{ format!("{}{name}", pick(lang, "A real capture: ", "真实抓包：")) }</h2>
            if count > 1 {
                <label class="field wide" for="capture-conn">
                    <span>{ match lang.shown() {
                        Lang::En => format!("Connection ({count})"),
                        Lang::Zh => format!("连接（{count}）"),
                    } }</span>
                    <select id="capture-conn" data-testid="capture-conn" onchange={on_pick}>
                        { for listed(c.number, count).map(|n| html! {
                            <option value={n.to_string()} selected={n == c.number}>{ connection_line(listing, n, lang) }</option>
                        }) }
                    </select>
                </label>
                if count > LISTED {
                    <label class="field" for="capture-conn-number">
                        <span>{ match lang.shown() {
                            Lang::En => format!("Connection number (1–{count})"),
                            Lang::Zh => format!("连接编号（1–{count}）"),
                        } }</span>
                        <input id="capture-conn-number" data-testid="capture-conn-number" type="number" min="1"
                            max={count.to_string()} value={c.number.to_string()} onchange={on_number} />
                    </label>
                }
            } else {
                <p>{ connection_line(listing, c.number, lang) }</p>
            }
            <p data-testid="capture-what">{ what }</p>
            if !c.import.notes.is_empty() {
                // Folded: on a phone six notes would push the diagram below the fold.
                <details class="capture-notes" data-testid="capture-notes">
                    <summary>{ match lang.shown() {
                        Lang::En => format!("What the capture shows ({shown})"),
                        Lang::Zh => format!("抓包里看到的情况（{shown}）"),
                    } }</summary>
                    <ul>
                        { for c.import.notes.iter().take(NOTES_SHOWN).map(|n| html! {
                            <li>{ if lang.is_en() { n.en() } else { n.zh() } }</li>
                        }) }
                    </ul>
                </details>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_picker_lists_at_most_its_share_around_the_connection_shown() {
        assert_eq!(listed(1, 3), 1..=3);
        assert_eq!(listed(3, 3), 1..=3);
        assert_eq!(listed(1, 9091), 1..=200);
        assert_eq!(listed(5000, 9091), 4900..=5099);
        assert_eq!(listed(9091, 9091), 8892..=9091);
        assert_eq!(listed(200, 200), 1..=200);
        for (shown, count) in [(1, 1), (150, 201), (9000, 9091), (42, 100_000)] {
            let r = listed(shown, count);
            assert!(
                r.contains(&shown) && *r.end() <= count && r.clone().count() == count.min(LISTED),
                "{shown} of {count}: {r:?}"
            );
        }
    }
}
