//! The desk panel of a client: SOAP plans to invoice and past invoices.

use serde::{Deserialize, Serialize};

use super::desk::{InvoiceSummary, OpenSoap};

/// The desk panel of a client: SOAP plans to invoice and past invoices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskOverview {
    /// The client.
    pub client_id: i64,
    /// SOAP plans not yet invoiced.
    pub open_soaps: Vec<OpenSoap>,
    /// Invoices, newest first.
    pub invoices: Vec<InvoiceSummary>,
    /// The viewer may sell plans (vets may not): the button shows.
    pub may_sell: bool,
}
