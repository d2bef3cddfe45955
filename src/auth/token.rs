//! Access tokens: HS256 JWTs with a fixed algorithm, issuer and audience, and a previous key
//! accepted during rotation.

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

pub const ISSUER: &str = "rightsdesk";
pub const AUDIENCE: &str = "rightsdesk-api";

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    /// The user's token generation when the token was made; bumping it revokes older tokens.
    pub gen: i32,
}

#[derive(Clone)]
pub struct TokenKeys {
    current_enc: EncodingKey,
    current_dec: DecodingKey,
    previous_dec: Option<DecodingKey>,
    validation: Validation,
    pub ttl_secs: u64,
}

impl TokenKeys {
    pub fn new(
        current: &SecretString,
        previous: Option<&SecretString>,
        ttl_secs: u64,
    ) -> TokenKeys {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.validate_nbf = true;
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
        TokenKeys {
            current_enc: EncodingKey::from_secret(current.expose_secret().as_bytes()),
            current_dec: DecodingKey::from_secret(current.expose_secret().as_bytes()),
            previous_dec: previous.map(|p| DecodingKey::from_secret(p.expose_secret().as_bytes())),
            validation,
            ttl_secs,
        }
    }

    pub fn issue(&self, user_id: i64, generation: i32) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_string(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now,
            nbf: now,
            exp: now + self.ttl_secs as i64,
            gen: generation,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.current_enc)
            .map_err(|e| anyhow::anyhow!("signing a token: {e}"))
    }

    /// The claims of a valid token; `None` for anything tampered, expired, or signed otherwise.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        match decode::<Claims>(token, &self.current_dec, &self.validation) {
            Ok(data) => Some(data.claims),
            Err(err)
                if matches!(
                    err.kind(),
                    jsonwebtoken::errors::ErrorKind::InvalidSignature
                ) =>
            {
                let previous = self.previous_dec.as_ref()?;
                decode::<Claims>(token, previous, &self.validation)
                    .ok()
                    .map(|d| d.claims)
            }
            Err(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    fn keys(secret: &str) -> TokenKeys {
        TokenKeys::new(&SecretString::from(secret.to_string()), None, 60)
    }

    #[test]
    fn round_trip() {
        let k = keys("0123456789abcdef0123456789abcdef");
        let t = k.issue(7, 3).unwrap();
        let c = k.verify(&t).unwrap();
        assert_eq!((c.sub.as_str(), c.gen), ("7", 3));
    }

    #[test]
    fn other_key_and_alg_none_are_refused() {
        let a = keys("0123456789abcdef0123456789abcdef");
        let b = keys("fedcba9876543210fedcba9876543210");
        assert!(a.verify(&b.issue(1, 0).unwrap()).is_none());
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let now = chrono::Utc::now().timestamp();
        let header = engine.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let body = engine.encode(format!(
            r#"{{"sub":"1","iss":"rightsdesk","aud":"rightsdesk-api","iat":{now},"nbf":{now},"exp":{},"gen":0}}"#,
            now + 60
        ));
        assert!(a.verify(&format!("{header}.{body}.")).is_none());
    }

    #[test]
    fn previous_key_still_verifies() {
        let old = SecretString::from("0123456789abcdef0123456789abcdef".to_string());
        let new = SecretString::from("fedcba9876543210fedcba9876543210".to_string());
        let old_token = TokenKeys::new(&old, None, 60).issue(1, 0).unwrap();
        assert!(TokenKeys::new(&new, Some(&old), 60)
            .verify(&old_token)
            .is_some());
        assert!(TokenKeys::new(&new, None, 60).verify(&old_token).is_none());
    }
}
