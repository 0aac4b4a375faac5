//! Server-only code: configuration, state, the store, start-up.

pub mod actor;
pub mod api_status;
pub mod app;
pub mod auth;
pub mod config;
pub mod error;
pub mod export;
pub mod jobs;
pub mod mail;
pub mod startup;
pub mod state;
pub mod store;
