//! The types that cross the wire between the server and the browser: what
//! the server functions take and return, with their pure helpers.
//!
//! They live apart from the server functions in [`crate::api`] so that the
//! store can build them without reaching up into `api`: dependencies point
//! one way, ui → api → server → wire and domain. A module here imports only
//! the domain, serde, chrono, rust_decimal, thiserror and other wire modules,
//! and compiles for both the server and the browser. `stored` is the one
//! server-only module: how the rows that derive `FromRow` here (and the
//! store's own) keep days, times and flags in either database.

pub mod account;
pub mod clinic;
pub mod desk;
pub mod error;
pub mod invoice_view;
pub mod invoices;
pub mod lists;
pub mod packs;
pub mod paging;
pub mod patients;
pub mod plans;
pub mod portal;
pub mod schedule;
pub mod selling;
pub mod settings;
pub mod soap;
pub mod staff;
#[cfg(feature = "ssr")]
pub mod stored;
pub mod sync;
pub mod templates;
