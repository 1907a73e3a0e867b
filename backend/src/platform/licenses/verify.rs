//! Offline verification of a license token: `base64url(payload JSON) "." base64url(Ed25519
//! signature over the payload bytes)`, checked against the configured public key.

use super::{LicenseError, LicensePayload};
use base64::{
    Engine,
    alphabet::URL_SAFE,
    engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig},
};
use ring::signature::{ED25519, UnparsedPublicKey};

/// Issuers may or may not pad their base64url.
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Real licenses are a few hundred bytes; anything far larger is not one.
const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// The payload versions this code understands.
const SUPPORTED_VERSIONS: &[i64] = &[1];

/// Verifies the signature, then reads the payload. A token whose signature does not match
/// is `Invalid` whatever it contains; a genuine one of an unknown version or product is
/// `Unsupported`.
pub fn decode(token: &str, public_key: &[u8; 32]) -> Result<LicensePayload, LicenseError> {
    let token = token.trim();
    if token.len() > MAX_TOKEN_BYTES {
        return Err(LicenseError::Invalid);
    }
    let (payload_part, signature_part) = token.split_once('.').ok_or(LicenseError::Invalid)?;
    let payload = BASE64URL
        .decode(payload_part)
        .map_err(|_| LicenseError::Invalid)?;
    let signature = BASE64URL
        .decode(signature_part)
        .map_err(|_| LicenseError::Invalid)?;
    UnparsedPublicKey::new(&ED25519, public_key)
        .verify(&payload, &signature)
        .map_err(|_| LicenseError::Invalid)?;
    let value: serde_json::Value =
        serde_json::from_slice(&payload).map_err(|_| LicenseError::Invalid)?;
    if !value.is_object() {
        return Err(LicenseError::Invalid);
    }
    // The version decides how the rest reads, so it is checked before the shape.
    let version = value.get("version").and_then(serde_json::Value::as_i64);
    if !version.is_some_and(|v| SUPPORTED_VERSIONS.contains(&v)) {
        return Err(LicenseError::Unsupported);
    }
    let payload: LicensePayload =
        serde_json::from_value(value).map_err(|_| LicenseError::Invalid)?;
    if payload.product().is_none() {
        return Err(LicenseError::Unsupported);
    }
    let texts = [
        &payload.id,
        &payload.instance_id,
        &payload.issued_to_email,
        &payload.issued_to_name,
    ];
    if payload.id.trim().is_empty()
        || texts.iter().any(|t| t.contains('\0'))
        || payload.window().is_none()
        || payload.issued_on_time().is_none()
        || payload.seats < 0
    {
        return Err(LicenseError::Invalid);
    }
    Ok(payload)
}

/// The payload part read without checking the signature, for showing a license that was
/// verified when it was stored.
pub fn payload_unverified(token: &str) -> Option<LicensePayload> {
    let (payload_part, _) = token.split_once('.')?;
    serde_json::from_slice(&BASE64URL.decode(payload_part).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::{
        rand::SystemRandom,
        signature::{Ed25519KeyPair, KeyPair},
    };
    use serde_json::json;

    fn key_pair() -> Ed25519KeyPair {
        let rng = SystemRandom::new();
        let doc = Ed25519KeyPair::generate_pkcs8(&rng).map_err(|_| ()).ok();
        doc.and_then(|d| Ed25519KeyPair::from_pkcs8(d.as_ref()).ok())
            .unwrap_or_else(|| panic!("key pair"))
    }

    fn public(kp: &Ed25519KeyPair) -> [u8; 32] {
        kp.public_key().as_ref().try_into().unwrap_or([0; 32])
    }

    fn sign(kp: &Ed25519KeyPair, payload: &serde_json::Value) -> String {
        let bytes = payload.to_string().into_bytes();
        let sig = kp.sign(&bytes);
        format!(
            "{}.{}",
            BASE64URL.encode(&bytes),
            BASE64URL.encode(sig.as_ref())
        )
    }

    fn payload() -> serde_json::Value {
        json!({
            "version": 1, "id": "lic-1", "valid_from": "2020-01-01T00:00:00",
            "valid_through": "2099-01-01T00:00:00", "product_code": "premium", "seats": 2,
            "issued_on": "2020-01-01T00:00:00", "issued_to_email": "a@x.io",
            "issued_to_name": "A", "instance_id": "abc"
        })
    }

    #[test]
    fn a_signed_token_decodes_and_tampering_is_refused() {
        let kp = key_pair();
        let token = sign(&kp, &payload());
        let decoded = decode(&token, &public(&kp)).map_err(|e| e.to_string());
        assert_eq!(decoded.map(|p| p.seats), Ok(2));
        // Another key, a changed payload, a cut signature, no separator: all invalid.
        let other = key_pair();
        assert!(matches!(
            decode(&token, &public(&other)),
            Err(LicenseError::Invalid)
        ));
        let (_, sig) = token.split_once('.').unwrap_or_default();
        let mut changed = payload();
        changed["seats"] = json!(200);
        let forged = format!("{}.{sig}", BASE64URL.encode(changed.to_string()));
        assert!(matches!(
            decode(&forged, &public(&kp)),
            Err(LicenseError::Invalid)
        ));
        for bad in [&token[..token.len() - 4], "no-dot", "", "a.b.c", "!!.!!"] {
            assert!(
                matches!(decode(bad, &public(&kp)), Err(LicenseError::Invalid)),
                "{bad}"
            );
        }
    }

    #[test]
    fn genuine_tokens_of_unknown_versions_or_products_are_unsupported() {
        let kp = key_pair();
        for (key, value) in [
            ("version", json!(2)),
            ("version", json!(null)),
            ("product_code", json!("platinum")),
        ] {
            let mut p = payload();
            p[key] = value;
            assert!(matches!(
                decode(&sign(&kp, &p), &public(&kp)),
                Err(LicenseError::Unsupported)
            ));
        }
        let mut p = payload();
        p["valid_through"] = json!("someday");
        assert!(matches!(
            decode(&sign(&kp, &p), &public(&kp)),
            Err(LicenseError::Invalid)
        ));
    }
}
