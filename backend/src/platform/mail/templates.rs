//! The emails the product sends, each an HTML and a plain-text askama template.

use super::EmailMessage;
use crate::platform::{users::User, workspaces::Invitation};
use askama::Template;

#[derive(Template)]
#[template(path = "emails/reset_password.html")]
struct ResetPasswordHtml<'a> {
    name: &'a str,
    link: &'a str,
    public_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/reset_password.txt")]
struct ResetPasswordText<'a> {
    name: &'a str,
    link: &'a str,
    public_url: &'a str,
}

pub fn reset_password(user: &User, link: &str, public_url: &str) -> anyhow::Result<EmailMessage> {
    Ok(EmailMessage {
        to: user.email.clone(),
        subject: "Reset your Tessera password".into(),
        text: ResetPasswordText {
            name: &user.first_name,
            link,
            public_url,
        }
        .render()?,
        html: ResetPasswordHtml {
            name: &user.first_name,
            link,
            public_url,
        }
        .render()?,
    })
}

#[derive(Template)]
#[template(path = "emails/invitation.html")]
struct InvitationHtml<'a> {
    inviter: &'a str,
    workspace: &'a str,
    message: &'a str,
    link: &'a str,
    public_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/invitation.txt")]
struct InvitationText<'a> {
    inviter: &'a str,
    workspace: &'a str,
    message: &'a str,
    link: &'a str,
    public_url: &'a str,
}

pub fn invitation(
    invitation: &Invitation,
    workspace: &str,
    inviter: &str,
    link: &str,
    public_url: &str,
) -> anyhow::Result<EmailMessage> {
    let message = invitation.message.as_str();
    Ok(EmailMessage {
        to: invitation.email.clone(),
        subject: format!("{inviter} invited you to {workspace} on Tessera"),
        text: InvitationText {
            inviter,
            workspace,
            message,
            link,
            public_url,
        }
        .render()?,
        html: InvitationHtml {
            inviter,
            workspace,
            message,
            link,
            public_url,
        }
        .render()?,
    })
}

#[derive(Template)]
#[template(path = "emails/form_submitted.html")]
struct FormSubmittedHtml<'a> {
    name: &'a str,
    form: &'a str,
    table: &'a str,
    answers: &'a [(String, String)],
    public_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/form_submitted.txt")]
struct FormSubmittedText<'a> {
    name: &'a str,
    form: &'a str,
    table: &'a str,
    answers: &'a [(String, String)],
    public_url: &'a str,
}

/// To a user who asked to hear of a form's answers: one answer, question by question.
pub fn form_submitted(
    to: &str,
    name: &str,
    form: &str,
    table: &str,
    answers: &[(String, String)],
    public_url: &str,
) -> anyhow::Result<EmailMessage> {
    Ok(EmailMessage {
        to: to.to_owned(),
        subject: format!("New answer to \"{form}\""),
        text: FormSubmittedText {
            name,
            form,
            table,
            answers,
            public_url,
        }
        .render()?,
        html: FormSubmittedHtml {
            name,
            form,
            table,
            answers,
            public_url,
        }
        .render()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitation_html_escapes_user_text_and_keeps_the_link() {
        let inv = Invitation {
            id: 1,
            workspace_id: 2,
            invited_by: Some(3),
            email: "bob@x.io".into(),
            permissions: "MEMBER".into(),
            message: "<script>alert(1)</script>".into(),
            created_on: chrono::Utc::now(),
        };
        let m = invitation(&inv, "Team <b>", "Ann", "http://h/invite/tok", "http://h").unwrap();
        assert!(!m.html.contains("<script>"), "{}", m.html);
        assert!(!m.html.contains("Team <b>"));
        assert!(m.html.contains("http://h/invite/tok"));
        assert!(m.text.contains("http://h/invite/tok"));
        assert!(
            m.text.contains("<script>alert(1)</script>"),
            "plain text stays literal"
        );
        assert_eq!(m.to, "bob@x.io");
    }
}

#[derive(Template)]
#[template(path = "emails/webhook_deactivated.html")]
struct WebhookDeactivatedHtml<'a> {
    name: &'a str,
    webhook: &'a str,
    table: &'a str,
    link: &'a str,
    public_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/webhook_deactivated.txt")]
struct WebhookDeactivatedText<'a> {
    name: &'a str,
    webhook: &'a str,
    table: &'a str,
    link: &'a str,
    public_url: &'a str,
}

/// To a workspace admin: a webhook of one of its tables was turned off after failures.
pub fn webhook_deactivated(
    to: &str,
    name: &str,
    webhook: &str,
    table: &str,
    link: &str,
    public_url: &str,
) -> anyhow::Result<EmailMessage> {
    Ok(EmailMessage {
        to: to.to_owned(),
        subject: format!("Webhook \"{webhook}\" was turned off"),
        text: WebhookDeactivatedText {
            name,
            webhook,
            table,
            link,
            public_url,
        }
        .render()?,
        html: WebhookDeactivatedHtml {
            name,
            webhook,
            table,
            link,
            public_url,
        }
        .render()?,
    })
}

#[derive(Template)]
#[template(path = "emails/notifications_summary.html")]
struct NotificationsSummaryHtml<'a> {
    name: &'a str,
    subject: &'a str,
    items: &'a [(String, String)],
    more: usize,
    public_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/notifications_summary.txt")]
struct NotificationsSummaryText<'a> {
    name: &'a str,
    subject: &'a str,
    items: &'a [(String, String)],
    more: usize,
    public_url: &'a str,
}

/// A summary of unread notifications: `items` are `(title, description)` of the newest,
/// `total` how many there are in all.
pub fn notifications_summary(
    to: &str,
    name: &str,
    items: &[(String, String)],
    total: usize,
    public_url: &str,
) -> anyhow::Result<EmailMessage> {
    let subject = if total == 1 {
        "You have 1 new notification".to_owned()
    } else {
        format!("You have {total} new notifications")
    };
    let more = total.saturating_sub(items.len());
    Ok(EmailMessage {
        to: to.to_owned(),
        subject: format!("{subject} - Tessera"),
        text: NotificationsSummaryText {
            name,
            subject: &subject,
            items,
            more,
            public_url,
        }
        .render()?,
        html: NotificationsSummaryHtml {
            name,
            subject: &subject,
            items,
            more,
            public_url,
        }
        .render()?,
    })
}

#[derive(Template)]
#[template(path = "emails/verify_email.html")]
struct VerifyEmailHtml<'a> {
    link: &'a str,
    public_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/verify_email.txt")]
struct VerifyEmailText<'a> {
    link: &'a str,
    public_url: &'a str,
}

/// Asks the account's owner to confirm the address with a signed link.
pub fn verify_email(user: &User, link: &str, public_url: &str) -> anyhow::Result<EmailMessage> {
    Ok(EmailMessage {
        to: user.email.clone(),
        subject: "Confirm your email address".into(),
        text: VerifyEmailText { link, public_url }.render()?,
        html: VerifyEmailHtml { link, public_url }.render()?,
    })
}

#[derive(Template)]
#[template(path = "emails/account_deletion.html")]
struct AccountDeletionHtml<'a> {
    name: &'a str,
    message: &'a str,
    public_url: &'a str,
}

#[derive(Template)]
#[template(path = "emails/account_deletion.txt")]
struct AccountDeletionText<'a> {
    name: &'a str,
    message: &'a str,
    public_url: &'a str,
}

/// Where an account's deletion stands.
pub enum AccountDeletion {
    Scheduled { days: i32 },
    Canceled,
    Done,
}

/// Tells the owner their account's deletion was scheduled, canceled, or carried out.
pub fn account_deletion(
    to: &str,
    name: &str,
    stage: AccountDeletion,
    public_url: &str,
) -> anyhow::Result<EmailMessage> {
    let (subject, message) = match stage {
        AccountDeletion::Scheduled { days } => (
            "Your account will be deleted",
            format!(
                "Your Tessera account will be deleted in {days} day(s), with the workspaces \
                 where you are the last admin. Log in again before then to keep it."
            ),
        ),
        AccountDeletion::Canceled => (
            "Your account will not be deleted",
            "You logged in again: your Tessera account will not be deleted.".to_string(),
        ),
        AccountDeletion::Done => (
            "Your account has been deleted",
            "Your Tessera account has been deleted, as you asked.".to_string(),
        ),
    };
    Ok(EmailMessage {
        to: to.to_string(),
        subject: subject.into(),
        text: AccountDeletionText {
            name,
            message: &message,
            public_url,
        }
        .render()?,
        html: AccountDeletionHtml {
            name,
            message: &message,
            public_url,
        }
        .render()?,
    })
}
