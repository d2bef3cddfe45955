//! Login, the caller's own record, users (admin) and API keys.

use actix_web::{web, HttpRequest, HttpResponse};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::password::{self, Verified};
use super::store::{self, ApiKeyRow, NewApiKeyRow, NewUserRow, UserChangeset, UserRow};
use super::{key_cache, Caller, Permission, Role, API_KEY_PREFIX};
use crate::audit::{self, Actor};
use crate::error::ApiError;
use crate::pagination::{PageParams, Paged};
use crate::startup::AppState;
use crate::types::{double_option, rfc3339, Email, Fields};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    #[schema(value_type = String, format = Password)]
    pub password: SecretString,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: u64,
}

/// A user as answers show it: never the hash.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: i64,
    pub email: String,
    pub role: String,
    pub outlet_id: Option<i64>,
    pub active: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&UserRow> for UserView {
    fn from(u: &UserRow) -> Self {
        UserView {
            id: u.id,
            email: u.email.clone(),
            role: u.role.clone(),
            outlet_id: u.outlet_id,
            active: u.active,
            created_at: rfc3339(&u.created_at),
            updated_at: rfc3339(&u.updated_at),
        }
    }
}

fn client_address(req: &HttpRequest) -> String {
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Exchanges an email and password for a short-lived bearer token.
#[utoipa::path(post, path = "/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = crate::error::Problem),
              (status = 429, body = crate::error::Problem)))]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: crate::json::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest { email, password } = body.into_inner();
    let email = email.trim().to_lowercase();
    let account_key = format!("account:{email}");
    let address_key = format!("address:{}", client_address(&req));
    let throttle = &state.throttle;
    if let Some(secs) = throttle
        .retry_after(&account_key)
        .or_else(|| throttle.retry_after(&address_key))
    {
        return Err(ApiError::TooManyRequests {
            retry_after_secs: secs,
        });
    }
    let params = state.hash_params;
    let lookup = email.clone();
    let user = state
        .db
        .read(move |conn| Ok(store::find_user_by_email(conn, &lookup)?))
        .await?;
    // The same work and the same answer whether or not the account exists.
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
            state
                .db
                .write(move |conn| {
                    let changes = UserChangeset {
                        password_hash: Some(fresh),
                        ..Default::default()
                    };
                    Ok(store::update_user(conn, id, &changes)?)
                })
                .await?
        }
        (Verified::Yes, Some(user)) => user,
    };
    throttle.clear(&account_key);
    let token = state.tokens.issue(user.id, user.token_generation)?;
    Ok(HttpResponse::Ok().json(TokenResponse {
        access_token: token,
        token_type: "Bearer",
        expires_in: state.tokens.ttl_secs,
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MeView {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub outlet_id: Option<i64>,
    pub api_key_id: Option<i64>,
}

/// The caller's own identity.
#[utoipa::path(get, path = "/v1/me", tag = "auth",
    responses((status = 200, body = MeView), (status = 401, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn me(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let id = caller.user_id;
    let user = state
        .db
        .read(move |conn| Ok(store::find_user(conn, id)?))
        .await?;
    Ok(HttpResponse::Ok().json(MeView {
        id: user.id,
        email: user.email,
        role: caller.role,
        outlet_id: caller.outlet_id,
        api_key_id: caller.api_key_id,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserRequest {
    pub email: String,
    #[schema(value_type = String, format = Password)]
    pub password: SecretString,
    pub role: String,
    pub outlet_id: Option<i64>,
}

/// A user account ready to store.
pub struct UserDraft {
    pub email: Email,
    pub password: SecretString,
    pub role: Role,
    pub outlet_id: Option<i64>,
}

pub fn parse_new_user(
    email: &str,
    password: SecretString,
    role: &str,
    outlet_id: Option<i64>,
) -> Result<UserDraft, ApiError> {
    let mut fields = Fields::new();
    let email: Option<Email> = fields.parse("email", Some(email));
    if let Err(message) = password::check_policy(password.expose_secret()) {
        fields.error("password", message);
    }
    let role: Option<Role> = fields.parse("role", Some(role));
    match (role, outlet_id) {
        (Some(Role::Partner), None) => {
            fields.error("outlet_id", "a partner user belongs to an outlet")
        }
        (Some(r), Some(_)) if r != Role::Partner => {
            fields.error("outlet_id", "only partner users belong to an outlet")
        }
        _ => {}
    }
    let has_errors = fields.has_errors();
    match (email, role) {
        (Some(email), Some(role)) if !has_errors => fields.finish(UserDraft {
            email,
            password,
            role,
            outlet_id,
        }),
        _ => Err(fields
            .finish(())
            .err()
            .unwrap_or(ApiError::BadRequest("invalid user".into()))),
    }
}

/// Stores a new user (hashing its password) and audits it. Used by the API, the CLI and start-up.
pub fn create_user(
    conn: &mut crate::db::DbConnection,
    draft: &UserDraft,
    password_hash: &str,
    actor: Actor<'_>,
) -> Result<UserRow, ApiError> {
    if let Some(outlet_id) = draft.outlet_id {
        if crate::outlets::store::find(conn, outlet_id, crate::auth::Scope::All).is_err() {
            return Err(ApiError::validation(
                "outlet_id",
                format!("there is no outlet {outlet_id}"),
            ));
        }
    }
    if store::find_user_by_email(conn, draft.email.as_str())?.is_some() {
        return Err(ApiError::Conflict(
            "a user with this email already exists".into(),
        ));
    }
    let now = crate::types::now();
    let user = store::insert_user(
        conn,
        &NewUserRow {
            email: draft.email.as_str(),
            password_hash,
            role: draft.role.as_str(),
            outlet_id: draft.outlet_id,
            active: true,
            token_generation: 0,
            created_at: now,
            updated_at: now,
        },
    )?;
    audit::record(
        conn,
        actor,
        "create",
        "user",
        Some(user.id),
        None::<&()>,
        Some(&UserView::from(&user)),
    )?;
    Ok(user)
}

async fn hash_password(state: &AppState, password: SecretString) -> Result<String, ApiError> {
    let params = state.hash_params;
    web::block(move || password::hash(password.expose_secret(), params))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("hashing: {e}")))?
        .map_err(ApiError::Internal)
}

/// Creates a user (admin).
#[utoipa::path(post, path = "/v1/users", tag = "users", request_body = NewUserRequest,
    responses((status = 201, body = UserView), (status = 422, body = crate::error::Problem),
              (status = 409, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::json::Json<NewUserRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Administer)?;
    let NewUserRequest {
        email,
        password,
        role,
        outlet_id,
    } = body.into_inner();
    let draft = parse_new_user(&email, password, &role, outlet_id)?;
    let hash = hash_password(&state, draft.password.clone()).await?;
    let user = state
        .db
        .write(move |conn| create_user(conn, &draft, &hash, Actor::Caller(&caller)))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/users/{}", user.id)))
        .json(UserView::from(&user)))
}

/// Lists users (admin).
#[utoipa::path(get, path = "/v1/users", tag = "users", params(PageParams),
    responses((status = 200, body = Paged<UserView>)), security(("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    page: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Administer)?;
    let page = page.parse()?;
    let rows = state
        .db
        .read(move |conn| Ok(store::list_users(conn, page.after_id, page.limit)?))
        .await?;
    Ok(HttpResponse::Ok().json(Paged::new(rows, page, |u| u.id, |u| UserView::from(&u))))
}

/// One user (admin).
#[utoipa::path(get, path = "/v1/users/{id}", tag = "users", params(("id" = u64, Path)),
    responses((status = 200, body = UserView), (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Administer)?;
    let id = crate::routes::id(*id)?;
    let user = state
        .db
        .read(move |conn| Ok(store::find_user(conn, id)?))
        .await?;
    Ok(HttpResponse::Ok().json(UserView::from(&user)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    pub role: Option<String>,
    pub active: Option<bool>,
    #[schema(value_type = Option<String>, format = Password)]
    pub password: Option<SecretString>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub outlet_id: Option<Option<i64>>,
}

/// Changes a user's role, outlet, active flag or password (admin). Deactivating, a new role or a
/// new password ends the user's tokens at once.
#[utoipa::path(patch, path = "/v1/users/{id}", tag = "users", params(("id" = u64, Path)), request_body = UserPatch,
    responses((status = 200, body = UserView), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<u64>,
    body: crate::json::Json<UserPatch>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Administer)?;
    let id = crate::routes::id(*id)?;
    let patch = body.into_inner();
    let mut fields = Fields::new();
    let role: Option<Role> = fields.parse("role", patch.role.as_deref());
    if let Some(password) = &patch.password {
        if let Err(message) = password::check_policy(password.expose_secret()) {
            fields.error("password", message);
        }
    }
    fields.finish(())?;
    let hash = match patch.password {
        Some(p) => Some(hash_password(&state, p).await?),
        None => None,
    };
    let user = state
        .db
        .write(move |conn| {
            let before = store::find_user(conn, id)?;
            let new_role = role.unwrap_or(before.role()?);
            let new_outlet = patch.outlet_id.unwrap_or(before.outlet_id);
            match (new_role, new_outlet) {
                (Role::Partner, None) => {
                    return Err(ApiError::validation(
                        "outlet_id",
                        "a partner user belongs to an outlet",
                    ))
                }
                (r, Some(_)) if r != Role::Partner => {
                    return Err(ApiError::validation(
                        "outlet_id",
                        "only partner users belong to an outlet",
                    ))
                }
                (_, Some(outlet))
                    if crate::outlets::store::find(conn, outlet, crate::auth::Scope::All)
                        .is_err() =>
                {
                    return Err(ApiError::validation(
                        "outlet_id",
                        format!("there is no outlet {outlet}"),
                    ))
                }
                _ => {}
            }
            let revokes_tokens = hash.is_some()
                || patch.active == Some(false)
                || new_role.as_str() != before.role
                || new_outlet != before.outlet_id;
            let changes = UserChangeset {
                role: role.map(|r| r.as_str().to_string()),
                outlet_id: patch.outlet_id,
                active: patch.active,
                password_hash: hash,
                token_generation: revokes_tokens.then_some(before.token_generation + 1),
                updated_at: Some(crate::types::now()),
            };
            let after = store::update_user(conn, id, &changes)?;
            audit::record(
                conn,
                Actor::Caller(&caller),
                "update",
                "user",
                Some(id),
                Some(&UserView::from(&before)),
                Some(&UserView::from(&after)),
            )?;
            Ok(after)
        })
        .await?;
    // Deactivation and role or outlet changes reach API keys at once.
    key_cache::forget_all();
    Ok(HttpResponse::Ok().json(UserView::from(&user)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKeyRequest {
    pub name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiKeyView {
    pub id: i64,
    pub name: String,
    pub user_id: i64,
    /// The first characters of the key, to recognise it
    pub prefix: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

impl From<&ApiKeyRow> for ApiKeyView {
    fn from(k: &ApiKeyRow) -> Self {
        ApiKeyView {
            id: k.id,
            name: k.name.clone(),
            user_id: k.user_id,
            prefix: k.prefix.clone(),
            created_at: rfc3339(&k.created_at),
            last_used_at: k.last_used_at.as_ref().map(rfc3339),
            revoked_at: k.revoked_at.as_ref().map(rfc3339),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct NewKeyView {
    pub id: i64,
    pub name: String,
    /// The key itself: shown here once, never again
    pub key: String,
    pub prefix: String,
    pub created_at: String,
}

/// Creates an API key for the caller; the key is in this answer only.
#[utoipa::path(post, path = "/v1/api-keys", tag = "api-keys", request_body = NewKeyRequest,
    responses((status = 201, body = NewKeyView)), security(("bearer" = [])))]
pub async fn create_key(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::json::Json<NewKeyRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::OwnKeys)?;
    let mut fields = Fields::new();
    let name = fields.text("name", &body.name, 200);
    fields.finish(())?;
    let mut secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    let key = format!("{API_KEY_PREFIX}{}", hex::encode(secret));
    let prefix = key[..API_KEY_PREFIX.len() + 8].to_string();
    let digest = store::key_digest(&key);
    let row = state
        .db
        .write(move |conn| {
            let row = store::insert_key(
                conn,
                &NewApiKeyRow {
                    user_id: caller.user_id,
                    name: &name,
                    prefix: &prefix,
                    key_hash: &digest,
                    created_at: crate::types::now(),
                },
            )?;
            audit::record(
                conn,
                Actor::Caller(&caller),
                "create",
                "api_key",
                Some(row.id),
                None::<&()>,
                Some(&ApiKeyView::from(&row)),
            )?;
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/api-keys/{}", row.id)))
        .json(NewKeyView {
            id: row.id,
            name: row.name,
            key,
            prefix: row.prefix,
            created_at: rfc3339(&row.created_at),
        }))
}

/// The caller's API keys (admin: everyone's).
#[utoipa::path(get, path = "/v1/api-keys", tag = "api-keys", params(PageParams),
    responses((status = 200, body = Paged<ApiKeyView>)), security(("bearer" = [])))]
pub async fn list_keys(
    state: web::Data<AppState>,
    caller: Caller,
    page: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::OwnKeys)?;
    let page = page.parse()?;
    let owner = (!super::allows(caller.role, Permission::Administer)).then_some(caller.user_id);
    let rows = state
        .db
        .read(move |conn| Ok(store::list_keys(conn, owner, page.after_id, page.limit)?))
        .await?;
    Ok(HttpResponse::Ok().json(Paged::new(rows, page, |k| k.id, |k| ApiKeyView::from(&k))))
}

/// Revokes an API key: it stops working at once.
#[utoipa::path(delete, path = "/v1/api-keys/{id}", tag = "api-keys", params(("id" = u64, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
pub async fn revoke_key(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::OwnKeys)?;
    let id = crate::routes::id(*id)?;
    state
        .db
        .write(move |conn| {
            let key = store::find_key(conn, id)?;
            if key.user_id != caller.user_id && !super::allows(caller.role, Permission::Administer)
            {
                return Err(ApiError::NotFound);
            }
            store::revoke_key(conn, id)?;
            let after = store::find_key(conn, id)?;
            audit::record(
                conn,
                Actor::Caller(&caller),
                "revoke",
                "api_key",
                Some(id),
                Some(&ApiKeyView::from(&key)),
                Some(&ApiKeyView::from(&after)),
            )?;
            Ok(())
        })
        .await?;
    key_cache::forget_all();
    Ok(HttpResponse::NoContent().finish())
}
