//! Recording and correcting reprints: the references are checked, the verdict is worked out on
//! the reprint's day, and the record and its audit entry are written in one transaction.

use super::store::{self, ReprintRow};
use super::{Compliance, ReprintDraft, ReprintView};
use crate::audit::soft_delete::SoftDelete;
use crate::audit::{record, Action, Actor, Change, Entity};
use crate::auth::Scope;
use crate::db::DbConnection;
use crate::http::problem::ApiError;
use crate::licenses::rules::{self, Reason, Use};

/// The verdict of a reprint: covered or not, under which license, and why not.
pub struct Verdict {
    pub compliance: Compliance,
    pub license_id: Option<i64>,
    pub reasons: Vec<Reason>,
}

/// Checks what the reprint names: the outlet exists; the article exists and the caller may see
/// it (a partner records reprints of the articles it can see; anything else does not exist for
/// it). An outage stays a 503.
fn check_references(
    conn: &mut DbConnection,
    draft: &ReprintDraft,
    scope: Scope,
) -> Result<(), ApiError> {
    if !crate::outlets::store::exists(conn, draft.outlet_id)? {
        return Err(ApiError::validation(
            "outlet_id",
            format!("there is no outlet {}", draft.outlet_id),
        ));
    }
    if let Err(diesel::result::Error::NotFound) =
        crate::articles::store::find(conn, draft.article_id, scope)
    {
        return Err(match scope {
            Scope::All => ApiError::validation(
                "article_id",
                format!("there is no article {}", draft.article_id),
            ),
            Scope::Outlet(_) => ApiError::NotFound,
        });
    }
    Ok(())
}

/// Works out the verdict on the reprint's day. `except` leaves a reprint being corrected out of
/// the licenses' use counts.
pub fn verdict(conn: &mut DbConnection, draft: &ReprintDraft) -> Result<Verdict, ApiError> {
    let wanted = Use::new(
        draft.action,
        draft.medium,
        draft.territory,
        draft.reprinted_on,
        crate::types::now(),
    );
    let (_, verdict) = crate::rights::evaluate(conn, draft.outlet_id, draft.article_id, &wanted)?
        .ok_or(ApiError::NotFound)?;
    Ok(match &verdict.covering {
        Some(license) => {
            let required = verdict.credit_line.as_deref().unwrap_or("");
            if rules::credit_given(required, draft.credit_line_used.as_deref()) {
                Verdict {
                    compliance: Compliance::Covered,
                    license_id: Some(license.id),
                    reasons: Vec::new(),
                }
            } else {
                Verdict {
                    compliance: Compliance::Uncovered,
                    license_id: Some(license.id),
                    reasons: vec![Reason::CreditLineMissing],
                }
            }
        }
        None => Verdict {
            compliance: Compliance::Uncovered,
            license_id: None,
            reasons: verdict.reasons(),
        },
    })
}

/// Records a reprint with its verdict.
#[tracing::instrument(skip(conn, actor, draft), fields(article = draft.article_id, outlet = draft.outlet_id))]
pub fn record_reprint(
    conn: &mut DbConnection,
    actor: &Actor,
    scope: Scope,
    draft: &ReprintDraft,
) -> Result<ReprintRow, ApiError> {
    check_references(conn, draft, scope)?;
    let v = verdict(conn, draft)?;
    let row = store::insert(conn, draft, v.compliance, v.license_id, &v.reasons)?;
    record(
        conn,
        Change::created(actor, Entity::Reprint, row.id, &ReprintView::from(&row)),
    )?;
    Ok(row)
}

/// Corrects a reprint: the verdict is worked out again on the corrected facts, without the
/// reprint itself counting towards its license's uses.
#[tracing::instrument(skip(conn, actor, draft))]
pub fn correct(
    conn: &mut DbConnection,
    actor: &Actor,
    scope: Scope,
    id: i64,
    draft: &ReprintDraft,
) -> Result<ReprintRow, ApiError> {
    let before = store::find(conn, id, scope)?;
    if let Scope::Outlet(own) = scope {
        if own != draft.outlet_id {
            return Err(ApiError::validation(
                "outlet_id",
                "a partner records reprints of its own outlet",
            ));
        }
    }
    check_references(conn, draft, scope)?;
    // Out of the count while its verdict is worked out again, then back with the new facts.
    store::set_deleted(conn, id, Some(crate::types::now()))?;
    let v = verdict(conn, draft)?;
    store::set_deleted(conn, id, None)?;
    let after = store::update(conn, id, draft, v.compliance, v.license_id, &v.reasons)?;
    record(
        conn,
        Change::changed(
            actor,
            Action::Update,
            Entity::Reprint,
            id,
            &ReprintView::from(&before),
            &ReprintView::from(&after),
        ),
    )?;
    Ok(after)
}

/// Reprints are withdrawn softly (they stop counting towards a license's uses) and restored by
/// an admin.
pub struct Reprints;

impl SoftDelete for Reprints {
    const ENTITY: Entity = Entity::Reprint;
    type Row = ReprintRow;
    type View = ReprintView;

    crate::soft_delete_through_store!(crate::reprints::store);
}
