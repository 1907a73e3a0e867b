//! JWT access and refresh tokens (HS256), in Baserow's claim layout plus an auth epoch.

use crate::config::Settings;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenType {
    Access,
    Refresh,
}

/// The claims of both token kinds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub token_type: TokenType,
    pub user_id: i64,
    pub exp: i64,
    pub iat: i64,
    pub jti: String,
    /// The user's auth epoch when issued; a password change bumps it and retires the token.
    pub epoch: i32,
}

/// Issues a token of `kind` for the user.
pub fn issue(settings: &Settings, kind: TokenType, user_id: i64, epoch: i32) -> String {
    let now = chrono::Utc::now().timestamp();
    let lifetime = match kind {
        TokenType::Access => settings.access_token_lifetime,
        TokenType::Refresh => settings.refresh_token_lifetime,
    };
    let claims = Claims {
        token_type: kind,
        user_id,
        exp: now + lifetime.as_secs() as i64,
        iat: now,
        jti: uuid::Uuid::new_v4().simple().to_string(),
        epoch,
    };
    // Encoding HS256 claims that are plain numbers and strings cannot fail.
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(settings.secret_key.as_bytes()),
    )
    .unwrap_or_default()
}

/// Verifies signature, expiry and kind; `None` for anything else.
pub fn verify(settings: &Settings, kind: TokenType, token: &str) -> Option<Claims> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    let claims = decode::<Claims>(
        token,
        &DecodingKey::from_secret(settings.secret_key.as_bytes()),
        &validation,
    )
    .ok()?
    .claims;
    (claims.token_type == kind).then_some(claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings() -> Settings {
        let map: HashMap<&str, String> = [("TESSERA_SECRET_KEY", "x".repeat(40))]
            .into_iter()
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned()).unwrap()
    }

    #[test]
    fn access_tokens_verify_only_as_access_tokens() {
        let s = settings();
        let t = issue(&s, TokenType::Access, 7, 3);
        let c = verify(&s, TokenType::Access, &t).unwrap();
        assert_eq!((c.user_id, c.epoch), (7, 3));
        assert!(verify(&s, TokenType::Refresh, &t).is_none());
    }

    #[test]
    fn garbage_foreign_and_expired_tokens_fail() {
        let s = settings();
        assert!(verify(&s, TokenType::Access, "garbage").is_none());
        let mut other = s.clone();
        other.secret_key = "y".repeat(40);
        assert!(
            verify(
                &s,
                TokenType::Access,
                &issue(&other, TokenType::Access, 1, 0)
            )
            .is_none()
        );
        let expired = Claims {
            token_type: TokenType::Access,
            user_id: 1,
            exp: 1,
            iat: 0,
            jti: "j".into(),
            epoch: 0,
        };
        let t = encode(
            &Header::default(),
            &expired,
            &EncodingKey::from_secret(s.secret_key.as_bytes()),
        )
        .unwrap();
        assert!(verify(&s, TokenType::Access, &t).is_none());
    }
}
