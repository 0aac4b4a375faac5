//! The coverage an invoice posted, as stored with it.
//!
//! A record of its own, with a version: a field added to the coverage later
//! reads as its default on older invoices, and a record that cannot be read
//! is an error to fix, never a silently empty invoice.

use serde::{Deserialize, Serialize};

use crate::domain::Coverage;
use crate::wire::error::AppError;

/// The version written today. 1 was the bare coverage, before records.
const VERSION: u32 = 2;

#[derive(Serialize, Deserialize)]
struct Record {
    version: u32,
    coverage: Coverage,
}

/// The record to store for a finalized invoice.
pub(crate) fn encode(coverage: &Coverage) -> Result<String, AppError> {
    serde_json::to_string(&Record { version: VERSION, coverage: coverage.clone() }).map_err(|e| {
        tracing::error!(error = %e, "cannot write a coverage record");
        AppError::Internal
    })
}

/// Reads a stored record of any version.
pub(crate) fn decode(invoice_id: i64, json: &str) -> Result<Coverage, AppError> {
    let read = match serde_json::from_str::<serde_json::Value>(json) {
        Ok(value) if value.get("version").is_some() => serde_json::from_value::<Record>(value).map(|r| r.coverage),
        Ok(value) => serde_json::from_value::<Coverage>(value),
        Err(e) => Err(e),
    };
    read.map_err(|e| {
        tracing::error!(invoice_id, error = %e, "cannot read the coverage record of a finalized invoice");
        AppError::Internal
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_of_every_version_read_back() {
        let coverage = Coverage::default();
        assert_eq!(decode(1, &encode(&coverage).unwrap()).unwrap(), coverage);
        // Version 1: the bare coverage, lines without the fields added since.
        let v1 = r#"{"lines":[{"quantity":1,"allocations":[],"covered":0,"excess":1,"excess_discount":null,
            "gross":"45.00","discount":"0","net":"45.00","plan_applies":false,"asked":[],"explanation":""}],
            "tracker":{"rows":[],"plan_savings":"0","other_discounts":"0","total_discount":"0"}}"#;
        let read = decode(1, v1).unwrap();
        assert_eq!(read.lines[0].returns, vec![]);
        assert!(decode(1, "{\"version\":2}").is_err(), "a broken record is an error, not an empty invoice");
    }
}
