//! What a sync batch may ask the database while it counts: a batch counts
//! the next invoices while the connection writes what it counted before.

use crate::server::store::Conn;
use crate::wire::error::AppError;

/// What a batch may ask the database while it counts.
pub(crate) enum Db<'c> {
    /// The batch's own transaction.
    Online(&'c mut Conn),
    /// Nothing: the connection is writing what was counted before. Only
    /// what the batch keeps may be read, and new exceptions wait for the
    /// next write.
    Offline,
}

impl Db<'_> {
    /// The connection; offline, asking for it is a bug of the caller, who
    /// checks first that what it needs is kept.
    pub(crate) fn conn(&mut self) -> Result<&mut Conn, AppError> {
        match self {
            Db::Online(conn) => Ok(conn),
            Db::Offline => Err(AppError::Internal),
        }
    }
}
