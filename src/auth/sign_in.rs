//! Checking an email and password: the one sign-in used by `POST /v1/auth/login` and by the
//! sign-in form of the pages. Throttled per account and per client address; the same work and
//! the same answer whether or not the account exists.

use actix_web::web;
use secrecy::{ExposeSecret, SecretString};

use super::password::{self, HashParams, Verified};
use super::store::{self, UserChangeset, UserRow};
use super::throttle::Throttle;
use crate::db::Db;
use crate::http::problem::ApiError;

/// The user behind `email` and `password`, or 401 (wrong either), or 429 (locked out).
/// `client` is the caller's address, throttled on its own.
pub async fn sign_in(
    db: &Db,
    throttle: &Throttle,
    params: HashParams,
    client: &str,
    email: &str,
    password: SecretString,
) -> Result<UserRow, ApiError> {
    let email = email.trim().to_lowercase();
    let account_key = format!("account:{email}");
    let address_key = format!("address:{client}");
    if let Some(secs) = throttle
        .retry_after(&account_key)
        .or_else(|| throttle.retry_after(&address_key))
    {
        return Err(ApiError::TooManyRequests {
            retry_after_secs: secs,
        });
    }
    let lookup = email.clone();
    let user = db
        .read(move |conn| Ok::<_, ApiError>(store::find_user_by_email(conn, &lookup)?))
        .await?;
    let outcome = web::block(move || match &user {
        Some(u) if u.active => (
            password::verify(password.expose_secret(), &u.password_hash, params),
            user,
            password,
        ),
        _ => {
            password::verify_dummy(password.expose_secret(), params);
            (Verified::No, user, password)
        }
    })
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("verifying a password: {e}")))?;
    let (verified, user, password) = outcome;
    let user = match (verified, user) {
        (Verified::No, _) | (_, None) => {
            throttle.fail(&account_key, throttle.max_failures());
            throttle.fail(&address_key, throttle.max_failures() * 4);
            return Err(ApiError::Unauthorized(
                "the email or the password is wrong".into(),
            ));
        }
        (Verified::YesRehash, Some(user)) => {
            let fresh = web::block(move || password::hash(password.expose_secret(), params))
                .await
                .map_err(|e| ApiError::Internal(anyhow::anyhow!("hashing: {e}")))??;
            let id = user.id;
            db.write_touching(crate::db::Touches::Nothing, move |conn| {
                let changes = UserChangeset {
                    password_hash: Some(fresh),
                    ..Default::default()
                };
                Ok::<_, ApiError>(store::update_user(conn, id, &changes)?)
            })
            .await?
        }
        (Verified::Yes, Some(user)) => user,
    };
    throttle.clear(&account_key);
    Ok(user)
}
