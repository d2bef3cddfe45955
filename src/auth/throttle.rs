//! Login throttling: repeated failures for one account, or from one client address, lock further
//! attempts out for a while (429 with Retry-After). Kept in memory: each instance throttles what it
//! sees, which bounds guessing per instance (see docs/security.md).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
struct Entry {
    failures: u32,
    first_failure: Instant,
    locked_until: Option<Instant>,
}

#[derive(Debug)]
pub struct Throttle {
    entries: Mutex<HashMap<String, Entry>>,
    max_failures: u32,
    window: Duration,
    lockout: Duration,
}

impl Throttle {
    pub fn new(max_failures: u32, window: Duration, lockout: Duration) -> Throttle {
        Throttle {
            entries: Mutex::new(HashMap::new()),
            max_failures,
            window,
            lockout,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Seconds until `key` may try again, when it is locked out now.
    pub fn retry_after(&self, key: &str) -> Option<u64> {
        let now = Instant::now();
        let entries = self.lock();
        let until = entries.get(key)?.locked_until?;
        (until > now).then(|| (until - now).as_secs().max(1))
    }

    /// Notes a failure; `limit` is how many failures `key` is allowed in the window.
    pub fn fail(&self, key: &str, limit: u32) {
        let now = Instant::now();
        let mut entries = self.lock();
        if entries.len() > 100_000 {
            entries.retain(|_, e| now.duration_since(e.first_failure) < self.window);
        }
        let entry = entries.entry(key.to_string()).or_insert(Entry {
            failures: 0,
            first_failure: now,
            locked_until: None,
        });
        if now.duration_since(entry.first_failure) > self.window {
            *entry = Entry {
                failures: 0,
                first_failure: now,
                locked_until: None,
            };
        }
        entry.failures += 1;
        if entry.failures >= limit {
            entry.locked_until = Some(now + self.lockout);
            entry.failures = 0;
            entry.first_failure = now;
        }
    }

    pub fn clear(&self, key: &str) {
        self.lock().remove(key);
    }

    pub fn max_failures(&self) -> u32 {
        self.max_failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_limit_and_releases() {
        let t = Throttle::new(3, Duration::from_secs(60), Duration::from_millis(50));
        t.fail("a", 3);
        t.fail("a", 3);
        assert!(t.retry_after("a").is_none());
        t.fail("a", 3);
        assert!(t.retry_after("a").is_some());
        assert!(t.retry_after("b").is_none());
        std::thread::sleep(Duration::from_millis(60));
        assert!(t.retry_after("a").is_none());
    }
}
