//! Server functions and the types that cross the wire. Each function is
//! thin: parse, authorize, call the domain and the store.

pub mod clinic;
pub mod error;
pub mod patients;
