//! The page's components. Each takes its data as props and reports what the reader did through
//! `on_<event>` callbacks; only the app holds state.

pub mod controls;
pub mod diagram;
pub mod embed_builder;
pub mod exchange;
pub mod export;
pub mod inspector;
pub mod narration_panel;
pub mod playback;
pub mod state_machine;
