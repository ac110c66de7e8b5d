//! The reader's language, and every word that more than one of synack's layers shows: durations
//! and moments, why a segment was lost or rejected, what an application called and the error it
//! got, timer names, tags. The diagram (seqdiag), the narration, the page and the CLI all write
//! these through this crate, so each is worded, and each number rounded, in one place.
//!
//! A build with one language only (feature `en` or `zh`: the page's players) decides
//! [`Lang::is_en`] at compile time; every [`pick`] and [`choose!`] then keeps one language's
//! words and the optimizer leaves the other's out of the binary.
#![no_std]
#![warn(missing_docs)]

extern crate alloc;

mod words;

pub use words::*;

#[doc(hidden)]
pub use alloc::format as __format;

/// The reader's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// 中文.
    Zh,
}

impl Lang {
    /// Whether to write English: the reader's language, unless this build has one language only,
    /// which is then decided at compile time.
    pub const fn is_en(self) -> bool {
        match (cfg!(feature = "en"), cfg!(feature = "zh")) {
            (true, false) => true,
            (false, true) => false,
            _ => matches!(self, Lang::En),
        }
    }

    /// The language words are written in: this one, or the only one this build has.
    pub const fn shown(self) -> Lang {
        if self.is_en() { Lang::En } else { Lang::Zh }
    }
}

/// The English or the Chinese of a fixed text.
pub const fn pick(lang: Lang, en: &'static str, zh: &'static str) -> &'static str {
    if lang.is_en() { en } else { zh }
}

/// The English or the Chinese expression, by language; only the one chosen is evaluated (so
/// `choose!(lang, format!(…), format!(…))` formats once).
#[macro_export]
macro_rules! choose {
    ($lang:expr, $en:expr, $zh:expr $(,)?) => {
        if $crate::Lang::is_en($lang) { $en } else { $zh }
    };
}

/// `format!` of the English or the Chinese sentence, by language; arguments are captured from
/// the caller's scope (`"{who} sends"`), so each sentence reads as written.
#[macro_export]
macro_rules! say {
    ($lang:expr, $en:literal, $zh:literal $(,)?) => {
        $crate::choose!($lang, $crate::__format!($en), $crate::__format!($zh))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_are_chosen_at_run_time_without_a_feature() {
        assert_eq!(pick(Lang::En, "ACK", "确认"), "ACK");
        assert_eq!(pick(Lang::Zh, "ACK", "确认"), "确认");
        let n = 3;
        assert_eq!(say!(Lang::Zh, "{n} bytes", "{n} 字节"), "3 字节");
        assert_eq!(Lang::Zh.shown(), Lang::Zh);
    }
}
