//! Who is at the other end of a request: the client's address, behind trusted proxies too.

use std::net::IpAddr;

use actix_web::HttpRequest;

/// The client's IP address. A request from a trusted proxy is attributed to the last address
/// in its `X-Forwarded-For` that is not itself a trusted proxy (earlier entries are whatever
/// the client claimed and are not believed).
pub fn address(request: &HttpRequest, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = request.peer_addr()?.ip();
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded = request
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|part| part.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|ip| !trusted.contains(ip))
            .unwrap_or(peer),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[expect(clippy::unwrap_used, reason = "fixed test input")]
    fn request(peer: &str, forwarded: Option<&str>) -> HttpRequest {
        let mut builder = TestRequest::default().peer_addr(format!("{peer}:4000").parse().unwrap());
        if let Some(value) = forwarded {
            builder = builder.insert_header(("x-forwarded-for", value));
        }
        builder.to_http_request()
    }

    #[test]
    fn proxies_are_believed_only_when_trusted() {
        let proxy: IpAddr = [10, 0, 0, 1].into();
        let trusted = [proxy];
        let direct = request("203.0.113.9", Some("198.51.100.1"));
        assert_eq!(address(&direct, &trusted), Some([203, 0, 113, 9].into()));
        let proxied = request("10.0.0.1", Some("1.2.3.4, 198.51.100.7"));
        assert_eq!(address(&proxied, &trusted), Some([198, 51, 100, 7].into()));
        let chained = request("10.0.0.1", Some("198.51.100.7, 10.0.0.1"));
        assert_eq!(address(&chained, &trusted), Some([198, 51, 100, 7].into()));
        let bare = request("10.0.0.1", None);
        assert_eq!(address(&bare, &trusted), Some(proxy));
    }
}
