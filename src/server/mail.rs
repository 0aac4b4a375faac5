//! Delivers the outbox: through an SMTP relay when one is configured (see
//! [`super::mail_relay`] for TLS), otherwise as `.eml` files in a folder.

use lettre::message::Mailbox;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::config::Config;
use super::mail_relay;
use super::store::Store;
use super::store::leases::KeptLease;
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

impl Mailer {
    /// The mailer the configuration asks for; a bad sender or relay address
    /// stops start-up with a message naming the variable.
    pub fn new(config: &Config) -> std::io::Result<Mailer> {
        let from: Mailbox = config.mail_from.parse().map_err(|e| {
            std::io::Error::other(format!("CARECOUNT_MAIL_FROM \u{201c}{}\u{201d}: {e}", config.mail_from))
        })?;
        let transport = match &config.smtp_url {
            Some(url) => {
                let wrong = |why: String| std::io::Error::other(format!("CARECOUNT_SMTP_URL: {why}"));
                let relay = mail_relay::parse(url).map_err(wrong)?;
                let ca = match &config.smtp_ca_file {
                    Some(path) => Some(std::fs::read(path).map_err(|e| {
                        std::io::Error::other(format!("CARECOUNT_SMTP_CA_FILE {}: {e}", path.display()))
                    })?),
                    None => None,
                };
                Transport::Smtp(
                    mail_relay::transport(&relay, config.smtp_credentials.clone(), ca.as_deref()).map_err(wrong)?,
                )
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
        self.deliver_within(store, None).await
    }

    /// Sends what is waiting while `lease` on the outbox stays this
    /// server's: it is renewed as the round goes, and a lost lease stops
    /// the round (another server has taken the outbox over).
    pub async fn deliver_holding(&self, store: &Store, lease: &mut KeptLease<'_>) -> Result<usize, AppError> {
        self.deliver_within(store, Some(lease)).await
    }

    async fn deliver_within(&self, store: &Store, mut lease: Option<&mut KeptLease<'_>>) -> Result<usize, AppError> {
        let mut sent = 0;
        for email in store.unsent_emails(50).await? {
            if let Some(lease) = lease.as_deref_mut()
                && !lease.still_ours().await
            {
                break;
            }
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
