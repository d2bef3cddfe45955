//! Recording and correcting reprints: the references are checked, the verdict is worked out on
//! the reprint's day, and the record and its audit entry are written in one transaction.

use super::store::{self, ReprintRow};
use super::{Compliance, ReprintDraft, ReprintView};
use crate::audit::soft_delete::SoftDelete;
use crate::audit::{record, Action, Actor, Change, Entity};
use crate::auth::Scope;
use crate::db::{Backend, Changes, Db, DbConnection, Stamp, Touches};
use crate::http::problem::ApiError;
use crate::licenses::rules::{self, Reason, Use};
use crate::rights::cache::CoverageCache;
use crate::rights::Coverage;

/// The verdict of a reprint: covered or not, under which license, and why not.
pub struct Verdict {
    pub compliance: Compliance,
    pub license_id: Option<i64>,
    pub reasons: Vec<Reason>,
    /// The license it names caps its reprints: recording it changes that license's answers.
    pub uses_a_cap: bool,
}

/// What a reprint is judged on, once what it names is checked: the outlet exists; the article
/// exists and the caller may see it (a partner records reprints of the articles it can see;
/// anything else does not exist for it). The one load that the verdict needs answers all of it,
/// but for a partner's reprint of an article no license of its own names. An outage stays a 503.
fn checked_coverage(
    conn: &mut DbConnection,
    draft: &ReprintDraft,
    scope: Scope,
) -> Result<Coverage, ApiError> {
    let coverage = crate::rights::load(conn, draft.outlet_id, draft.article_id)?;
    let outlet_exists = match &coverage {
        Some(coverage) => coverage.licensee_exists,
        None => crate::outlets::store::exists(conn, draft.outlet_id)?,
    };
    if !outlet_exists {
        return Err(ApiError::validation(
            "outlet_id",
            format!("there is no outlet {}", draft.outlet_id),
        ));
    }
    let Some(coverage) = coverage else {
        return Err(no_article(draft, scope));
    };
    if sees_article(&coverage, scope, draft.article_id) {
        return Ok(coverage);
    }
    match crate::articles::store::find(conn, draft.article_id, scope) {
        Ok(_) => Ok(coverage),
        Err(diesel::result::Error::NotFound) => Err(no_article(draft, scope)),
        Err(err) => Err(err.into()),
    }
}

/// The desk sees every live article; a partner surely sees one its own license names (any other
/// asks the visibility rule).
fn sees_article(coverage: &Coverage, scope: Scope, article: i64) -> bool {
    scope == Scope::All
        || coverage
            .licenses
            .iter()
            .any(|l| l.article_id == Some(article))
}

/// A missing article: a field to correct for the desk, nothing there for a partner.
fn no_article(draft: &ReprintDraft, scope: Scope) -> ApiError {
    match scope {
        Scope::All => ApiError::validation(
            "article_id",
            format!("there is no article {}", draft.article_id),
        ),
        Scope::Outlet(_) => ApiError::NotFound,
    }
}

/// Checks what the reprint names and works out its verdict on the reprint's day, inside the
/// transaction that records it. When a license that could cover it caps its reprints, the
/// outlet's reprint writes take turns first and the uses are counted after the others' commits
/// (PostgreSQL; SQLite's writes take turns anyway), so that reprints arriving together cannot
/// overrun the cap.
fn verdict(
    conn: &mut DbConnection,
    draft: &ReprintDraft,
    scope: Scope,
) -> Result<Verdict, ApiError> {
    let mut coverage = checked_coverage(conn, draft, scope)?;
    let capped = coverage.licenses.iter().any(|l| l.max_reprints.is_some());
    if capped && store::take_turns_for_outlet(conn, draft.outlet_id)? {
        coverage = crate::rights::load(conn, draft.outlet_id, draft.article_id)?
            .ok_or(ApiError::NotFound)?;
    }
    Ok(judged(&coverage, draft))
}

/// Pure: the verdict of a reprint on what the rights check starts from.
fn judged(coverage: &Coverage, draft: &ReprintDraft) -> Verdict {
    let wanted = Use::new(
        draft.action,
        draft.medium,
        draft.territory,
        draft.reprinted_on,
        crate::types::now(),
    );
    let verdict = crate::rights::judge(coverage, &wanted);
    match &verdict.covering {
        Some(license) => {
            let required = verdict.credit_line.as_deref().unwrap_or("");
            let credited = rules::credit_given(required, draft.credit_line_used.as_deref());
            Verdict {
                compliance: if credited {
                    Compliance::Covered
                } else {
                    Compliance::Uncovered
                },
                license_id: Some(license.id),
                reasons: if credited {
                    Vec::new()
                } else {
                    vec![Reason::CreditLineMissing]
                },
                uses_a_cap: license.max_reprints.is_some(),
            }
        }
        None => Verdict {
            compliance: Compliance::Uncovered,
            license_id: None,
            reasons: verdict.reasons(),
            uses_a_cap: false,
        },
    }
}

/// A reprint's references checked and its verdict worked out before its write, from the
/// coverage cache, and the stamp they were current at: the write uses them only if nothing that
/// could change them has been written since (else it works them out again inside).
pub struct Prejudged {
    stamp: Stamp,
    verdict: Verdict,
}

/// Checks the references and works out the verdict outside the write (SQLite, whose one process
/// knows every write at once). `None`: the write does it all (a reference to refuse, an untrusted
/// stamp, PostgreSQL).
pub async fn prejudge(
    db: &Db,
    cache: &CoverageCache,
    scope: Scope,
    draft: &ReprintDraft,
) -> Result<Option<Prejudged>, ApiError> {
    if db.backend() != Backend::Sqlite {
        return Ok(None);
    }
    // Taken before anything is read: any write after it makes the write decide afresh.
    let Some(stamp) = db.changes().stamp(draft.outlet_id) else {
        return Ok(None);
    };
    let Some(coverage) = cache
        .coverage(db, draft.outlet_id, draft.article_id)
        .await?
    else {
        return Ok(None);
    };
    if !coverage.licensee_exists {
        // The write refuses it, with its reason.
        return Ok(None);
    }
    let article = draft.article_id;
    let references_hold = sees_article(&coverage, scope, article)
        || db
            .read_point(move |conn| {
                Ok::<_, ApiError>(crate::articles::store::find(conn, article, scope).is_ok())
            })
            .await?;
    Ok(references_hold.then(|| Prejudged {
        stamp,
        verdict: judged(&coverage, draft),
    }))
}

/// Records a reprint with its verdict, and says what it changed for cached answers: a reprint
/// that counts towards a capped license changes its outlet's rights checks; any other, none.
#[tracing::instrument(skip(conn, actor, draft, changes, prejudged), fields(article = draft.article_id, outlet = draft.outlet_id))]
pub fn record_reprint(
    conn: &mut DbConnection,
    actor: &Actor,
    scope: Scope,
    draft: &ReprintDraft,
    changes: &Changes,
    prejudged: Option<Prejudged>,
) -> Result<(ReprintRow, Touches), ApiError> {
    let current = prejudged.filter(|p| changes.stamp(draft.outlet_id) == Some(p.stamp));
    let v = match current {
        Some(prejudged) => prejudged.verdict,
        None => verdict(conn, draft, scope)?,
    };
    let row = store::insert(conn, draft, v.compliance, v.license_id, &v.reasons)?;
    record(
        conn,
        Change::created(actor, Entity::Reprint, row.id, &ReprintView::from(&row)),
    )?;
    let touches = if v.uses_a_cap {
        Touches::Partition(draft.outlet_id)
    } else {
        Touches::Nothing
    };
    Ok((row, touches))
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
    // Out of the count while its references are checked and its verdict is worked out again, then
    // back with the new facts (a refusal rolls the whole write back).
    store::set_deleted(conn, id, Some(crate::types::now()))?;
    let v = verdict(conn, draft, scope)?;
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
