//! How server functions' answers travel: JSON, read in the browser as text.
//!
//! A page's data reaches the browser two ways: in the HTML, as the JSON of
//! a resource (which Leptos reads with `serde_json::from_str`), and as a
//! server function's answer (which `server_fn`'s own JSON codec reads with
//! `serde_json::from_slice`). The two readers are different types, so every
//! answer type's deserializer was compiled into the bundle twice. Reading
//! answers as text too leaves one copy: the same bytes on the wire, a
//! smaller bundle.

use leptos::server_fn::codec::Post;
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// JSON (`application/json`), decoded from text.
pub struct JsonTextEncoding;

/// A server function's answer as JSON in the body of a `POST` reply.
pub type JsonText = Post<JsonTextEncoding>;

impl ContentType for JsonTextEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonTextEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonTextEncoding {
    type Error = serde_json::Error;

    fn encode(value: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(value).map(Bytes::from)
    }
}

/// Why an answer could not be read.
#[derive(Debug)]
pub enum JsonTextError {
    /// The answer was not UTF-8, which JSON must be.
    NotText,
    /// The answer was not the JSON expected.
    Json(serde_json::Error),
}

impl std::fmt::Display for JsonTextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JsonTextError::NotText => f.write_str("the answer is not UTF-8 text"),
            JsonTextError::Json(error) => error.fmt(f),
        }
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonTextEncoding {
    type Error = JsonTextError;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(|_| JsonTextError::NotText)?;
        serde_json::from_str(text).map_err(JsonTextError::Json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_reads_back_as_it_was_sent_and_bad_bytes_say_why() {
        let sent = vec![("Rex".to_string(), 3_i64)];
        let bytes = <JsonTextEncoding as Encodes<_>>::encode(&sent).unwrap();
        let back: Vec<(String, i64)> = <JsonTextEncoding as Decodes<_>>::decode(bytes).unwrap();
        assert_eq!(back, sent);
        let not_text = <JsonTextEncoding as Decodes<Vec<i64>>>::decode(Bytes::from_static(&[0xff, 0xfe]));
        assert_eq!(not_text.unwrap_err().to_string(), "the answer is not UTF-8 text");
        let not_json = <JsonTextEncoding as Decodes<Vec<i64>>>::decode(Bytes::from_static(b"[1,"));
        assert!(not_json.is_err());
    }

    /// A server function left on `server_fn`'s own JSON codec would bring
    /// the second copy of its answer's reader back into the bundle.
    #[test]
    fn every_server_function_answers_through_this_codec() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api");
        let mut checked = 0;
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            for (number, line) in text.lines().enumerate() {
                // A function's attribute starts its line; `#[server(default)]`
                // on an argument is indented.
                if line.starts_with("#[server(") {
                    checked += 1;
                    assert!(
                        line.contains("output = crate::api::codec::JsonText"),
                        "{}:{}: give the server function `output = crate::api::codec::JsonText`",
                        path.display(),
                        number + 1
                    );
                }
            }
        }
        assert!(checked > 50, "only {checked} server functions found under {}", folder.display());
    }
}
