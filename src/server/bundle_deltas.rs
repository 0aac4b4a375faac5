//! Bundles sent as their difference from a bundle the browser already keeps
//! (Compression Dictionary Transport, RFC 9842; in Chromium since 130).
//!
//! The six bundles (`src/ui/areas.rs`) share most of their code: the
//! runtime, the router, the header and the readers are about 171 KB of the
//! 240 to 339 KB each one weighs in brotli. Every member of staff holds one
//! of them before any desk page: the sign-in page's. So each bundle is
//! served as a dictionary for the others (`Use-As-Dictionary`); the browser
//! names the last one it read in `Available-Dictionary`, and the server answers
//! with the difference written at build time, in the `dcb` encoding: a
//! fixed header naming the dictionary by its SHA-256, then brotli with the
//! dictionary as the start of its window. A browser that keeps no bundle,
//! or one of an earlier release, gets the brotli file as before.

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

/// `Use-As-Dictionary` on every bundle: it may stand for any later bundle.
pub const USE_AS_DICTIONARY: &str = "match=\"/pkg/*.wasm\"";
/// The content encoding of a dictionary-compressed brotli stream.
pub const ENCODING: &str = "dcb";
/// The fixed start of a `dcb` stream (RFC 9842, section 4).
const MAGIC: [u8; 4] = [0xff, 0x44, 0x43, 0x42];
/// Brotli's largest standard window, 16 MiB, which `dcb` allows: the
/// dictionary must lie within the window for the stream to reach it.
const WINDOW_BITS: i32 = 24;
/// Workers writing differences at once: each holds a match finder sized to
/// the window, about 128 MiB.
const MAX_WORKERS: usize = 4;
/// A difference is for the browser that asked alone: a shared cache that
/// keys on the address and `Accept-Encoding` alone would hand it to a
/// browser without the dictionary.
pub const CACHE_CONTROL: &str = "private, max-age=31536000, immutable";
/// Written once per release, so the slowest and smallest setting.
const QUALITY: i32 = 11;

/// The file holding `bundle` (a file name under `/pkg/`) as its difference
/// from the dictionary with this SHA-256.
pub fn delta_name(bundle: &str, dictionary_sha: &[u8]) -> String {
    format!("{bundle}.{}.dcb", URL_SAFE_NO_PAD.encode(dictionary_sha))
}

/// The dictionary a request says its browser keeps, from
/// `Available-Dictionary` (a structured-field byte sequence,
/// `:base64:`), when it also accepts `dcb`. None for anything else.
pub fn requested_dictionary(available: Option<&str>, accept_encoding: Option<&str>) -> Option<[u8; 32]> {
    if !accepts_dcb(accept_encoding?) {
        return None;
    }
    let inner = available?.trim().strip_prefix(':')?.strip_suffix(':')?;
    STANDARD.decode(inner).ok()?.try_into().ok()
}

/// Whether `Accept-Encoding` names `dcb` (in any case) with a weight above
/// zero.
fn accepts_dcb(accept_encoding: &str) -> bool {
    accept_encoding.split(',').any(|coding| {
        let mut parts = coding.split(';');
        let named = parts.next().is_some_and(|name| name.trim().eq_ignore_ascii_case(ENCODING));
        let weight = parts
            .filter_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
            .map(|q| q.trim().parse::<f32>().unwrap_or(0.0))
            .next()
            .unwrap_or(1.0);
        named && weight > 0.0
    })
}

/// A bundle's `dcb` stream against `dictionary`.
pub fn encode(dictionary: &[u8], bundle: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&Sha256::digest(dictionary));
    let params = brotli::enc::BrotliEncoderParams { quality: QUALITY, lgwin: WINDOW_BITS, ..Default::default() };
    let mut input = vec![0u8; 1 << 16];
    let mut output = vec![0u8; 1 << 16];
    let mut no_callback = |_: &mut brotli::interface::PredictionModeContextMap<brotli::InputReferenceMut>,
                           _: &mut [brotli::interface::StaticCommand],
                           _: brotli::InputPair,
                           _: &mut brotli::enc::StandardAlloc| ();
    brotli::enc::BrotliCompressCustomIoCustomDict(
        &mut brotli::IoReaderWrapper(&mut &bundle[..]),
        &mut brotli::IoWriterWrapper(&mut out),
        &mut input,
        &mut output,
        &params,
        brotli::enc::StandardAlloc::default(),
        &mut no_callback,
        dictionary,
        std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "the bundle ended early"),
    )?;
    Ok(out)
}

/// One difference written by [`write_all`].
#[derive(Debug)]
pub struct Written {
    pub bundle: String,
    pub dictionary: String,
    pub bytes: usize,
}

/// Writes, beside the bundles in `pkg`, every bundle as its difference from
/// every other, on every core. Returns what it wrote.
pub fn write_all(pkg: &Path) -> std::io::Result<Vec<Written>> {
    let mut bundles: Vec<(String, Vec<u8>)> = Vec::new();
    for entry in std::fs::read_dir(pkg)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        if name.ends_with(".wasm") {
            bundles.push((name, std::fs::read(&path)?));
        }
    }
    bundles.sort();
    let pairs: Vec<(usize, usize)> =
        (0..bundles.len()).flat_map(|d| (0..bundles.len()).filter(move |&b| b != d).map(move |b| (d, b))).collect();
    let workers = std::thread::available_parallelism().map(usize::from).unwrap_or(1).min(MAX_WORKERS);
    let bundles = &bundles;
    let results: Vec<std::io::Result<Written>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|worker| {
                let mine: Vec<(usize, usize)> = pairs.iter().copied().skip(worker).step_by(workers).collect();
                scope.spawn(move || {
                    mine.into_iter()
                        .map(|(d, b)| {
                            let (dictionary_name, dictionary) = &bundles[d];
                            let (bundle_name, bundle) = &bundles[b];
                            let delta = encode(dictionary, bundle)?;
                            let name = delta_name(bundle_name, &Sha256::digest(dictionary));
                            std::fs::write(pkg.join(name), &delta)?;
                            Ok(Written {
                                bundle: bundle_name.clone(),
                                dictionary: dictionary_name.clone(),
                                bytes: delta.len(),
                            })
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("a delta worker panicked")).collect()
    });
    results.into_iter().collect()
}

/// `carecount deltas DIR`: writes the differences for the bundles in DIR
/// (`tools/build-site.sh --release` runs it on `target/site/pkg`).
pub fn run(args: &[String]) -> std::process::ExitCode {
    let [dir] = args else {
        eprintln!("usage: carecount deltas DIR (the site's pkg folder)");
        return std::process::ExitCode::FAILURE;
    };
    match write_all(&PathBuf::from(dir)) {
        Ok(written) => {
            for w in &written {
                println!("{} from {}: {:.1} KB", w.bundle, w.dictionary, w.bytes as f64 / 1024.0);
            }
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("carecount deltas: {dir}: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_names_its_dictionary_only_when_it_accepts_dcb() {
        let hash = [7u8; 32];
        let header = format!(":{}:", STANDARD.encode(hash));
        assert_eq!(requested_dictionary(Some(&header), Some("gzip, br, zstd, dcb, dcz")), Some(hash));
        assert_eq!(requested_dictionary(Some(&header), Some("gzip, br")), None);
        assert_eq!(requested_dictionary(None, Some("dcb")), None);
        assert_eq!(requested_dictionary(Some("not-a-byte-sequence"), Some("dcb")), None);
        assert_eq!(requested_dictionary(Some(":AAAA:"), Some("dcb")), None, "a hash is 32 bytes");
        assert_eq!(requested_dictionary(Some(&header), Some("br, DCB")), Some(hash), "codings are case-blind");
        assert_eq!(requested_dictionary(Some(&header), Some("br, dcb;q=0.5")), Some(hash));
        assert_eq!(requested_dictionary(Some(&header), Some("br, dcb;q=0")), None, "q=0 refuses it");
    }

    #[test]
    fn a_delta_starts_with_the_fixed_header_and_decodes_against_its_dictionary() {
        use std::io::Read;
        let dictionary: Vec<u8> = (0..50_000u32).flat_map(|n| n.wrapping_mul(2_654_435_761).to_le_bytes()).collect();
        let mut bundle = dictionary[1_000..150_000].to_vec();
        bundle.extend_from_slice(b"what differs");
        let delta = encode(&dictionary, &bundle).unwrap();
        assert_eq!(delta[..4], MAGIC);
        assert_eq!(delta[4..36], Sha256::digest(&dictionary)[..]);
        assert!(delta.len() < 1_000, "the shared part travels as a reference: {} bytes", delta.len());
        let mut back = Vec::new();
        brotli::Decompressor::new_with_custom_dict(&delta[36..], 4096, dictionary.into())
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, bundle);
    }
}
