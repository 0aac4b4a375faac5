//! The one error type of the API: a clear message for people, a status code
//! for clients. Internal details are logged on the server and never sent.

use serde::{Deserialize, Serialize};

/// What went wrong, in words a receptionist can act on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The request's input is wrong; the message says what to fix.
    #[error("{0}")]
    Invalid(String),
    /// The thing asked for does not exist (or is not the caller's to see).
    #[error("{0}")]
    NotFound(String),
    /// The request conflicts with the current state (already finalized, ...).
    #[error("{0}")]
    Conflict(String),
    /// No session, or it has ended.
    #[error("Please sign in to continue.")]
    Unauthorized,
    /// Too many attempts in a short time; the message says how long to wait.
    #[error("{0}")]
    TooMany(String),
    /// Signed in, but not allowed.
    #[error("You don't have access to that.")]
    Forbidden,
    /// A fault on the server; the detail is in the server's log.
    #[error("Something went wrong on our side and nothing was changed. Please try again.")]
    Internal,
    /// The browser could not talk to the server.
    #[error("CareCount could not be reached ({0}). Check the connection and try again.")]
    Network(String),
}

impl AppError {
    /// The HTTP status that goes with it.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid(_) => 422,
            AppError::NotFound(_) => 404,
            AppError::Conflict(_) => 409,
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::TooMany(_) => 429,
            AppError::Internal | AppError::Network(_) => 500,
        }
    }
}
