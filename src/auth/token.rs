//! Access tokens: HS256 JWTs with a fixed algorithm, issuer and audience, and a previous key
//! accepted during rotation.

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

pub const ISSUER: &str = "rightsdesk";
pub const AUDIENCE: &str = "rightsdesk-api";
/// Refresh tokens are for `POST /v1/auth/refresh` only: another audience, so no endpoint takes
/// one as an access token, and no access token refreshes.
pub const REFRESH_AUDIENCE: &str = "rightsdesk-refresh";
/// The audience of browser sessions (the pages' cookie): no API endpoint takes one, and no
/// access or refresh token opens a page.
pub const SESSION_AUDIENCE: &str = "rightsdesk-web";

/// Why a token is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// It was valid, and its time is over.
    Expired,
    /// Tampered, signed with another key or algorithm, for another audience, or not a token.
    Invalid,
}

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
    refresh_validation: Validation,
    session_validation: Validation,
    pub ttl_secs: u64,
    pub refresh_ttl_secs: u64,
}

fn validation(audience: &str) -> Validation {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[audience]);
    validation.validate_nbf = true;
    validation.leeway = 5;
    validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
    validation
}

impl TokenKeys {
    pub fn new(
        current: &SecretString,
        previous: Option<&SecretString>,
        ttl_secs: u64,
    ) -> TokenKeys {
        TokenKeys {
            current_enc: EncodingKey::from_secret(current.expose_secret().as_bytes()),
            current_dec: DecodingKey::from_secret(current.expose_secret().as_bytes()),
            previous_dec: previous.map(|p| DecodingKey::from_secret(p.expose_secret().as_bytes())),
            validation: validation(AUDIENCE),
            refresh_validation: validation(REFRESH_AUDIENCE),
            session_validation: validation(SESSION_AUDIENCE),
            ttl_secs,
            refresh_ttl_secs: 14 * 86_400,
        }
    }

    /// The same keys, with refresh tokens living `secs`.
    pub fn with_refresh_ttl(mut self, secs: u64) -> TokenKeys {
        self.refresh_ttl_secs = secs;
        self
    }

    fn sign(
        &self,
        user_id: i64,
        generation: i32,
        audience: &str,
        ttl: u64,
    ) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_string(),
            iss: ISSUER.into(),
            aud: audience.into(),
            iat: now,
            nbf: now,
            exp: now.saturating_add(i64::try_from(ttl).unwrap_or(i64::MAX)),
            gen: generation,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.current_enc)
            .map_err(|e| anyhow::anyhow!("signing a token: {e}"))
    }

    /// An access token (minutes).
    pub fn issue(&self, user_id: i64, generation: i32) -> anyhow::Result<String> {
        self.sign(user_id, generation, AUDIENCE, self.ttl_secs)
    }

    /// A refresh token (days), good only for `POST /v1/auth/refresh`.
    pub fn issue_refresh(&self, user_id: i64, generation: i32) -> anyhow::Result<String> {
        self.sign(user_id, generation, REFRESH_AUDIENCE, self.refresh_ttl_secs)
    }

    fn check(&self, token: &str, validation: &Validation) -> Result<Claims, Refusal> {
        use jsonwebtoken::errors::ErrorKind;
        let refusal = |err: jsonwebtoken::errors::Error| match err.kind() {
            ErrorKind::ExpiredSignature => Refusal::Expired,
            _ => Refusal::Invalid,
        };
        match decode::<Claims>(token, &self.current_dec, validation) {
            Ok(data) => Ok(data.claims),
            Err(err) if matches!(err.kind(), ErrorKind::InvalidSignature) => {
                let previous = self.previous_dec.as_ref().ok_or(Refusal::Invalid)?;
                decode::<Claims>(token, previous, validation)
                    .map(|d| d.claims)
                    .map_err(refusal)
            }
            Err(err) => Err(refusal(err)),
        }
    }

    /// The claims of a valid access token; why not for anything expired, tampered, or signed
    /// otherwise.
    pub fn verify(&self, token: &str) -> Result<Claims, Refusal> {
        self.check(token, &self.validation)
    }

    /// The claims of a valid refresh token.
    /// A browser session (the value of the pages' cookie), living `ttl_secs`.
    pub fn issue_session(
        &self,
        user_id: i64,
        generation: i32,
        ttl_secs: u64,
    ) -> anyhow::Result<String> {
        self.sign(user_id, generation, SESSION_AUDIENCE, ttl_secs)
    }

    /// The claims of a valid session cookie.
    pub fn verify_session(&self, token: &str) -> Result<Claims, Refusal> {
        self.check(token, &self.session_validation)
    }

    pub fn verify_refresh(&self, token: &str) -> Result<Claims, Refusal> {
        self.check(token, &self.refresh_validation)
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
        // Access and refresh tokens are not interchangeable.
        let r = k.issue_refresh(7, 3).unwrap();
        assert_eq!(k.verify(&r).err(), Some(Refusal::Invalid));
        assert_eq!(k.verify_refresh(&t).err(), Some(Refusal::Invalid));
        assert_eq!(k.verify_refresh(&r).unwrap().sub, "7");
    }

    #[test]
    fn other_key_and_alg_none_are_refused() {
        let a = keys("0123456789abcdef0123456789abcdef");
        let b = keys("fedcba9876543210fedcba9876543210");
        assert!(a.verify(&b.issue(1, 0).unwrap()).is_err());
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let now = chrono::Utc::now().timestamp();
        let header = engine.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let body = engine.encode(format!(
            r#"{{"sub":"1","iss":"rightsdesk","aud":"rightsdesk-api","iat":{now},"nbf":{now},"exp":{},"gen":0}}"#,
            now + 60
        ));
        assert!(a.verify(&format!("{header}.{body}.")).is_err());
    }

    #[test]
    fn sessions_and_api_tokens_do_not_stand_in_for_each_other() {
        let k = keys("0123456789abcdef0123456789abcdef");
        let session = k.issue_session(7, 0, 60).unwrap();
        assert_eq!(k.verify(&session).err(), Some(Refusal::Invalid));
        assert_eq!(k.verify_session(&session).unwrap().sub, "7");
        assert!(k.verify_session(&k.issue(7, 0).unwrap()).is_err());
        assert!(k.verify_session(&k.issue_refresh(7, 0).unwrap()).is_err());
    }

    #[test]
    fn previous_key_still_verifies() {
        let old = SecretString::from("0123456789abcdef0123456789abcdef".to_string());
        let new = SecretString::from("fedcba9876543210fedcba9876543210".to_string());
        let old_token = TokenKeys::new(&old, None, 60).issue(1, 0).unwrap();
        assert!(TokenKeys::new(&new, Some(&old), 60)
            .verify(&old_token)
            .is_ok());
        assert!(TokenKeys::new(&new, None, 60).verify(&old_token).is_err());
    }
}
