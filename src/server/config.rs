//! Start-up settings, read once from the environment.

use std::net::SocketAddr;
use std::path::PathBuf;

/// How this server instance runs.
#[derive(Clone, Debug)]
pub struct Config {
    /// The SQLite file (created with its folder when absent).
    pub database_path: PathBuf,
    /// Where to listen.
    pub addr: SocketAddr,
    /// Fill a new database with the demo clinic.
    pub demo_data: bool,
    /// Folder holding the compiled site (`pkg/` with the WASM bundle).
    pub site_root: String,
}

impl Config {
    /// Reads `CARECOUNT_DATABASE`, `CARECOUNT_ADDR` (or `LEPTOS_SITE_ADDR`),
    /// `CARECOUNT_DEMO_DATA` and `LEPTOS_SITE_ROOT`, with defaults that suit
    /// `make run`. A malformed value is an error naming the variable.
    pub fn from_env() -> Result<Config, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let addr_text =
            var("CARECOUNT_ADDR").or_else(|| var("LEPTOS_SITE_ADDR")).unwrap_or_else(|| "127.0.0.1:3000".to_string());
        let addr = addr_text.parse().map_err(|_| {
            format!("CARECOUNT_ADDR \u{201c}{addr_text}\u{201d} is not an address such as 127.0.0.1:3000")
        })?;
        let demo_data = match var("CARECOUNT_DEMO_DATA").as_deref() {
            None | Some("0") | Some("false") | Some("no") => false,
            Some("1") | Some("true") | Some("yes") => true,
            Some(other) => return Err(format!("CARECOUNT_DEMO_DATA \u{201c}{other}\u{201d} should be 1 or 0")),
        };
        Ok(Config {
            database_path: var("CARECOUNT_DATABASE").unwrap_or_else(|| "data/carecount.db".into()).into(),
            addr,
            demo_data,
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
        })
    }
}
