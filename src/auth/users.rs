//! User accounts: parsing a new one, storing it with its audit entry. Used by the API, the
//! command line and start-up (the first admin).

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

use super::password;
use super::store::{self, NewUserRow, UserRow};
use super::Role;
use crate::audit::{record, Actor, Change, Entity};
use crate::http::fields::Fields;
use crate::http::problem::ApiError;
use crate::types::{rfc3339, Email};

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
    actor: &Actor,
) -> Result<UserRow, ApiError> {
    if let Some(outlet_id) = draft.outlet_id {
        if !store::outlet_exists(conn, outlet_id)? {
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
    record(
        conn,
        Change::created(actor, Entity::User, user.id, &UserView::from(&user)),
    )?;
    Ok(user)
}
