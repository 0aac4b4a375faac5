//! Server-only code: configuration, state, the store, start-up.

pub mod actor;
pub mod api_status;
pub mod app;
pub mod auth;
pub mod body_limit;
pub mod config;
pub mod delivery;
pub mod error;
pub mod export;
pub mod headers;
pub mod import;
pub mod integration;
pub mod jobs;
pub mod mail;
pub mod mail_relay;
pub mod startup;
pub mod state;
pub mod store;
