//! Delivers the outbox: through an SMTP relay when one is configured,
//! otherwise as `.eml` files in a folder, one per email.

use lettre::message::Mailbox;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::config::Config;
use super::store::Store;
use crate::wire::error::AppError;

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

/// Sends queued emails.
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

/// Host and port of an `smtp://host[:port]` relay. The relay is the
/// clinic's own (on its network); it carries the mail onward over TLS.
fn relay(url: &str) -> Option<(String, u16)> {
    let rest = url.strip_prefix("smtp://")?.trim_end_matches('/');
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) => (host, port.parse().ok()?),
        None => (rest, 25),
    };
    (!host.is_empty()).then(|| (host.to_string(), port))
}

impl Mailer {
    /// The mailer the configuration asks for; a bad sender or relay address
    /// stops start-up with a message naming the variable.
    pub fn new(config: &Config) -> std::io::Result<Mailer> {
        let from: Mailbox = config.mail_from.parse().map_err(|e| {
            std::io::Error::other(format!("CARECOUNT_MAIL_FROM \u{201c}{}\u{201d}: {e}", config.mail_from))
        })?;
        let transport = match &config.smtp_url {
            Some(url) => {
                let (host, port) = relay(url).ok_or_else(|| {
                    std::io::Error::other(format!(
                        "CARECOUNT_SMTP_URL \u{201c}{url}\u{201d} should look like smtp://mail.clinic.example:25"
                    ))
                })?;
                Transport::Smtp(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(port).build())
            }
            None => {
                std::fs::create_dir_all(&config.outbox_dir)?;
                Transport::Files(AsyncFileTransport::new(&config.outbox_dir))
            }
        };
        Ok(Mailer { from, transport })
    }

    /// Sends what is waiting; each email's outcome is recorded, and a
    /// failure leaves it for the next round (up to a few attempts).
    pub async fn deliver(&self, store: &Store) -> Result<usize, AppError> {
        let mut sent = 0;
        for email in store.unsent_emails(50).await? {
            let outcome = match self.message(&email.to_address, &email.subject, email.body.clone()) {
                Ok(message) => self.send(message).await,
                Err(e) => Err(e),
            };
            if let Err(e) = &outcome {
                tracing::warn!(email = email.id, error = %e, "email not sent");
            } else {
                sent += 1;
            }
            store.email_attempted(email.id, outcome.err().as_deref()).await?;
        }
        Ok(sent)
    }

    fn message(&self, to: &str, subject: &str, body: String) -> Result<Message, String> {
        let to: Mailbox = to.parse().map_err(|e| format!("recipient {to}: {e}"))?;
        Message::builder().from(self.from.clone()).to(to).subject(subject).body(body).map_err(|e| e.to_string())
    }

    async fn send(&self, message: Message) -> Result<(), String> {
        match &self.transport {
            Transport::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
            Transport::Files(files) => files.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn relay_addresses_are_read_with_a_default_port() {
        assert_eq!(super::relay("smtp://mail.clinic.example:2525"), Some(("mail.clinic.example".into(), 2525)));
        assert_eq!(super::relay("smtp://localhost"), Some(("localhost".into(), 25)));
        assert_eq!(super::relay("https://mail"), None);
        assert_eq!(super::relay("smtp://:25"), None);
    }
}
