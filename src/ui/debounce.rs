//! Timers: run something a moment after the last call (autosave and
//! type-ahead), or wait a while (retrying a save).

#[cfg(feature = "hydrate")]
use leptos::prelude::*;

/// Calls its latest function once no new call came for `ms` milliseconds.
/// Only the browser has timers; on the server nothing is ever scheduled
/// (no input events happen there).
#[derive(Clone, Copy)]
pub struct Debouncer {
    #[cfg(feature = "hydrate")]
    pending: StoredValue<Option<gloo_timers::callback::Timeout>, LocalStorage>,
    ms: u32,
}

impl Debouncer {
    /// A debouncer waiting `ms` milliseconds of quiet.
    pub fn new(ms: u32) -> Debouncer {
        Debouncer {
            #[cfg(feature = "hydrate")]
            pending: StoredValue::new_local(None),
            ms,
        }
    }

    /// Schedules `f`, replacing (and so cancelling) anything scheduled before.
    pub fn call(&self, f: impl FnOnce() + 'static) {
        #[cfg(feature = "hydrate")]
        {
            let timeout = gloo_timers::callback::Timeout::new(self.ms, f);
            self.pending.set_value(Some(timeout));
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = (f, self.ms);
        }
    }

    /// Drops anything scheduled.
    pub fn cancel(&self) {
        #[cfg(feature = "hydrate")]
        self.pending.set_value(None);
    }
}

/// Waits `ms` milliseconds. Only the browser has timers; on the server
/// nothing waits (no draft is ever saved from there).
pub async fn sleep(ms: u32) {
    #[cfg(feature = "hydrate")]
    gloo_timers::future::TimeoutFuture::new(ms).await;
    #[cfg(not(feature = "hydrate"))]
    let _ = ms;
}
