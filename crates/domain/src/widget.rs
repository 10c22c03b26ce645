//! A chat widget: the websites it may run on, how it looks, and which team each stage's
//! chats go to.
//!
//! The widget's socket is accepted only from the origins listed here, so a site that copies the
//! `<script>` tag cannot open chats in the business's name.

use std::fmt;

use chrono::{DateTime, Utc};

use crate::DomainError;
use crate::ids::{TeamId, WidgetId};
use crate::string_enum::string_enum;
use crate::ticket::Stage;

/// The most websites one widget may run on.
pub const MAX_ORIGINS: usize = 20;

/// A website's origin, as browsers send it in `Origin`: `https://shop.example.com` or
/// `http://localhost:8080`, lower case, without a path or a trailing slash.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SiteOrigin(String);

impl SiteOrigin {
    /// Reads an origin; a trailing slash is dropped, a default port is dropped, and anything
    /// else after the host (a path, a query, credentials) is refused.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let bad = |why: &str| DomainError::InvalidWidget(format!("`{input}` {why}"));
        let lower = input.trim().trim_end_matches('/').to_ascii_lowercase();
        let (scheme, rest) = lower
            .split_once("://")
            .ok_or_else(|| bad("is not an origin such as https://shop.example.com"))?;
        let default_port = match scheme {
            "https" => ":443",
            "http" => ":80",
            _ => return Err(bad("must start with https:// or http://")),
        };
        if rest.is_empty() || rest.contains(['/', '?', '#', '@', ' ', '\\']) {
            return Err(bad("must be a scheme and a host only, without a path"));
        }
        let (host, port) = match rest.strip_prefix('[') {
            Some(v6) => {
                let (inside, after) = v6.split_once(']').ok_or_else(|| bad("has an unclosed ["))?;
                let port = match after {
                    "" => None,
                    p => Some(p.strip_prefix(':').ok_or_else(|| bad("has text after ]"))?),
                };
                (&rest[..inside.len() + 2], port)
            }
            None => match rest.split_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (rest, None),
            },
        };
        if port.is_some_and(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit())) {
            return Err(bad("has a port that is not a number"));
        }
        let host_ok = !host.is_empty()
            && host.len() <= 253
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'));
        if !host_ok {
            return Err(bad("has a host name that is not valid"));
        }
        let port = port
            .filter(|p| format!(":{p}") != default_port)
            .map(|p| format!(":{p}"))
            .unwrap_or_default();
        Ok(Self(format!("{scheme}://{host}{port}")))
    }

    /// The origin as browsers send it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SiteOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A widget's websites: 1 to [`MAX_ORIGINS`] distinct origins.
pub fn parse_origins(list: &[String]) -> Result<Vec<SiteOrigin>, DomainError> {
    let mut origins = list
        .iter()
        .map(|o| SiteOrigin::parse(o))
        .collect::<Result<Vec<_>, _>>()?;
    origins.sort();
    origins.dedup();
    if origins.is_empty() || origins.len() > MAX_ORIGINS {
        return Err(DomainError::InvalidWidget(format!(
            "a widget runs on 1 to {MAX_ORIGINS} websites"
        )));
    }
    Ok(origins)
}

/// A widget's accent colour, `#rrggbb` in lower case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Colour(String);

impl Colour {
    /// Reads `#rgb` or `#rrggbb`.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let hex = input.trim().strip_prefix('#').unwrap_or("");
        let full = match hex.len() {
            3 => hex.chars().flat_map(|c| [c, c]).collect(),
            6 => hex.to_owned(),
            _ => String::new(),
        };
        if full.is_empty() || !full.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(DomainError::InvalidWidget(format!(
                "`{input}` is not a colour such as #0f766e"
            )));
        }
        Ok(Self(format!("#{}", full.to_ascii_lowercase())))
    }

    /// The colour as CSS reads it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Colour {
    fn default() -> Self {
        Self("#0f766e".into())
    }
}

string_enum! {
    /// Which bottom corner of the page the launcher sits in.
    "widget position", WidgetPosition {
        /// Bottom right.
        Right => "right",
        /// Bottom left.
        Left => "left",
    }
}

/// Which team each stage's chats go to; a stage without a team cannot be chosen in the
/// pre-chat form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StageTeams {
    /// Before buying.
    pub pre_sale: Option<TeamId>,
    /// An order in progress.
    pub in_sale: Option<TeamId>,
    /// Help after buying.
    pub after_sale: Option<TeamId>,
}

impl StageTeams {
    /// The team a chat about `stage` goes to.
    pub fn team_for(&self, stage: Stage) -> Option<TeamId> {
        match stage {
            Stage::PreSale => self.pre_sale,
            Stage::InSale => self.in_sale,
            Stage::AfterSale => self.after_sale,
        }
    }

    /// The stages a visitor may choose, in the form's order.
    pub fn stages(&self) -> Vec<Stage> {
        [Stage::PreSale, Stage::InSale, Stage::AfterSale]
            .into_iter()
            .filter(|s| self.team_for(*s).is_some())
            .collect()
    }
}

/// A chat widget as admins set it up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Widget {
    /// Its id, in the `<script>` snippet.
    pub id: WidgetId,
    /// A name for admins ("Main shop").
    pub name: String,
    /// The websites it may run on.
    pub origins: Vec<SiteOrigin>,
    /// Its accent colour.
    pub colour: Colour,
    /// Which corner its launcher sits in.
    pub position: WidgetPosition,
    /// The greeting above the pre-chat form, in English and Chinese (the team's greeting, or
    /// a built-in one, if not set).
    pub greeting_en: Option<String>,
    /// The greeting in Chinese.
    pub greeting_zh: Option<String>,
    /// Which team each stage's chats go to.
    pub teams: StageTeams,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

impl Widget {
    /// Whether the widget may run on a page from `origin` (the handshake's `Origin` header).
    pub fn allows(&self, origin: &str) -> bool {
        SiteOrigin::parse(origin).is_ok_and(|o| self.origins.contains(&o))
    }
}

/// The longest page address kept, in characters (longer ones are cut).
pub const PAGE_ADDRESS_MAX: usize = 1_000;

/// Query parameters whose values are secrets often carried in addresses: never kept.
const SECRET_PARAMETERS: [&str; 10] = [
    "token",
    "password",
    "passwd",
    "secret",
    "key",
    "code",
    "session",
    "auth",
    "signature",
    "sig",
];

/// The address of a page a visitor is on, as agents may see it: `http` or `https` only,
/// without sign-in details, without parameters that look like secrets (tokens, keys, codes)
/// and without a fragment unless it is an app's route (`#/…`, `#!/…`); cut to
/// [`PAGE_ADDRESS_MAX`] characters. `None` if it is not a web page's address.
pub fn page_address(raw: &str) -> Option<String> {
    let mut url = url::Url::parse(raw.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    url.set_username("").ok()?;
    url.set_password(None).ok()?;
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(name, _)| {
            let name = name.to_ascii_lowercase();
            !SECRET_PARAMETERS.iter().any(|secret| name.contains(secret))
        })
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    if url
        .fragment()
        .is_some_and(|f| !(f.starts_with('/') || f.starts_with("!/")))
    {
        url.set_fragment(None);
    }
    Some(url.as_str().chars().take(PAGE_ADDRESS_MAX).collect())
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn origins_are_read_as_browsers_send_them() {
        let ok = |s: &str| SiteOrigin::parse(s).unwrap().to_string();
        assert_eq!(ok("https://Shop.Example.com/"), "https://shop.example.com");
        assert_eq!(
            ok("https://shop.example.com:443"),
            "https://shop.example.com"
        );
        assert_eq!(ok("http://localhost:8080"), "http://localhost:8080");
        assert_eq!(ok("http://127.0.0.1:80"), "http://127.0.0.1");
        assert_eq!(ok("http://[::1]:8080"), "http://[::1]:8080");
        for bad in [
            "shop.example.com",
            "ftp://shop.example.com",
            "https://shop.example.com/path",
            "https://user@shop.example.com",
            "https://shop.example.com:port",
            "https://",
            "https://shop example.com",
        ] {
            assert!(SiteOrigin::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_widget_runs_on_one_to_twenty_distinct_sites() {
        let list = vec![
            "https://a.example".to_owned(),
            "https://A.example/".to_owned(),
        ];
        assert_eq!(parse_origins(&list).unwrap().len(), 1);
        assert!(parse_origins(&[]).is_err());
        let many: Vec<String> = (0..21).map(|i| format!("https://s{i}.example")).collect();
        assert!(parse_origins(&many).is_err());
    }

    #[test]
    fn colours_are_hex() {
        assert_eq!(Colour::parse("#0F766E").unwrap().as_str(), "#0f766e");
        assert_eq!(Colour::parse("#abc").unwrap().as_str(), "#aabbcc");
        for bad in ["0f766e", "#12345", "#gggggg", "red", "#0f766e;x"] {
            assert!(Colour::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn stages_without_a_team_are_not_offered() {
        let team = TeamId::new();
        let teams = StageTeams {
            after_sale: Some(team),
            ..StageTeams::default()
        };
        assert_eq!(teams.stages(), vec![Stage::AfterSale]);
        assert_eq!(teams.team_for(Stage::AfterSale), Some(team));
        assert_eq!(teams.team_for(Stage::PreSale), None);
    }

    #[test]
    fn a_page_address_keeps_what_agents_need_and_no_secrets() {
        assert_eq!(
            page_address(" https://shop.example.com/kettles?id=2#/cart ").as_deref(),
            Some("https://shop.example.com/kettles?id=2#/cart")
        );
        assert_eq!(
            page_address(
                "https://ana:pw@shop.example.com/reset?token=abc&lang=zh#access_token=xyz"
            )
            .as_deref(),
            Some("https://shop.example.com/reset?lang=zh")
        );
        assert_eq!(
            page_address("HTTP://shop.example.com/?ApiKey=1").as_deref(),
            Some("http://shop.example.com/")
        );
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "shop.example.com",
            "",
        ] {
            assert_eq!(page_address(bad), None, "{bad}");
        }
        let long = format!("https://shop.example.com/{}", "a".repeat(2_000));
        assert_eq!(
            page_address(&long).map(|p| p.chars().count()),
            Some(PAGE_ADDRESS_MAX)
        );
    }
}
