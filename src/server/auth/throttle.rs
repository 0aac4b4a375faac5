//! Slows down password guessing: a few failed sign-ins per email (and per
//! network address) in a window, then a pause.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed attempts allowed in [`WINDOW`] before sign-in pauses.
pub const MAX_FAILURES: usize = 5;
/// How far back failures count.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Failed sign-in times by key (a lower-cased email, or an address).
#[derive(Debug, Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginThrottle {
    /// Whether another attempt for `key` must wait, and for how many minutes.
    pub fn blocked(&self, key: &str, now: Instant) -> Option<u64> {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let times = map.get_mut(key)?;
        times.retain(|t| now.duration_since(*t) < WINDOW);
        if times.len() < MAX_FAILURES {
            return None;
        }
        let oldest = times.iter().min().copied()?;
        let wait = WINDOW.saturating_sub(now.duration_since(oldest));
        Some(wait.as_secs().div_ceil(60).max(1))
    }

    /// Records a failed attempt.
    pub fn failed(&self, key: &str, now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        // Forget stale keys now and then so the map cannot grow without end.
        if map.len() > 10_000 {
            map.retain(|_, times| times.iter().any(|t| now.duration_since(*t) < WINDOW));
        }
        map.entry(key.to_string()).or_default().push(now);
    }

    /// Clears a key after a successful sign-in.
    pub fn succeeded(&self, key: &str) {
        self.failures.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_attempt_in_the_window_waits_and_the_window_passes() {
        let throttle = LoginThrottle::default();
        let start = Instant::now();
        for n in 0..MAX_FAILURES {
            assert_eq!(throttle.blocked("a@b.c", start), None, "attempt {n}");
            throttle.failed("a@b.c", start);
        }
        assert_eq!(throttle.blocked("a@b.c", start), Some(15));
        assert_eq!(throttle.blocked("other@b.c", start), None);
        assert_eq!(throttle.blocked("a@b.c", start + WINDOW), None);
    }

    #[test]
    fn success_clears_the_count() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..MAX_FAILURES {
            throttle.failed("a@b.c", now);
        }
        throttle.succeeded("a@b.c");
        assert_eq!(throttle.blocked("a@b.c", now), None);
    }
}
