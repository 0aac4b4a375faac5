//! Server-only code: configuration, state, the store, start-up.

/// The server's allocator (the binary, its tests and benchmarks): an import
/// allocates and frees many small values on two threads (the async task and
/// SQLite's), where glibc's malloc took a quarter of the time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod actor;
pub mod api_status;
pub mod app;
pub mod auth;
pub mod body_limit;
pub mod bundle_deltas;
pub mod clinic_clock;
pub mod config;
pub mod delivery;
pub mod demo_command;
pub mod drop_later;
pub mod error;
pub mod export;
pub mod headers;
pub mod import;
pub mod integration;
pub mod jobs;
pub mod mail;
pub mod mail_relay;
pub mod request_scope;
pub mod startup;
pub mod state;
pub mod store;
