//! Sending email: SMTP in production, a file outbox (`.eml` files) as the embedded default. One
//! small interface, so the notice pass does not care which.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use lettre::message::{header, Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};

/// Why a message did not go out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// Worth another try later (server down, 4xx).
    #[error("{0}")]
    Transient(String),
    /// Will never work (5xx: the address was refused).
    #[error("{0}")]
    Permanent(String),
}

#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

/// One email to send.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub from: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub message_id: String,
}

impl Mailer {
    /// SMTP from `RIGHTSDESK_SMTP_URL` (`smtp://host:port`, `smtps://user:pass@host`,
    /// `?tls=required` for STARTTLS), or `.eml` files in `DATA_DIR/outbox/`.
    pub fn new(smtp_url: Option<&SecretString>, data_dir: &Path) -> anyhow::Result<Mailer> {
        match smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
                    .map_err(|e| {
                        anyhow::anyhow!("RIGHTSDESK_SMTP_URL is not a usable SMTP URL: {e}")
                    })?
                    .timeout(Some(Duration::from_secs(15)))
                    .build();
                Ok(Mailer::Smtp(transport))
            }
            None => {
                let dir = data_dir.join("outbox");
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("creating the mail outbox {}", dir.display()))?;
                Ok(Mailer::Outbox(
                    AsyncFileTransport::<Tokio1Executor>::new(&dir),
                    dir,
                ))
            }
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Mailer::Smtp(_) => "SMTP (RIGHTSDESK_SMTP_URL)".into(),
            Mailer::Outbox(_, dir) => format!(
                "the file outbox {} (set RIGHTSDESK_SMTP_URL to send by SMTP)",
                dir.display()
            ),
        }
    }

    pub async fn send(&self, mail: &Outgoing) -> Result<(), MailError> {
        let message = build(mail).map_err(|e| MailError::Permanent(format!("{e:#}")))?;
        match self {
            Mailer::Smtp(transport) => transport.send(message).await.map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    MailError::Permanent(e.to_string())
                } else {
                    MailError::Transient(e.to_string())
                }
            }),
            Mailer::Outbox(transport, _) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| MailError::Transient(e.to_string())),
        }
    }
}

fn build(mail: &Outgoing) -> anyhow::Result<Message> {
    let from: Mailbox = format!("rightsdesk <{}>", mail.from)
        .parse()
        .context("the sender address")?;
    let to: Mailbox = mail.to.parse().context("the recipient address")?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(&mail.subject)
        .message_id(Some(mail.message_id.clone()))
        .header(header::MIME_VERSION_1_0)
        .multipart(MultiPart::alternative_plain_html(
            mail.text.clone(),
            mail.html.clone(),
        ))
        .context("building the message")
}
