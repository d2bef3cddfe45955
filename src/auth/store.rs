//! Users and API keys in the database.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::{Caller, Role};
use crate::db::schema::{api_keys, users};
use crate::db::{last_insert_id, DbConnection, StoreError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub outlet_id: Option<i64>,
    pub active: bool,
    pub token_generation: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl UserRow {
    pub fn role(&self) -> Result<Role, StoreError> {
        self.role
            .parse()
            .map_err(|e: String| StoreError::corrupt(format!("user {}: {e}", self.id)))
    }

    pub fn caller(&self, api_key_id: Option<i64>) -> Result<Caller, StoreError> {
        Ok(Caller {
            user_id: self.id,
            role: self.role()?,
            outlet_id: self.outlet_id,
            api_key_id,
            request_id: None,
        })
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUserRow<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub outlet_id: Option<i64>,
    pub active: bool,
    pub token_generation: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChangeset {
    pub role: Option<String>,
    pub outlet_id: Option<Option<i64>>,
    pub active: Option<bool>,
    pub password_hash: Option<String>,
    pub token_generation: Option<i32>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_keys)]
pub struct ApiKeyRow {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub prefix: String,
    pub key_hash: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = api_keys)]
pub struct NewApiKeyRow<'a> {
    pub user_id: i64,
    pub name: &'a str,
    pub prefix: &'a str,
    pub key_hash: &'a str,
    pub created_at: NaiveDateTime,
}

pub fn count_users(conn: &mut DbConnection) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

pub fn find_user(conn: &mut DbConnection, id: i64) -> QueryResult<UserRow> {
    crate::on_backend!(conn, |c| users::table
        .find(id)
        .select(UserRow::as_select())
        .first(c))
}

/// Whether a live outlet has this id (a partner user belongs to one). Read here, on the shared
/// schema, so that accounts need nothing from the outlets feature.
pub fn outlet_exists(conn: &mut DbConnection, id: i64) -> QueryResult<bool> {
    use crate::db::schema::outlets;
    diesel::select(diesel::dsl::exists(
        outlets::table
            .filter(outlets::id.eq(id))
            .filter(outlets::deleted_at.is_null()),
    ))
    .get_result(conn)
}

pub fn find_user_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert_user(conn: &mut DbConnection, row: &NewUserRow<'_>) -> QueryResult<UserRow> {
    diesel::insert_into(users::table)
        .values(row)
        .execute(conn)?;
    let id = last_insert_id(conn)?;
    find_user(conn, id)
}

pub fn update_user(
    conn: &mut DbConnection,
    id: i64,
    changes: &UserChangeset,
) -> QueryResult<UserRow> {
    diesel::update(users::table.find(id))
        .set(changes)
        .execute(conn)?;
    find_user(conn, id)
}

pub fn list_users(conn: &mut DbConnection, after_id: i64, limit: i64) -> QueryResult<Vec<UserRow>> {
    users::table
        .filter(users::id.gt(after_id))
        .order(users::id.asc())
        .limit(limit)
        .select(UserRow::as_select())
        .load(conn)
}

/// The stored form of an API key: its SHA-256, hex. Keys are 256-bit random, so a fast hash is
/// enough (no per-request argon2) and lookups go through a unique index.
pub fn key_digest(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// The caller behind a live key of an active user, and whether its last-used time is stale.
pub fn caller_for_key(
    conn: &mut DbConnection,
    digest: &str,
) -> Result<Option<(Caller, bool)>, StoreError> {
    let found: Option<(ApiKeyRow, UserRow)> = crate::on_backend!(conn, |c| api_keys::table
        .inner_join(users::table)
        .filter(api_keys::key_hash.eq(digest))
        .filter(api_keys::revoked_at.is_null())
        .filter(users::active.eq(true))
        .select((ApiKeyRow::as_select(), UserRow::as_select()))
        .first(c)
        .optional())?;
    let Some((key, user)) = found else {
        return Ok(None);
    };
    let stale = key
        .last_used_at
        .is_none_or(|t| crate::types::now() - t > chrono::Duration::seconds(60));
    Ok(Some((user.caller(Some(key.id))?, stale)))
}

pub fn touch_key(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::update(api_keys::table.find(id))
        .set(api_keys::last_used_at.eq(crate::types::now()))
        .execute(conn)
}

pub fn insert_key(conn: &mut DbConnection, row: &NewApiKeyRow<'_>) -> QueryResult<ApiKeyRow> {
    diesel::insert_into(api_keys::table)
        .values(row)
        .execute(conn)?;
    let id = last_insert_id(conn)?;
    find_key(conn, id)
}

pub fn find_key(conn: &mut DbConnection, id: i64) -> QueryResult<ApiKeyRow> {
    api_keys::table
        .find(id)
        .select(ApiKeyRow::as_select())
        .first(conn)
}

/// Keys, newest last; `owner` limits them to one user's.
pub fn list_keys(
    conn: &mut DbConnection,
    owner: Option<i64>,
    after_id: i64,
    limit: i64,
) -> QueryResult<Vec<ApiKeyRow>> {
    let mut query = api_keys::table
        .filter(api_keys::id.gt(after_id))
        .order(api_keys::id.asc())
        .limit(limit)
        .select(ApiKeyRow::as_select())
        .into_boxed();
    if let Some(owner) = owner {
        query = query.filter(api_keys::user_id.eq(owner));
    }
    query.load(conn)
}

pub fn revoke_key(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::update(
        api_keys::table
            .find(id)
            .filter(api_keys::revoked_at.is_null()),
    )
    .set(api_keys::revoked_at.eq(crate::types::now()))
    .execute(conn)
}
