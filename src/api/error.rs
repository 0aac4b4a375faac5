//! The one error type of the API: a clear message for people, a status code
//! for clients. Internal details are logged on the server and never sent.
//! The type lives in [`crate::wire::error`]; here it learns to travel as a
//! server function's error.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};

pub use crate::wire::error::*;

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(msg)
            | ServerFnErrorErr::MissingArg(msg)
            | ServerFnErrorErr::Deserialization(msg) => {
                AppError::Invalid(format!("The request was incomplete or malformed: {msg}"))
            }
            other => AppError::Network(other.to_string()),
        }
    }
}
