//! Email: messages rendered from askama templates, sent over SMTP by the worker (queue `high`).

pub mod templates;

use crate::config::Settings;
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, MultiPart},
};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// A rendered email, as stored in a `send_email` job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailMessage {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Sends messages to the configured SMTP relay, or logs them when none is configured.
pub struct Mailer {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let from: Mailbox = settings
            .from_email
            .parse()
            .map_err(|e| anyhow::anyhow!("TESSERA_FROM_EMAIL is not a valid address: {e}"))?;
        let transport = match &settings.smtp_url {
            Some(url) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("TESSERA_SMTP_URL is not a valid SMTP URL: {e}"))?
                    .timeout(Some(Duration::from_secs(30)))
                    .build(),
            ),
            None => None,
        };
        Ok(Self { transport, from })
    }

    /// Whether an SMTP relay is configured (otherwise messages are only logged).
    pub fn is_configured(&self) -> bool {
        self.transport.is_some()
    }

    /// Sends one message. Errors are returned so the job is retried.
    pub async fn send(&self, message: &EmailMessage) -> anyhow::Result<()> {
        let Some(transport) = &self.transport else {
            tracing::warn!(to = %message.to, subject = %message.subject, "TESSERA_SMTP_URL is not set; email not sent");
            return Ok(());
        };
        let email = Message::builder()
            .from(self.from.clone())
            .to(message.to.parse()?)
            .subject(&message.subject)
            .multipart(MultiPart::alternative_plain_html(
                message.text.clone(),
                message.html.clone(),
            ))?;
        transport.send(email).await?;
        Ok(())
    }
}
