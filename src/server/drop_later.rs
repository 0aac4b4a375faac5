//! Freeing a large value off the path of the request that made it.
//!
//! An import of 100,000 lines ends holding the file's lines and the batch's
//! copies of every owner's plans: some million small allocations, which
//! took about a tenth of a second to free before the run could be answered.

/// Drops `value` on a blocking thread when a runtime is there to take it,
/// otherwise here.
pub fn drop_later<T: Send + 'static>(value: T) {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => {
            runtime.spawn_blocking(move || drop(value));
        }
        Err(_) => drop(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn without_a_runtime_the_value_is_dropped_at_once() {
        let shared = Arc::new(());
        drop_later(Arc::clone(&shared));
        assert_eq!(Arc::strong_count(&shared), 1);
    }

    #[tokio::test]
    async fn with_a_runtime_the_value_is_dropped_soon_after() {
        let shared = Arc::new(());
        drop_later(Arc::clone(&shared));
        for _ in 0..200 {
            if Arc::strong_count(&shared) == 1 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        panic!("the value was never dropped");
    }
}
