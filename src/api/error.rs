//! The one error type of the API: a clear message for people, a status code
//! for clients. Internal details are logged on the server and never sent.
//! The type lives in [`crate::wire::error`]; here it learns to travel as a
//! server function's error.

use crate::api::codec::JsonTextEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};

pub use crate::wire::error::*;

impl FromServerFnError for AppError {
    type Encoder = JsonTextEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        // Decoders echo what they could not read; a 10 kB value does not
        // belong in the answer, so the detail is cut short.
        let short = |msg: String| -> String {
            if msg.chars().count() <= 200 { msg } else { format!("{}…", msg.chars().take(200).collect::<String>()) }
        };
        match value {
            ServerFnErrorErr::Args(msg)
            | ServerFnErrorErr::MissingArg(msg)
            | ServerFnErrorErr::Deserialization(msg) => {
                AppError::Invalid(format!("The request was incomplete or malformed: {}", short(msg)))
            }
            // On the server these come from reading what the client sent:
            // the client's mistake, not a fault of ours. In the browser they
            // mean the server could not be reached.
            ServerFnErrorErr::Request(msg) | ServerFnErrorErr::UnsupportedRequestMethod(msg)
                if cfg!(feature = "ssr") =>
            {
                AppError::Invalid(format!("The request could not be read: {}", short(msg)))
            }
            other => AppError::Network(other.to_string()),
        }
    }
}
