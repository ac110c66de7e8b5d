//! Why a script could not be read.

use alloc::string::String;
use core::fmt;

/// A script that cannot be read: malformed, or written in a part of packetdrill's language this
/// runner does not implement. Always names the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// The line at fault (1-based).
    pub line: u32,
    /// What is wrong, or what is not supported.
    pub message: String,
    /// The line is valid packetdrill that this runner does not implement.
    pub unsupported: bool,
}

impl ParseError {
    pub(crate) fn malformed(line: u32, message: impl Into<String>) -> ParseError {
        ParseError { line, message: message.into(), unsupported: false }
    }

    pub(crate) fn unsupported(line: u32, message: impl Into<String>) -> ParseError {
        ParseError { line, message: message.into(), unsupported: true }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.unsupported {
            write!(f, "line {}: not supported: {}", self.line, self.message)
        } else {
            write!(f, "line {}: {}", self.line, self.message)
        }
    }
}

/// `ParseError` works with `?` into `Box<dyn Error>` and error-reporting crates.
impl core::error::Error for ParseError {}
