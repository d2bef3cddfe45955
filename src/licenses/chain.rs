//! The rights chain at write time: a license whose grantor is not the article's rights holder
//! must rest on an upstream license to that grantor which grants `sublicense` and covers it
//! (checked on grant, change and renew, 409 `no_upstream_right` otherwise); revoking or
//! suspending a license names the licenses downstream of it. The rules themselves are pure, in [`super::rules::chain`].

use serde_json::json;

use super::rules::chain::{lacks, MAX_LINKS};
use super::rules::{ArticleFacts, Coverage};
use super::store::{self, LicenseRow};
use super::LicenseDraft;
use crate::articles::store::ArticleRow;
use crate::auth::Scope;
use crate::db::{DbConnection, OptionalExt};
use crate::http::problem::ApiError;

/// The facts of an article the rules need.
pub fn facts(article: &ArticleRow) -> ArticleFacts {
    ArticleFacts {
        id: article.id,
        source_outlet: article.source_outlet_id,
        holder: article.rights_holder(),
        published_on: article.published_on,
        embargo_until: article.embargo_until,
    }
}

/// The 409 naming the grant that is missing: the outlet that should grant it, to whom, and what
/// the nearest license lacks.
fn no_upstream_right(
    draft: &LicenseDraft,
    holder: i64,
    nearest: Option<(&LicenseRow, Vec<String>)>,
) -> ApiError {
    let all_lacks = || {
        let mut out = vec!["sublicense".to_string()];
        out.extend(draft.actions.iter().map(|a| a.as_str().to_string()));
        out.dedup();
        out
    };
    let (outlet, upstream, lacking) = match nearest {
        Some((up, lacking)) => (up.grantor_outlet_id, Some(up.id), lacking),
        None => (holder, None, all_lacks()),
    };
    let detail = match upstream {
        Some(id) => format!(
            "outlet {} may not grant this: its upstream license {id} from outlet {outlet} lacks {}",
            draft.grantor,
            lacking.join(", ")
        ),
        None => format!(
            "outlet {} is not the rights holder (outlet {holder}) and holds no license from it \
             that grants sublicense and covers these terms",
            draft.grantor
        ),
    };
    let mut members = serde_json::Map::new();
    members.insert(
        "missing".into(),
        json!({
            "outlet_id": outlet,
            "rights_holder_outlet_id": holder,
            "licensee_outlet_id": draft.grantor,
            "upstream_license_id": upstream,
            "lacks": lacking,
        }),
    );
    ApiError::ConflictCode {
        detail,
        code: "no_upstream_right",
        members,
    }
}

/// Finds (or checks the given) upstream license for terms about to be written as license `id`
/// (0: a new one), and sets it on the draft; 409 `no_upstream_right` when there is none.
pub fn resolve_upstream(
    conn: &mut DbConnection,
    draft: &mut LicenseDraft,
    id: i64,
) -> Result<(), ApiError> {
    let article = match draft.coverage {
        Coverage::Article(a) => crate::articles::store::find(conn, a, Scope::All).optional()?,
        Coverage::Feed(_) => None,
    };
    let holder = article
        .as_ref()
        .map_or(draft.grantor, ArticleRow::rights_holder);
    // A feed license grants the grantor's own feed unless it names what it rests on.
    if draft.grantor == holder && (article.is_some() || draft.upstream.is_none()) {
        draft.upstream = None;
        return Ok(());
    }
    let article_facts = article.as_ref().map(facts);
    let down = draft.terms(id);
    let mut candidates = store::upstream_candidates(conn, draft.grantor, article.as_ref())?;
    if let Some(wanted) = draft.upstream {
        candidates.retain(|c| c.id == wanted);
        if candidates.is_empty() {
            return Err(ApiError::validation(
                "upstream_license_id",
                format!(
                    "license {wanted} is not a license to outlet {} for this article or feed",
                    draft.grantor
                ),
            ));
        }
    }
    let mut nearest: Option<(LicenseRow, Vec<String>)> = None;
    for candidate in candidates.into_iter().filter(|c| c.id != id) {
        let mut lacking = lacks(&candidate.terms()?, &down, article_facts.as_ref());
        let above = store::ancestors(conn, candidate.id, MAX_LINKS)?;
        if id != 0 && above.iter().any(|a| a.id == id) {
            lacking.push("a chain without loops".into());
        }
        if above.len() + 2 > MAX_LINKS {
            lacking.push(format!("a chain of at most {MAX_LINKS} links"));
        }
        if lacking.is_empty() {
            draft.upstream = Some(candidate.id);
            return Ok(());
        }
        if nearest
            .as_ref()
            .is_none_or(|(_, l)| lacking.len() < l.len())
        {
            nearest = Some((candidate, lacking));
        }
    }
    Err(no_upstream_right(
        draft,
        holder,
        nearest.as_ref().map(|(l, lacking)| (l, lacking.clone())),
    ))
}

/// The ids of the live licenses that rest on license `id`, directly or further down.
pub fn affected(conn: &mut DbConnection, id: i64) -> Result<Vec<i64>, ApiError> {
    Ok(store::downstream(conn, id)?.iter().map(|l| l.id).collect())
}
