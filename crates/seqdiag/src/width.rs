//! Width classes: the few widths a diagram is laid out for.
//!
//! A diagram is never shrunk below its drawn size (its text would fall under 11 px), so it is laid
//! out for the room it gets. That room is reduced to one of four classes, chosen from the CSS
//! width of the box that shows the diagram (its content box, in CSS pixels):
//!
//! | class | box width | diagram at most |
//! |---|---|---|
//! | [`WidthClass::Narrow`] | under 480 px (phones) | 280 px |
//! | [`WidthClass::Medium`] | 480 to 599 px (phones on their side, narrow columns) | 480 px |
//! | [`WidthClass::Column`] | 600 to 719 px (a blog's text column, a tablet held upright) | 600 px |
//! | [`WidthClass::Wide`] | 720 to 999 px (a laptop page beside its side panel) | 720 px |
//! | [`WidthClass::Full`] | 1000 px and more, and every export | 1000 px |
//!
//! So a box of width `w` always holds its class's diagram at its own size (the 280 px of
//! `Narrow` fit the page of a 320 px phone, 286 px inside its margins, and a 360 px one even with
//! classic scrollbars, 296 px). The geometry for a class is a pure function of (trace,
//! [`crate::ViewOptions`]): a page can prerender one SVG per class and pick it with a container
//! query on the same thresholds ([`WidthClass::min_box_width`]), and the app, measuring the same
//! box, lays out the same class. `Full` is the default: the CLI's `--format svg` and the page's
//! export draw it. Up to three hosts fit their class's width; more hosts make a wider diagram.

/// The width class a diagram is laid out for. See the [module documentation](self).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum WidthClass {
    /// Boxes under 480 px: at most 280 px wide. Annotations sit inside the lanes, beside their
    /// lifeline, and every text wraps to the lane.
    Narrow,
    /// Boxes of 480 to 599 px: at most 480 px wide.
    Medium,
    /// Boxes of 600 to 719 px: at most 600 px wide. Most blogs' text columns are this wide, so
    /// an embedded diagram usually gets this class.
    Column,
    /// Boxes of 720 to 999 px: at most 720 px wide.
    Wide,
    /// Boxes of 1000 px and more, and exports: at most 1000 px wide (two hosts keep the
    /// geometry synack always drew).
    #[default]
    Full,
}

impl WidthClass {
    /// Every class, narrowest first.
    pub const ALL: [WidthClass; 5] =
        [WidthClass::Narrow, WidthClass::Medium, WidthClass::Column, WidthClass::Wide, WidthClass::Full];

    /// The class for a box `css_px` wide (its content box).
    pub fn for_box_width(css_px: f32) -> WidthClass {
        let fits = |c: &WidthClass| css_px >= c.min_box_width();
        WidthClass::ALL.into_iter().rev().find(fits).unwrap_or(WidthClass::Narrow)
    }

    /// The narrowest box that gets this class (0 for `Narrow`).
    pub const fn min_box_width(self) -> f32 {
        match self {
            WidthClass::Narrow => 0.0,
            WidthClass::Medium => 480.0,
            WidthClass::Column => 600.0,
            WidthClass::Wide => 720.0,
            WidthClass::Full => 1000.0,
        }
    }

    /// The widest diagram of this class (up to three hosts).
    pub const fn max_width(self) -> f32 {
        match self {
            WidthClass::Narrow => 280.0,
            WidthClass::Medium => 480.0,
            WidthClass::Column => 600.0,
            WidthClass::Wide => 720.0,
            WidthClass::Full => 1000.0,
        }
    }

    /// Its name: `narrow`, `medium`, `wide`, `full` (for data attributes and file names).
    pub const fn name(self) -> &'static str {
        match self {
            WidthClass::Narrow => "narrow",
            WidthClass::Medium => "medium",
            WidthClass::Column => "column",
            WidthClass::Wide => "wide",
            WidthClass::Full => "full",
        }
    }

    /// The class named `name`.
    pub fn from_name(name: &str) -> Option<WidthClass> {
        WidthClass::ALL.into_iter().find(|c| c.name() == name)
    }

    /// How this class lays things out.
    pub(crate) const fn metrics(self) -> Metrics {
        match self {
            WidthClass::Narrow => Metrics {
                ruler_w: 46.0,
                note_w: 96.0,
                min_room: 120.0,
                max_room: 300.0,
                head_pad: 12.0,
                wrap_heads: true,
                stretch: 1.5,
            },
            WidthClass::Medium => Metrics {
                ruler_w: 52.0,
                note_w: 110.0,
                min_room: 170.0,
                max_room: 400.0,
                head_pad: 16.0,
                wrap_heads: true,
                stretch: 1.25,
            },
            WidthClass::Column => Metrics {
                ruler_w: 56.0,
                note_w: 140.0,
                min_room: 200.0,
                max_room: 480.0,
                head_pad: 18.0,
                wrap_heads: true,
                stretch: 1.25,
            },
            WidthClass::Wide => Metrics {
                ruler_w: 58.0,
                note_w: 170.0,
                min_room: 230.0,
                max_room: 560.0,
                head_pad: 20.0,
                wrap_heads: true,
                stretch: 1.0,
            },
            WidthClass::Full => Metrics {
                ruler_w: 64.0,
                note_w: 300.0,
                min_room: 330.0,
                max_room: 760.0,
                head_pad: 24.0,
                wrap_heads: false,
                stretch: 1.0,
            },
        }
    }
}

/// The measures a width class lays out with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Metrics {
    /// Width of the time ruler on the left.
    pub(crate) ruler_w: f32,
    /// Annotations (state names, notes, timers) wrap at this width.
    pub(crate) note_w: f32,
    /// The narrowest and widest room for arrows between two lifelines (beyond annotations).
    pub(crate) min_room: f32,
    pub(crate) max_room: f32,
    /// Padding around the text of a host's header.
    pub(crate) head_pad: f32,
    /// Host names and addresses may wrap to fit their header.
    pub(crate) wrap_heads: bool,
    /// Time is drawn this much taller than [`crate::ViewOptions::px_per_ms`] says (slots and
    /// the least gap between two instants too).
    pub(crate) stretch: f32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_from_box_widths() {
        assert_eq!(WidthClass::for_box_width(286.0), WidthClass::Narrow);
        assert_eq!(WidthClass::for_box_width(479.9), WidthClass::Narrow);
        assert_eq!(WidthClass::for_box_width(480.0), WidthClass::Medium);
        assert_eq!(WidthClass::for_box_width(599.9), WidthClass::Medium);
        assert_eq!(WidthClass::for_box_width(704.0), WidthClass::Column);
        assert_eq!(WidthClass::for_box_width(734.0), WidthClass::Wide);
        assert_eq!(WidthClass::for_box_width(1262.0), WidthClass::Full);
        assert_eq!(WidthClass::for_box_width(f32::NAN), WidthClass::Narrow);
        for c in WidthClass::ALL {
            assert!(c.max_width() <= c.min_box_width().max(286.0), "{c:?} fits every box of its class");
            assert_eq!(WidthClass::from_name(c.name()), Some(c));
        }
    }
}
