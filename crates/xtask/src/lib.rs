//! Library half of `cargo xtask`: pieces shared with the end-to-end tests.
//!
//! The commands themselves live in the `xtask` binary (`cargo xtask help`).

pub mod static_server;
