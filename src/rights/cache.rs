//! The coverage cache: what a rights check for one (licensee, article) starts from, kept in
//! memory so that a partner's CMS, asking on every page render, costs no database round-trip.
//!
//! Kept in a [`Remembered`] cache: bounded by weight, each entry used only while no write that
//! could change it has committed since it was loaded. An article not found is never remembered, so an article written by another
//! process (the `import` command) is found on the next check.

use std::sync::Arc;

use actix_web::web::Bytes;
use chrono::NaiveDate;

use crate::db::remembered::{Recall, Remembered};
use crate::db::{Db, Stamp};
use crate::http::problem::ApiError;
use crate::licenses::rules::{Action, Medium};
use crate::types::Country;

use super::{load, Coverage};

/// The per-process coverage cache (one for all workers), keyed by (licensee, article), with the
/// rights check's rendered answers beside it.
pub struct CoverageCache {
    entries: Remembered<(i64, i64), Arc<Coverage>>,
    answers: Remembered<AnswerKey, Bytes>,
}

/// Everything a rights check's answer depends on besides the coverage (and, while an embargo is
/// still ahead, the moment: such answers are never kept).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AnswerKey {
    pub outlet_id: i64,
    pub article_id: i64,
    /// A partner asking (it learns less than the desk about articles it has no license for).
    pub partner: bool,
    pub on: NaiveDate,
    /// The use is judged against the moment when `on` is today, else against the start of `on`.
    pub today: NaiveDate,
    pub action: Action,
    pub medium: Medium,
    pub territory: Option<Country>,
}

impl CoverageCache {
    /// A cache holding about `max_bytes` (0: nothing is kept, every check asks the database):
    /// seven eighths for coverage, one eighth for rendered answers.
    pub fn new(max_bytes: u64) -> CoverageCache {
        CoverageCache {
            entries: Remembered::new(
                "rightsdesk_coverage_cache_total",
                max_bytes - max_bytes / 8,
                2_048,
            ),
            answers: Remembered::new("rightsdesk_check_answer_cache_total", max_bytes / 8, 1_024),
        }
    }

    /// The rendered answer to this check if nothing that could change it was written since, or
    /// the stamp to [`CoverageCache::keep_answer`] a fresh one under.
    pub fn answer(&self, db: &Db, key: &AnswerKey) -> Recall<Bytes> {
        self.answers.recall(db.changes(), key.outlet_id, key)
    }

    /// Keeps a rendered answer worked out after [`CoverageCache::answer`] missed with `stamp`.
    pub fn keep_answer(&self, key: AnswerKey, stamp: Option<Stamp>, body: Bytes) {
        let weight = body.len() as u64 + 128;
        self.answers.keep(key, stamp, body, weight);
    }

    /// What a check of `article_id` for `licensee` starts from: remembered when nothing that
    /// could change it was written since, else loaded (and remembered). `None`: no such article.
    pub async fn coverage(
        &self,
        db: &Db,
        licensee: i64,
        article_id: i64,
    ) -> Result<Option<Arc<Coverage>>, ApiError> {
        let key = (licensee, article_id);
        let stamp = match self.entries.recall(db.changes(), licensee, &key) {
            Recall::Hit(coverage) => return Ok(Some(coverage)),
            Recall::Miss(stamp) => stamp,
        };
        let loaded = db
            .read_point(move |conn| load(conn, licensee, article_id))
            .await?
            .map(Arc::new);
        if let Some(coverage) = &loaded {
            self.entries
                .keep(key, stamp, coverage.clone(), coverage.weight());
        }
        Ok(loaded)
    }
}
