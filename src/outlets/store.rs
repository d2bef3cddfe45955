//! Outlets in the database.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::OutletDraft;
use crate::auth::Scope;
use crate::db::schema::{articles, licenses, outlets};
use crate::db::{last_insert_id, DbConnection};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outlets)]
pub struct OutletRow {
    pub id: i64,
    pub name: String,
    pub website: Option<String>,
    pub country: Option<String>,
    pub contact_emails: String,
    pub notes: Option<String>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
    pub contacts: Option<String>,
    pub account_manager_user_id: Option<i64>,
}

impl OutletRow {
    /// The stored `contacts` (people with a role).
    pub fn people(&self) -> Vec<super::Contact> {
        self.contacts
            .as_deref()
            .and_then(|c| serde_json::from_str(c).ok())
            .unwrap_or_default()
    }

    pub fn contacts(&self) -> Vec<String> {
        serde_json::from_str(&self.contact_emails).unwrap_or_default()
    }

    /// The stored outlet as a draft (stored values were valid when written).
    pub fn draft(&self) -> OutletDraft {
        OutletDraft {
            name: self.name.clone(),
            website: self.website.as_deref().and_then(|w| w.parse().ok()),
            country: self.country.as_deref().and_then(|c| c.parse().ok()),
            contact_emails: self
                .contacts()
                .iter()
                .filter_map(|e| e.parse().ok())
                .collect(),
            notes: self.notes.clone(),
            active: self.active,
            contacts: self.people(),
            account_manager_user_id: self.account_manager_user_id,
        }
    }
}

#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = outlets)]
#[diesel(treat_none_as_null = true)]
pub struct OutletValues {
    pub name: String,
    pub website: Option<String>,
    pub country: Option<String>,
    pub contact_emails: String,
    pub notes: Option<String>,
    pub active: bool,
    pub contacts: Option<String>,
    pub account_manager_user_id: Option<i64>,
    pub updated_at: NaiveDateTime,
}

impl From<&OutletDraft> for OutletValues {
    fn from(d: &OutletDraft) -> Self {
        OutletValues {
            name: d.name.clone(),
            website: d.website.as_ref().map(|w| w.as_str().to_string()),
            country: d.country.map(|c| c.code().to_string()),
            contact_emails: serde_json::to_string(&d.contact_emails)
                .unwrap_or_else(|_| "[]".into()),
            notes: d.notes.clone(),
            active: d.active,
            contacts: (!d.contacts.is_empty())
                .then(|| serde_json::to_string(&d.contacts).ok())
                .flatten(),
            account_manager_user_id: d.account_manager_user_id,
            updated_at: crate::types::now(),
        }
    }
}

pub fn insert(conn: &mut DbConnection, draft: &OutletDraft) -> QueryResult<OutletRow> {
    let values = OutletValues::from(draft);
    diesel::insert_into(outlets::table)
        .values((&values, outlets::created_at.eq(values.updated_at)))
        .execute(conn)?;
    let id = last_insert_id(conn)?;
    find(conn, id, Scope::All)
}

/// A live outlet the scope may see; `NotFound` otherwise.
pub fn find(conn: &mut DbConnection, id: i64, scope: Scope) -> QueryResult<OutletRow> {
    if let Scope::Outlet(own) = scope {
        if own != id {
            return Err(diesel::result::Error::NotFound);
        }
    }
    outlets::table
        .find(id)
        .filter(outlets::deleted_at.is_null())
        .select(OutletRow::as_select())
        .first(conn)
}

/// Whether a live outlet has this id. An outage is an error, never "no".
pub fn exists(conn: &mut DbConnection, id: i64) -> QueryResult<bool> {
    crate::on_backend!(conn, |c| diesel::select(diesel::dsl::exists(
        outlets::table
            .filter(outlets::id.eq(id))
            .filter(outlets::deleted_at.is_null()),
    ))
    .get_result(c))
}

/// The live outlet with this name, ignoring case (ASCII case on SQLite), other than `except`.
pub fn find_by_name(
    conn: &mut DbConnection,
    name: &str,
    except: Option<i64>,
) -> QueryResult<Option<OutletRow>> {
    let mut query = outlets::table
        .filter(outlets::deleted_at.is_null())
        .filter(crate::db::sql::lower(outlets::name).eq(name.to_lowercase()))
        .select(OutletRow::as_select())
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(outlets::id.ne(id));
    }
    query.first(conn).optional()
}

/// The names of these outlets (deleted ones too: a license keeps naming its parties).
pub fn names(
    conn: &mut DbConnection,
    ids: &[i64],
) -> QueryResult<std::collections::HashMap<i64, String>> {
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let rows: Vec<(i64, String)> = outlets::table
        .filter(outlets::id.eq_any(ids))
        .select((outlets::id, outlets::name))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Any outlet, deleted or not (for admins restoring).
pub fn find_any(conn: &mut DbConnection, id: i64) -> QueryResult<OutletRow> {
    outlets::table
        .find(id)
        .select(OutletRow::as_select())
        .first(conn)
}

pub fn list(
    conn: &mut DbConnection,
    scope: Scope,
    name_contains: Option<&str>,
    after_id: i64,
    limit: i64,
) -> QueryResult<Vec<OutletRow>> {
    let mut query = outlets::table
        .filter(outlets::deleted_at.is_null())
        .filter(outlets::id.gt(after_id))
        .order(outlets::id.asc())
        .limit(limit)
        .select(OutletRow::as_select())
        .into_boxed();
    if let Scope::Outlet(own) = scope {
        query = query.filter(outlets::id.eq(own));
    }
    if let Some(q) = name_contains {
        query = query.filter(
            crate::db::sql::lower(outlets::name)
                .like(crate::db::sql::like_pattern(q))
                .escape('\\'),
        );
    }
    query.load(conn)
}

pub fn update(conn: &mut DbConnection, id: i64, draft: &OutletDraft) -> QueryResult<OutletRow> {
    diesel::update(outlets::table.find(id))
        .set(&OutletValues::from(draft))
        .execute(conn)?;
    find(conn, id, Scope::All)
}

/// How many live licenses and articles refer to the outlet.
pub fn references(conn: &mut DbConnection, id: i64) -> QueryResult<(i64, i64)> {
    let license_count = licenses::table
        .filter(licenses::deleted_at.is_null())
        .filter(
            licenses::grantor_outlet_id
                .eq(id)
                .or(licenses::licensee_outlet_id.eq(id)),
        )
        .count()
        .get_result(conn)?;
    let article_count = articles::table
        .filter(articles::deleted_at.is_null())
        .filter(articles::source_outlet_id.eq(id))
        .count()
        .get_result(conn)?;
    Ok((license_count, article_count))
}

/// Deletes (`Some`) or restores (`None`) one record; 0 rows when it was not in that state.
pub fn set_deleted(
    conn: &mut DbConnection,
    id: i64,
    deleted_at: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    crate::set_deleted!(conn, outlets, id, deleted_at)
}

/// Is this an active staff user (admin, desk or viewer), who may be an account manager?
pub fn is_staff_user(conn: &mut DbConnection, id: i64) -> QueryResult<bool> {
    use crate::db::schema::users;
    diesel::select(diesel::dsl::exists(
        users::table
            .filter(users::id.eq(id))
            .filter(users::active.eq(true))
            .filter(users::role.ne(crate::auth::Role::Partner.as_str())),
    ))
    .get_result(conn)
}
