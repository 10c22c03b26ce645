//! Macros and canned replies: a reply in English and Chinese with placeholders such as
//! `{{customer.name}}`, and changes to make to the ticket. A macro that changes nothing is a
//! canned reply. Personal macros belong to one agent; shared ones, made by admins, to everyone.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::ids::{MacroId, TeamId, UserId};
use crate::locale::Locale;
use crate::tag::Tag;
use crate::ticket::{Priority, Status};

/// The longest title, in characters.
pub const TITLE_MAX: usize = 120;
/// The longest shortcut, in characters.
pub const SHORTCUT_MAX: usize = 32;
/// The longest reply text, in characters.
pub const TEXT_MAX: usize = 10_000;

/// The placeholders a reply may hold, each `{{name}}`.
pub const PLACEHOLDERS: &[&str] = &[
    "customer.name",
    "customer.email",
    "ticket.number",
    "ticket.subject",
    "agent.name",
];

/// Who a macro assigns the ticket to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "to", content = "user")]
pub enum Assign {
    /// The agent applying it.
    Me,
    /// Nobody.
    Nobody,
    /// This agent.
    User(UserId),
}

/// What a macro changes on the ticket; absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MacroChanges {
    /// The new status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// The new priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// The new team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<TeamId>,
    /// The new assignee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assign: Option<Assign>,
    /// Tags to add.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add_tags: Vec<Tag>,
    /// Tags to take off.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove_tags: Vec<Tag>,
}

impl MacroChanges {
    /// Whether it changes nothing: a canned reply.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// A macro or canned reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Macro {
    /// Its id.
    pub id: MacroId,
    /// The agent it belongs to; `None` when it is shared.
    pub owner: Option<UserId>,
    /// What it is called in the picker.
    pub title: String,
    /// The word typed after `/` to find it first, e.g. `refund`.
    pub shortcut: Option<String>,
    /// The reply in English.
    pub text_en: Option<String>,
    /// The reply in Simplified Chinese.
    pub text_zh: Option<String>,
    /// What it changes on the ticket.
    pub changes: MacroChanges,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl Macro {
    /// Checks and tidies the title, shortcut and texts: a macro says or changes something,
    /// and its texts hold only known placeholders.
    pub fn check(&mut self) -> Result<(), DomainError> {
        self.title = crate::text::clean("title", &self.title, TITLE_MAX, false)?;
        self.shortcut = self
            .shortcut
            .as_deref()
            .map(str::trim)
            .map(|s| s.trim_start_matches('/'))
            .filter(|s| !s.is_empty())
            .map(|s| {
                if s.chars().count() > SHORTCUT_MAX
                    || !s
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
                {
                    Err(DomainError::InvalidMacro(format!(
                        "a shortcut is 1 to {SHORTCUT_MAX} letters, digits, `-` or `_`"
                    )))
                } else {
                    Ok(s.to_lowercase())
                }
            })
            .transpose()?;
        self.text_en =
            crate::text::optional("English text", self.text_en.as_deref(), TEXT_MAX, true)?;
        self.text_zh =
            crate::text::optional("Chinese text", self.text_zh.as_deref(), TEXT_MAX, true)?;
        for text in [&self.text_en, &self.text_zh].into_iter().flatten() {
            check_placeholders(text)?;
        }
        if self.text_en.is_none() && self.text_zh.is_none() && self.changes.is_empty() {
            return Err(DomainError::InvalidMacro(
                "a macro needs a reply text or a change to make".to_owned(),
            ));
        }
        Ok(())
    }

    /// The reply in `locale`, else in the other language.
    pub fn text_in(&self, locale: Locale) -> Option<&str> {
        let (first, second) = match locale {
            Locale::ZhCn => (&self.text_zh, &self.text_en),
            Locale::En => (&self.text_en, &self.text_zh),
        };
        first.as_deref().or(second.as_deref())
    }

    /// Whether `query` finds it: in its shortcut, title or texts, case-insensitively.
    pub fn matches(&self, query: &str) -> bool {
        let query = query.trim().trim_start_matches('/').to_lowercase();
        query.is_empty()
            || [
                self.shortcut.as_deref(),
                Some(self.title.as_str()),
                self.text_en.as_deref(),
                self.text_zh.as_deref(),
            ]
            .into_iter()
            .flatten()
            .any(|field| field.to_lowercase().contains(&query))
    }
}

/// Each `{{…}}` in `text`, trimmed.
fn placeholders(text: &str) -> impl Iterator<Item = Result<&str, DomainError>> {
    text.split("{{").skip(1).map(|rest| {
        rest.split_once("}}")
            .map(|(name, _)| name.trim())
            .ok_or_else(|| DomainError::InvalidMacro("a `{{` is never closed with `}}`".to_owned()))
    })
}

/// Refuses placeholders Kefu does not know, naming those it does.
pub fn check_placeholders(text: &str) -> Result<(), DomainError> {
    for name in placeholders(text) {
        let name = name?;
        if !PLACEHOLDERS.contains(&name) {
            return Err(DomainError::InvalidMacro(format!(
                "`{{{{{name}}}}}` is not a placeholder; use one of: {}",
                PLACEHOLDERS
                    .iter()
                    .map(|p| format!("{{{{{p}}}}}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    Ok(())
}

/// What the placeholders stand for on one ticket.
#[derive(Clone, Debug, Default)]
pub struct Values {
    /// The requester's name.
    pub customer_name: String,
    /// The requester's email address, if known.
    pub customer_email: String,
    /// `#1042`.
    pub ticket_number: String,
    /// The ticket's subject.
    pub ticket_subject: String,
    /// The agent applying the macro.
    pub agent_name: String,
}

/// The text with each placeholder replaced by its value.
pub fn render(text: &str, values: &Values) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let value = match after[..end].trim() {
            "customer.name" => values.customer_name.as_str(),
            "customer.email" => values.customer_email.as_str(),
            "ticket.number" => values.ticket_number.as_str(),
            "ticket.subject" => values.ticket_subject.as_str(),
            "agent.name" => values.agent_name.as_str(),
            _ => &rest[start..start + 2 + end + 2],
        };
        out.push_str(value);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    fn canned(text_en: Option<&str>, text_zh: Option<&str>) -> Macro {
        Macro {
            id: MacroId::new(),
            owner: None,
            title: "Refund sent".to_owned(),
            shortcut: Some("/Refund".to_owned()),
            text_en: text_en.map(str::to_owned),
            text_zh: text_zh.map(str::to_owned),
            changes: MacroChanges::default(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn placeholders_are_filled_in_the_customers_language() {
        let mut m = canned(
            Some(
                "Hello {{customer.name}}, your refund for {{ ticket.number }} is on its way. {{agent.name}}",
            ),
            Some("{{customer.name}}您好，工单 {{ticket.number}} 的退款已发出。"),
        );
        m.check().unwrap();
        assert_eq!(m.shortcut.as_deref(), Some("refund"));
        let values = Values {
            customer_name: "王芳".into(),
            ticket_number: "#1042".into(),
            agent_name: "Li Wei".into(),
            ..Values::default()
        };
        assert_eq!(
            render(m.text_in(Locale::ZhCn).unwrap(), &values),
            "王芳您好，工单 #1042 的退款已发出。"
        );
        assert_eq!(
            render(m.text_in(Locale::En).unwrap(), &values),
            "Hello 王芳, your refund for #1042 is on its way. Li Wei"
        );
        let english_only = canned(Some("Hi {{customer.name}}"), None);
        assert_eq!(
            english_only.text_in(Locale::ZhCn),
            Some("Hi {{customer.name}}")
        );
    }

    #[test]
    fn unknown_placeholders_and_empty_macros_are_refused() {
        let error = canned(Some("Hi {{customer.phone}}"), None)
            .check()
            .unwrap_err();
        assert!(error.to_string().contains("customer.name"), "{error}");
        assert!(canned(Some("Hi {{customer.name"), None).check().is_err());
        assert!(canned(None, None).check().is_err());
        let mut bad_shortcut = canned(Some("Hi"), None);
        bad_shortcut.shortcut = Some("two words".into());
        assert!(bad_shortcut.check().is_err());
        let mut changes_only = canned(None, None);
        changes_only.changes.status = Some(Status::Pending);
        assert!(changes_only.check().is_ok());
    }

    #[test]
    fn search_finds_shortcuts_titles_and_texts() {
        let mut m = canned(Some("Your parcel ships today"), Some("包裹今天发出"));
        m.check().unwrap();
        assert!(m.matches("/ref"));
        assert!(m.matches("PARCEL"));
        assert!(m.matches("包裹"));
        assert!(!m.matches("invoice"));
    }
}
