//! License writes that span several tables or rules: grant, import, change, renew, status,
//! delete and restore. Each runs inside one `Db::write` transaction; the handler only parses,
//! authorises and answers.

use super::csv_import;
use super::rules::{self, Coverage, LicenseStatus};
use super::store::{self, LicenseRow};
use super::{LicenseDraft, LicensePatch, LicenseView};
use crate::audit::soft_delete::SoftDelete;
use crate::audit::{record, Action, Actor, Change, Entity};
use crate::auth::Scope;
use crate::db::{DbConnection, OptionalExt};
use crate::http::fields::Fields;
use crate::http::problem::ApiError;

/// Checks what the terms refer to: both outlets exist; an article license's article exists and
/// belongs to the grantor. Fills the credit line from the article's permission statement. An id
/// that names nothing is a 422 on its field; a database outage stays a 503.
pub fn check_references(conn: &mut DbConnection, draft: &mut LicenseDraft) -> Result<(), ApiError> {
    let mut f = Fields::new();
    for (field, outlet) in [
        ("grantor_outlet_id", draft.grantor),
        ("licensee_outlet_id", draft.licensee),
    ] {
        if crate::outlets::store::find(conn, outlet, Scope::All)
            .optional()?
            .is_none()
        {
            f.error(field, format!("there is no outlet {outlet}"));
        }
    }
    if let Coverage::Article(article_id) = draft.coverage {
        match crate::articles::store::find(conn, article_id, Scope::All).optional()? {
            Some(article) if article.source_outlet_id != draft.grantor => f.error(
                "article_id",
                format!(
                    "article {article_id} belongs to outlet {}, not to the grantor",
                    article.source_outlet_id
                ),
            ),
            Some(article) => {
                if draft.credit_line.is_none() {
                    draft.credit_line = article.permission_statement;
                }
            }
            None => f.error("article_id", format!("there is no article {article_id}")),
        }
    }
    f.finish(())
}

/// Refuses terms that overlap a license to another outlet when either of the two is exclusive.
pub fn check_exclusivity(
    conn: &mut DbConnection,
    draft: &LicenseDraft,
    id: i64,
) -> Result<(), ApiError> {
    let article = match draft.coverage {
        Coverage::Article(a) => Some(a),
        Coverage::Feed(_) => None,
    };
    let (candidates, dates) =
        store::exclusivity_candidates(conn, draft.grantor, draft.licensee, article)?;
    let terms = draft.terms(id);
    let published_on = |article: i64| dates.get(&article).copied().flatten();
    for candidate in candidates {
        if rules::exclusivity_conflict(&terms, &candidate.terms()?, published_on) {
            let which = if candidate.exclusive {
                "is exclusive and overlaps these terms"
            } else {
                "overlaps these exclusive terms"
            };
            return Err(ApiError::Conflict(format!(
                "license {} to outlet {} {which}",
                candidate.id, candidate.licensee_outlet_id
            )));
        }
    }
    Ok(())
}

/// Grants a license: references, exclusivity, insert, audit.
#[tracing::instrument(skip_all, fields(grantor = draft.grantor, licensee = draft.licensee))]
pub fn grant(
    conn: &mut DbConnection,
    actor: &Actor,
    mut draft: LicenseDraft,
) -> Result<LicenseRow, ApiError> {
    check_references(conn, &mut draft)?;
    check_exclusivity(conn, &draft, 0)?;
    let row = store::insert(conn, &draft)?;
    record(
        conn,
        Change::created(actor, Entity::License, row.id, &LicenseView::from(&row)),
    )?;
    Ok(row)
}

/// Imports CSV rows, all or none: every refused row and field is named, and nothing is written
/// unless every row passes.
#[tracing::instrument(skip_all, fields(rows = rows.len()))]
pub fn import(
    conn: &mut DbConnection,
    actor: &Actor,
    rows: Vec<csv_import::ImportRow>,
) -> Result<Vec<i64>, ApiError> {
    let mut ids = Vec::with_capacity(rows.len());
    let mut refused = Vec::new();
    for csv_import::ImportRow { row, mut draft } in rows {
        let checked =
            check_references(conn, &mut draft).and_then(|()| check_exclusivity(conn, &draft, 0));
        if let Err(err) = checked {
            refused.extend(csv_import::row_errors(row, err)?);
            continue;
        }
        if !refused.is_empty() {
            continue;
        }
        let stored = store::insert(conn, &draft)?;
        record(
            conn,
            Change::made(
                actor,
                Action::Import,
                Entity::License,
                stored.id,
                &LicenseView::from(&stored),
            ),
        )?;
        ids.push(stored.id);
    }
    if refused.is_empty() {
        Ok(ids)
    } else {
        Err(ApiError::Validation(refused))
    }
}

/// Writes changed terms with optimistic concurrency and audits them; 412 when stale.
fn save(
    conn: &mut DbConnection,
    actor: &Actor,
    action: Action,
    before: &LicenseRow,
    expected: Option<i32>,
    draft: &LicenseDraft,
) -> Result<LicenseRow, ApiError> {
    let expected = expected.unwrap_or(before.version);
    if expected != before.version || !store::update(conn, before.id, expected, draft)? {
        return Err(ApiError::PreconditionFailed(format!(
            "license {} is at version {}, not {expected}; read it again and retry",
            before.id, before.version
        )));
    }
    let after = store::find(conn, before.id, Scope::All)?;
    record(
        conn,
        Change::changed(
            actor,
            action,
            Entity::License,
            before.id,
            &LicenseView::from(before),
            &LicenseView::from(&after),
        ),
    )?;
    Ok(after)
}

/// Changes the terms (PATCH).
#[tracing::instrument(skip(conn, actor, patch))]
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    expected: Option<i32>,
    patch: LicensePatch,
) -> Result<LicenseRow, ApiError> {
    let before = store::find(conn, id, Scope::All)?;
    let draft = patch.apply(&before.draft()?)?;
    check_exclusivity(conn, &draft, id)?;
    save(conn, actor, Action::Update, &before, expected, &draft)
}

/// Moves the end date; a revoked license cannot be renewed.
#[tracing::instrument(skip(conn, actor))]
pub fn renew(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    expected: Option<i32>,
    until: Option<chrono::NaiveDate>,
) -> Result<LicenseRow, ApiError> {
    let before = store::find(conn, id, Scope::All)?;
    let mut draft = before.draft()?;
    if draft.status == LicenseStatus::Revoked {
        return Err(ApiError::Conflict(format!(
            "license {id} is revoked; grant a new one"
        )));
    }
    draft.window = rules::DateWindow::new(draft.window.from, until)
        .map_err(|m| ApiError::validation("valid_until", m))?;
    check_exclusivity(conn, &draft, id)?;
    save(conn, actor, Action::Renew, &before, expected, &draft)
}

/// Revokes (final), suspends or resumes a license, keeping its history.
#[tracing::instrument(skip(conn, actor, reason))]
pub fn set_status(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    expected: Option<i32>,
    to: LicenseStatus,
    reason: Option<String>,
) -> Result<LicenseRow, ApiError> {
    let before = store::find(conn, id, Scope::All)?;
    let mut draft = before.draft()?;
    match (draft.status, to) {
        (LicenseStatus::Revoked, _) => {
            return Err(ApiError::Conflict(format!(
                "license {id} is revoked; a revocation is final"
            )))
        }
        (from, to) if from == to => {
            return Err(ApiError::Conflict(format!(
                "license {id} is already {}",
                to.as_str()
            )))
        }
        _ => {}
    }
    draft.status = to;
    draft.status_reason = reason;
    if to == LicenseStatus::Active {
        check_exclusivity(conn, &draft, id)?;
    }
    let action = match to {
        LicenseStatus::Revoked => Action::Revoke,
        LicenseStatus::Suspended => Action::Suspend,
        LicenseStatus::Active => Action::Resume,
    };
    save(conn, actor, action, &before, expected, &draft)
}

/// Licenses are deleted softly; a restore is refused when the terms would now overlap an
/// exclusive license.
pub struct Licenses;

impl SoftDelete for Licenses {
    const ENTITY: Entity = Entity::License;
    type Row = LicenseRow;
    type View = LicenseView;

    crate::soft_delete_through_store!(crate::licenses::store);

    fn version(row: &LicenseRow) -> Option<i32> {
        Some(row.version)
    }

    fn guard_restore(conn: &mut DbConnection, row: &LicenseRow) -> Result<(), ApiError> {
        check_exclusivity(conn, &row.draft()?, row.id)
    }
}
