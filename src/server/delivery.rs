//! How answers travel: compressed, and cached as long as their name allows.
//!
//! The compiled bundle (`/pkg/…`) is compressed once at build time
//! (`cargo leptos build --release --precompress` writes `.br` and `.gz`
//! beside every file) and served by Leptos' file handler, which picks the
//! variant the browser's `Accept-Encoding` allows. Pages and server-function
//! answers are compressed here, per request. A file whose name carries its
//! content hash never changes, so browsers may keep it for a year; anything
//! else, HTML above all, is checked again on every visit.

use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, HeaderValue, VARY};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::{CompressionLayer, DefaultPredicate};

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
    use super::is_hashed_asset;

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
