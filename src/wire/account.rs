//! Who is signed in, and what a reset or invitation link is for.

use serde::{Deserialize, Serialize};

use crate::domain::Role;

/// Who is signed in, as the header shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    /// Their name.
    pub name: String,
    /// Their role.
    pub role: Role,
    /// The clinic they work in now (staff).
    pub clinic_id: i64,
    /// The organisation's clinics, when there are several to choose from.
    pub clinics: Vec<(i64, String)>,
}

/// What a reset or invitation link is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkInfo {
    /// True for an invitation, false for a password reset.
    pub invitation: bool,
    /// The account's email.
    pub email: String,
    /// The account's name.
    pub name: String,
}

/// Only paths on this site are followed after sign-in: never another site.
///
/// A path must start with exactly one `/` and hold only visible ASCII: no
/// `\\` (browsers read it as `/`), no whitespace or control characters
/// (browsers strip a tab, so `/\t/evil.example` would become
/// `//evil.example`), and nothing that could not stand in a `Location`
/// header. The pages percent-encode what they put in `next`, so a real way
/// back always passes.
pub fn safe_next(next: &str) -> Option<&str> {
    let local = next.starts_with('/') && !next.starts_with("//");
    let plain = next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    (local && plain && next.len() <= 2048).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_same_site_paths_are_followed() {
        for good in ["/", "/patients/3?tab=plans&x=1", "/portal", "/soap/7#line-2", "/a%20b"] {
            assert_eq!(safe_next(good), Some(good), "{good:?}");
        }
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\n",
            "/\r\nSet-Cookie: x=1",
            "/ /evil.example",
            "https://evil.example",
            "evil.example",
            "/\u{0}",
            "/caf\u{e9}",
            "",
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
    }
}
