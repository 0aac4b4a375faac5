//! How answers travel: compressed, and cached as long as their name allows.
//!
//! The compiled bundle (`/pkg/…`) is compressed once at build time
//! (`cargo leptos build --release --precompress` writes `.br` and `.gz`
//! beside every file) and served by Leptos' file handler, which picks the
//! variant the browser's `Accept-Encoding` allows; a browser that keeps
//! another bundle gets this one as the difference between them
//! ([`super::bundle_deltas`]). Pages and server-function
//! answers are compressed here, per request. A file whose name carries its
//! content hash never changes, so browsers may keep it for a year; anything
//! else, HTML above all, is checked again on every visit.

use axum::extract::{Request, State};
use axum::http::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, HeaderName, HeaderValue, VARY,
};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::{CompressionLayer, DefaultPredicate};

use super::bundle_deltas as deltas;
use super::state::AppState;

/// For files whose name changes with their content.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For everything else: the browser may store it but asks again each time.
const REVALIDATE: &str = "no-cache";
/// Length of cargo-leptos' content hash (MD5, base64url without padding).
const HASH_LEN: usize = 22;

/// Per-request compression for pages and server-function answers. The
/// bundle is never compressed here: its precompressed variants carry a
/// `Content-Encoding` already, and a browser that accepts neither brotli nor
/// gzip gets the raw file rather than a 3 MB compression job per request.
pub fn compression() -> CompressionLayer<impl Predicate> {
    let predicate =
        DefaultPredicate::new().and(SizeAbove::new(256)).and(NotForContentType::const_new("application/wasm"));
    CompressionLayer::new().compress_when(predicate)
}

/// Middleware: `Cache-Control` on every answer that does not set its own,
/// and `Vary: Accept-Encoding` on the bundle, whose bytes depend on it.
pub async fn cache_control(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let hashed = is_hashed_asset(path);
    let bundle = path.starts_with("/pkg/");
    let mut response = next.run(request).await;
    let immutable = hashed && response.status().is_success();
    let headers = response.headers_mut();
    if bundle && !headers.contains_key(VARY) {
        headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    }
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static(if immutable { IMMUTABLE } else { REVALIDATE }));
    }
    response
}

const AVAILABLE_DICTIONARY: HeaderName = HeaderName::from_static("available-dictionary");
const USE_AS_DICTIONARY: HeaderName = HeaderName::from_static("use-as-dictionary");
/// A bundle's bytes depend on both what the browser accepts and the
/// dictionary it keeps.
const VARY_BUNDLE: &str = "accept-encoding, available-dictionary";

/// Middleware: a content-hashed bundle offers itself as a dictionary for
/// the other bundles, and is sent as its difference from the dictionary the
/// browser keeps when that difference was written at build time
/// ([`super::bundle_deltas`]).
pub async fn bundle_deltas(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let method = request.method();
    let Some(name) = hashed_bundle_name(path).filter(|_| method == Method::GET || method == Method::HEAD) else {
        return next.run(request).await;
    };
    let headers = request.headers();
    let text = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    if let Some(dictionary) = deltas::requested_dictionary(text(AVAILABLE_DICTIONARY), text(ACCEPT_ENCODING)) {
        let file = std::path::Path::new(&*state.leptos_options.site_root)
            .join(&*state.leptos_options.site_pkg_dir)
            .join(deltas::delta_name(name, &dictionary));
        if let Ok(Ok(bytes)) = tokio::task::spawn_blocking(move || std::fs::read(file)).await {
            let mut response = (StatusCode::OK, bytes).into_response();
            let headers = response.headers_mut();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/wasm"));
            headers.insert(CONTENT_ENCODING, HeaderValue::from_static(deltas::ENCODING));
            headers.insert(CACHE_CONTROL, HeaderValue::from_static(deltas::CACHE_CONTROL));
            offer_as_dictionary(headers);
            return response;
        }
    }
    let mut response = next.run(request).await;
    // A 304 carries the headers its 200 would, `Vary` above all.
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        offer_as_dictionary(response.headers_mut());
    }
    response
}

fn offer_as_dictionary(headers: &mut axum::http::HeaderMap) {
    headers.insert(USE_AS_DICTIONARY, HeaderValue::from_static(deltas::USE_AS_DICTIONARY));
    headers.insert(VARY, HeaderValue::from_static(VARY_BUNDLE));
}

/// The file name of a content-hashed `.wasm` bundle directly under `/pkg/`.
fn hashed_bundle_name(path: &str) -> Option<&str> {
    let name = path.strip_prefix("/pkg/")?;
    let plain = !name.contains('/') && !name.starts_with('.') && name.ends_with(".wasm");
    (plain && is_hashed_asset(path)).then_some(name)
}

/// A file under `/pkg/` whose name carries a content hash, such as
/// `/pkg/carecount.3q2-7wEjbTjm0E6aPxkDLg.wasm`.
fn is_hashed_asset(path: &str) -> bool {
    let Some(name) = path.strip_prefix("/pkg/") else {
        return false;
    };
    let name = name.rsplit('/').next().unwrap_or(name);
    name.split('.')
        .skip(1)
        .any(|part| part.len() == HASH_LEN && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

#[cfg(test)]
mod tests {
    use super::{hashed_bundle_name, is_hashed_asset};

    #[test]
    fn only_hashed_bundles_directly_under_pkg_travel_as_deltas() {
        assert_eq!(
            hashed_bundle_name("/pkg/carecount-soap.3q2-7wEjbTjm0E6aPxkDLg.wasm"),
            Some("carecount-soap.3q2-7wEjbTjm0E6aPxkDLg.wasm")
        );
        assert_eq!(hashed_bundle_name("/pkg/carecount.3q2-7wEjbTjm0E6aPxkDLg.js"), None);
        assert_eq!(hashed_bundle_name("/pkg/carecount.wasm"), None);
        assert_eq!(hashed_bundle_name("/pkg/../carecount.3q2-7wEjbTjm0E6aPxkDLg.wasm"), None);
        assert_eq!(hashed_bundle_name("/pkg/a/carecount.3q2-7wEjbTjm0E6aPxkDLg.wasm"), None);
    }

    #[test]
    fn only_content_hashed_bundle_files_are_immutable() {
        assert!(is_hashed_asset("/pkg/carecount.3q2-7wEjbTjm0E6aPxkDLg.wasm"));
        assert!(is_hashed_asset("/pkg/carecount.3q2-7wEjbTjm0E6aPxkDLg.js"));
        assert!(is_hashed_asset("/pkg/__wasm_split.AbCdEfGhIjKlMnOpQrStUv.js"));
        assert!(!is_hashed_asset("/pkg/carecount.wasm"));
        assert!(!is_hashed_asset("/pkg/carecount_bg.wasm"));
        assert!(!is_hashed_asset("/pkg/snippets/leptos-0123/inline0.js"));
        assert!(!is_hashed_asset("/favicon.svg"));
        assert!(!is_hashed_asset("/carecount.3q2-7wEjbTjm0E6aPxkDLg.wasm"));
    }
}
