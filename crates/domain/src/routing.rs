//! Routing: rules tried in order on every new ticket and chat (by stage, channel, mailbox,
//! keywords, customer, organisation and language) that set its team, priority, tags and
//! agent, and the automatic assignment of a team's tickets to its available agents.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::chat::Presence;
use crate::ids::{CustomerId, MailboxId, RoutingRuleId, TeamId, UserId};
use crate::locale::Locale;
use crate::string_enum::string_enum;
use crate::tag::Tag;
use crate::ticket::{Channel, Priority, Stage};

/// The longest rule name, in characters.
pub const NAME_MAX: usize = 120;
/// The most values one condition may list.
pub const VALUES_MAX: usize = 50;
/// The longest keyword, in characters.
pub const KEYWORD_MAX: usize = 100;
/// The most rules a helpdesk may have.
pub const RULES_MAX: usize = 200;
/// How much of a first message keywords are looked for in, in characters.
pub const BODY_SCANNED: usize = 20_000;

/// What a new ticket must be for a rule to apply: every listed condition must hold, and a
/// condition holds when the ticket has one of its values. An empty list asks nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conditions {
    /// Where in the sale.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<Stage>,
    /// How it came in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<Channel>,
    /// The mailbox an email arrived at.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mailboxes: Vec<MailboxId>,
    /// Words or phrases in the subject or the first message, any language, any case.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// The customers it may be from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub customers: Vec<CustomerId>,
    /// The organisations its customer may belong to (any case).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organisations: Vec<String>,
    /// The customer's language.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<Locale>,
}

/// What a rule sets on a ticket it matches; absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actions {
    /// The team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<TeamId>,
    /// The priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// Tags to add.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    /// The agent (tickets only: chats are offered by the chat router).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<UserId>,
}

impl Actions {
    fn is_empty(&self) -> bool {
        self.team.is_none()
            && self.priority.is_none()
            && self.tags.is_empty()
            && self.assignee.is_none()
    }
}

/// A routing rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoutingRule {
    /// Its id.
    pub id: RoutingRuleId,
    /// What admins call it; shown on the timeline of the tickets it routes.
    pub name: String,
    /// Where it stands in the order rules are tried (lowest first).
    pub position: i32,
    /// Whether it is tried at all.
    pub active: bool,
    /// What the ticket must be.
    pub conditions: Conditions,
    /// What it sets.
    pub actions: Actions,
    /// Whether the rules after it are skipped when it matches.
    pub stop: bool,
}

impl RoutingRule {
    /// Checks the name, the sizes of the lists and that the rule sets something.
    pub fn check(&mut self) -> Result<(), DomainError> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > NAME_MAX {
            return Err(invalid(format!(
                "a rule needs a name of 1 to {NAME_MAX} characters"
            )));
        }
        self.name = name.to_owned();
        let c = &mut self.conditions;
        dedup(&mut c.stages);
        dedup(&mut c.channels);
        dedup(&mut c.mailboxes);
        dedup(&mut c.customers);
        dedup(&mut c.languages);
        c.keywords = clean_words(&c.keywords, "keyword")?;
        c.organisations = clean_words(&c.organisations, "organisation")?;
        let longest = [
            c.stages.len(),
            c.channels.len(),
            c.mailboxes.len(),
            c.keywords.len(),
            c.customers.len(),
            c.organisations.len(),
            c.languages.len(),
            self.actions.tags.len(),
        ]
        .into_iter()
        .max()
        .unwrap_or(0);
        if longest > VALUES_MAX {
            return Err(invalid(format!(
                "a condition lists at most {VALUES_MAX} values"
            )));
        }
        dedup(&mut self.actions.tags);
        if self.actions.is_empty() {
            return Err(invalid(
                "a rule sets something: a team, a priority, tags or an agent".to_owned(),
            ));
        }
        Ok(())
    }

    /// Whether the rule applies to `arrival`.
    pub fn matches(&self, arrival: &Arrival<'_>) -> bool {
        let c = &self.conditions;
        holds(&c.stages, &arrival.stage)
            && holds(&c.channels, &arrival.channel)
            && (c.mailboxes.is_empty() || arrival.mailbox.is_some_and(|m| c.mailboxes.contains(&m)))
            && holds(&c.customers, &arrival.customer)
            && (c.organisations.is_empty()
                || arrival.organisation.is_some_and(|o| {
                    let o = fold(o);
                    c.organisations.iter().any(|want| fold(want) == o)
                }))
            && holds(&c.languages, &arrival.language)
            && (c.keywords.is_empty() || {
                let text = arrival.searchable();
                c.keywords.iter().any(|k| text.contains(&fold(k)))
            })
    }
}

fn invalid(message: String) -> DomainError {
    DomainError::InvalidRoutingRule(message)
}

fn holds<T: PartialEq>(wanted: &[T], value: &T) -> bool {
    wanted.is_empty() || wanted.contains(value)
}

fn dedup<T: PartialEq>(values: &mut Vec<T>) {
    let mut seen: Vec<T> = Vec::with_capacity(values.len());
    for value in values.drain(..) {
        if !seen.contains(&value) {
            seen.push(value);
        }
    }
    *values = seen;
}

/// Trims words, drops empty ones and duplicates, and refuses long or control-bearing ones.
fn clean_words(words: &[String], what: &str) -> Result<Vec<String>, DomainError> {
    let mut clean: Vec<String> = Vec::new();
    for word in words {
        let word = word.trim();
        if word.is_empty() {
            continue;
        }
        if word.chars().count() > KEYWORD_MAX || word.chars().any(char::is_control) {
            return Err(invalid(format!(
                "each {what} is one line of at most {KEYWORD_MAX} characters"
            )));
        }
        if !clean.iter().any(|w| fold(w) == fold(word)) {
            clean.push(word.to_owned());
        }
    }
    Ok(clean)
}

/// Text as it is compared: lower case, full-width Latin letters and digits made ordinary
/// (`ＶＩＰ` is `vip`), runs of white space made one space.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '\u{3000}' => ' ',
            other => other,
        };
        if c.is_whitespace() {
            if !space && !out.is_empty() {
                out.push(' ');
            }
            space = true;
            continue;
        }
        space = false;
        out.extend(c.to_lowercase());
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// What is known of a ticket as it arrives.
#[derive(Clone, Debug)]
pub struct Arrival<'a> {
    /// Its stage.
    pub stage: Stage,
    /// Its channel.
    pub channel: Channel,
    /// The mailbox it arrived at (email).
    pub mailbox: Option<MailboxId>,
    /// Its subject.
    pub subject: &'a str,
    /// Its first message.
    pub body: &'a str,
    /// Its customer.
    pub customer: CustomerId,
    /// Its customer's organisation.
    pub organisation: Option<&'a str>,
    /// Its customer's language.
    pub language: Locale,
}

impl Arrival<'_> {
    /// The subject and the start of the first message, folded.
    fn searchable(&self) -> String {
        let body: String = self.body.chars().take(BODY_SCANNED).collect();
        fold(&format!("{}\n{}", self.subject, body))
    }
}

/// What the rules set on a ticket, and which rules did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Routed {
    /// The team, if a rule set one.
    pub team: Option<TeamId>,
    /// The priority, if a rule set one.
    pub priority: Option<Priority>,
    /// Tags the rules added.
    pub tags: Vec<Tag>,
    /// The agent, if a rule set one.
    pub assignee: Option<UserId>,
    /// The rules that matched, in order, by id and name.
    pub rules: Vec<(RoutingRuleId, String)>,
}

/// Tries the active `rules` in order on `arrival`: every rule that matches applies, a later
/// one overriding what an earlier one set (tags add up), until one that says stop.
pub fn route(rules: &[RoutingRule], arrival: &Arrival<'_>) -> Routed {
    let mut ordered: Vec<&RoutingRule> = rules.iter().filter(|r| r.active).collect();
    ordered.sort_by_key(|r| (r.position, r.id));
    let mut routed = Routed::default();
    for rule in ordered {
        if !rule.matches(arrival) {
            continue;
        }
        let a = &rule.actions;
        routed.team = a.team.or(routed.team);
        routed.priority = a.priority.or(routed.priority);
        routed.assignee = a.assignee.or(routed.assignee);
        for tag in &a.tags {
            if !routed.tags.contains(tag) {
                routed.tags.push(tag.clone());
            }
        }
        routed.rules.push((rule.id, rule.name.clone()));
        if rule.stop {
            break;
        }
    }
    routed
}

string_enum! {
    /// How a team hands its new tickets to its agents.
    #[derive(Default)]
    "assignment mode", AssignmentMode {
        /// Agents take tickets themselves.
        #[default]
        Off => "off",
        /// In turn: the available agent with room who was given a ticket longest ago.
        RoundRobin => "round_robin",
        /// The available agent with room and the fewest open tickets.
        LeastBusy => "least_busy",
    }
}

/// The default number of open tickets of one channel an agent is given automatically.
pub const DEFAULT_CAPACITY: u32 = 10;
/// The largest capacity an admin may set.
pub const CAPACITY_MAX: u32 = 500;

/// How many open tickets of each channel an agent is given automatically, at most (chats
/// have their own capacity in the team's chat settings).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capacities {
    /// Email tickets.
    pub email: u32,
    /// Phone tickets.
    pub phone: u32,
    /// Web-form and portal tickets.
    pub web: u32,
    /// Tickets from other systems.
    pub api: u32,
}

impl Default for Capacities {
    fn default() -> Self {
        Self {
            email: DEFAULT_CAPACITY,
            phone: DEFAULT_CAPACITY,
            web: DEFAULT_CAPACITY,
            api: DEFAULT_CAPACITY,
        }
    }
}

impl Capacities {
    /// The capacity for `channel`; `None` for chats, which the chat router assigns.
    pub fn of(&self, channel: Channel) -> Option<u32> {
        match channel {
            Channel::Chat => None,
            Channel::Email => Some(self.email),
            Channel::Phone => Some(self.phone),
            Channel::Web => Some(self.web),
            Channel::Api => Some(self.api),
        }
    }

    /// Refuses capacities above [`CAPACITY_MAX`].
    pub fn check(&self) -> Result<(), DomainError> {
        if [self.email, self.phone, self.web, self.api]
            .iter()
            .any(|c| *c > CAPACITY_MAX)
        {
            return Err(invalid(format!(
                "a capacity is 0 to {CAPACITY_MAX} tickets"
            )));
        }
        Ok(())
    }
}

/// A team's automatic assignment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Assignment {
    /// How tickets are handed out.
    pub mode: AssignmentMode,
    /// How many each agent is given, per channel.
    pub capacities: Capacities,
}

/// An agent of the team, as automatic assignment sees them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The agent.
    pub agent: UserId,
    /// Their presence now (online only when chosen and connected).
    pub presence: Presence,
    /// Their open tickets (new or open) of the channel being assigned.
    pub channel_load: u32,
    /// All their open tickets.
    pub total_load: u32,
    /// When the team last gave them a ticket automatically.
    pub last_assigned: Option<DateTime<Utc>>,
}

/// The agent a ticket of `channel` goes to under `assignment`: an online agent with room,
/// chosen by the team's mode (ties broken by id, so every node decides alike). `None` when
/// assignment is off, for chats, or when nobody is available with room.
pub fn pick_assignee(
    assignment: &Assignment,
    channel: Channel,
    candidates: &[Candidate],
) -> Option<UserId> {
    let capacity = assignment.capacities.of(channel)?;
    let available = candidates
        .iter()
        .filter(|c| c.presence == Presence::Online && c.channel_load < capacity);
    match assignment.mode {
        AssignmentMode::Off => None,
        AssignmentMode::RoundRobin => available
            .min_by_key(|c| (c.last_assigned, c.agent))
            .map(|c| c.agent),
        AssignmentMode::LeastBusy => available
            .min_by_key(|c| (c.total_load, c.last_assigned, c.agent))
            .map(|c| c.agent),
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::time;

    fn rule(position: i32, name: &str, conditions: Conditions, actions: Actions) -> RoutingRule {
        RoutingRule {
            id: RoutingRuleId::new(),
            name: name.to_owned(),
            position,
            active: true,
            conditions,
            actions,
            stop: false,
        }
    }

    fn arrival<'a>(subject: &'a str, body: &'a str) -> Arrival<'a> {
        Arrival {
            stage: Stage::AfterSale,
            channel: Channel::Email,
            mailbox: None,
            subject,
            body,
            customer: CustomerId::new(),
            organisation: Some("Acme Trading"),
            language: Locale::ZhCn,
        }
    }

    fn team_action(team: TeamId) -> Actions {
        Actions {
            team: Some(team),
            ..Actions::default()
        }
    }

    #[test]
    fn keywords_match_chinese_and_any_case_in_subject_or_body() {
        let team = TeamId::new();
        let r = rule(
            1,
            "Refunds",
            Conditions {
                keywords: vec!["退款".into(), "REFUND".into()],
                ..Conditions::default()
            },
            team_action(team),
        );
        assert!(r.matches(&arrival("申请退款", "")));
        assert!(r.matches(&arrival("Order 1042", "I want a refund please")));
        assert!(r.matches(&arrival("Ｒｅｆｕｎｄ", "")));
        assert!(!r.matches(&arrival("发票问题", "请开发票")));
    }

    #[test]
    fn every_condition_must_hold() {
        let mailbox = MailboxId::new();
        let r = rule(
            1,
            "Orders mailbox, Chinese",
            Conditions {
                mailboxes: vec![mailbox],
                languages: vec![Locale::ZhCn],
                organisations: vec!["acme trading".into()],
                ..Conditions::default()
            },
            team_action(TeamId::new()),
        );
        let mut a = arrival("订单", "");
        assert!(!r.matches(&a), "no mailbox");
        a.mailbox = Some(mailbox);
        assert!(r.matches(&a));
        a.language = Locale::En;
        assert!(!r.matches(&a));
        a.language = Locale::ZhCn;
        a.organisation = None;
        assert!(!r.matches(&a));
    }

    #[test]
    fn later_rules_override_tags_add_up_and_stop_ends_the_run() {
        let (first, second) = (TeamId::new(), TeamId::new());
        let mut rules = vec![
            rule(
                2,
                "Second",
                Conditions::default(),
                Actions {
                    team: Some(second),
                    tags: vec![Tag::parse("vip").unwrap()],
                    ..Actions::default()
                },
            ),
            rule(
                1,
                "First",
                Conditions::default(),
                Actions {
                    team: Some(first),
                    priority: Some(Priority::High),
                    tags: vec![Tag::parse("routed").unwrap()],
                    ..Actions::default()
                },
            ),
            rule(
                3,
                "Never",
                Conditions::default(),
                team_action(TeamId::new()),
            ),
        ];
        rules[0].stop = true;
        let routed = route(&rules, &arrival("x", "y"));
        assert_eq!(routed.team, Some(second));
        assert_eq!(routed.priority, Some(Priority::High));
        assert_eq!(routed.tags.len(), 2);
        let names: Vec<&str> = routed.rules.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names, ["First", "Second"]);
        rules[1].active = false;
        assert_eq!(route(&rules, &arrival("x", "y")).rules.len(), 1);
    }

    #[test]
    fn a_rule_must_set_something_and_keeps_lists_short() {
        let mut r = rule(1, "  Nothing  ", Conditions::default(), Actions::default());
        assert!(r.check().is_err());
        r.actions.priority = Some(Priority::Low);
        r.conditions.keywords = vec![" a ".into(), "A".into(), String::new()];
        r.check().unwrap();
        assert_eq!(r.name, "Nothing");
        assert_eq!(r.conditions.keywords, ["a"]);
        r.conditions.keywords = (0..=VALUES_MAX).map(|i| i.to_string()).collect();
        assert!(r.check().is_err());
        r.conditions.keywords = vec!["line\nbreak".into()];
        assert!(r.check().is_err());
    }

    fn candidate(load: u32, total: u32, last: Option<i64>) -> Candidate {
        Candidate {
            agent: UserId::new(),
            presence: Presence::Online,
            channel_load: load,
            total_load: total,
            last_assigned: last.map(|s| time::now() - chrono::Duration::seconds(s)),
        }
    }

    #[test]
    fn round_robin_gives_the_longest_waiting_agent_with_room() {
        let assignment = Assignment {
            mode: AssignmentMode::RoundRobin,
            capacities: Capacities {
                email: 2,
                ..Capacities::default()
            },
        };
        let never = candidate(0, 9, None);
        let long_ago = candidate(1, 1, Some(600));
        let full = candidate(2, 2, Some(3600));
        let mut away = candidate(0, 0, None);
        away.presence = Presence::Away;
        let all = [long_ago, full, away, never];
        assert_eq!(
            pick_assignee(&assignment, Channel::Email, &all),
            Some(never.agent)
        );
        assert_eq!(
            pick_assignee(&assignment, Channel::Email, &all[..3]),
            Some(long_ago.agent)
        );
        assert_eq!(pick_assignee(&assignment, Channel::Chat, &all), None);
        assert_eq!(pick_assignee(&assignment, Channel::Email, &all[1..3]), None);
    }

    #[test]
    fn least_busy_gives_the_agent_with_fewest_open_tickets() {
        let assignment = Assignment {
            mode: AssignmentMode::LeastBusy,
            capacities: Capacities::default(),
        };
        let busy = candidate(0, 7, None);
        let calm = candidate(3, 3, Some(10));
        assert_eq!(
            pick_assignee(&assignment, Channel::Phone, &[busy, calm]),
            Some(calm.agent)
        );
        let off = Assignment::default();
        assert_eq!(pick_assignee(&off, Channel::Phone, &[busy, calm]), None);
    }

    #[test]
    fn fold_makes_full_width_and_spaces_plain() {
        assert_eq!(fold("  ＶＩＰ\u{3000}客户  Order "), "vip 客户 order");
    }
}
