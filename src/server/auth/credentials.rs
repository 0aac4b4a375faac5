//! Checking an email and password: throttled per email and per client
//! address, hashed off the async workers, the same words for a wrong
//! password and an unknown email.

use std::net::IpAddr;

use super::password as pw;
use super::throttle::Limit;
use crate::server::state::AppState;
use crate::server::store::accounts::{SqlUser, clean_email};
use crate::wire::error::AppError;

/// The active account these credentials open, or why not in words.
pub async fn check(state: &AppState, email: &str, password: String, from: IpAddr) -> Result<SqlUser, AppError> {
    if email.trim().is_empty() || password.is_empty() {
        return Err(AppError::Invalid("Enter your email and your password.".into()));
    }
    let no_match = || AppError::Invalid("That email and password don't match an account.".into());
    let key = clean_email(email).map_err(|_| no_match())?;
    if password.chars().count() > pw::MAX_LEN {
        return Err(no_match());
    }
    let by_email = Limit::email("sign-in", &key);
    let by_address = [Limit::address("sign-in", from)];
    let attempt = [by_email.clone(), by_address[0].clone()];
    if let Err(minutes) = state.throttle.begin(&attempt, std::time::Instant::now()) {
        return Err(AppError::TooMany(format!(
            "Too many sign-in attempts. Wait {minutes} minutes, or reset your password."
        )));
    }
    let user = state.store.user_by_email(&key).await?;
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let checked = state
        .hashing
        .run(move || match stored {
            Some(stored) => pw::verify(&password, &stored),
            None => {
                pw::burn_time(&password);
                false
            }
        })
        .await;
    let matched = match checked {
        Ok(matched) => matched,
        Err(busy) => {
            // Not a guess: the attempt is not held against anyone.
            state.throttle.take_back(&attempt);
            return Err(busy);
        }
    };
    let Some(user) = user.filter(|u| matched && u.active) else {
        return Err(no_match());
    };
    state.throttle.succeeded(&by_email, &by_address);
    Ok(user)
}
