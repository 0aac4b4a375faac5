//! The clinic desk's shared parts: line editor, catalog picker, tracker.

pub mod autosave;
pub mod lines;
pub mod picker;
pub mod state;
pub mod tracker;
