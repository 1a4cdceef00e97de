//! Web origins (`scheme://host[:port]`) and a site's list of allowed ones.
//!
//! Origins are compared in normalised form: lowercase scheme and host, default port dropped.
//! A pattern may start its host with `*.` to allow every subdomain (never the bare domain,
//! and never a suffix trick like `evilexample.com` for `*.example.com`).

use std::fmt;

/// A normalised origin.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    scheme: String,
    host: String,
    port: Option<u16>,
}

/// Why a string is not an origin or origin pattern.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an origin like https://example.com or http://127.0.0.1:8080")]
pub struct OriginError(pub String);

impl Origin {
    /// Parses `scheme://host[:port]` (a trailing `/` is tolerated, nothing else after it).
    pub fn parse(text: &str) -> Result<Self, OriginError> {
        let error = || OriginError(text.to_string());
        let (scheme, rest) = text.split_once("://").ok_or_else(error)?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(error());
        }
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let (host, port) = split_port(rest).ok_or_else(error)?;
        let host = host.to_ascii_lowercase();
        let host_ok = !host.is_empty()
            && host.len() <= 253
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'*' | b'[' | b']' | b':'));
        if !host_ok {
            return Err(error());
        }
        let default_port = if scheme == "https" { 443 } else { 80 };
        let port = port.filter(|p| *p != default_port);
        Ok(Self { scheme, host, port })
    }

    /// Whether this (pattern) origin allows `candidate`.
    pub fn allows(&self, candidate: &Origin) -> bool {
        if self.scheme != candidate.scheme || self.port != candidate.port {
            return false;
        }
        match self.host.strip_prefix("*.") {
            Some(domain) => {
                candidate.host.strip_suffix(domain).is_some_and(|sub| sub.len() > 1 && sub.ends_with('.'))
            }
            None => self.host == candidate.host,
        }
    }
}

fn split_port(rest: &str) -> Option<(&str, Option<u16>)> {
    // IPv6 literals carry colons inside brackets: `[::1]:8080`.
    let port_colon = match rest.rfind(']') {
        Some(bracket) => rest[bracket..].find(':').map(|i| bracket + i),
        None => rest.rfind(':'),
    };
    match port_colon {
        Some(i) => {
            let port = &rest[i + 1..];
            if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            Some((&rest[..i], Some(port.parse().ok()?)))
        }
        None => Some((rest, None)),
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme, self.host)?;
        match self.port {
            Some(port) => write!(f, ":{port}"),
            None => Ok(()),
        }
    }
}

/// A site's allowed origins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedOrigins(Vec<Origin>);

impl AllowedOrigins {
    /// Parses every pattern; one bad entry refuses the whole list (a typo must not go unseen).
    pub fn parse<S: AsRef<str>>(patterns: &[S]) -> Result<Self, OriginError> {
        patterns.iter().map(|p| Origin::parse(p.as_ref())).collect::<Result<_, _>>().map(Self)
    }

    /// Whether the origin `candidate` (as a browser sent it) is allowed.
    pub fn allows(&self, candidate: &str) -> bool {
        match Origin::parse(candidate) {
            // A wildcard in the candidate itself is never a real origin.
            Ok(origin) if !origin.host.contains('*') => self.0.iter().any(|p| p.allows(&origin)),
            _ => false,
        }
    }

    /// The patterns in normalised form, e.g. for a `frame-ancestors` CSP directive.
    pub fn patterns(&self) -> impl Iterator<Item = String> + '_ {
        self.0.iter().map(Origin::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(patterns: &[&str]) -> AllowedOrigins {
        AllowedOrigins::parse(patterns).unwrap()
    }

    #[test]
    fn exact_origins_match_after_normalising() {
        let list = allowed(&["https://Shop.Example.com:443", "http://127.0.0.1:8080"]);
        assert!(list.allows("https://shop.example.com"));
        assert!(list.allows("http://127.0.0.1:8080"));
        assert!(!list.allows("http://shop.example.com"));
        assert!(!list.allows("http://127.0.0.1:8081"));
        assert!(!list.allows("null"));
    }

    #[test]
    fn wildcards_allow_subdomains_only() {
        let list = allowed(&["https://*.example.com"]);
        assert!(list.allows("https://a.example.com"));
        assert!(list.allows("https://a.b.example.com"));
        assert!(!list.allows("https://example.com"));
        assert!(!list.allows("https://evilexample.com"));
        assert!(!list.allows("https://*.example.com"));
    }

    #[test]
    fn malformed_patterns_are_refused() {
        for bad in ["example.com", "ftp://x", "https://", "https://a/b", "https://a:99999"] {
            assert!(AllowedOrigins::parse(&[bad]).is_err(), "{bad}");
        }
    }

    #[test]
    fn ipv6_origins_parse() {
        assert!(allowed(&["http://[::1]:8080"]).allows("http://[::1]:8080"));
    }
}
