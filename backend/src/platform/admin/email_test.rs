//! The email tester (Baserow's `_health/email/`): sends one message through the configured
//! SMTP relay now, not through the job queue, so that staff see the relay's answer.

use super::{AdminError, require_staff};
use crate::{
    context::AppContext,
    platform::{
        auth::Actor,
        mail::EmailMessage,
        validation::{self, ValidationError},
    },
};

/// Why the test message was not sent, in Baserow's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendFailure {
    /// A short name of the kind of failure.
    pub error_type: String,
    /// The failure's message.
    pub error: String,
    /// The failure with its chain of causes.
    pub error_stack: String,
}

/// Sends the test email to `target_email`; `Ok(Err(_))` when the relay (or its absence)
/// refused it, which is an answer, not an error of the request.
pub async fn send(
    ctx: &AppContext,
    actor: &Actor,
    target_email: &str,
) -> Result<Result<(), SendFailure>, AdminError> {
    require_staff(actor)?;
    let mut errors = ValidationError::default();
    let to = validation::email(&mut errors, "target_email", target_email);
    errors.into_result()?;
    if !ctx.mailer.is_configured() {
        return Ok(Err(SendFailure {
            error_type: "SmtpNotConfigured".into(),
            error: "TESSERA_SMTP_URL is not set: emails are logged, not sent.".into(),
            error_stack: "TESSERA_SMTP_URL is not set: emails are logged, not sent.".into(),
        }));
    }
    let message = EmailMessage {
        to: to.clone(),
        subject: "Test email from Tessera".into(),
        text: "This is a test email sent by the email tester in Tessera.".into(),
        html: "<p>This is a test email sent by the email tester in Tessera.</p>".into(),
    };
    let result = ctx.mailer.send(&message).await;
    tracing::info!(
        staff_id = actor.id(),
        to = %to,
        succeeded = result.is_ok(),
        "staff sent a test email"
    );
    Ok(result.map_err(|e| SendFailure {
        error_type: error_type(&e).into(),
        error: e.to_string(),
        error_stack: format!("{e:?}"),
    }))
}

fn error_type(e: &anyhow::Error) -> &'static str {
    if let Some(smtp) = e.downcast_ref::<lettre::transport::smtp::Error>() {
        if smtp.is_timeout() {
            "SMTPTimeoutError"
        } else if smtp.is_permanent() {
            "SMTPPermanentError"
        } else if smtp.is_transient() {
            "SMTPTransientError"
        } else {
            "SMTPException"
        }
    } else if e.downcast_ref::<lettre::address::AddressError>().is_some() {
        "AddressError"
    } else {
        "EmailError"
    }
}
