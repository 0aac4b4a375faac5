//! Every request is answered in a reactive scope of its own.
//!
//! Leptos makes the thread's current owner the parent of each new owner.
//! A page's render leaves its root as the current owner of its thread while
//! the page's body still streams, so a server function or a file served
//! next on that thread became a child of another request's page: its
//! `use_context` found that page's contexts (its nonce, its response
//! options), and when the page ended on another thread while the lookup
//! walked through it, the page's cleanup waited for a lock the lookup held,
//! and the worker thread froze for good.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use leptos::prelude::{Owner, ScopedFuture};

/// Middleware: runs the rest of the request under a root owner that belongs
/// to it alone, and leaves its thread's current owner as it found it.
pub async fn own_scope(request: Request, next: Next) -> Response {
    let root = Owner::new_root(None);
    // Creating a root makes it the thread's current owner for good; the
    // scope is set only while this request runs.
    root.clone().unset();
    ScopedFuture { owner: root, observer: None, fut: next.run(request) }.await
}
