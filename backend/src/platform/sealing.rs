//! Secrets kept at rest (an external database's connection URL while its import waits):
//! sealed with ChaCha20-Poly1305 under a key derived from `TESSERA_SECRET_KEY` and the
//! secret's purpose, so a database dump alone does not reveal them.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ring::{
    aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey},
    rand::{SecureRandom, SystemRandom},
};
use sha2::{Digest, Sha256};

fn key(secret: &str, purpose: &str) -> Option<LessSafeKey> {
    let mut hasher = Sha256::new();
    hasher.update(b"tessera.sealing\0");
    hasher.update(purpose.as_bytes());
    hasher.update(b"\0");
    hasher.update(secret.as_bytes());
    let bytes = hasher.finalize();
    UnboundKey::new(&CHACHA20_POLY1305, &bytes)
        .ok()
        .map(LessSafeKey::new)
}

/// `plain` sealed for `purpose`: a fresh random nonce and the ciphertext, in base64.
pub fn seal(secret: &str, purpose: &str, plain: &str) -> Option<String> {
    let key = key(secret, purpose)?;
    let mut nonce = [0u8; NONCE_LEN];
    SystemRandom::new().fill(&mut nonce).ok()?;
    let mut sealed = plain.as_bytes().to_vec();
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(purpose.as_bytes()),
        &mut sealed,
    )
    .ok()?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    Some(URL_SAFE_NO_PAD.encode(out))
}

/// The text sealed by [`seal`] for `purpose` with the same secret; `None` for anything
/// else (another purpose or key, tampered, not sealed at all).
pub fn open(secret: &str, purpose: &str, sealed: &str) -> Option<String> {
    let key = key(secret, purpose)?;
    let raw = URL_SAFE_NO_PAD.decode(sealed).ok()?;
    if raw.len() < NONCE_LEN {
        return None;
    }
    let (nonce, body) = raw.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
    let mut body = body.to_vec();
    let plain = key
        .open_in_place(nonce, Aad::from(purpose.as_bytes()), &mut body)
        .ok()?;
    String::from_utf8(plain.to_vec()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_text_opens_only_with_its_secret_and_purpose() {
        let url = "postgresql://ann:pa55word@db.example.com/shop";
        let sealed = seal("secret-one", "import", url).unwrap();
        assert!(!sealed.contains("pa55word"));
        assert_ne!(
            seal("secret-one", "import", url),
            Some(sealed.clone()),
            "fresh nonce"
        );
        assert_eq!(open("secret-one", "import", &sealed).as_deref(), Some(url));
        assert_eq!(open("secret-two", "import", &sealed), None);
        assert_eq!(open("secret-one", "other", &sealed), None);
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            open(
                "secret-one",
                "import",
                &String::from_utf8(tampered).unwrap()
            ),
            None
        );
        assert_eq!(open("secret-one", "import", url), None);
    }
}
