//! The clinic a page works in: its wire types live in [`crate::wire::clinic`].

pub use crate::wire::clinic::*;
