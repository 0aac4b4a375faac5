//! Which address a request comes from, for throttling: the connection's
//! peer, or what a trusted reverse proxy says in `X-Forwarded-For`.
//!
//! The header is only believed from a proxy the clinic names: anyone else
//! could write any address in it and so escape the per-address limit.

use std::net::IpAddr;

/// The client's address. With `peer` among `trusted`, the header is read
/// from the right (each proxy appends the address it saw) and the first
/// address that is not itself a trusted proxy is the client; a malformed
/// entry stops the walk, and the last trusted hop's word is taken.
pub fn client_address(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let Some(header) = forwarded_for else { return peer };
    let mut client = peer;
    for hop in header.rsplit(',') {
        match hop.trim().parse::<IpAddr>() {
            Ok(addr) if trusted.contains(&addr) => client = addr,
            Ok(addr) => return addr,
            Err(_) => return client,
        }
    }
    client
}

/// Every `X-Forwarded-For` line of a request as one list, in order. A proxy
/// may add its own line rather than extend the client's: reading the first
/// line alone would believe whatever the client wrote there. A line that is
/// not text becomes an entry no address reads as, which stops the walk.
pub fn forwarded_for<'a>(lines: impl Iterator<Item = &'a [u8]>) -> Option<String> {
    let lines: Vec<&str> = lines.map(|line| std::str::from_utf8(line).unwrap_or("?")).collect();
    (!lines.is_empty()).then(|| lines.join(","))
}

/// Reads a comma-separated list of proxy addresses (`CARECOUNT_TRUSTED_PROXIES`).
pub fn parse_trusted(list: &str) -> Result<Vec<IpAddr>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(|_| format!("\u{201c}{s}\u{201d} is not an IP address")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_header_is_ignored_unless_a_trusted_proxy_sent_it() {
        let proxy = ip("10.0.0.2");
        assert_eq!(client_address(ip("198.51.100.9"), Some("203.0.113.5"), &[proxy]), ip("198.51.100.9"));
        assert_eq!(client_address(ip("198.51.100.9"), Some("203.0.113.5"), &[]), ip("198.51.100.9"));
    }

    #[test]
    fn behind_a_trusted_proxy_the_last_untrusted_hop_is_the_client() {
        let trusted = [ip("10.0.0.2"), ip("10.0.0.3")];
        // The client wrote a fake first entry; the proxies appended the truth.
        let header = "1.2.3.4, 203.0.113.5, 10.0.0.3";
        assert_eq!(client_address(ip("10.0.0.2"), Some(header), &trusted), ip("203.0.113.5"));
        assert_eq!(client_address(ip("10.0.0.2"), None, &trusted), ip("10.0.0.2"));
        assert_eq!(client_address(ip("10.0.0.2"), Some("garbage, 10.0.0.3"), &trusted), ip("10.0.0.3"));
        assert_eq!(client_address(ip("10.0.0.2"), Some(" 2001:db8::7 "), &trusted), ip("2001:db8::7"));
    }

    #[test]
    fn a_proxy_that_adds_its_own_line_is_read_after_the_clients_line() {
        let trusted = [ip("10.0.0.2")];
        let lines: [&[u8]; 2] = [b"198.51.100.77", b"203.0.113.5"];
        let header = forwarded_for(lines.into_iter()).unwrap();
        assert_eq!(client_address(ip("10.0.0.2"), Some(&header), &trusted), ip("203.0.113.5"));
        let broken: [&[u8]; 2] = [b"203.0.113.5", b"\xff"];
        let header = forwarded_for(broken.into_iter()).unwrap();
        assert_eq!(client_address(ip("10.0.0.2"), Some(&header), &trusted), ip("10.0.0.2"));
        assert_eq!(forwarded_for(std::iter::empty()), None);
    }

    #[test]
    fn the_setting_is_read_or_refused_in_words() {
        assert_eq!(parse_trusted("10.0.0.2, ::1").unwrap(), vec![ip("10.0.0.2"), ip("::1")]);
        assert_eq!(parse_trusted("").unwrap(), Vec::<IpAddr>::new());
        assert!(parse_trusted("10.0.0.2, proxy.local").unwrap_err().contains("proxy.local"));
    }
}
