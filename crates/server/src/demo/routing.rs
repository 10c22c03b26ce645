//! The demo business's routing: rules that send refunds to after-sales support, invoices to
//! orders and urgent words to the top of the queue, and round-robin assignment in the orders
//! team (its agents are given tickets as soon as they are online in the console); and each
//! agent's phone extension, where the telephony webhook's calls pop up.

use anyhow::Context;
use kefu_domain::ids::{RoutingRuleId, TeamId, UserId};
use kefu_domain::routing::{
    Actions, Assignment, AssignmentMode, Capacities, Conditions, RoutingRule,
};
use kefu_domain::tag::Tag;
use kefu_domain::telephony::Extension;
use kefu_domain::ticket::Priority;
use kefu_store::Store;
use kefu_store::routing::{assignment, rules};

/// A demo rule: name, keywords, team (by its place in the demo teams), priority and tag.
type DemoRule = (
    &'static str,
    &'static [&'static str],
    Option<usize>,
    Option<Priority>,
    Option<&'static str>,
);

const RULES: &[DemoRule] = &[
    (
        "Refunds and returns · 退款退货",
        &["退款", "退货", "refund", "return"],
        Some(2),
        Some(Priority::High),
        Some("refund"),
    ),
    (
        "Invoices · 发票",
        &["发票", "开票", "invoice"],
        Some(1),
        None,
        Some("invoice"),
    ),
    (
        "Urgent words · 紧急字眼",
        &["紧急", "投诉", "urgent", "asap"],
        None,
        Some(Priority::Urgent),
        None,
    ),
];

/// Adds the demo rules unless some exist, and turns on round robin in the orders team
/// (`teams` in the demo's order: pre-sales, orders, after-sales). Returns the rules added.
pub async fn ensure(store: &Store, teams: Vec<TeamId>) -> anyhow::Result<usize> {
    let now = kefu_domain::time::now();
    store
        .write(move |conn| {
            if rules::count(conn)? > 0 {
                return Ok(0);
            }
            for (position, (name, words, team, priority, tag)) in RULES.iter().enumerate() {
                let mut rule = RoutingRule {
                    id: RoutingRuleId::new(),
                    name: (*name).to_owned(),
                    position: i32::try_from(position + 1)?,
                    active: true,
                    conditions: Conditions {
                        keywords: words.iter().map(|w| (*w).to_owned()).collect(),
                        ..Conditions::default()
                    },
                    actions: Actions {
                        team: team.and_then(|i| teams.get(i).copied()),
                        priority: *priority,
                        tags: tag.map(Tag::parse).transpose()?.into_iter().collect(),
                        assignee: None,
                    },
                    stop: false,
                };
                rule.check()?;
                rules::insert(
                    conn,
                    &rules::RuleRecord {
                        rule,
                        created_at: now,
                        updated_at: now,
                    },
                )?;
            }
            if let Some(orders) = teams.get(1) {
                let round_robin = Assignment {
                    mode: AssignmentMode::RoundRobin,
                    capacities: Capacities {
                        email: 5,
                        phone: 3,
                        web: 5,
                        api: 5,
                    },
                };
                assignment::set(conn, *orders, &round_robin, now)?;
            }
            Ok::<_, anyhow::Error>(RULES.len())
        })
        .await
        .context("adding the demo routing rules")
}

/// Adds the demo triggers unless some exist: a breach raises the priority and says what to
/// do; a ticket pending on the customer for three quiet days is solved with a word to them
/// (switched off, so it does not solve and mail the seeded history at once). Returns the
/// triggers added.
pub async fn ensure_triggers(store: &Store) -> anyhow::Result<usize> {
    use kefu_domain::ids::TriggerId;
    use kefu_domain::ticket::Status;
    use kefu_domain::triggers::{Action, Conditions as When, Trigger, TriggerEvent};
    let now = kefu_domain::time::now();
    store
        .write(move |conn| {
            if !kefu_store::triggers::list(conn)?.is_empty() {
                return Ok(0);
            }
            let demo = [
                Trigger {
                    id: TriggerId::new(),
                    name: "Breached: raise and tell · 超时：升级并提醒".to_owned(),
                    position: 1,
                    active: true,
                    event: TriggerEvent::SlaBreached,
                    conditions: When::default(),
                    actions: vec![
                        Action::SetPriority { priority: Priority::Urgent },
                        Action::Note {
                            text_en: "A service level was breached: answer now or hand it on.".to_owned(),
                            text_zh: "服务级别已超时：请立即回复或转交。".to_owned(),
                        },
                        Action::EmailAssignee {
                            text_en: "A ticket of yours breached its service level.".to_owned(),
                            text_zh: "您负责的工单已超出服务级别。".to_owned(),
                        },
                    ],
                },
                Trigger {
                    id: TriggerId::new(),
                    name: "Pending 3 days: solve · 待回复三天：解决".to_owned(),
                    position: 1,
                    active: false,
                    event: TriggerEvent::Scheduled,
                    conditions: When {
                        statuses: vec![Status::Pending],
                        hours: Some(72),
                        ..When::default()
                    },
                    actions: vec![
                        Action::EmailRequester {
                            text_en: "We have not heard back for three days, so we consider this solved. Just reply to reopen it.".to_owned(),
                            text_zh: "三天未收到您的回复，我们视为问题已解决。如需继续，直接回复此邮件即可重新打开。".to_owned(),
                        },
                        Action::SetStatus { status: Status::Solved },
                    ],
                },
            ];
            for mut trigger in demo {
                trigger.check()?;
                kefu_store::triggers::insert(
                    conn,
                    &kefu_store::triggers::TriggerRecord {
                        trigger,
                        created_at: now,
                        updated_at: now,
                    },
                )?;
            }
            Ok::<_, anyhow::Error>(2)
        })
        .await
        .context("adding the demo triggers")
}

/// Gives the demo agents extensions 801, 802 … unless some are set. Returns how many were set.
pub async fn ensure_extensions(store: &Store, agents: Vec<UserId>) -> anyhow::Result<usize> {
    store
        .write(move |conn| {
            if !kefu_store::telephony::extensions(conn)?.is_empty() {
                return Ok(0);
            }
            let list = agents
                .iter()
                .zip(801..)
                .map(|(agent, n)| Ok((Extension::parse(&n.to_string())?, *agent)))
                .collect::<anyhow::Result<Vec<_>>>()?;
            kefu_store::telephony::replace_extensions(conn, &list)?;
            Ok::<_, anyhow::Error>(list.len())
        })
        .await
        .context("setting the demo extensions")
}
