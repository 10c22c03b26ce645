//! Vendor webhooks: which addresses Kefu calls, which it refuses (private networks, unless an
//! admin allows them), the events it sends and how it backs off after a failure.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use chrono::{DateTime, Duration, Utc};

use crate::DomainError;
use crate::string_enum::string_enum;

/// The longest webhook address taken.
pub const URL_MAX: usize = 2_000;

/// How many times a delivery is tried before it is given up.
pub const ATTEMPTS: i32 = 8;

/// The longest a webhook call may take, in seconds.
pub const TIMEOUT_SECONDS: u64 = 10;

/// How old a signature's timestamp may be before a receiver should refuse it, in seconds
/// (what `docs/vendors.md` advises).
pub const TOLERANCE_SECONDS: i64 = 300;

string_enum! {
    /// What happened to an escalation, as a webhook names it.
    "webhook event", WebhookEvent {
        /// A case was escalated to the vendor.
        Created => "escalation.created",
        /// The business moved the case (closed, reopened, sent again, cancelled).
        StatusChanged => "escalation.status_changed",
        /// The business wrote on the case.
        Message => "escalation.message",
        /// The case is due soon, or overdue.
        Reminder => "escalation.reminder",
        /// An admin asked for a test call.
        Ping => "ping",
    }
}

/// A webhook address: `http` or `https`, a host, no user name or password in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookUrl {
    url: String,
    host: String,
    port: u16,
}

impl WebhookUrl {
    /// Reads an address an admin typed.
    pub fn parse(value: &str) -> Result<Self, DomainError> {
        let invalid = |why: &str| DomainError::InvalidWebhook(why.to_owned());
        let value = value.trim();
        if value.len() > URL_MAX {
            return Err(invalid(
                "the webhook address is longer than 2,000 characters",
            ));
        }
        let url =
            url::Url::parse(value).map_err(|_| invalid("the webhook address is not a URL"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid(
                "a webhook address starts with https:// (or http://)",
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(
                "a webhook address carries no user name or password; the signature proves the call is Kefu's",
            ));
        }
        let host = match url.host() {
            Some(url::Host::Domain(d)) => d.to_owned(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            None => return Err(invalid("the webhook address has no host")),
        };
        let port = url
            .port_or_known_default()
            .ok_or_else(|| invalid("the webhook address has no port"))?;
        Ok(Self {
            url: url.to_string(),
            host,
            port,
        })
    }

    /// The address as stored.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The host to resolve (a name, or an address without brackets).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port to call.
    pub fn port(&self) -> u16 {
        self.port
    }
}

/// Whether `ip` is on the public internet: not loopback, private, link-local, shared (CGNAT),
/// unspecified, multicast, broadcast, documentation or unique-local. Kefu calls only public
/// addresses unless an admin allows private ones for a vendor.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => public_v4(v4),
            None => public_v6(v6),
        },
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && ip.octets()[2] == 0)
        || (a == 198 && (18..20).contains(&b))
        || a >= 240)
}

/// Only global unicast (`2000::/3`) is public, and not the ranges in it that stand for other
/// networks: documentation, Teredo, ORCHID, and 6to4 (checked by the IPv4 address it carries).
fn public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    if (s[0] & 0xe000) != 0x2000 {
        return false;
    }
    match (s[0], s[1]) {
        (0x2001, 0x0db8) | (0x2001, 0x0000) => false,
        (0x2001, second) if (0x0010..0x0030).contains(&second) => false,
        (0x2002, _) => {
            let [a, b] = s[1].to_be_bytes();
            let [c, d] = s[2].to_be_bytes();
            public_v4(Ipv4Addr::new(a, b, c, d))
        }
        _ => true,
    }
}

/// When to call again after `attempts` failed calls, `base_seconds` apart at first and
/// doubling, capped at an hour: with the default 30 s, eight attempts span about an hour.
pub fn retry_after(attempts: i32, base_seconds: u32, now: DateTime<Utc>) -> DateTime<Utc> {
    let exponent = u32::try_from(attempts.clamp(1, 12) - 1).unwrap_or(0);
    let seconds = (i64::from(base_seconds) << exponent).min(3_600);
    now + Duration::seconds(seconds)
}

/// Whether an answer with HTTP `status` is a delivery.
pub fn delivered(status: u16) -> bool {
    (200..300).contains(&status)
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_read_once() {
        let url = WebhookUrl::parse(" https://desk.printco.example/hooks/kefu ").unwrap();
        assert_eq!(url.host(), "desk.printco.example");
        assert_eq!(url.port(), 443);
        assert_eq!(
            WebhookUrl::parse("http://[::1]:8080/x").unwrap().host(),
            "::1"
        );
        for bad in [
            "ftp://x.example/",
            "https://user:pw@x.example/",
            "not a url",
            "file:///etc/passwd",
        ] {
            assert!(WebhookUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "198.18.0.1",
            "::10.0.0.1",
            "64:ff9b:1::a00:1",
            "2002:a00:1::1",
            "2001::1",
            "fec0::1",
            "2001:db8::1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700::1111",
            "2002:5db8:d822::1",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn retries_back_off() {
        let now = DateTime::<Utc>::UNIX_EPOCH;
        assert_eq!(retry_after(1, 30, now), now + Duration::seconds(30));
        assert_eq!(retry_after(3, 30, now), now + Duration::seconds(120));
        assert_eq!(retry_after(20, 30, now), now + Duration::seconds(3_600));
        assert_eq!(retry_after(2, 1, now), now + Duration::seconds(2));
        assert!(delivered(204) && !delivered(500) && !delivered(302));
    }
}
