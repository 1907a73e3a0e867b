//! A license issuer for tests: a fresh Ed25519 key pair that signs license payloads the
//! way a real issuer does (`base64url(payload JSON) "." base64url(signature)`).

use base64::{
    Engine,
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD},
};
use ring::{
    rand::SystemRandom,
    signature::{Ed25519KeyPair, KeyPair},
};
use serde_json::{Value, json};

pub struct LicenseIssuer {
    key_pair: Ed25519KeyPair,
}

impl Default for LicenseIssuer {
    fn default() -> Self {
        Self::new()
    }
}

impl LicenseIssuer {
    pub fn new() -> Self {
        let rng = SystemRandom::new();
        let key_pair = Ed25519KeyPair::generate_pkcs8(&rng)
            .ok()
            .and_then(|doc| Ed25519KeyPair::from_pkcs8(doc.as_ref()).ok())
            .unwrap_or_else(|| panic!("cannot generate an Ed25519 key pair"));
        Self { key_pair }
    }

    /// The raw public key, as `Settings::license.public_key` holds it.
    pub fn public_key(&self) -> [u8; 32] {
        let mut key = [0u8; 32];
        key.copy_from_slice(self.key_pair.public_key().as_ref());
        key
    }

    /// The public key as `TESSERA_LICENSE_PUBLIC_KEY` takes it.
    pub fn public_key_base64(&self) -> String {
        STANDARD.encode(self.key_pair.public_key().as_ref())
    }

    /// Signs the payload as given (any JSON, so tests can sign malformed ones too).
    pub fn sign(&self, payload: &Value) -> String {
        let bytes = payload.to_string().into_bytes();
        let signature = self.key_pair.sign(&bytes);
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(&bytes),
            URL_SAFE_NO_PAD.encode(signature.as_ref())
        )
    }

    /// A valid `premium` payload for the instance, the same on every call: valid from 2020
    /// through 2099, issued in 2020; change fields before signing.
    pub fn payload(instance_id: &str, license_id: &str, seats: i64) -> Value {
        json!({
            "version": 1,
            "id": license_id,
            "valid_from": "2020-01-01T00:00:00",
            "valid_through": "2099-12-31T23:59:59",
            "product_code": "premium",
            "seats": seats,
            "application_users": null,
            "issued_on": "2020-01-01T00:00:00",
            "issued_to_email": "buyer@example.com",
            "issued_to_name": "Buyer Ltd",
            "instance_id": instance_id,
        })
    }
}
