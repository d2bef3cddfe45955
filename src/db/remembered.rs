//! Answers remembered in memory while nothing that could change them has been written: the
//! rights check's coverage and the license list's pages.
//!
//! Bounded by weight (about the bytes held; least recently and least frequently used entries go
//! first). Each entry carries the [`Stamp`] taken *before* it was loaded and is used only while
//! the stamp is unchanged: any committed write that can change an answer moves it (see
//! [`super::changes`]), in this instance at once and in other instances on PostgreSQL when they
//! hear of it.

use std::hash::Hash;

use super::{Changes, Stamp};

#[derive(Clone)]
struct Entry<V> {
    stamp: Stamp,
    value: V,
    weight: u64,
}

#[derive(Clone)]
struct ByWeight;

impl<K, V> quick_cache::Weighter<K, Entry<V>> for ByWeight {
    fn weight(&self, _key: &K, entry: &Entry<V>) -> u64 {
        entry.weight
    }
}

/// What [`Remembered::recall`] found: the answer, or the stamp to remember a fresh one under.
pub enum Recall<V> {
    /// Remembered and still current.
    Hit(V),
    /// Load the answer, then [`Remembered::keep`] it with this stamp (`None`: do not keep it,
    /// the stamps are not trusted now).
    Miss(Option<Stamp>),
}

/// A bounded, stamped cache of answers of type `V` (cheap to clone: an `Arc` or `Bytes`).
pub struct Remembered<K, V> {
    entries: quick_cache::sync::Cache<K, Entry<V>, ByWeight>,
    /// Hit and miss counters, registered on first use (after start-up installs the recorder),
    /// so the hot path does not look them up by name each time.
    counters: std::sync::OnceLock<(metrics::Counter, metrics::Counter)>,
    metric: &'static str,
}

impl<K: Eq + Hash + Clone, V: Clone> Remembered<K, V> {
    /// A cache holding about `max_bytes` (0: nothing is kept, every answer is loaded), counting
    /// its hits and misses in the counter `metric` (label `outcome`).
    pub fn new(metric: &'static str, max_bytes: u64, typical_entry_bytes: u64) -> Self {
        let estimated_items = (max_bytes / typical_entry_bytes.max(1)).clamp(16, 1 << 20) as usize;
        Remembered {
            entries: quick_cache::sync::Cache::with_weighter(
                estimated_items,
                max_bytes.max(1),
                ByWeight,
            ),
            counters: std::sync::OnceLock::new(),
            metric,
        }
    }

    fn counters(&self) -> &(metrics::Counter, metrics::Counter) {
        self.counters.get_or_init(|| {
            (
                metrics::counter!(self.metric, "outcome" => "hit"),
                metrics::counter!(self.metric, "outcome" => "miss"),
            )
        })
    }

    /// The answer for `key` if nothing touching `partition` was written since it was loaded.
    pub fn recall(&self, changes: &Changes, partition: i64, key: &K) -> Recall<V> {
        // Taken before loading: a write committed while the caller loads moves it past the entry.
        let stamp = changes.stamp(partition);
        if let Some(stamp) = stamp {
            if let Some(entry) = self.entries.get(key).filter(|e| e.stamp == stamp) {
                self.counters().0.increment(1);
                return Recall::Hit(entry.value);
            }
        }
        self.counters().1.increment(1);
        Recall::Miss(stamp)
    }

    /// Keeps an answer loaded after [`Remembered::recall`] missed with `stamp`.
    pub fn keep(&self, key: K, stamp: Option<Stamp>, value: V, weight: u64) {
        if let Some(stamp) = stamp {
            self.entries.insert(
                key,
                Entry {
                    stamp,
                    value,
                    weight,
                },
            );
        }
    }
}
