//! Issuing an API key: a random secret shown once, only its SHA-256 kept. Used by
//! `POST /v1/api-keys` and by the partner portal's calendar link.

use rand::RngCore;

use super::store::{self, ApiKeyRow, NewApiKeyRow};
use super::API_KEY_PREFIX;
use crate::audit::{self, Actor, Change, Entity};
use crate::db::{DbConnection, StoreError};
use crate::types::rfc3339;
use serde::Serialize;

/// A new key: its row and the key itself (in this answer only).
pub struct IssuedKey {
    pub row: ApiKeyRow,
    pub key: String,
}

/// A fresh key (`rd_` and 64 hex digits) and the prefix shown in lists.
pub fn fresh() -> (String, String) {
    let mut secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    let key = format!("{API_KEY_PREFIX}{}", hex::encode(secret));
    let prefix = key[..API_KEY_PREFIX.len() + 8].to_string();
    (key, prefix)
}

/// Stores a new key of `user_id` under `name` and audits it, inside the caller's transaction.
#[tracing::instrument(skip(conn, actor))]
pub fn issue(
    conn: &mut DbConnection,
    actor: &Actor,
    user_id: i64,
    name: &str,
) -> Result<IssuedKey, StoreError> {
    let (key, prefix) = fresh();
    let row = store::insert_key(
        conn,
        &NewApiKeyRow {
            user_id,
            name,
            prefix: &prefix,
            key_hash: &store::key_digest(&key),
            created_at: crate::types::now(),
        },
    )?;
    audit::record(
        conn,
        Change::created(actor, Entity::ApiKey, row.id, &ApiKeyView::from(&row)),
    )?;
    Ok(IssuedKey { row, key })
}

/// An API key as answers show it (never the key itself).
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
