//! The coverage cache: what a rights check for one (licensee, article) starts from, kept in
//! memory so that a partner's CMS, asking on every page render, costs no database round-trip.
//!
//! Bounded by weight (about the bytes held; least recently and least frequently used entries
//! go first). Each entry carries the [`Stamp`] taken before it was loaded and is used only while
//! the stamp is unchanged: any committed write that can change an answer moves it (see
//! [`crate::db::changes`]), in this instance at once and in other instances on PostgreSQL when
//! they hear of it. An article not found is never remembered, so an article written by another
//! process (the `import` command) is found on the next check.

use std::sync::Arc;

use crate::db::{Db, Stamp};
use crate::http::problem::ApiError;

use super::{load, Coverage};

#[derive(Clone)]
struct Entry {
    stamp: Stamp,
    coverage: Arc<Coverage>,
    weight: u64,
}

#[derive(Clone)]
struct ByWeight;

impl quick_cache::Weighter<(i64, i64), Entry> for ByWeight {
    fn weight(&self, _key: &(i64, i64), entry: &Entry) -> u64 {
        entry.weight
    }
}

/// The per-process coverage cache (one for all workers).
pub struct CoverageCache {
    entries: quick_cache::sync::Cache<(i64, i64), Entry, ByWeight>,
    /// Hit and miss counters, registered on first use (after start-up installs the recorder),
    /// so the hot path does not look them up by name on every check.
    counters: std::sync::OnceLock<(metrics::Counter, metrics::Counter)>,
}

impl CoverageCache {
    /// A cache holding about `max_bytes` (0: nothing is kept, every check asks the database).
    pub fn new(max_bytes: u64) -> CoverageCache {
        let estimated_items = (max_bytes / 2_048).clamp(16, 1 << 20) as usize;
        CoverageCache {
            entries: quick_cache::sync::Cache::with_weighter(
                estimated_items,
                max_bytes.max(1),
                ByWeight,
            ),
            counters: std::sync::OnceLock::new(),
        }
    }

    fn counters(&self) -> &(metrics::Counter, metrics::Counter) {
        self.counters.get_or_init(|| {
            (
                metrics::counter!("rightsdesk_coverage_cache_total", "outcome" => "hit"),
                metrics::counter!("rightsdesk_coverage_cache_total", "outcome" => "miss"),
            )
        })
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
        // Taken before loading: a write committed while we load moves it past this entry.
        let stamp = db.changes().stamp(licensee);
        if let Some(stamp) = stamp {
            if let Some(entry) = self.entries.get(&key).filter(|e| e.stamp == stamp) {
                self.counters().0.increment(1);
                return Ok(Some(entry.coverage));
            }
        }
        self.counters().1.increment(1);
        let loaded = db
            .read_point(move |conn| load(conn, licensee, article_id))
            .await?
            .map(Arc::new);
        if let (Some(stamp), Some(coverage)) = (stamp, &loaded) {
            let weight = coverage.weight();
            self.entries.insert(
                key,
                Entry {
                    stamp,
                    coverage: coverage.clone(),
                    weight,
                },
            );
        }
        Ok(loaded)
    }
}
