//! A browser that keeps one bundle downloads another as the difference
//! between them (`src/server/bundle_deltas.rs`); one that keeps none, or
//! keeps one the server wrote no difference from, gets the whole bundle.

mod support;

use std::io::Read;

use base64::Engine;
use sha2::{Digest, Sha256};
use support::*;

const PORTAL: &str = "carecount-portal.AAAAAAAAAAAAAAAAAAAAAA.wasm";
const SOAP: &str = "carecount-soap.BBBBBBBBBBBBBBBBBBBBBB.wasm";

/// Bytes no compressor can shorten on their own.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

/// Two bundles that share most of their bytes, as the real ones do.
fn bundles() -> (Vec<u8>, Vec<u8>) {
    let shared = noise(1, 240_000);
    let mut portal = shared.clone();
    portal.extend(noise(2, 20_000));
    let mut soap = shared;
    soap.extend(noise(3, 36_000));
    (portal, soap)
}

fn available(dictionary: &[u8]) -> String {
    format!(":{}:", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(dictionary)))
}

#[test]
fn a_bundle_travels_as_its_difference_from_the_one_the_browser_keeps() {
    support::run(async {
        let site = tempfile::tempdir().unwrap();
        let pkg = site.path().join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        let (portal, soap) = bundles();
        std::fs::write(pkg.join(PORTAL), &portal).unwrap();
        std::fs::write(pkg.join(SOAP), &soap).unwrap();
        let written = carecount::server::bundle_deltas::write_all(&pkg).unwrap();
        assert_eq!(written.len(), 2, "each bundle from the other: {written:?}");
        let root = site.path().to_string_lossy().to_string();
        let app = TestApp::start_with(|c| c.site_root = root).await;
        let soap_url = app.url(&format!("/pkg/{SOAP}"));

        // The sign-in page's bundle, whole, offered as a dictionary.
        let first = app.client.get(app.url(&format!("/pkg/{PORTAL}"))).send().await.unwrap();
        assert_eq!(first.status(), 200);
        assert_eq!(first.headers()["use-as-dictionary"], "match=\"/pkg/*.wasm\"");
        assert!(first.headers()["vary"].to_str().unwrap().contains("available-dictionary"));
        assert_eq!(first.bytes().await.unwrap(), portal);

        // The SOAP note's, as its difference from the portal's.
        let delta = app
            .client
            .get(&soap_url)
            .header("accept-encoding", "gzip, deflate, br, zstd, dcb, dcz")
            .header("available-dictionary", available(&portal))
            .send()
            .await
            .unwrap();
        assert_eq!(delta.status(), 200);
        assert_eq!(delta.headers()["content-encoding"], "dcb");
        assert_eq!(delta.headers()["content-type"], "application/wasm");
        assert_eq!(
            delta.headers()["cache-control"],
            "private, max-age=31536000, immutable",
            "no shared cache keeps it"
        );
        assert_eq!(delta.headers()["vary"], "accept-encoding, available-dictionary");
        assert_eq!(delta.headers()["use-as-dictionary"], "match=\"/pkg/*.wasm\"");
        let body = delta.bytes().await.unwrap();
        assert_eq!(body[..4], [0xff, 0x44, 0x43, 0x42], "the dcb header's magic number");
        assert_eq!(body[4..36], Sha256::digest(&portal)[..], "the header names the dictionary");
        assert!(body.len() < 40_000, "{} bytes for the 36,000 that differ in {}", body.len(), soap.len());
        let mut decoded = Vec::new();
        brotli::Decompressor::new_with_custom_dict(&body[36..], 4096, portal.clone().into())
            .read_to_end(&mut decoded)
            .unwrap();
        assert_eq!(decoded, soap, "the browser rebuilds the SOAP note's bundle exactly");

        // Asked for its headers alone, the same answer without the body.
        let head = app
            .client
            .head(&soap_url)
            .header("accept-encoding", "br, dcb")
            .header("available-dictionary", available(&portal))
            .send()
            .await
            .unwrap();
        assert_eq!(head.status(), 200);
        assert_eq!(head.headers()["content-encoding"], "dcb");
        assert_eq!(head.headers()["content-length"].to_str().unwrap(), body.len().to_string());

        // A dictionary of an earlier release, or no dcb: the whole file.
        for (dictionary, accept) in [(available(b"an earlier release"), "br, dcb"), (available(&portal), "gzip, br")] {
            let whole = app
                .client
                .get(&soap_url)
                .header("accept-encoding", accept)
                .header("available-dictionary", dictionary)
                .send()
                .await
                .unwrap();
            assert_eq!(whole.status(), 200);
            assert!(whole.headers().get("content-encoding").is_none(), "no precompressed file here: sent as it is");
            assert_eq!(whole.bytes().await.unwrap(), soap);
        }
    });
}
