//! What every test of the binary does: run it as a user would, and read what it wrote.
#![allow(dead_code)]

use std::process::{Command, Output};

/// `synack ARGS…`, run to its end.
pub(crate) fn synack(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synack")).args(args).output().expect("the binary runs")
}

/// What it wrote to standard output.
pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// What it wrote to standard error.
pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
