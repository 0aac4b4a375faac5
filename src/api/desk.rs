//! Types shared by the SOAP and invoice pages: they live in
//! [`crate::wire::desk`].

pub use crate::wire::desk::*;
