//! The browser tab an action belongs to: Baserow's `ClientSessionId` and
//! `ClientUndoRedoActionGroupId` headers, checked as Baserow checks them.

use super::ActionError;
use serde_json::{Map, Value, json};
use uuid::Uuid;

/// Longest accepted `ClientSessionId` (Baserow's `MAX_CLIENT_SESSION_ID_LENGTH`).
pub const MAX_SESSION_LEN: usize = 256;

/// Whose undo stack a change goes on: one per tab, with an optional group that makes
/// several requests one undo step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionSession {
    pub session: String,
    pub group: Option<Uuid>,
}

impl ActionSession {
    /// Reads the two header values; absent session → `None` (nothing is recorded), a bad
    /// value of either → the error Baserow answers with.
    pub fn from_headers(
        session: Option<&[u8]>,
        group: Option<&[u8]>,
    ) -> Result<Option<Self>, ActionError> {
        let group = match group {
            None => None,
            Some(raw) => Some(parse_group(raw)?),
        };
        match session {
            None => Ok(None),
            Some(raw) => Ok(Some(Self {
                session: parse_session(raw)?,
                group,
            })),
        }
    }
}

/// Job parameters that carry the tab that queued a job, so what the job does lands on
/// that tab's undo stack (kept out of the job's API shape by the leading `_`).
pub fn job_params(session: Option<&ActionSession>) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("_client_session".into(), json!(session.map(|s| &s.session)));
    out.insert("_action_group".into(), json!(session.and_then(|s| s.group)));
    out
}

/// The tab [`job_params`] stored in a job's parameters, if any.
pub fn from_job_params(params: &Value) -> Option<ActionSession> {
    let session = params.get("_client_session").and_then(Value::as_str)?;
    Some(ActionSession {
        session: session.to_owned(),
        group: params
            .get("_action_group")
            .and_then(Value::as_str)
            .and_then(|g| Uuid::parse_str(g).ok()),
    })
}

/// 1 to 256 characters of `[0-9a-zA-Z-]`.
pub fn parse_session(raw: &[u8]) -> Result<String, ActionError> {
    let ok = (1..=MAX_SESSION_LEN).contains(&raw.len())
        && raw.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-');
    if ok {
        Ok(String::from_utf8_lossy(raw).into_owned())
    } else {
        Err(ActionError::InvalidSession)
    }
}

/// A version 4 UUID.
fn parse_group(raw: &[u8]) -> Result<Uuid, ActionError> {
    std::str::from_utf8(raw)
        .ok()
        .and_then(|s| Uuid::parse_str(s.trim()).ok())
        .filter(|u| u.get_version_num() == 4)
        .ok_or(ActionError::InvalidGroup)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_ids_and_groups_are_checked_like_baserow() {
        assert_eq!(parse_session(b"abc-123-XYZ").unwrap(), "abc-123-XYZ");
        assert!(parse_session(b"").is_err());
        assert!(parse_session(b"bad id!").is_err());
        assert!(parse_session(&[b'a'; 257]).is_err());
        assert!(parse_session(&[b'a'; 256]).is_ok());
        let g = Uuid::new_v4().to_string();
        let s = ActionSession::from_headers(Some(b"s1"), Some(g.as_bytes()))
            .unwrap()
            .unwrap();
        assert_eq!(s.group.unwrap().to_string(), g);
        assert!(ActionSession::from_headers(Some(b"s1"), Some(b"nope")).is_err());
        // A valid UUID that is not version 4.
        let v1 = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
        assert!(ActionSession::from_headers(Some(b"s1"), Some(v1.as_bytes())).is_err());
        assert_eq!(ActionSession::from_headers(None, None).unwrap(), None);
        let stored = Value::Object(job_params(Some(&s)));
        assert_eq!(from_job_params(&stored), Some(s));
        assert_eq!(from_job_params(&Value::Object(job_params(None))), None);
    }
}
