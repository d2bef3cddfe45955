//! The rights check: may outlet P do action X with article A, in medium M and territory T, on
//! day D? The decision is pure ([`decide`]); [`evaluate`] loads what it needs in one indexed
//! query (plus a count for licenses with a use cap).

pub mod routes;

use serde::Serialize;

use crate::articles::store::ArticleRow;
use crate::db::DbConnection;
use crate::http::problem::ApiError;
use crate::licenses::rules::{self, ArticleFacts, Reason, Terms, Use};
use crate::licenses::store::{self as license_store, LicenseRow};

/// One license looked at, and why it does not cover the use (empty: it does).
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Considered {
    pub license_id: i64,
    pub reasons: Vec<Reason>,
    /// The reasons in words, with their dates: "expired on 2025-12-31"
    pub explanations: Vec<String>,
}

/// The outcome of a check.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// The license that allows the use, if one does.
    pub covering: Option<LicenseRow>,
    /// The credit line the partner must print: the license's, else the article's permission statement.
    pub credit_line: Option<String>,
    pub considered: Vec<Considered>,
}

impl Verdict {
    /// Every reason in words, license by license ("license 3: expired on 2025-12-31").
    pub fn explanations(&self) -> Vec<String> {
        if self.covering.is_some() {
            return Vec::new();
        }
        if self.considered.is_empty() {
            return vec!["no license of this outlet covers this article".into()];
        }
        self.considered
            .iter()
            .flat_map(|c| {
                c.explanations
                    .iter()
                    .map(move |e| format!("license {}: {e}", c.license_id))
            })
            .collect()
    }

    /// Every distinct reason, in the order first met; `no_license` when nothing was considered.
    pub fn reasons(&self) -> Vec<Reason> {
        if self.covering.is_some() {
            return Vec::new();
        }
        if self.considered.is_empty() {
            return vec![Reason::NoLicense];
        }
        let mut out: Vec<Reason> = Vec::new();
        for reason in self.considered.iter().flat_map(|c| c.reasons.iter()) {
            if !out.contains(reason) {
                out.push(*reason);
            }
        }
        out
    }
}

/// Pure: which of the candidate licenses (with their used counts) covers the use, and why each
/// other one does not. Answers the index of the covering license.
pub fn decide(
    article: &ArticleFacts,
    candidates: &[(Terms, i64)],
    wanted: &Use,
) -> (Option<usize>, Vec<Considered>) {
    let considered: Vec<Considered> = candidates
        .iter()
        .map(|(terms, uses)| {
            let reasons = rules::reasons(terms, article, wanted, *uses);
            let explanations = reasons
                .iter()
                .map(|r| rules::explain(*r, terms, article, wanted, *uses))
                .collect();
            Considered {
                license_id: terms.id,
                reasons,
                explanations,
            }
        })
        .collect();
    let covering = rules::best(
        candidates
            .iter()
            .zip(&considered)
            .filter(|(_, c)| c.reasons.is_empty())
            .map(|((terms, _), _)| terms),
    )
    .and_then(|best| candidates.iter().position(|(t, _)| t.id == best.id));
    (covering, considered)
}

pub fn facts(article: &ArticleRow) -> ArticleFacts {
    ArticleFacts {
        id: article.id,
        source_outlet: article.source_outlet_id,
        published_on: article.published_on,
        embargo_until: article.embargo_until,
    }
}

/// Loads the article and the licensee's licenses for it, and decides. `None`: no such article.
pub fn evaluate(
    conn: &mut DbConnection,
    licensee: i64,
    article_id: i64,
    wanted: &Use,
) -> Result<Option<(ArticleRow, Verdict)>, ApiError> {
    let Some((article, licenses)) = license_store::coverage(conn, article_id, licensee)? else {
        return Ok(None);
    };
    let capped: Vec<i64> = licenses
        .iter()
        .filter(|l| l.max_reprints.is_some())
        .map(|l| l.id)
        .collect();
    let used = license_store::covered_reprints(conn, &capped)?;
    let candidates = licenses
        .iter()
        .map(|l| Ok((l.terms()?, used.get(&l.id).copied().unwrap_or(0))))
        .collect::<Result<Vec<_>, ApiError>>()?;
    let (covering, considered) = decide(&facts(&article), &candidates, wanted);
    let covering = covering.map(|i| licenses[i].clone());
    let credit_line = covering
        .as_ref()
        .and_then(|l| l.credit_line.clone())
        .or_else(|| article.permission_statement.clone());
    Ok(Some((
        article,
        Verdict {
            covering,
            credit_line,
            considered,
        },
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::licenses::rules::*;
    use chrono::NaiveDate;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn terms(id: i64, from: &str, until: Option<&str>, media: Vec<Medium>) -> Terms {
        Terms {
            id,
            grantor: 1,
            licensee: 2,
            coverage: Coverage::Feed(PublishedRange::default()),
            actions: vec![Action::Republish],
            media,
            territories: Territories::World,
            window: DateWindow::new(day(from), until.map(day)).unwrap(),
            exclusive: false,
            status: LicenseStatus::Active,
            max_reprints: None,
        }
    }

    #[test]
    fn names_the_covering_license_and_every_other_reason() {
        let article = ArticleFacts {
            id: 9,
            source_outlet: 1,
            published_on: Some(day("2025-02-23")),
            embargo_until: None,
        };
        let wanted = Use::new(
            Action::Republish,
            Medium::Web,
            None,
            day("2025-06-01"),
            day("2026-01-01").and_hms_opt(0, 0, 0).unwrap(),
        );
        let candidates = vec![
            (
                terms(1, "2024-01-01", Some("2024-12-31"), vec![Medium::Web]),
                0,
            ),
            (terms(2, "2025-01-01", None, vec![Medium::Print]), 0),
            (
                terms(3, "2025-01-01", Some("2025-12-31"), vec![Medium::Web]),
                0,
            ),
        ];
        let (covering, considered) = decide(&article, &candidates, &wanted);
        assert_eq!(covering, Some(2));
        assert_eq!(considered[0].reasons, vec![Reason::Expired]);
        assert_eq!(considered[1].reasons, vec![Reason::MediumNotGranted]);
        assert!(considered[2].reasons.is_empty());

        let (none, considered) = decide(&article, &candidates[..2], &wanted);
        assert_eq!(none, None);
        let verdict = Verdict {
            covering: None,
            credit_line: None,
            considered,
        };
        assert_eq!(
            verdict.reasons(),
            vec![Reason::Expired, Reason::MediumNotGranted]
        );
        let empty = Verdict {
            covering: None,
            credit_line: None,
            considered: vec![],
        };
        assert_eq!(empty.reasons(), vec![Reason::NoLicense]);
    }
}
