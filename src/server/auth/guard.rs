//! Request guards in front of every route: pages need a session of the
//! right kind, and state-changing requests must come from our own pages.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::current_viewer;
use crate::domain::Role;
use crate::server::state::AppState;

/// Pages anyone may open: signing in and recovering an account.
fn is_public_page(path: &str) -> bool {
    matches!(path, "/login" | "/forgot") || path.starts_with("/reset/")
}

/// Requests the page guard leaves alone: server functions and downloads
/// check their caller themselves; files and health need no session.
fn is_not_a_page(path: &str) -> bool {
    path.starts_with("/api/")
        || path.starts_with("/exports/")
        || path.starts_with("/pkg/")
        || path == "/health"
        || path.rsplit('/').next().is_some_and(|last| last.contains('.'))
}

/// Where a signed-in person lands.
pub fn home_for(role: Role) -> &'static str {
    if role.is_staff() { "/" } else { "/portal" }
}

/// Middleware: a page without a session sends the browser to sign in (and
/// back afterwards); owners stay on the portal and staff on the desk.
pub async fn pages(State(state): State<AppState>, session: Session, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if request.method() != Method::GET || is_not_a_page(&path) {
        return next.run(request).await;
    }
    let viewer = match current_viewer(&session, &state.store).await {
        Ok(viewer) => viewer,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    match viewer {
        None if is_public_page(&path) => next.run(request).await,
        None => {
            let back = request.uri().path_and_query().map_or("/", |p| p.as_str());
            Redirect::to(&format!("/login?next={}", encode(back))).into_response()
        }
        Some(v) if path == "/login" => Redirect::to(home_for(v.role)).into_response(),
        Some(v) if v.role == Role::Owner && !path.starts_with("/portal") && !is_public_page(&path) => {
            Redirect::to("/portal").into_response()
        }
        Some(v) if v.role.is_staff() && path.starts_with("/portal") => Redirect::to("/").into_response(),
        Some(_) => next.run(request).await,
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Middleware: refuses state-changing requests that a browser says come
/// from another site. Safe methods pass; everything that changes state is
/// a POST (server functions) and must be same-origin.
pub async fn same_origin(request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    if !from_our_site(request.headers()) {
        return (StatusCode::FORBIDDEN, "This request came from another site and was refused; nothing was changed.")
            .into_response();
    }
    next.run(request).await
}

/// Whether the browser's own headers place the request on our origin.
/// Browsers send `Sec-Fetch-Site` (and `Origin` on POST); clients that send
/// neither are not browsers and carry no ambient cookies to abuse.
pub fn from_our_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match (headers.get(header::ORIGIN), headers.get(header::HOST)) {
        (None, _) => true,
        (Some(origin), Some(host)) => {
            let origin = origin.to_str().unwrap_or("");
            let host = host.to_str().unwrap_or("");
            origin.split_once("://").is_some_and(|(_, rest)| rest == host)
        }
        (Some(_), None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, v.parse().unwrap());
        }
        map
    }

    #[test]
    fn cross_site_posts_are_refused_and_same_site_pass() {
        assert!(from_our_site(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(!from_our_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!from_our_site(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(from_our_site(&headers(&[("origin", "http://clinic.test:3000"), ("host", "clinic.test:3000")])));
        assert!(!from_our_site(&headers(&[("origin", "https://evil.test"), ("host", "clinic.test:3000")])));
        assert!(!from_our_site(&headers(&[("origin", "null"), ("host", "clinic.test")])));
        assert!(from_our_site(&headers(&[])));
    }

    #[test]
    fn the_way_back_after_sign_in_is_encoded() {
        assert_eq!(encode("/patients/3?tab=plans&x=1"), "/patients/3%3Ftab%3Dplans%26x%3D1");
    }
}
