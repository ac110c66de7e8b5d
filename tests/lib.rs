//! End-to-end tests of synack. There is no library here: the tests are in
//! `browser.rs` (`cargo test -p synack-tests`), and they need the built site
//! (`cargo xtask build-web`) plus Chromium and chromedriver (`cargo xtask setup`).
