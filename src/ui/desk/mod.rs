//! The clinic desk's shared parts: line editor, catalog picker, tracker,
//! and the autosave that keeps drafts.

pub mod authorisation;
pub mod autosave;
#[cfg(feature = "hydrate")]
pub mod leaving;
pub mod lines;
pub mod open_packs;
pub mod pending;
pub mod picker;
pub mod saver;
pub mod state;
pub mod tracker;
