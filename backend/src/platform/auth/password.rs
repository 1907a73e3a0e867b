//! Password hashing with argon2id (the `argon2` crate's default algorithm and parameters).

use argon2::{Argon2, PasswordHasher, PasswordVerifier};

/// Hashes a password into a PHC string. Runs on a blocking thread: argon2 is slow on purpose.
pub async fn hash(password: &str) -> anyhow::Result<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))
    })
    .await?
}

/// True when `password` matches the stored PHC hash.
pub async fn verify(password: &str, stored_hash: &str) -> bool {
    let password = password.to_owned();
    let stored = stored_hash.to_owned();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), stored.as_str())
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn hashes_are_argon2id_salted_and_verifiable() {
        let a = super::hash("password123").await.unwrap();
        let b = super::hash("password123").await.unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "salts differ");
        assert!(super::verify("password123", &a).await);
        assert!(!super::verify("password124", &a).await);
        assert!(!super::verify("password123", "not a hash").await);
    }
}
