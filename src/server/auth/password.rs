//! Password hashing with Argon2id (the crate's defaults: 19 MiB, 2 passes).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::rngs::OsRng;

use crate::wire::error::AppError;

/// Shortest and longest passwords accepted. The upper bound keeps a request
/// from spending the server's memory on hashing a megabyte.
pub const MIN_LEN: usize = 10;
/// See [`MIN_LEN`].
pub const MAX_LEN: usize = 128;

/// A stored hash that no password matches: accounts invited but not yet
/// set up carry it.
pub const UNUSABLE: &str = "!unset";

/// Hashes a password for storage (PHC string with its salt and parameters).
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .unwrap_or_else(|_| UNUSABLE.to_string())
}

/// Whether `password` matches `stored`. An unusable or malformed hash never
/// matches, and still costs one hash so timing does not tell it apart.
pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => {
            burn_time(password);
            false
        }
    }
}

/// Spends the time of one verification, for unknown emails: the answer to
/// "wrong password" and "no such account" must take as long.
pub fn burn_time(password: &str) {
    let _ = hash(password);
}

/// Runs password hashing off the async workers, a few at a time.
///
/// Argon2 spends tens of milliseconds of CPU on purpose. On tokio's workers
/// a burst of sign-ins would stall every page; on the blocking pool behind
/// this gate at most `workers` hash at once, at most `queue` more wait, and
/// anything beyond is refused at once with 429 instead of piling up.
#[derive(Debug)]
pub struct HashGate {
    admitted: tokio::sync::Semaphore,
    running: tokio::sync::Semaphore,
}

impl HashGate {
    /// A gate letting `workers` hashes run and `queue` more wait.
    pub fn new(workers: usize, queue: usize) -> HashGate {
        let workers = workers.max(1);
        HashGate {
            admitted: tokio::sync::Semaphore::new(workers + queue),
            running: tokio::sync::Semaphore::new(workers),
        }
    }

    /// Sized for this machine: one core is always left for the pages.
    pub fn for_this_machine() -> HashGate {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        HashGate::new(cores.saturating_sub(1), 8)
    }

    /// Runs `job` on the blocking pool when its turn comes, or refuses at
    /// once when the queue is full.
    pub async fn run<T: Send + 'static>(&self, job: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
        let busy =
            || AppError::TooMany("Many people are signing in at this moment. Try again in a few seconds.".into());
        let _admitted = self.admitted.try_acquire().map_err(|_| busy())?;
        let _running = self.running.acquire().await.map_err(|_| busy())?;
        tokio::task::spawn_blocking(job).await.map_err(|e| {
            tracing::error!(error = %e, "password hashing task");
            AppError::Internal
        })
    }
}

impl Default for HashGate {
    fn default() -> HashGate {
        HashGate::for_this_machine()
    }
}

/// What is wrong with a new password, if anything.
pub fn check_new(password: &str, repeated: &str) -> Result<(), String> {
    let len = password.chars().count();
    if len < MIN_LEN {
        return Err(format!("Choose a password of at least {MIN_LEN} characters."));
    }
    if len > MAX_LEN {
        return Err(format!("Keep the password under {MAX_LEN} characters."));
    }
    if password != repeated {
        return Err("The two passwords are not the same; type them again.".into());
    }
    Ok(())
}

/// A short fingerprint of the stored hash, kept in the session: changing the
/// password changes it and so ends every other session of the account.
pub fn fingerprint(stored: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(stored.as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("correct horse battery");
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &stored));
        assert!(!verify("correct horse batterY", &stored));
        assert!(!verify("anything", UNUSABLE));
    }

    #[test]
    fn new_passwords_are_checked_in_words() {
        assert!(check_new("short", "short").unwrap_err().contains("at least 10"));
        assert!(check_new(&"x".repeat(129), &"x".repeat(129)).unwrap_err().contains("under 128"));
        assert!(check_new("long enough one", "long enough two").unwrap_err().contains("not the same"));
        assert!(check_new("long enough one", "long enough one").is_ok());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_gate_refuses_at_once_and_frees_when_done() {
        let gate = std::sync::Arc::new(HashGate::new(1, 1));
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let wait = std::sync::Arc::new(std::sync::Mutex::new(wait));
        let hold = |gate: std::sync::Arc<HashGate>,
                    wait: std::sync::Arc<std::sync::Mutex<std::sync::mpsc::Receiver<()>>>| {
            tokio::spawn(async move { gate.run(move || wait.lock().unwrap().recv().ok()).await })
        };
        let first = hold(gate.clone(), wait.clone());
        let second = hold(gate.clone(), wait.clone());
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let started = std::time::Instant::now();
        let refused = gate.run(|| ()).await;
        assert!(matches!(refused, Err(AppError::TooMany(_))), "{refused:?}");
        assert!(started.elapsed() < std::time::Duration::from_millis(50), "refused at once");
        release.send(()).unwrap();
        release.send(()).unwrap();
        assert!(first.await.unwrap().is_ok());
        assert!(second.await.unwrap().is_ok());
        assert_eq!(gate.run(|| 7).await, Ok(7));
    }
}
