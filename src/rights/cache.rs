//! The coverage cache: what a rights check for one (licensee, article) starts from, kept in
//! memory so that a partner's CMS, asking on every page render, costs no database round-trip.
//!
//! Kept in a [`Remembered`] cache: bounded by weight, each entry used only while no write that
//! could change it has committed since it was loaded. An article not found is never remembered, so an article written by another
//! process (the `import` command) is found on the next check.

use std::sync::Arc;

use crate::db::remembered::{Recall, Remembered};
use crate::db::Db;
use crate::http::problem::ApiError;

use super::{load, Coverage};

/// The per-process coverage cache (one for all workers), keyed by (licensee, article).
pub struct CoverageCache {
    entries: Remembered<(i64, i64), Arc<Coverage>>,
}

impl CoverageCache {
    /// A cache holding about `max_bytes` (0: nothing is kept, every check asks the database).
    pub fn new(max_bytes: u64) -> CoverageCache {
        CoverageCache {
            entries: Remembered::new("rightsdesk_coverage_cache_total", max_bytes, 2_048),
        }
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
