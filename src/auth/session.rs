//! Staying signed in: a refresh token (days) exchanged for a new access token (minutes), and a
//! person changing their own password. A new password, a deactivation or a role change bumps the
//! user's token generation, which ends every access and refresh token issued before.

use actix_web::{web, HttpResponse};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::password::{self, HashParams, Verified};
use super::store::{self, UserChangeset};
use super::token::{Refusal, TokenKeys};
use super::users::UserView;
use super::{key_cache, Caller};
use crate::audit::{record, Action, Change, Entity};
use crate::db::Db;
use crate::http::fields::Fields;
use crate::http::problem::ApiError;

/// What a sign-in or a refresh answers.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    /// Seconds the access token lives
    pub expires_in: u64,
    /// Exchange it at POST /v1/auth/refresh for a new access token before it runs out
    pub refresh_token: String,
    /// Seconds the refresh token lives
    pub refresh_expires_in: u64,
}

impl TokenResponse {
    /// A new pair of tokens for the user at its current generation.
    pub fn issue(tokens: &TokenKeys, user_id: i64, generation: i32) -> Result<Self, ApiError> {
        Ok(TokenResponse {
            access_token: tokens.issue(user_id, generation)?,
            token_type: "Bearer",
            expires_in: tokens.ttl_secs,
            refresh_token: tokens.issue_refresh(user_id, generation)?,
            refresh_expires_in: tokens.refresh_ttl_secs,
        })
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[schema(value_type = String, format = Password)]
    pub refresh_token: SecretString,
}

/// Exchanges a refresh token for a new access token (and a new refresh token), so a person is not
/// signed out every 15 minutes. Refused once the user's password, role or activity changed.
#[utoipa::path(post, path = "/v1/auth/refresh", operation_id = "refreshSession", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = crate::http::problem::Problem)))]
pub async fn refresh(
    db: web::Data<Db>,
    tokens: web::Data<TokenKeys>,
    body: crate::http::json::Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let claims = tokens
        .verify_refresh(body.refresh_token.expose_secret())
        .map_err(|why| match why {
            Refusal::Expired => ApiError::Unauthorized(
                "the refresh token expired; log in again with your password".into(),
            ),
            Refusal::Invalid => ApiError::InvalidToken,
        })?;
    let user_id: i64 = claims.sub.parse().map_err(|_| ApiError::InvalidToken)?;
    let user = db
        .read(move |conn| {
            Ok::<_, ApiError>(diesel::OptionalExtension::optional(store::find_user(
                conn, user_id,
            ))?)
        })
        .await?
        .filter(|u| u.active && u.token_generation == claims.gen)
        .ok_or(ApiError::InvalidToken)?;
    Ok(HttpResponse::Ok().json(TokenResponse::issue(
        &tokens,
        user.id,
        user.token_generation,
    )?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    #[schema(value_type = String, format = Password)]
    pub current_password: SecretString,
    /// At least 12 characters, not a common one
    #[schema(value_type = String, format = Password)]
    pub new_password: SecretString,
}

/// Changes the caller's own password (any role, partners included). Every other token of the
/// user ends; the answer carries new ones.
#[utoipa::path(post, path = "/v1/me/password", operation_id = "changePassword", tag = "auth", request_body = PasswordChange,
    responses((status = 200, body = TokenResponse), (status = 403, body = crate::http::problem::Problem),
              (status = 422, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn change_password(
    db: web::Data<Db>,
    hash_params: web::Data<HashParams>,
    tokens: web::Data<TokenKeys>,
    caller: Caller,
    body: crate::http::json::Json<PasswordChange>,
) -> Result<HttpResponse, ApiError> {
    let PasswordChange {
        current_password,
        new_password,
    } = body.into_inner();
    let mut fields = Fields::new();
    if let Err(message) = password::check_policy(new_password.expose_secret()) {
        fields.error("new_password", message);
    }
    fields.finish(())?;
    let user_id = caller.user_id;
    let user = db
        .read(move |conn| Ok::<_, ApiError>(store::find_user(conn, user_id)?))
        .await?;
    let params = **hash_params;
    let stored = user.password_hash.clone();
    let (verified, fresh) = web::block(move || {
        let verified = password::verify(current_password.expose_secret(), &stored, params);
        let fresh = password::hash(new_password.expose_secret(), params);
        (verified, fresh)
    })
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("hashing a password: {e}")))?;
    if verified == Verified::No {
        return Err(ApiError::Forbidden("the current password is wrong".into()));
    }
    let fresh = fresh.map_err(ApiError::Internal)?;
    let actor = caller.actor();
    let after = db
        .write_touching(crate::db::Touches::Nothing, move |conn| {
            let changes = UserChangeset {
                password_hash: Some(fresh),
                token_generation: Some(user.token_generation + 1),
                updated_at: Some(crate::types::now()),
                ..Default::default()
            };
            let after = store::update_user(conn, user.id, &changes)?;
            record(
                conn,
                Change::changed(
                    &actor,
                    Action::Update,
                    Entity::User,
                    user.id,
                    &UserView::from(&user),
                    &UserView::from(&after),
                ),
            )?;
            Ok::<_, ApiError>(after)
        })
        .await?;
    key_cache::forget_all();
    Ok(HttpResponse::Ok().json(TokenResponse::issue(
        &tokens,
        after.id,
        after.token_generation,
    )?))
}
