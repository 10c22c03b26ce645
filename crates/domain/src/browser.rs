//! What agents are told of a visitor's browser: its name, major version and system, read
//! from the `User-Agent` a browser sends ("Chrome 131 · Android").

/// The browser and system a `User-Agent` names, or `None` when it names neither.
pub fn describe(user_agent: &str) -> Option<String> {
    let browser = browser_of(user_agent);
    let system = system_of(user_agent);
    match (browser, system) {
        (Some(b), Some(s)) => Some(format!("{b} · {s}")),
        (Some(one), None) | (None, Some(one)) => Some(one),
        (None, None) => None,
    }
}

/// The version that follows `token/` (its major part).
fn version_after(user_agent: &str, token: &str) -> Option<String> {
    let start = user_agent.find(token)? + token.len();
    let major: String = user_agent[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (!major.is_empty()).then_some(major)
}

fn browser_of(ua: &str) -> Option<String> {
    // Order matters: Edge, Opera and the in-app browsers also say "Chrome" and "Safari".
    let known: [(&str, &str); 8] = [
        ("MicroMessenger/", "WeChat"),
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chrome/", "Chrome"),
        ("Version/", "Safari"),
    ];
    known.iter().find_map(|(token, name)| {
        version_after(ua, token).map(|v| {
            if *token == "Version/" && !ua.contains("Safari/") {
                return None;
            }
            Some(format!("{name} {v}"))
        })?
    })
}

fn system_of(ua: &str) -> Option<String> {
    let system = if ua.contains("iPhone") || ua.contains("iPad") {
        "iOS"
    } else if ua.contains("Android") {
        "Android"
    } else if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        "macOS"
    } else if ua.contains("CrOS") {
        "ChromeOS"
    } else if ua.contains("Linux") {
        "Linux"
    } else {
        return None;
    };
    Some(system.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_browsers_are_named_with_their_system() {
        let cases = [
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "Chrome 131 · Windows",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86",
                "Edge 131 · Windows",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                "Safari 17 · iOS",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox 133 · macOS",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160117 MMWEBSDK/20240404 MMWEBID/2307 MicroMessenger/8.0.49.2600(0x2800313D) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64",
                "WeChat 8 · Android",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
                "Chrome 131 · Linux",
            ),
        ];
        for (ua, expected) in cases {
            assert_eq!(describe(ua).as_deref(), Some(expected), "{ua}");
        }
        assert_eq!(describe("curl/8.5.0"), None);
    }
}
