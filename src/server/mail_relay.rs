//! Where email goes: an SMTP relay given as a URL, read into the settings
//! lettre needs, with TLS as the clinic's relay asks for it.
//!
//! - `smtp://relay.clinic.lan:25`: plain SMTP, for a relay on the clinic's
//!   own network.
//! - `smtp://user:pass@smtp.host.example:587?tls=required`: STARTTLS, and
//!   the mail is refused rather than sent in the clear if the relay does
//!   not offer it.
//! - `smtps://user:pass@smtp.host.example:465`: TLS from the first byte.
//!
//! Certificates are always verified (Mozilla's roots, plus a clinic's own
//! CA file when one is named). Credentials come from the URL (percent-
//! encoded) or from `CARECOUNT_SMTP_USERNAME` / `CARECOUNT_SMTP_PASSWORD`.

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, Tokio1Executor};

/// How the connection to the relay is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// Plain SMTP (a relay on the clinic's own network).
    Plain,
    /// STARTTLS, required.
    StartTls,
    /// TLS from the start (`smtps://`).
    Implicit,
}

/// A relay as the URL describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relay {
    /// Host name (also the name its certificate must carry).
    pub host: String,
    /// Port.
    pub port: u16,
    /// TLS mode.
    pub security: Security,
    /// User name and password, if the relay wants them.
    pub credentials: Option<(String, String)>,
}

const EXAMPLE: &str = "smtp://relay.clinic.lan:25, smtp://user:pass@smtp.example.com:587?tls=required \
                       or smtps://user:pass@smtp.example.com:465";

/// Reads a relay URL, or says what is wrong with it.
pub fn parse(text: &str) -> Result<Relay, String> {
    let wrong = |why: &str| format!("{why}; it should look like {EXAMPLE}");
    let url = url::Url::parse(text).map_err(|e| wrong(&e.to_string()))?;
    let tls = url.query_pairs().find(|(k, _)| k == "tls").map(|(_, v)| v.to_string());
    let security = match (url.scheme(), tls.as_deref()) {
        ("smtp", None | Some("none")) => Security::Plain,
        ("smtp", Some("required")) => Security::StartTls,
        ("smtps", None | Some("required")) => Security::Implicit,
        ("smtp" | "smtps", Some(other)) => return Err(wrong(&format!("tls={other} is not known (use tls=required)"))),
        (other, _) => return Err(wrong(&format!("the scheme {other}:// is not SMTP"))),
    };
    let host = url.host_str().filter(|h| !h.is_empty()).ok_or_else(|| wrong("the relay's host name is missing"))?;
    let port = url.port().unwrap_or(match security {
        Security::Plain => 25,
        Security::StartTls => 587,
        Security::Implicit => 465,
    });
    let decode = |s: &str| percent_decode(s).ok_or_else(|| wrong("the user name or password is not valid UTF-8"));
    let credentials = match (url.username(), url.password()) {
        ("", None) => None,
        (user, password) => Some((decode(user)?, decode(password.unwrap_or(""))?)),
    };
    Ok(Relay { host: host.trim_matches(['[', ']']).to_string(), port, security, credentials })
}

fn percent_decode(text: &str) -> Option<String> {
    percent_encoding::percent_decode_str(text).decode_utf8().ok().map(|s| s.into_owned())
}

/// The lettre transport for a relay. `extra_root` is a PEM CA certificate
/// to trust besides the public roots (a clinic's own relay).
pub fn transport(
    relay: &Relay,
    credentials: Option<(String, String)>,
    extra_root: Option<&[u8]>,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let tls = if relay.security == Security::Plain {
        Tls::None
    } else {
        let mut params = TlsParameters::builder(relay.host.clone());
        if let Some(pem) = extra_root {
            let cert = Certificate::from_pem(pem).map_err(|e| format!("the CA certificate cannot be read: {e}"))?;
            params = params.add_root_certificate(cert);
        }
        let params = params.build_rustls().map_err(|e| format!("TLS settings: {e}"))?;
        match relay.security {
            Security::Implicit => Tls::Wrapper(params),
            _ => Tls::Required(params),
        }
    };
    let mut builder =
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(relay.host.clone()).port(relay.port).tls(tls);
    if let Some((user, password)) = credentials.or_else(|| relay.credentials.clone()) {
        builder = builder.credentials(Credentials::new(user, password));
    }
    Ok(builder.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_relay_is_read_with_its_default_port() {
        let plain = parse("smtp://relay.clinic.lan").unwrap();
        assert_eq!((plain.port, plain.security, plain.credentials), (25, Security::Plain, None));
        let starttls = parse("smtp://maple%40clinic.example:p%40ss%3Aword@smtp.example.com?tls=required").unwrap();
        assert_eq!((starttls.port, starttls.security), (587, Security::StartTls));
        assert_eq!(starttls.credentials, Some(("maple@clinic.example".into(), "p@ss:word".into())));
        let implicit = parse("smtps://u:p@smtp.example.com").unwrap();
        assert_eq!(
            (implicit.host.as_str(), implicit.port, implicit.security),
            ("smtp.example.com", 465, Security::Implicit)
        );
        assert_eq!(parse("smtp://relay:2525").unwrap().port, 2525);
    }

    #[test]
    fn a_wrong_url_says_what_it_should_look_like() {
        for bad in ["https://mail", "smtp://", "smtp://relay?tls=maybe", "relay.clinic.lan:25"] {
            let why = parse(bad).unwrap_err();
            assert!(why.contains("should look like smtp://"), "{bad}: {why}");
        }
    }
}
