//! Start-up settings, read once from the environment.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::server::store::shown_url;

/// How this server instance runs.
#[derive(Clone, Debug)]
pub struct Config {
    /// The SQLite file (created with its folder when absent), unless
    /// `database_url` names a PostgreSQL database.
    pub database_path: PathBuf,
    /// A `postgres://` URL: the database several servers of a group share.
    pub database_url: Option<String>,
    /// Where to listen.
    pub addr: SocketAddr,
    /// Fill a new database with the demo clinic.
    pub demo_data: bool,
    /// Folder holding the compiled site (`pkg/` with the WASM bundle).
    pub site_root: String,
    /// The address people open, for links in emails; `https://` also makes
    /// the session cookie Secure. Defaults to `http://` + the listen address.
    pub public_url: Option<String>,
    /// Where email goes: an `smtp://host:port` relay, or (when unset) `.eml`
    /// files in `outbox_dir` for a person or a test to read.
    pub smtp_url: Option<String>,
    /// User name and password for the relay, when not in the URL.
    pub smtp_credentials: Option<(String, String)>,
    /// A PEM CA certificate to trust for the relay's TLS, besides the
    /// public roots (a relay with the clinic's own certificate).
    pub smtp_ca_file: Option<PathBuf>,
    /// The sender of every email.
    pub mail_from: String,
    /// Folder for `.eml` files when no SMTP relay is set.
    pub outbox_dir: PathBuf,
    /// Reverse proxies whose `X-Forwarded-For` names the client's address
    /// (for per-address sign-in limits); empty, the header is ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The folder every clinic's sync folder must lie in (a server that
    /// hosts several organisations); unset, a manager may name any folder
    /// the server can read (a clinic's own server).
    pub sync_root: Option<PathBuf>,
    /// Run the plan jobs (expiry, past due, renewals) in the background.
    /// Tests switch them off and run them at a chosen date instead.
    pub plan_jobs: bool,
}

impl Config {
    /// Reads `CARECOUNT_DATABASE_URL` (a `postgres://` URL) or
    /// `CARECOUNT_DATABASE` (a SQLite file), `CARECOUNT_ADDR` (or `LEPTOS_SITE_ADDR`),
    /// `CARECOUNT_DEMO_DATA`, `LEPTOS_SITE_ROOT`, `CARECOUNT_PUBLIC_URL`,
    /// `CARECOUNT_SMTP_URL` (with `CARECOUNT_SMTP_USERNAME`,
    /// `CARECOUNT_SMTP_PASSWORD`, `CARECOUNT_SMTP_CA_FILE`), `CARECOUNT_MAIL_FROM`, `CARECOUNT_OUTBOX_DIR`,
    /// `CARECOUNT_TRUSTED_PROXIES`, `CARECOUNT_SYNC_ROOT` and
    /// `CARECOUNT_PLAN_JOBS` (0 switches the plan jobs off),
    /// with defaults that suit `make run`. A malformed value is an error
    /// naming the variable.
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
        let public_url = var("CARECOUNT_PUBLIC_URL").map(|u| u.trim_end_matches('/').to_string());
        if let Some(url) = &public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(format!("CARECOUNT_PUBLIC_URL \u{201c}{url}\u{201d} should start with http:// or https://"));
        }
        let database_path: PathBuf = var("CARECOUNT_DATABASE").unwrap_or_else(|| "data/carecount.db".into()).into();
        let database_url = var("CARECOUNT_DATABASE_URL");
        if let Some(url) = &database_url
            && !(url.starts_with("postgres://") || url.starts_with("postgresql://"))
        {
            return Err(format!(
                "CARECOUNT_DATABASE_URL \u{201c}{}\u{201d} should be a postgres:// URL; for a SQLite file set CARECOUNT_DATABASE instead",
                shown_url(url)
            ));
        }
        let outbox_dir = var("CARECOUNT_OUTBOX_DIR").map(PathBuf::from).unwrap_or_else(|| {
            database_path.parent().map(|p| p.join("outbox")).unwrap_or_else(|| PathBuf::from("outbox"))
        });
        let trusted_proxies = super::auth::client_address::parse_trusted(
            &var("CARECOUNT_TRUSTED_PROXIES").unwrap_or_default(),
        )
        .map_err(|e| format!("CARECOUNT_TRUSTED_PROXIES: {e}; list the proxies' addresses, separated by commas"))?;
        let sync_root = match var("CARECOUNT_SYNC_ROOT").map(PathBuf::from) {
            Some(root) => Some(root.canonicalize().ok().filter(|r| r.is_dir()).ok_or_else(|| {
                format!("CARECOUNT_SYNC_ROOT \u{201c}{}\u{201d} is not a folder this server can read", root.display())
            })?),
            None => None,
        };
        Ok(Config {
            database_path,
            database_url,
            addr,
            demo_data,
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            public_url,
            smtp_url: var("CARECOUNT_SMTP_URL"),
            smtp_credentials: var("CARECOUNT_SMTP_USERNAME")
                .map(|u| (u, var("CARECOUNT_SMTP_PASSWORD").unwrap_or_default())),
            smtp_ca_file: var("CARECOUNT_SMTP_CA_FILE").map(PathBuf::from),
            mail_from: var("CARECOUNT_MAIL_FROM").unwrap_or_else(|| "CareCount <carecount@localhost>".into()),
            outbox_dir,
            trusted_proxies,
            sync_root,
            plan_jobs: var("CARECOUNT_PLAN_JOBS").as_deref() != Some("0"),
        })
    }

    /// A configuration for a database file with every other value at its
    /// default (tests and tools).
    pub fn for_database(database_path: PathBuf, addr: SocketAddr) -> Config {
        let outbox_dir = database_path.parent().map(|p| p.join("outbox")).unwrap_or_else(|| PathBuf::from("outbox"));
        Config {
            database_path,
            database_url: None,
            addr,
            demo_data: false,
            site_root: "target/site".into(),
            public_url: None,
            smtp_url: None,
            smtp_credentials: None,
            smtp_ca_file: None,
            mail_from: "CareCount <carecount@localhost>".into(),
            outbox_dir,
            trusted_proxies: Vec::new(),
            sync_root: None,
            plan_jobs: true,
        }
    }

    /// Opens the database this configuration names.
    pub async fn open_store(&self) -> Result<crate::server::store::Store, String> {
        use crate::server::store::Store;
        match &self.database_url {
            Some(url) => Store::connect_postgres(url).await,
            None => Store::open(&self.database_path).await,
        }
        .map_err(|e| e.to_string())
    }

    /// The database, as a person reads it in a message (a URL without its
    /// password).
    pub fn database_shown(&self) -> String {
        match &self.database_url {
            Some(url) => shown_url(url),
            None => self.database_path.display().to_string(),
        }
    }
}
