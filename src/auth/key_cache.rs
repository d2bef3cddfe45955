//! API key lookups, remembered per worker thread for a few seconds: a partner's CMS sends the
//! same key on every page render, and the lookup (a join of keys and users) was a fifth of the
//! rights check's CPU. Per thread, so no lock is shared between workers.
//!
//! Revoking a key or changing a user in this instance forgets every remembered key at once (a
//! process-wide generation counter); another instance forgets within [`TTL`]
//! (docs/security.md). Unknown keys are never remembered: a refusal always asks the database.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::Caller;

/// How long another instance may still accept a key revoked elsewhere.
pub const TTL: Duration = Duration::from_secs(10);
/// Keys remembered per worker thread at most.
const MAX_ENTRIES: usize = 10_000;

static GENERATION: AtomicU64 = AtomicU64::new(0);

struct Entry {
    caller: Caller,
    generation: u64,
    until: Instant,
}

thread_local! {
    static KEYS: RefCell<HashMap<String, Entry>> = RefCell::new(HashMap::new());
}

/// Forgets every remembered key in this process (on revocation, user changes).
pub fn forget_all() {
    GENERATION.fetch_add(1, Ordering::AcqRel);
}

/// The caller behind a key digest, when this thread looked it up recently and nothing changed.
pub fn get(digest: &str) -> Option<Caller> {
    let generation = GENERATION.load(Ordering::Acquire);
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        match keys.get(digest) {
            Some(e) if e.generation == generation && e.until > Instant::now() => {
                Some(e.caller.clone())
            }
            Some(_) => {
                keys.remove(digest);
                None
            }
            None => None,
        }
    })
}

/// Remembers the caller behind a key digest for [`TTL`].
pub fn put(digest: String, caller: &Caller) {
    let generation = GENERATION.load(Ordering::Acquire);
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        if keys.len() >= MAX_ENTRIES {
            keys.clear();
        }
        keys.insert(
            digest,
            Entry {
                caller: Caller {
                    request_id: None,
                    ..caller.clone()
                },
                generation,
                until: Instant::now() + TTL,
            },
        );
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;

    #[test]
    fn remembered_until_anything_changes() {
        let caller = Caller {
            user_id: 7,
            role: Role::Partner,
            outlet_id: Some(2),
            api_key_id: Some(3),
            request_id: Some("r".into()),
        };
        assert!(get("digest-a").is_none());
        put("digest-a".into(), &caller);
        let found = get("digest-a").unwrap();
        assert_eq!(
            (found.user_id, found.api_key_id, found.request_id),
            (7, Some(3), None)
        );
        forget_all();
        assert!(get("digest-a").is_none());
    }
}
