//! Server functions and the types that cross the wire. Each function is
//! thin: parse, authorize, call the domain and the store.

pub mod account;
pub mod catalog;
pub mod clinic;
pub mod codec;
pub mod deceased;
pub mod desk;
pub mod error;
pub mod invoice_view;
pub mod invoices;
pub mod lifecycle;
pub mod lists;
pub mod packs;
pub mod patients;
pub mod plans;
pub mod portal;
pub mod schedule;
pub mod selling;
pub mod settings;
pub mod soap;
pub mod staff;
pub mod sync;
pub mod templates;
