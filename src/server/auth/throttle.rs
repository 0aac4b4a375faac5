//! Slows down password guessing: a few attempts per email, and a few more
//! per client address, in a window; then a pause.
//!
//! An attempt is counted when it *starts*, under the same lock that checks
//! the limit, so a burst of parallel requests cannot slip more guesses in
//! between a check and its count. A success takes its attempt back.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed attempts allowed per email in [`WINDOW`] before sign-in pauses.
pub const MAX_FAILURES: usize = 5;
/// Failed attempts allowed per client address in [`WINDOW`]. Higher than
/// per email: a clinic's staff often share one address.
pub const MAX_FAILURES_PER_ADDRESS: usize = 20;
/// How far back attempts count.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// The most keys remembered at once; past it the stalest are forgotten, so
/// a flood of made-up emails cannot grow the server's memory without end.
/// A key that has reached [`MAX_FAILURES`] in the window is never forgotten
/// early: otherwise a flood of made-up emails would lift a pause on the
/// account it is guessing at. Such keys cost five attempts each, and go
/// when their window passes.
pub const MAX_KEYS: usize = 50_000;

/// One thing attempts are counted against, with its own limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limit {
    /// The key, such as `email:a@b.c` or `addr:192.0.2.7`.
    pub key: String,
    /// How many attempts the key may make in [`WINDOW`].
    pub max: usize,
}

impl Limit {
    /// The per-email limit for a (validated, lower-cased) email.
    pub fn email(purpose: &str, email: &str) -> Limit {
        Limit { key: format!("{purpose}:email:{email}"), max: MAX_FAILURES }
    }

    /// The per-address limit for a client address. An IPv6 client holds a
    /// whole /64 network (one home, one phone), so it counts as one address.
    pub fn address(purpose: &str, address: std::net::IpAddr) -> Limit {
        let key = match address.to_canonical() {
            std::net::IpAddr::V6(v6) => {
                let [a, b, c, d, ..] = v6.segments();
                format!("{purpose}:addr:{a:x}:{b:x}:{c:x}:{d:x}::/64")
            }
            v4 => format!("{purpose}:addr:{v4}"),
        };
        Limit { key, max: MAX_FAILURES_PER_ADDRESS }
    }
}

/// Attempt times by key.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    attempts: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginThrottle {
    /// Starts an attempt counted against every limit, or, when one of them
    /// is used up, the minutes until it frees (and counts nothing).
    pub fn begin(&self, limits: &[Limit], now: Instant) -> Result<(), u64> {
        let mut map = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        let mut wait = None;
        for limit in limits {
            if let Some(times) = map.get_mut(&limit.key) {
                times.retain(|t| now.duration_since(*t) < WINDOW);
                if times.len() >= limit.max {
                    let oldest = times.iter().min().copied().unwrap_or(now);
                    let minutes = WINDOW.saturating_sub(now.duration_since(oldest)).as_secs().div_ceil(60).max(1);
                    wait = wait.max(Some(minutes));
                }
            }
        }
        if let Some(minutes) = wait {
            return Err(minutes);
        }
        if map.len() + limits.len() > MAX_KEYS {
            forget_stale(&mut map, now, limits.len());
        }
        for limit in limits {
            map.entry(limit.key.clone()).or_default().push(now);
        }
        Ok(())
    }

    /// Takes back the attempt of a successful sign-in: the email starts
    /// afresh, and the address keeps only its failures.
    pub fn succeeded(&self, email: &Limit, others: &[Limit]) {
        let mut map = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&email.key);
        drop(map);
        self.take_back(others);
    }

    /// Takes back an attempt that was never judged (the server was too busy
    /// to check it).
    pub fn take_back(&self, limits: &[Limit]) {
        let mut map = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        for limit in limits {
            if let Some(times) = map.get_mut(&limit.key) {
                times.pop();
                if times.is_empty() {
                    map.remove(&limit.key);
                }
            }
        }
    }

    /// How many keys are remembered now.
    pub fn keys(&self) -> usize {
        self.attempts.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// Drops keys whose attempts are all outside the window; if that is not
/// enough room for `needed` more, drops the tenth of the keys attempted
/// longest ago (a batch, so a full map is not sorted on every request),
/// never one that has reached [`MAX_FAILURES`] in the window.
fn forget_stale(map: &mut HashMap<String, Vec<Instant>>, now: Instant, needed: usize) {
    map.retain(|_, times| {
        times.retain(|t| now.duration_since(*t) < WINDOW);
        !times.is_empty()
    });
    let excess = (map.len() + needed).saturating_sub(MAX_KEYS);
    if excess == 0 {
        return;
    }
    let mut by_age: Vec<(Instant, String)> = map
        .iter()
        .filter(|(_, times)| times.len() < MAX_FAILURES)
        .map(|(k, times)| (times.iter().max().copied().unwrap_or(now), k.clone()))
        .collect();
    by_age.sort();
    for (_, key) in by_age.into_iter().take(excess.max(MAX_KEYS / 10)) {
        map.remove(&key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(e: &str) -> Limit {
        Limit::email("sign-in", e)
    }

    #[test]
    fn the_sixth_attempt_in_the_window_waits_and_the_window_passes() {
        let throttle = LoginThrottle::default();
        let start = Instant::now();
        for n in 0..MAX_FAILURES {
            assert_eq!(throttle.begin(&[email("a@b.c")], start), Ok(()), "attempt {n}");
        }
        assert_eq!(throttle.begin(&[email("a@b.c")], start), Err(15));
        assert_eq!(throttle.begin(&[email("other@b.c")], start), Ok(()));
        assert_eq!(throttle.begin(&[email("a@b.c")], start + WINDOW), Ok(()));
    }

    #[test]
    fn success_takes_its_attempt_back() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        let addr = Limit::address("sign-in", "192.0.2.7".parse().unwrap());
        for _ in 0..MAX_FAILURES - 1 {
            throttle.begin(&[email("a@b.c"), addr.clone()], now).unwrap();
        }
        throttle.begin(&[email("a@b.c"), addr.clone()], now).unwrap();
        throttle.succeeded(&email("a@b.c"), std::slice::from_ref(&addr));
        assert_eq!(throttle.begin(&[email("a@b.c")], now), Ok(()));
        // The address keeps its four failures, not the success.
        let map = throttle.attempts.lock().unwrap();
        assert_eq!(map[&addr.key].len(), MAX_FAILURES - 1);
    }

    #[test]
    fn one_address_trying_many_emails_is_paused_too() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        let addr = Limit::address("sign-in", "192.0.2.7".parse().unwrap());
        for n in 0..MAX_FAILURES_PER_ADDRESS {
            assert!(throttle.begin(&[email(&format!("u{n}@b.c")), addr.clone()], now).is_ok());
        }
        assert_eq!(throttle.begin(&[email("fresh@b.c"), addr.clone()], now), Err(15));
        // Refused attempts are not counted against the fresh email.
        assert_eq!(throttle.begin(&[email("fresh@b.c")], now), Ok(()));
    }

    #[test]
    fn parallel_attempts_get_no_more_than_the_limit() {
        let throttle = std::sync::Arc::new(LoginThrottle::default());
        let now = Instant::now();
        let allowed: usize = std::thread::scope(|s| {
            let handles: Vec<_> = (0..32)
                .map(|_| {
                    let throttle = throttle.clone();
                    s.spawn(move || throttle.begin(&[email("a@b.c")], now).is_ok() as usize)
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        assert_eq!(allowed, MAX_FAILURES);
    }

    #[test]
    fn memory_stays_bounded_and_expired_keys_go_first() {
        let throttle = LoginThrottle::default();
        let start = Instant::now();
        throttle.begin(&[email("old@b.c")], start).unwrap();
        let later = start + WINDOW;
        for n in 0..MAX_KEYS + 10 {
            throttle.begin(&[email(&format!("u{n}@b.c"))], later).unwrap();
        }
        assert!(throttle.keys() <= MAX_KEYS, "{}", throttle.keys());
        assert!(!throttle.attempts.lock().unwrap().contains_key(&email("old@b.c").key));
    }

    #[test]
    fn a_flood_of_made_up_emails_does_not_lift_a_pause() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..MAX_FAILURES {
            throttle.begin(&[email("victim@b.c")], now).unwrap();
        }
        // Reset requests for made-up emails, a moment later, fill the map
        // past its size: the paused key is the stalest of all.
        let later = now + Duration::from_secs(60);
        for n in 0..MAX_KEYS + 10 {
            throttle.begin(&[Limit::email("reset", &format!("u{n}@b.c"))], later).unwrap();
        }
        assert!(throttle.keys() <= MAX_KEYS + 1, "{}", throttle.keys());
        assert_eq!(throttle.begin(&[email("victim@b.c")], later), Err(14), "still paused");
    }

    #[test]
    fn an_ipv6_network_counts_as_one_address() {
        let one = Limit::address("sign-in", "2001:db8:1:2::7".parse().unwrap());
        let same_network = Limit::address("sign-in", "2001:db8:1:2:ffff:1:2:3".parse().unwrap());
        let other_network = Limit::address("sign-in", "2001:db8:1:3::7".parse().unwrap());
        assert_eq!(one, same_network);
        assert_ne!(one, other_network);
        let mapped = Limit::address("sign-in", "::ffff:192.0.2.7".parse().unwrap());
        assert_eq!(mapped, Limit::address("sign-in", "192.0.2.7".parse().unwrap()), "an IPv4 client seen over IPv6");
    }
}
