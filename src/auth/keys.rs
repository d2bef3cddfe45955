//! Issuing an API key: a random secret shown once, only its SHA-256 kept. Used by
//! `POST /v1/api-keys` and by the partner portal's calendar link.

use rand::RngCore;

use super::store::{self, ApiKeyRow, NewApiKeyRow};
use super::API_KEY_PREFIX;
use crate::audit::{self, Actor, Change, Entity};
use crate::db::{DbConnection, StoreError};

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
        Change::created(
            actor,
            Entity::ApiKey,
            row.id,
            &super::routes::ApiKeyView::from(&row),
        ),
    )?;
    Ok(IssuedKey { row, key })
}
