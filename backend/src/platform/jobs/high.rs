//! Jobs of the `high` queue, run by `tessera-worker`.

use crate::{context::AppContext, platform::mail::EmailMessage};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum HighJob {
    SendEmail(EmailMessage),
}

impl HighJob {
    pub async fn run(self, ctx: &AppContext) -> anyhow::Result<()> {
        match self {
            HighJob::SendEmail(message) => {
                ctx.mailer.send(&message).await?;
                tracing::info!(to = %message.to, subject = %message.subject, "email sent");
                Ok(())
            }
        }
    }
}
