//! What the invoice pages show and send: it lives in
//! [`crate::wire::invoice_view`].

pub use crate::wire::invoice_view::*;
