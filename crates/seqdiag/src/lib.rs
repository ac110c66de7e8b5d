//! Trace → diagram geometry → standalone SVG and Mermaid text. (API contract; being built.)
#![no_std]
extern crate alloc;

use alloc::string::String;
use tcp_sim::Trace;

/// Language of labels and notes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// 中文.
    Zh,
}

/// How the reader wants the diagram.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewOptions {
    /// Language.
    pub lang: Lang,
    /// Relative sequence numbers (as Wireshark shows them) or absolute.
    pub relative: bool,
}

impl Default for ViewOptions {
    fn default() -> Self {
        ViewOptions { lang: Lang::En, relative: true }
    }
}

/// Diagram geometry.
#[derive(Clone, Debug, Default)]
pub struct Diagram {}

/// Lays a trace out.
pub fn layout(_trace: &Trace, _opts: &ViewOptions) -> Diagram {
    Diagram {}
}

/// Standalone SVG.
pub mod svg {
    use super::*;
    /// Renders a diagram.
    pub fn render(_d: &Diagram, _opts: &ViewOptions) -> String {
        String::new()
    }
}

/// Mermaid `sequenceDiagram` text.
pub mod mermaid {
    use super::*;
    /// Renders a trace.
    pub fn render(_t: &Trace, _opts: &ViewOptions) -> String {
        String::new()
    }
}
