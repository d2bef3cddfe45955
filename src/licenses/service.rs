//! License writes that span several tables or rules: grant, import, change, renew, status,
//! delete and restore. Each runs inside one `Db::write` transaction; the handler only parses,
//! authorises and answers.

use super::chain;
use super::csv_import;
use super::rules::{self, Coverage, LicenseStatus};
use super::store::{self, LicenseRow};
use super::{LicenseDraft, LicensePatch, LicenseView};
use crate::audit::soft_delete::SoftDelete;
use crate::audit::{record, Action, Actor, Change, Entity};
use crate::auth::Scope;
use crate::db::{DbConnection, OptionalExt, StoreError};
use crate::http::fields::Fields;
use crate::http::problem::ApiError;

/// Checks what the terms refer to: both outlets exist; an article license's article exists (a
/// grantor other than its rights holder needs an upstream license: [`chain::resolve_upstream`]).
/// Fills the credit line from the article's permission statement. An id
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
    chain::resolve_upstream(conn, &mut draft, 0)?;
    check_exclusivity(conn, &draft, 0)?;
    let row = store::insert(conn, &draft)?;
    record(
        conn,
        Change::created(actor, Entity::License, row.id, &LicenseView::from(&row)),
    )?;
    Ok(row)
}

/// What an import does (or, on a dry run, would do) with one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RowOutcome {
    /// A new license.
    Create,
    /// The license the row names, changed.
    Update,
    /// The license the row names, already as the row says: nothing written.
    Unchanged,
}

/// One row's outcome.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ImportedRow {
    /// The spreadsheet row (the header is row 1)
    pub row: usize,
    pub outcome: RowOutcome,
    /// The license created, updated or left as it was (null for a row a dry run would create)
    pub license_id: Option<i64>,
}

/// Why an import wrote nothing: a refusal, or a dry run (whose report is the answer).
pub enum ImportStop {
    Refused(ApiError),
    DryRun(Vec<ImportedRow>),
}

impl From<StoreError> for ImportStop {
    fn from(err: StoreError) -> Self {
        ImportStop::Refused(err.into())
    }
}

impl From<diesel::result::Error> for ImportStop {
    fn from(err: diesel::result::Error) -> Self {
        ImportStop::Refused(err.into())
    }
}

impl From<ApiError> for ImportStop {
    fn from(err: ApiError) -> Self {
        ImportStop::Refused(err)
    }
}

/// The parts of a license a CSV row may not change (as PATCH may not): who grants to whom, and
/// what the license is for; its status changes through revoke, suspend and resume.
fn fixed_parts_differ(before: &LicenseDraft, row: &LicenseDraft) -> Option<&'static str> {
    if before.grantor != row.grantor || before.licensee != row.licensee {
        Some("the grantor and the licensee of a license cannot change; leave id empty to grant a new license")
    } else if before.coverage != row.coverage {
        match before.coverage {
            Coverage::Article(_) => Some("the article of a license cannot change; leave id empty to grant a new license"),
            Coverage::Feed(_) if matches!(row.coverage, Coverage::Article(_)) => {
                Some("a feed license cannot become an article license; leave id empty to grant a new license")
            }
            Coverage::Feed(_) => None,
        }
    } else if before.status != row.status {
        Some("change a license's status with revoke, suspend or resume")
    } else {
        None
    }
}

/// Imports CSV rows, all or none: rows with an `id` update that license (the same checks as
/// PATCH, the `version` as If-Match), rows without one create; a row that changes nothing writes
/// nothing, so an export imported back unchanged changes nothing. Every refused row and field is
/// named. A dry run does the same work and rolls it back, answering what would happen.
#[tracing::instrument(skip_all, fields(rows = rows.len(), dry_run))]
pub fn import(
    conn: &mut DbConnection,
    actor: &Actor,
    rows: Vec<csv_import::ImportRow>,
    dry_run: bool,
) -> Result<Vec<ImportedRow>, ImportStop> {
    let mut done = Vec::with_capacity(rows.len());
    let mut refused = Vec::new();
    for csv_import::ImportRow {
        row,
        id,
        version,
        has_notes,
        mut draft,
    } in rows
    {
        let outcome = match id {
            None => check_references(conn, &mut draft)
                .and_then(|()| chain::resolve_upstream(conn, &mut draft, 0))
                .and_then(|()| check_exclusivity(conn, &draft, 0))
                .map(|()| (RowOutcome::Create, None)),
            Some(id) => import_update(conn, id, version, has_notes, &mut draft),
        };
        match outcome {
            Err(err) => refused.extend(csv_import::row_errors(row, err)?),
            Ok(_) if !refused.is_empty() => {}
            Ok((RowOutcome::Create, _)) => {
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
                done.push(ImportedRow {
                    row,
                    outcome: RowOutcome::Create,
                    license_id: (!dry_run).then_some(stored.id),
                });
            }
            Ok((RowOutcome::Update, Some(before))) => {
                let after = save(conn, actor, Action::Import, &before, version, &draft)?;
                done.push(ImportedRow {
                    row,
                    outcome: RowOutcome::Update,
                    license_id: Some(after.id),
                });
            }
            Ok((outcome, before)) => done.push(ImportedRow {
                row,
                outcome,
                license_id: before.map(|b| b.id).or(id),
            }),
        }
    }
    if !refused.is_empty() {
        return Err(ImportStop::Refused(ApiError::Validation(refused)));
    }
    if dry_run {
        return Err(ImportStop::DryRun(done));
    }
    Ok(done)
}

/// A row that names a license: which one, at which version, and whether it changes anything.
fn import_update(
    conn: &mut DbConnection,
    id: i64,
    version: Option<i32>,
    has_notes: bool,
    draft: &mut LicenseDraft,
) -> Result<(RowOutcome, Option<LicenseRow>), ApiError> {
    let Some(before) = store::find(conn, id, Scope::All).optional()? else {
        return Err(ApiError::validation(
            "id",
            format!("there is no license {id}"),
        ));
    };
    if let Some(version) = version.filter(|v| *v != before.version) {
        return Err(ApiError::validation(
            "version",
            format!(
                "license {id} is at version {}, not {version}: it changed since the export; export again",
                before.version
            ),
        ));
    }
    let current = before.draft()?;
    if !has_notes {
        draft.notes = current.notes.clone();
    }
    if draft.credit_line.is_none() {
        draft.credit_line = current.credit_line.clone();
    }
    if let Some(message) = fixed_parts_differ(&current, draft) {
        return Err(ApiError::validation("", message));
    }
    if draft.upstream.is_none() {
        draft.upstream = current.upstream;
    }
    if *draft == current {
        return Ok((RowOutcome::Unchanged, Some(before)));
    }
    chain::resolve_upstream(conn, draft, id)?;
    check_exclusivity(conn, draft, id)?;
    Ok((RowOutcome::Update, Some(before)))
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
    let mut draft = patch.apply(&before.draft()?)?;
    chain::resolve_upstream(conn, &mut draft, id)?;
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
    chain::resolve_upstream(conn, &mut draft, id)?;
    check_exclusivity(conn, &draft, id)?;
    save(conn, actor, Action::Renew, &before, expected, &draft)
}

/// Revokes (final), suspends or resumes a license, keeping its history. Answers it with the ids
/// of the licenses downstream of it (a revocation or suspension affects them: the notice pass
/// queues their takedowns through the outbox).
#[tracing::instrument(skip(conn, actor, reason))]
pub fn set_status(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    expected: Option<i32>,
    to: LicenseStatus,
    reason: Option<String>,
) -> Result<(LicenseRow, Vec<i64>), ApiError> {
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
    let row = save(conn, actor, action, &before, expected, &draft)?;
    let affected = match to {
        LicenseStatus::Active => Vec::new(),
        _ => chain::affected(conn, id)?,
    };
    Ok((row, affected))
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

/// The answers' views of these licenses, with the names of their parties.
pub fn views(conn: &mut DbConnection, rows: &[LicenseRow]) -> Result<Vec<LicenseView>, StoreError> {
    let mut ids: Vec<i64> = rows
        .iter()
        .flat_map(|r| [r.grantor_outlet_id, r.licensee_outlet_id])
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let names = crate::outlets::store::names(conn, &ids)?;
    Ok(rows
        .iter()
        .map(|r| {
            let mut view = LicenseView::from(r);
            view.grantor_name = names.get(&r.grantor_outlet_id).cloned();
            view.licensee_name = names.get(&r.licensee_outlet_id).cloned();
            view
        })
        .collect())
}
