//! The catalogue's diagrams, drawn at build time, so that a page shows its diagram before the
//! wasm has arrived (`web/dist/prerender/<entry>.<lang>.<class>.svg`).
//!
//! Each file is what `synack run <entry> --format svg [--lang zh]` writes, without its `<style>`
//! (the page's stylesheets have the same rules, a strict CSP would report an inline style, and
//! every first visit on a wide screen or in an embed downloads one: 0.9 KiB of gzip less).
//! `boot.js` draws the one its link names while the app loads; it learns their sizes
//! (and where each playback step is, to crop an embed's step range) from [`table`], which the
//! build writes into `boot.js`.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use anyhow::{Context as _, Result};
use bilingual::Lang;
use seqdiag::{Px, ViewOptions, WidthClass};
use tcp_sim::catalogue;

/// Every width class, narrowest first: `seqdiag::WidthClass`. The app lays the diagram out for
/// its box's class; `boot.js` measures the same box and draws the file of the same class, so the
/// first frame and the app agree (`tests/first_paint.rs` checks nothing moves).
pub(crate) const WIDTH_CLASSES: [WidthClass; WidthClass::ALL.len()] = WidthClass::ALL;

/// The languages, by their name in links and file names.
pub(crate) const LANGS: [(&str, Lang); 2] = [("en", Lang::En), ("zh", Lang::Zh)];

/// One prerendered diagram.
pub(crate) struct Diagram {
    pub(crate) entry: &'static str,
    pub(crate) lang: &'static str,
    pub(crate) class: &'static str,
    /// The standalone SVG, as the CLI writes it.
    pub(crate) svg: String,
    pub(crate) width: f32,
    pub(crate) height: f32,
    /// The y of each playback step (an embed locked to steps a..b is cropped at step b + 1's).
    pub(crate) step_ys: Vec<f32>,
}

/// One entry's narration in one language, as a player shows it (see `web/src/upgrade.rs`):
/// `{"entry":…,"summary":…,"steps":[[headline, paragraph…]…]}`: the entry's summary (shown at
/// its last step) and what the `narration` crate says of each playback step with relative
/// numbers, as the full module says them.
pub(crate) struct Narration {
    pub(crate) entry: &'static str,
    pub(crate) lang: &'static str,
    pub(crate) json: String,
}

impl Narration {
    /// Its path under `web/dist`.
    pub(crate) fn file(&self) -> String {
        format!("prerender/{}.{}.narration.json", self.entry, self.lang)
    }
}

/// Every entry's narration in every language.
pub(crate) fn narrations() -> Result<Vec<Narration>> {
    let mut out = Vec::new();
    for entry in catalogue::ENTRIES {
        let scenario = entry.scenario().map_err(|e| anyhow::anyhow!("catalogue entry {}: {e}", entry.name))?;
        let trace = tcp_sim::simulate(&scenario);
        let steps = seqdiag::steps::steps(&trace);
        for (lang_name, lang) in LANGS {
            let texts: Vec<Vec<String>> = steps
                .iter()
                .map(|step| {
                    let mut texts = vec![narration::headline(&trace, &step.events, lang, true)];
                    texts.extend(narration::narrate(&trace, &step.events, lang, true));
                    texts
                })
                .collect();
            let summary = bilingual::scenario_text(lang, &scenario.narration);
            let json = serde_json::json!({ "entry": entry.name, "summary": summary, "steps": texts }).to_string();
            out.push(Narration { entry: entry.name, lang: lang_name, json });
        }
    }
    Ok(out)
}

impl Diagram {
    /// Its path under `web/dist`.
    pub(crate) fn file(&self) -> String {
        format!("prerender/{}.{}.{}.svg", self.entry, self.lang, self.class)
    }

    /// The file's content: the SVG without its `<style>`.
    fn without_style(&self) -> Result<String> {
        let (Some(start), Some(end)) = (self.svg.find("<style>"), self.svg.find("</style>")) else {
            anyhow::bail!("{}: not the SVG seqdiag writes", self.file());
        };
        Ok(format!("{}{}", &self.svg[..start], self.svg[end + "</style>".len()..].trim_start_matches('\n')))
    }
}

/// Every entry in every language and width class.
pub(crate) fn all() -> Result<Vec<Diagram>> {
    let mut out = Vec::new();
    for entry in catalogue::ENTRIES {
        let scenario = entry.scenario().map_err(|e| anyhow::anyhow!("catalogue entry {}: {e}", entry.name))?;
        let trace = tcp_sim::simulate(&scenario);
        for (lang_name, lang) in LANGS {
            for class in WIDTH_CLASSES {
                let view = ViewOptions { lang, width: class, ..ViewOptions::default() };
                let diagram = seqdiag::layout(&trace, &view);
                out.push(Diagram {
                    entry: entry.name,
                    lang: lang_name,
                    class: class.name(),
                    svg: seqdiag::svg::render(&diagram, &view),
                    width: diagram.width,
                    height: diagram.height,
                    step_ys: diagram.steps.iter().map(|s| s.y).collect(),
                });
            }
        }
    }
    Ok(out)
}

/// `prerender/on-demand.json`: per on-demand entry, language and width class, the prerendered
/// diagram's `[width, height]`, which `boot.js` fetches for a link to such an entry only.
pub(crate) fn on_demand_sizes(diagrams: &[Diagram]) -> String {
    let mut entries: Vec<String> = Vec::new();
    for entry in catalogue::ENTRIES.iter().filter(|e| e.on_demand) {
        let langs: Vec<String> = LANGS
            .iter()
            .map(|(lang, _)| {
                let classes: Vec<String> = (diagrams.iter())
                    .filter(|d| d.entry == entry.name && d.lang == *lang)
                    .map(|d| format!("{:?}:[{},{}]", d.class, Px(d.width), Px(d.height)))
                    .collect();
                format!("{lang:?}:{{{}}}", classes.join(","))
            })
            .collect();
        entries.push(format!("{:?}:{{{}}}", entry.name, langs.join(",")));
    }
    format!("{{{}}}", entries.join(","))
}

/// Writes every diagram and narration under `dist/prerender/`.
pub(crate) fn write(dist: &Path, diagrams: &[Diagram], narrations: &[Narration]) -> Result<()> {
    fs::create_dir_all(dist.join("prerender"))?;
    for d in diagrams {
        let path = dist.join(d.file());
        fs::write(&path, d.without_style()?).with_context(|| format!("writing {}", path.display()))?;
    }
    for n in narrations {
        let path = dist.join(n.file());
        fs::write(&path, &n.json).with_context(|| format!("writing {}", path.display()))?;
    }
    fs::write(dist.join("prerender/on-demand.json"), on_demand_sizes(diagrams))?;
    Ok(())
}

/// What `boot.js` needs to know, as a JavaScript object literal: the width classes (name and
/// the narrowest box, in CSS px, that gets it); per entry and language, each class's `[width,
/// height, ys]`, where `ys` indexes `ys`, the lists of the playback steps' y (languages and
/// entries often share one), each y written as its distance from the one before; and
/// `onDemand`, the entries a player cannot show. Those are not in the table (a first visit does
/// not need their sizes and steps): [`on_demand_sizes`] has them.
pub(crate) fn table(diagrams: &[Diagram]) -> String {
    let mut out = String::from("{classes:[");
    for class in WIDTH_CLASSES {
        let _ = write!(out, "[{:?},{}],", class.name(), Px(class.min_box_width()));
    }
    let mut ys: Vec<String> = Vec::new();
    out.push_str("],entries:{");
    for entry in catalogue::ENTRIES.iter().filter(|e| !e.on_demand) {
        let _ = write!(out, "{:?}:{{", entry.name);
        for (lang, _) in LANGS {
            let _ = write!(out, "{lang}:{{");
            for d in diagrams.iter().filter(|d| d.entry == entry.name && d.lang == lang) {
                // Each step's y as the distance from the one before (the first from 0), in the
                // tenths the page rounds to: steps are often evenly spaced, and repeated distances
                // compress to little. `boot.js` adds them up again.
                let tenths: Vec<i64> = d.step_ys.iter().map(|y| (f64::from(*y) * 10.0).round() as i64).collect();
                let list: Vec<String> = tenths
                    .iter()
                    .zip(std::iter::once(&0).chain(&tenths))
                    .map(|(y, before)| Px((y - before) as f32 / 10.0).to_string())
                    .collect();
                let list = format!("[{}]", list.join(","));
                let index = ys.iter().position(|l| *l == list).unwrap_or_else(|| {
                    ys.push(list);
                    ys.len() - 1
                });
                let _ = write!(out, "{}:[{},{},{index}],", d.class, Px(d.width), Px(d.height));
            }
            out.push_str("},");
        }
        out.push_str("},");
    }
    // The entries whose scenario the player leaves out: a link to one starts the full module.
    let on_demand: Vec<String> =
        catalogue::ENTRIES.iter().filter(|e| e.on_demand).map(|e| format!("{:?}", e.name)).collect();
    let _ = write!(out, "}},onDemand:[{}],ys:[{}]}}", on_demand.join(","), ys.join(","));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_every_entry_language_and_class() {
        let diagrams = all().expect("the catalogue draws");
        assert_eq!(diagrams.len(), catalogue::ENTRIES.len() * LANGS.len() * WIDTH_CLASSES.len());
        let table = table(&diagrams);
        let sizes: serde_json::Value = serde_json::from_str(&on_demand_sizes(&diagrams)).expect("JSON");
        for entry in catalogue::ENTRIES {
            let in_table = table.contains(&format!("{:?}:{{en:{{narrow:[", entry.name));
            assert_eq!(in_table, !entry.on_demand, "{}: {table}", entry.name);
            assert!(table.ends_with("]]}"), "{table}");
            for lang in ["en", "zh"] {
                let size = &sizes[entry.name][lang]["full"];
                assert_eq!(size.is_array(), entry.on_demand, "{} {lang}: {sizes}", entry.name);
            }
        }
        let on_demand: Vec<String> =
            catalogue::ENTRIES.iter().filter(|e| e.on_demand).map(|e| format!("{:?}", e.name)).collect();
        assert!(table.contains(&format!(",onDemand:[{}],", on_demand.join(","))), "{table}");
        let handshake = diagrams.iter().find(|d| d.entry == "handshake" && d.lang == "en").expect("handshake");
        assert!(handshake.svg.starts_with("<svg") && handshake.step_ys.len() > 5);
    }

    #[test]
    fn the_tables_step_distances_add_up_to_each_steps_y() {
        let diagrams = all().expect("the catalogue draws");
        let table = table(&diagrams);
        let lists = &table[table.find(",ys:[").expect("the ys lists") + 5..table.len() - 2];
        let on_demand = |name: &str| catalogue::get(name).is_some_and(|e| e.on_demand);
        let lists: Vec<Vec<f64>> = lists
            .trim_start_matches('[')
            .trim_end_matches(']')
            .split("],[")
            .map(|l| l.split(',').map(|n| n.parse().expect("a number")).collect())
            .collect();
        for d in diagrams.iter().filter(|d| !on_demand(d.entry)) {
            let want: Vec<f64> = d.step_ys.iter().map(|y| (f64::from(*y) * 10.0).round() / 10.0).collect();
            let found = lists.iter().any(|gaps| {
                let mut y = 0.0;
                let ys: Vec<f64> = gaps
                    .iter()
                    .map(|g| {
                        y = ((y + g) * 10.0_f64).round() / 10.0;
                        y
                    })
                    .collect();
                ys == want
            });
            assert!(found, "{}: no list adds up to {want:?}", d.file());
        }
    }
}
