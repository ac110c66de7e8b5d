//! The page's components. Each takes its data as props and reports what the reader did through
//! `on_<event>` callbacks; only the app holds state. The inspector, the embed builder, the state
//! diagram, the odds, the exercises and the capture panel are only in the full module (see `upgrade`).

#[cfg(feature = "full")]
pub mod capture_panel;
#[cfg(feature = "full")]
pub mod compare;
pub mod controls;
pub mod diagram;
#[cfg(feature = "full")]
pub mod embed_builder;
pub mod exchange;
#[cfg(feature = "full")]
pub mod exercise_panel;
pub mod export;
#[cfg(feature = "full")]
pub mod inspector;
pub mod narration_panel;
#[cfg(feature = "full")]
pub mod odds_panel;
pub mod playback;
#[cfg(feature = "full")]
pub mod state_machine;
