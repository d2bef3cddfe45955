//! Login, the caller's own record, users (admin) and API keys.

use actix_web::{web, HttpRequest, HttpResponse};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::keys::ApiKeyView;
use super::password;
use super::password::HashParams;
use super::store::{self, UserChangeset};
use super::throttle::Throttle;
use super::token::TokenKeys;
use super::users::{create_user, parse_new_user, UserView};
use super::{key_cache, Caller, Permission, Role};
use crate::audit::{self, Action, Change, Entity};
use crate::db::Db;
use crate::http::fields::Fields;
use crate::http::pagination::{PageParams, Paged};
use crate::http::problem::ApiError;
use crate::http::route_table::{at, RouteTable};
use crate::http::RecordId;
use crate::types::{double_option, rfc3339};

/// The endpoints of this feature.
pub fn configure(t: &mut RouteTable<'_>) {
    t.mount(at("/v1/auth/login").post(login));
    t.mount(at("/v1/auth/refresh").post(super::session::refresh));
    t.mount(at("/v1/me").get(me));
    t.mount(at("/v1/me/password").post(super::session::change_password));
    t.mount(at("/v1/users").post(create).get(list));
    t.mount(at("/v1/users/{id}").get(read).patch(update));
    t.mount(at("/v1/api-keys").post(create_key).get(list_keys));
    t.mount(at("/v1/api-keys/{id}").delete(revoke_key));
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    #[schema(value_type = String, format = Password)]
    pub password: SecretString,
}

pub use super::session::TokenResponse;

pub fn client_address(req: &HttpRequest) -> String {
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Exchanges an email and password for a short-lived bearer token.
#[utoipa::path(post, path = "/v1/auth/login", operation_id = "login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = crate::http::problem::Problem),
              (status = 429, body = crate::http::problem::Problem)))]
pub async fn login(
    db: web::Data<Db>,
    throttle: web::Data<Throttle>,
    hash_params: web::Data<HashParams>,
    tokens: web::Data<TokenKeys>,
    req: HttpRequest,
    body: crate::http::json::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest { email, password } = body.into_inner();
    let user = super::sign_in::sign_in(
        &db,
        &throttle,
        **hash_params,
        &client_address(&req),
        &email,
        password,
    )
    .await?;
    Ok(HttpResponse::Ok().json(TokenResponse::issue(
        &tokens,
        user.id,
        user.token_generation,
    )?))
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
#[utoipa::path(get, path = "/v1/me", operation_id = "readMe", tag = "auth",
    responses((status = 200, body = MeView), (status = 401, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn me(db: web::Data<Db>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let id = caller.user_id;
    let user = db
        .read(move |conn| Ok::<_, ApiError>(store::find_user(conn, id)?))
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

async fn hash_password(params: HashParams, password: SecretString) -> Result<String, ApiError> {
    web::block(move || password::hash(password.expose_secret(), params))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("hashing: {e}")))?
        .map_err(ApiError::Internal)
}

/// Creates a user (admin).
#[utoipa::path(post, path = "/v1/users", operation_id = "createUser", tag = "users", request_body = NewUserRequest,
    responses((status = 201, body = UserView), (status = 422, body = crate::http::problem::Problem),
              (status = 409, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn create(
    db: web::Data<Db>,
    hash_params: web::Data<HashParams>,
    caller: Caller,
    body: crate::http::json::Json<NewUserRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Administer)?;
    let NewUserRequest {
        email,
        password,
        role,
        outlet_id,
    } = body.into_inner();
    let draft = parse_new_user(&email, password, &role, outlet_id)?;
    let hash = hash_password(**hash_params, draft.password.clone()).await?;
    let user = db
        .write_touching(crate::db::Touches::Nothing, move |conn| {
            create_user(conn, &draft, &hash, &caller.actor())
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/users/{}", user.id)))
        .json(UserView::from(&user)))
}

/// Lists users (admin).
#[utoipa::path(get, path = "/v1/users", operation_id = "listUsers", tag = "users", params(PageParams),
    responses((status = 200, body = Paged<UserView>)), security(("bearer" = [])))]
pub async fn list(
    db: web::Data<Db>,
    caller: Caller,
    page: crate::http::query::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Administer)?;
    let page = page.parse()?;
    let rows = db
        .read(move |conn| Ok::<_, ApiError>(store::list_users(conn, page.after_id, page.limit)?))
        .await?;
    Ok(HttpResponse::Ok().json(Paged::new(rows, page, |u| u.id, |u| UserView::from(&u))))
}

/// One user (admin).
#[utoipa::path(get, path = "/v1/users/{id}", operation_id = "readUser", tag = "users", params(RecordId),
    responses((status = 200, body = UserView), (status = 404, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn read(
    db: web::Data<Db>,
    caller: Caller,
    id: RecordId,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Administer)?;
    let id = id.get();
    let user = db
        .read(move |conn| Ok::<_, ApiError>(store::find_user(conn, id)?))
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
#[utoipa::path(patch, path = "/v1/users/{id}", operation_id = "updateUser", tag = "users", params(RecordId), request_body = UserPatch,
    responses((status = 200, body = UserView), (status = 422, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn update(
    db: web::Data<Db>,
    hash_params: web::Data<HashParams>,
    caller: Caller,
    id: RecordId,
    body: crate::http::json::Json<UserPatch>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Administer)?;
    let id = id.get();
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
        Some(p) => Some(hash_password(**hash_params, p).await?),
        None => None,
    };
    let user = db
        .write_touching(crate::db::Touches::Nothing, move |conn| {
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
                (_, Some(outlet)) if !store::outlet_exists(conn, outlet)? => {
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
                Change::changed(
                    &caller.actor(),
                    Action::Update,
                    Entity::User,
                    id,
                    &UserView::from(&before),
                    &UserView::from(&after),
                ),
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
pub struct NewKeyView {
    pub id: i64,
    pub name: String,
    /// The key itself: shown here once, never again
    pub key: String,
    pub prefix: String,
    pub created_at: String,
}

/// Creates an API key for the caller; the key is in this answer only.
#[utoipa::path(post, path = "/v1/api-keys", operation_id = "createApiKey", tag = "api-keys", request_body = NewKeyRequest,
    responses((status = 201, body = NewKeyView)), security(("bearer" = [])))]
pub async fn create_key(
    db: web::Data<Db>,
    caller: Caller,
    body: crate::http::json::Json<NewKeyRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::OwnKeys)?;
    let mut fields = Fields::new();
    let name = fields.text("name", &body.name, 200);
    fields.finish(())?;
    let issued = db
        .write_touching(crate::db::Touches::Nothing, move |conn| {
            Ok::<_, ApiError>(super::keys::issue(
                conn,
                &caller.actor(),
                caller.user_id,
                &name,
            )?)
        })
        .await?;
    let (row, key) = (issued.row, issued.key);
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
#[utoipa::path(get, path = "/v1/api-keys", operation_id = "listApiKeys", tag = "api-keys", params(PageParams),
    responses((status = 200, body = Paged<ApiKeyView>)), security(("bearer" = [])))]
pub async fn list_keys(
    db: web::Data<Db>,
    caller: Caller,
    page: crate::http::query::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::OwnKeys)?;
    let page = page.parse()?;
    let owner = (!super::allows(caller.role, Permission::Administer)).then_some(caller.user_id);
    let rows = db
        .read(move |conn| {
            Ok::<_, ApiError>(store::list_keys(conn, owner, page.after_id, page.limit)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::new(rows, page, |k| k.id, |k| ApiKeyView::from(&k))))
}

/// Revokes an API key: it stops working at once.
#[utoipa::path(delete, path = "/v1/api-keys/{id}", operation_id = "revokeApiKey", tag = "api-keys", params(RecordId),
    responses((status = 204), (status = 404, body = crate::http::problem::Problem)), security(("bearer" = [])))]
pub async fn revoke_key(
    db: web::Data<Db>,
    caller: Caller,
    id: RecordId,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::OwnKeys)?;
    let id = id.get();
    db.write_touching(crate::db::Touches::Nothing, move |conn| {
        let key = store::find_key(conn, id)?;
        if key.user_id != caller.user_id && !super::allows(caller.role, Permission::Administer) {
            return Err(ApiError::NotFound);
        }
        store::revoke_key(conn, id)?;
        let after = store::find_key(conn, id)?;
        audit::record(
            conn,
            Change::changed(
                &caller.actor(),
                Action::Revoke,
                Entity::ApiKey,
                id,
                &ApiKeyView::from(&key),
                &ApiKeyView::from(&after),
            ),
        )?;
        Ok(())
    })
    .await?;
    key_cache::forget_all();
    Ok(HttpResponse::NoContent().finish())
}
