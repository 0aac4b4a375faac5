//! Security headers on every answer: a Content-Security-Policy that lets
//! only our own scripts run, and the headers that stop framing, MIME
//! sniffing and leaking addresses to other sites.

use std::sync::{Arc, OnceLock};

use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use leptos::prelude::use_context;

/// The policy of a page rendered with `nonce` on its inline scripts: only
/// scripts from this site or carrying the nonce run, WebAssembly may be
/// compiled, and nothing loads from or frames in another site.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'nonce-{nonce}'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// The policy of everything that is not a page (files, server functions,
/// downloads): nothing in it may run or be framed.
const OTHER_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Where a page's render leaves its policy for [`security_headers`]: one
/// slot per request, put in the request's extensions before the handler
/// runs, so no other request can read or fill it. (Leptos'
/// `ResponseOptions` once let a file served beside a page carry off the
/// page's headers; see [`super::request_scope`] for why, and its mend.)
#[derive(Clone, Default)]
struct PagePolicy(Arc<OnceLock<String>>);

/// Called while a page renders: leaves the page's policy, with the nonce
/// Leptos gave its hydration scripts, in the request's slot.
pub fn set_page_policy() {
    let nonce = leptos::nonce::use_nonce();
    let slot = use_context::<Parts>().and_then(|parts| parts.extensions.get::<PagePolicy>().cloned());
    if let (Some(nonce), Some(slot)) = (nonce, slot) {
        let _ = slot.0.set(page_policy(&nonce));
    }
}

/// Middleware: the headers every answer carries. `https` adds HSTS (a
/// browser that once reached the clinic over https never falls back).
pub async fn security_headers(https: bool, mut request: Request, next: Next) -> Response {
    let slot = PagePolicy::default();
    request.extensions_mut().insert(slot.clone());
    let mut response = next.run(request).await;
    if let Some(value) = slot.0.get().and_then(|policy| HeaderValue::from_str(policy).ok()) {
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, value);
    }
    add(response.headers_mut(), https);
    response
}

fn add(headers: &mut HeaderMap, https: bool) {
    let fixed = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(OTHER_POLICY));
    }
    if https {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_allow_only_their_own_and_nonced_scripts() {
        let policy = page_policy("abc123");
        assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval' 'nonce-abc123'"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(policy.contains("frame-ancestors 'none'"));
    }

    #[test]
    fn every_answer_gets_the_fixed_headers_and_hsts_only_over_https() {
        let mut headers = HeaderMap::new();
        add(&mut headers, false);
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(headers[header::REFERRER_POLICY], "same-origin");
        assert_eq!(headers[header::CONTENT_SECURITY_POLICY], OTHER_POLICY);
        assert!(!headers.contains_key(header::STRICT_TRANSPORT_SECURITY));
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("page"));
        add(&mut headers, true);
        assert_eq!(headers[header::CONTENT_SECURITY_POLICY], "page");
        assert!(headers.contains_key(header::STRICT_TRANSPORT_SECURITY));
    }
}
