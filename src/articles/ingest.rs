//! Ingesting raw article text: extract the rights fields, find the source outlet, refuse
//! duplicates, store the article. Shared by `POST /v1/articles/ingest` and `rightsdesk import`.

use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::extract::Extracted;
use super::store::{self, ArticleRow};
use super::ArticleDraft;
use crate::audit::{self, Action, Actor, Change, Entity};
use crate::db::schema::outlets;
use crate::db::DbConnection;
use crate::http::fields::Fields;
use crate::http::problem::ApiError;
use crate::types::WebUrl;

/// What to ingest, parsed.
#[derive(Debug, Clone)]
pub struct IngestDraft {
    pub source_outlet_id: Option<i64>,
    pub url: Option<WebUrl>,
    pub external_id: Option<String>,
}

/// How an ingest ended.
#[derive(Debug)]
pub enum Ingested {
    Created(ArticleRow),
    /// The same article was ingested before: nothing was written.
    Duplicate(ArticleRow),
}

/// The same text, whatever its spacing: SHA-256 of its words joined by single spaces.
pub fn text_hash(text: &str) -> String {
    let normalised = text.split_whitespace().collect::<Vec<_>>().join(" ");
    hex::encode(Sha256::digest(normalised.as_bytes()))
}

/// Outlet names compared ignoring case, punctuation and spacing.
pub fn name_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The live outlet whose name matches the publisher (or holder) the text names.
pub fn match_outlet(conn: &mut DbConnection, names: &[&str]) -> QueryResult<Option<i64>> {
    let wanted: Vec<String> = names
        .iter()
        .map(|n| name_key(n))
        .filter(|k| !k.is_empty())
        .collect();
    if wanted.is_empty() {
        return Ok(None);
    }
    let all: Vec<(i64, String)> = outlets::table
        .filter(outlets::deleted_at.is_null())
        .select((outlets::id, outlets::name))
        .order(outlets::id.asc())
        .load(conn)?;
    for key in &wanted {
        if let Some((id, _)) = all.iter().find(|(_, name)| name_key(name) == *key) {
            return Ok(Some(*id));
        }
    }
    Ok(None)
}

/// The article the extraction describes.
pub fn draft_from(
    extracted: &Extracted,
    source_outlet_id: i64,
    request: &IngestDraft,
) -> Result<ArticleDraft, ApiError> {
    let value = |f: &Option<super::extract::Found<String>>| f.as_ref().map(|f| f.value.clone());
    let mut fields = Fields::new();
    let title = match value(&extracted.title) {
        Some(t) => fields.text("text", &t, super::MAX_TITLE),
        None => {
            fields.error(
                "text",
                "no title found: the first line of the text should be the headline",
            );
            String::new()
        }
    };
    let draft = ArticleDraft {
        title,
        source_outlet_id,
        url: request.url.clone(),
        byline: value(&extracted.byline),
        published_on: None,
        external_id: request.external_id.clone(),
        copyright_line: value(&extracted.copyright_line),
        copyright_holder: value(&extracted.copyright_holder),
        copyright_year_from: extracted.copyright_year_from.as_ref().map(|f| f.value),
        copyright_year_to: extracted.copyright_year_to.as_ref().map(|f| f.value),
        permission_statement: value(&extracted.permission_statement),
        original_publisher: value(&extracted.original_publisher),
        permission_kind: extracted.permission_kind.as_ref().map(|f| f.value),
        license_name: value(&extracted.license_name),
        embargo_until: None,
        original_outlet_id: None,
        data_mining: None,
        tdm_policy_url: None,
    };
    fields.finish(draft)
}

/// Which outlet the article belongs to: the one given, or the one the text names.
pub fn resolve_source(
    conn: &mut DbConnection,
    extracted: &Extracted,
    given: Option<i64>,
) -> Result<i64, ApiError> {
    if let Some(id) = given {
        return if crate::outlets::store::exists(conn, id)? {
            Ok(id)
        } else {
            Err(ApiError::validation(
                "source_outlet_id",
                format!("there is no outlet {id}"),
            ))
        };
    }
    let named: Vec<&str> = [&extracted.original_publisher, &extracted.copyright_holder]
        .into_iter()
        .filter_map(|f| f.as_ref().map(|f| f.value.as_str()))
        .collect();
    match match_outlet(conn, &named)? {
        Some(id) => Ok(id),
        None if named.is_empty() => Err(ApiError::validation(
            "source_outlet_id",
            "the text names no publisher; give source_outlet_id",
        )),
        None => Err(ApiError::validation(
            "source_outlet_id",
            format!(
                "no outlet matches '{}'; create it or give source_outlet_id",
                named.join("' or '")
            ),
        )),
    }
}

/// Stores the article unless it is already there (same source and URL or external id, or the
/// same text). Call inside a write transaction.
#[tracing::instrument(skip_all, fields(bytes = text.len(), source = ?request.source_outlet_id))]
pub fn ingest(
    conn: &mut DbConnection,
    actor: &Actor,
    text: &str,
    extracted: &Extracted,
    request: &IngestDraft,
) -> Result<Ingested, ApiError> {
    let source = resolve_source(conn, extracted, request.source_outlet_id)?;
    let mut draft = draft_from(extracted, source, request)?;
    // The rights holder: the outlet the text says first published it, when one matches.
    if let Some(original) = &extracted.original_publisher {
        draft.original_outlet_id = match_outlet(conn, &[original.value.as_str()])?;
    }
    let hash = text_hash(text);
    if let Some(existing) = store::find_duplicate(
        conn,
        source,
        request.external_id.as_deref(),
        request.url.as_ref().map(|u| u.as_str()),
        Some(&hash),
        None,
    )? {
        return Ok(Ingested::Duplicate(existing));
    }
    let row = store::insert(conn, &draft, Some(&hash))?;
    audit::record(
        conn,
        Change::made(
            actor,
            Action::Ingest,
            Entity::Article,
            row.id,
            &super::ArticleView::from(&row),
        ),
    )?;
    Ok(Ingested::Created(row))
}

/// The answer of an ingest.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IngestAnswer {
    /// The article created, or the one already there; absent on a dry run
    #[serde(skip_serializing_if = "Option::is_none")]
    pub article: Option<super::ArticleView>,
    /// Set when the article was ingested before (nothing was written)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<i64>,
    /// Each field: null when the text does not say, else `{value, evidence: {text, start, end}}`
    #[schema(value_type = Object)]
    pub extracted: Extracted,
}
