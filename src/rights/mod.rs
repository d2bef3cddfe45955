//! The rights check: may outlet P do action X with article A, in medium M and territory T, on
//! day D? The decision is pure ([`decide`]); [`evaluate`] loads what it needs in one indexed
//! query, the licenses' upstream chains included (plus a count for licenses with a use cap).

pub mod cache;
pub mod routes;

use serde::Serialize;

use crate::articles::store::ArticleRow;
use crate::db::DbConnection;
use crate::http::problem::ApiError;
use crate::licenses::rules::{self, chain, Action, ArticleFacts, Reason, Terms, Use};
use crate::licenses::store::{self as license_store, LicenseRow};

/// One license looked at, and why it does not cover the use (empty: it does).
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Considered {
    pub license_id: i64,
    pub reasons: Vec<Reason>,
    /// The reasons in words, with their dates: "expired on 2025-12-31"
    pub explanations: Vec<String>,
    /// The upstream license where its chain breaks (`upstream_not_in_force`, `no_upstream_right`)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream_license_id: Option<i64>,
}

/// The outcome of a check.
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    /// The license that allows the use, if one does.
    pub covering: Option<LicenseRow>,
    /// The credit line the partner must print: the license's, else the article's permission statement.
    pub credit_line: Option<String>,
    pub considered: Vec<Considered>,
    /// The covering license's chain, from the rights holder's grant down to it.
    pub chain: Vec<i64>,
    /// The article's rights holder reserves the use (text and data mining, AI training).
    pub reserved: bool,
}

impl Verdict {
    /// Every reason in words, license by license ("license 3: expired on 2025-12-31").
    pub fn explanations(&self) -> Vec<String> {
        if self.covering.is_some() {
            return Vec::new();
        }
        if self.considered.is_empty() {
            if self.reserved {
                return vec!["the article's rights holder reserves this use".into()];
            }
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
        let mut out: Vec<Reason> = Vec::new();
        if self.reserved {
            out.push(Reason::DataMiningReserved);
        }
        if self.considered.is_empty() && !self.reserved {
            return vec![Reason::NoLicense];
        }
        for reason in self.considered.iter().flat_map(|c| c.reasons.iter()) {
            if !out.contains(reason) {
                out.push(*reason);
            }
        }
        out
    }

    /// The first upstream license where a considered license's chain breaks.
    pub fn upstream_license_id(&self) -> Option<i64> {
        self.considered.iter().find_map(|c| c.upstream_license_id)
    }
}

/// A license that may cover the use: its terms, its covered reprints so far, and the licenses
/// above it in its chain (nearest first).
#[derive(Debug, Clone)]
pub struct Candidate {
    pub terms: Terms,
    pub uses: i64,
    pub upstream: Vec<Terms>,
}

/// Pure: which of the candidate licenses covers the use (its own terms and its chain on the
/// day), and why each other one does not. Answers the index of the covering license and its
/// chain.
pub fn decide(
    article: &ArticleFacts,
    candidates: &[Candidate],
    wanted: &Use,
) -> (Option<(usize, Vec<i64>)>, Vec<Considered>) {
    let mut chains = Vec::with_capacity(candidates.len());
    let considered: Vec<Considered> = candidates
        .iter()
        .map(|c| {
            let mut reasons = rules::reasons(&c.terms, article, wanted, c.uses);
            let mut explanations: Vec<String> = reasons
                .iter()
                .map(|r| rules::explain(*r, &c.terms, article, wanted, c.uses))
                .collect();
            let mut upstream_license_id = None;
            match chain::walk(&c.terms, &c.upstream, article, wanted) {
                Ok(ids) => chains.push(ids),
                Err(broken) => {
                    chains.push(Vec::new());
                    reasons.push(broken.reason);
                    explanations.push(chain::explain(&broken, wanted));
                    upstream_license_id = broken.upstream_license_id;
                }
            }
            Considered {
                license_id: c.terms.id,
                reasons,
                explanations,
                upstream_license_id,
            }
        })
        .collect();
    let covering = rules::best(
        candidates
            .iter()
            .zip(&considered)
            .filter(|(_, c)| c.reasons.is_empty())
            .map(|(c, _)| &c.terms),
    )
    .and_then(|best| candidates.iter().position(|c| c.terms.id == best.id))
    .map(|i| (i, chains[i].clone()));
    (covering, considered)
}

pub fn facts(article: &ArticleRow) -> ArticleFacts {
    crate::licenses::chain::facts(article)
}

/// Does the article's rights holder reserve this use?
pub fn reserves(article: &ArticleRow, action: Action) -> bool {
    match action {
        Action::TextDataMining => article.data_mining().reserves_mining(),
        Action::AiTraining => article.data_mining().reserves_ai_training(),
        _ => false,
    }
}

/// What a check for one (licensee, article) starts from: the article, the licensee's licenses
/// that name it or its source with their terms, chains and uses so far. It does not depend on the
/// use asked about, so the coverage cache ([`cache`]) keeps it between checks.
#[derive(Debug)]
pub struct Coverage {
    pub article: ArticleRow,
    /// The licensee is a live outlet (a reprint naming it can be recorded). Any change to an
    /// outlet moves every stamp, so a cached coverage never says so of a deleted one.
    pub licensee_exists: bool,
    pub licenses: Vec<LicenseRow>,
    pub candidates: Vec<Candidate>,
}

impl Coverage {
    /// Roughly the bytes it holds (the cache's weight).
    pub fn weight(&self) -> u64 {
        let texts = [
            &self.article.permission_statement,
            &self.article.copyright_line,
            &self.article.byline,
            &self.article.url,
        ]
        .iter()
        .map(|t| t.as_ref().map_or(0, String::len))
        .sum::<usize>()
            + self.article.title.len();
        let per_license =
            std::mem::size_of::<LicenseRow>() + std::mem::size_of::<Candidate>() + 128;
        let upstream: usize = self.candidates.iter().map(|c| c.upstream.len() * 160).sum();
        (std::mem::size_of::<Self>() + texts + self.licenses.len() * per_license + upstream) as u64
    }
}

/// Loads the article and the licensee's licenses for it with their chains (one query, plus a
/// count for licenses with a use cap). `None`: no such article.
pub fn load(
    conn: &mut DbConnection,
    licensee: i64,
    article_id: i64,
) -> Result<Option<Coverage>, ApiError> {
    let Some((article, licenses)) = license_store::coverage(conn, article_id, licensee)? else {
        return Ok(None);
    };
    let capped: Vec<i64> = licenses
        .iter()
        .filter(|(l, _)| l.max_reprints.is_some())
        .map(|(l, _)| l.id)
        .collect();
    let used = license_store::covered_reprints(conn, &capped)?;
    let licensee_exists = crate::outlets::store::exists(conn, licensee)?;
    let candidates = licenses
        .iter()
        .map(|(l, upstream)| {
            Ok(Candidate {
                terms: l.terms()?,
                uses: used.get(&l.id).copied().unwrap_or(0),
                upstream: upstream
                    .iter()
                    .map(LicenseRow::terms)
                    .collect::<Result<_, _>>()?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(Some(Coverage {
        article,
        licensee_exists,
        licenses: licenses.into_iter().map(|(l, _)| l).collect(),
        candidates,
    }))
}

/// Pure: the verdict on one use of what [`load`] found.
pub fn judge(coverage: &Coverage, wanted: &Use) -> Verdict {
    let article = &coverage.article;
    let (covering, mut considered) = decide(&facts(article), &coverage.candidates, wanted);
    let reserved = reserves(article, wanted.action);
    let (covering, chain) = match covering {
        Some((i, chain)) if !reserved => (Some(coverage.licenses[i].clone()), chain),
        _ => (None, Vec::new()),
    };
    if reserved {
        for c in &mut considered {
            c.reasons.insert(0, Reason::DataMiningReserved);
            c.explanations.insert(
                0,
                format!("the article's rights holder reserves {}", wanted.action),
            );
        }
    }
    let credit_line = covering
        .as_ref()
        .and_then(|l| l.credit_line.clone())
        .or_else(|| article.permission_statement.clone());
    Verdict {
        covering,
        credit_line,
        considered,
        chain,
        reserved,
    }
}

/// [`load`] and [`judge`] in one, for writes that decide inside their transaction.
pub fn evaluate(
    conn: &mut DbConnection,
    licensee: i64,
    article_id: i64,
    wanted: &Use,
) -> Result<Option<(ArticleRow, Verdict)>, ApiError> {
    Ok(load(conn, licensee, article_id)?.map(|coverage| {
        let verdict = judge(&coverage, wanted);
        (coverage.article, verdict)
    }))
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
            coverage: crate::licenses::rules::Coverage::Feed(PublishedRange::default()),
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
            holder: 1,
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
            terms(1, "2024-01-01", Some("2024-12-31"), vec![Medium::Web]),
            terms(2, "2025-01-01", None, vec![Medium::Print]),
            terms(3, "2025-01-01", Some("2025-12-31"), vec![Medium::Web]),
        ]
        .into_iter()
        .map(|terms| Candidate {
            terms,
            uses: 0,
            upstream: Vec::new(),
        })
        .collect::<Vec<_>>();
        let (covering, considered) = decide(&article, &candidates, &wanted);
        assert_eq!(covering, Some((2, vec![3])));
        assert_eq!(considered[0].reasons, vec![Reason::Expired]);
        assert_eq!(considered[1].reasons, vec![Reason::MediumNotGranted]);
        assert!(considered[2].reasons.is_empty());

        let (none, considered) = decide(&article, &candidates[..2], &wanted);
        assert_eq!(none, None);
        let verdict = Verdict {
            considered,
            ..Verdict::default()
        };
        assert_eq!(
            verdict.reasons(),
            vec![Reason::Expired, Reason::MediumNotGranted]
        );
        let empty = Verdict::default();
        assert_eq!(empty.reasons(), vec![Reason::NoLicense]);
    }
}
