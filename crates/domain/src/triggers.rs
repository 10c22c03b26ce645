//! Triggers and scheduled automations: on an event (a ticket created, a customer's reply, a
//! change of status, a service level nearly or fully breached, a vendor overdue) or after a
//! quiet time ("pending for 3 days"), a ticket that meets the conditions gets the actions
//! (set fields, add or take off tags, assign, an internal note, a mail to the customer or the
//! agent, a call of an integration webhook). A trigger's own changes may set off others, but never without end: a chain is at
//! most [`MAX_DEPTH`] deep, a trigger runs once per chain, and a ticket takes at most
//! [`MAX_RUNS_PER_HOUR`] runs an hour.

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::ids::{IntegrationId, TeamId, TriggerId, UserId};
use crate::string_enum::string_enum;
use crate::tag::Tag;
use crate::ticket::{Channel, Priority, Stage, Status, Ticket};

/// The longest trigger name, in characters.
pub const NAME_MAX: usize = 120;
/// The longest note or mail text, in characters.
pub const TEXT_MAX: usize = 5_000;
/// The most actions one trigger has.
pub const ACTIONS_MAX: usize = 10;
/// The most values one condition lists.
pub const VALUES_MAX: usize = 50;
/// The most triggers a helpdesk has.
pub const TRIGGERS_MAX: usize = 200;
/// How many triggers one event may set off in a chain, counting the first.
pub const MAX_DEPTH: u8 = 3;
/// How many trigger runs one ticket takes in an hour.
pub const MAX_RUNS_PER_HOUR: i64 = 20;
/// The longest quiet time a scheduled trigger waits for, in hours (a year).
pub const HOURS_MAX: u32 = 8_760;

string_enum! {
    /// What sets a trigger off.
    "trigger event", TriggerEvent {
        /// A ticket was opened, on any channel.
        TicketCreated => "ticket_created",
        /// The customer wrote on the ticket.
        CustomerReplied => "customer_replied",
        /// The ticket's status changed.
        StatusChanged => "status_changed",
        /// A service-level target is nearly due.
        SlaNearBreach => "sla_near_breach",
        /// A service-level target's due time passed.
        SlaBreached => "sla_breached",
        /// A vendor's escalation is overdue.
        EscalationOverdue => "escalation_overdue",
        /// The customer gave a low satisfaction rating.
        SatisfactionRatedLow => "satisfaction_rated_low",
        /// Checked every minute: the ticket has had no activity for `hours` (a scheduled
        /// automation).
        Scheduled => "scheduled",
    }
}

/// What a ticket must be for a trigger to run; every listed condition must hold, and an
/// empty one asks nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conditions {
    /// One of these statuses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statuses: Vec<Status>,
    /// One of these priorities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub priorities: Vec<Priority>,
    /// One of these stages.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<Stage>,
    /// One of these channels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<Channel>,
    /// In one of these teams.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<TeamId>,
    /// Carries at least one of these tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags_any: Vec<Tag>,
    /// Carries none of these tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags_none: Vec<Tag>,
    /// Has an agent (`true`) or has none (`false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned: Option<bool>,
    /// Scheduled triggers: hours without activity (1 to a year).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<u32>,
}

/// Who a trigger assigns the ticket to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "to", content = "user")]
pub enum AssignTo {
    /// Nobody: the ticket goes back to its team's queue.
    Nobody,
    /// This agent.
    User(UserId),
}

/// One thing a trigger does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Action {
    /// Sets the status.
    SetStatus {
        /// The new status.
        status: Status,
    },
    /// Sets the priority.
    SetPriority {
        /// The new priority.
        priority: Priority,
    },
    /// Moves the ticket to a team.
    SetTeam {
        /// The team.
        team: TeamId,
    },
    /// Assigns the ticket.
    Assign {
        /// To whom.
        assign: AssignTo,
    },
    /// Adds tags.
    AddTags {
        /// The tags.
        tags: Vec<Tag>,
    },
    /// Takes tags off.
    RemoveTags {
        /// The tags.
        tags: Vec<Tag>,
    },
    /// Writes an internal note, in both languages.
    Note {
        /// In English.
        text_en: String,
        /// In Simplified Chinese.
        text_zh: String,
    },
    /// Mails the customer, in their language (email tickets and customers with an address).
    EmailRequester {
        /// In English.
        text_en: String,
        /// In Simplified Chinese.
        text_zh: String,
    },
    /// Mails the ticket's agent, in their language.
    EmailAssignee {
        /// In English.
        text_en: String,
        /// In Simplified Chinese.
        text_zh: String,
    },
    /// Calls an integration webhook with the ticket (`trigger.fired`).
    CallWebhook {
        /// The integration called.
        integration: IntegrationId,
    },
}

/// A trigger or scheduled automation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trigger {
    /// Its id.
    pub id: TriggerId,
    /// What admins call it; named on the timeline of every ticket it acts on.
    pub name: String,
    /// Where it stands among the triggers of its event (lowest first).
    pub position: i32,
    /// Whether it runs at all.
    pub active: bool,
    /// What sets it off.
    pub event: TriggerEvent,
    /// What the ticket must be.
    pub conditions: Conditions,
    /// What it does, in order.
    pub actions: Vec<Action>,
}

fn invalid(message: impl Into<String>) -> DomainError {
    DomainError::InvalidTrigger(message.into())
}

fn check_text(en: &str, zh: &str) -> Result<(), DomainError> {
    if en.trim().is_empty() && zh.trim().is_empty() {
        return Err(invalid(
            "a note or mail needs its text in at least one language",
        ));
    }
    if en.chars().count() > TEXT_MAX || zh.chars().count() > TEXT_MAX {
        return Err(invalid(format!(
            "a note or mail is at most {TEXT_MAX} characters"
        )));
    }
    Ok(())
}

impl Trigger {
    /// Checks the name, the lists, the actions and the quiet time.
    pub fn check(&mut self) -> Result<(), DomainError> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > NAME_MAX {
            return Err(invalid(format!(
                "a trigger needs a name of 1 to {NAME_MAX} characters"
            )));
        }
        self.name = name.to_owned();
        let c = &self.conditions;
        let longest = [
            c.statuses.len(),
            c.priorities.len(),
            c.stages.len(),
            c.channels.len(),
            c.teams.len(),
            c.tags_any.len(),
            c.tags_none.len(),
        ]
        .into_iter()
        .max()
        .unwrap_or(0);
        if longest > VALUES_MAX {
            return Err(invalid(format!(
                "a condition lists at most {VALUES_MAX} values"
            )));
        }
        match (self.event, c.hours) {
            (TriggerEvent::Scheduled, Some(h)) if (1..=HOURS_MAX).contains(&h) => {}
            (TriggerEvent::Scheduled, _) => {
                return Err(invalid(format!(
                    "a scheduled trigger waits 1 to {HOURS_MAX} hours without activity"
                )));
            }
            (_, Some(_)) => {
                return Err(invalid("only scheduled triggers wait a number of hours"));
            }
            (_, None) => {}
        }
        if self.actions.is_empty() || self.actions.len() > ACTIONS_MAX {
            return Err(invalid(format!("a trigger does 1 to {ACTIONS_MAX} things")));
        }
        for action in &self.actions {
            match action {
                Action::Note { text_en, text_zh }
                | Action::EmailRequester { text_en, text_zh }
                | Action::EmailAssignee { text_en, text_zh } => check_text(text_en, text_zh)?,
                Action::AddTags { tags } | Action::RemoveTags { tags } if tags.is_empty() => {
                    return Err(invalid("name the tags to add or take off"));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Whether `ticket` meets the conditions.
    pub fn matches(&self, ticket: &Ticket) -> bool {
        let c = &self.conditions;
        let any = |wanted: &[Tag]| wanted.iter().any(|t| ticket.tags.contains(t));
        (c.statuses.is_empty() || c.statuses.contains(&ticket.status))
            && (c.priorities.is_empty() || c.priorities.contains(&ticket.priority))
            && (c.stages.is_empty() || c.stages.contains(&ticket.stage))
            && (c.channels.is_empty() || c.channels.contains(&ticket.channel))
            && (c.teams.is_empty() || ticket.team.is_some_and(|t| c.teams.contains(&t)))
            && (c.tags_any.is_empty() || any(&c.tags_any))
            && !any(&c.tags_none)
            && c.assigned
                .is_none_or(|wanted| ticket.assignee.is_some() == wanted)
    }

    /// The ticket as the field actions leave it (status, priority, team, agent, tags); notes
    /// and mails are the caller's to write.
    pub fn change(&self, ticket: &Ticket) -> Ticket {
        let mut after = ticket.clone();
        for action in &self.actions {
            match action {
                Action::SetStatus { status } => after.status = *status,
                Action::SetPriority { priority } => after.priority = *priority,
                Action::SetTeam { team } => after.team = Some(*team),
                Action::Assign { assign } => {
                    after.assignee = match assign {
                        AssignTo::Nobody => None,
                        AssignTo::User(user) => Some(*user),
                    }
                }
                Action::AddTags { tags } => {
                    for tag in tags {
                        if !after.tags.contains(tag) {
                            after.tags.push(tag.clone());
                        }
                    }
                }
                Action::RemoveTags { tags } => after.tags.retain(|t| !tags.contains(t)),
                Action::Note { .. }
                | Action::EmailRequester { .. }
                | Action::EmailAssignee { .. }
                | Action::CallWebhook { .. } => {}
            }
        }
        after
    }
}

/// The active triggers of `event` not yet run in this chain (`ran`), in order. Each is
/// matched against the ticket as the ones before it left it.
pub fn in_order<'a>(
    triggers: &'a [Trigger],
    event: TriggerEvent,
    ran: &[TriggerId],
) -> Vec<&'a Trigger> {
    let mut due: Vec<&Trigger> = triggers
        .iter()
        .filter(|t| t.active && t.event == event && !ran.contains(&t.id))
        .collect();
    due.sort_by_key(|t| (t.position, t.id));
    due
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::ids::{CustomerId, TicketId};
    use crate::ticket::TicketNumber;
    use crate::time;

    fn ticket(status: Status) -> Ticket {
        let mut t = Ticket::opened_by_customer(
            TicketNumber::new(7).unwrap(),
            "Printer jams".into(),
            Stage::AfterSale,
            Channel::Email,
            CustomerId::new(),
            None,
            time::now(),
        );
        t.id = TicketId::new();
        t.status = status;
        t
    }

    fn trigger(event: TriggerEvent, conditions: Conditions, actions: Vec<Action>) -> Trigger {
        Trigger {
            id: TriggerId::new(),
            name: "T".into(),
            position: 1,
            active: true,
            event,
            conditions,
            actions,
        }
    }

    #[test]
    fn conditions_and_actions() {
        let vip = Tag::parse("vip").unwrap();
        let t = trigger(
            TriggerEvent::SlaBreached,
            Conditions {
                statuses: vec![Status::Open],
                tags_none: vec![vip.clone()],
                assigned: Some(false),
                ..Conditions::default()
            },
            vec![
                Action::SetPriority {
                    priority: Priority::Urgent,
                },
                Action::AddTags {
                    tags: vec![vip.clone()],
                },
            ],
        );
        let mut open = ticket(Status::Open);
        assert!(t.matches(&open));
        let after = t.change(&open);
        assert_eq!(after.priority, Priority::Urgent);
        assert!(
            !t.matches(&after),
            "its own change takes it out of its conditions"
        );
        open.assignee = Some(UserId::new());
        assert!(!t.matches(&open));
        assert!(!t.matches(&ticket(Status::Pending)));
    }

    #[test]
    fn due_keeps_order_and_skips_what_ran() {
        let mut a = trigger(
            TriggerEvent::TicketCreated,
            Conditions::default(),
            vec![Action::SetStatus {
                status: Status::Open,
            }],
        );
        let mut b = a.clone();
        b.id = TriggerId::new();
        b.position = 0;
        a.position = 5;
        let c = trigger(
            TriggerEvent::StatusChanged,
            Conditions::default(),
            a.actions.clone(),
        );
        let all = [a.clone(), b.clone(), c];
        let due: Vec<_> = in_order(&all, TriggerEvent::TicketCreated, &[b.id])
            .iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(due, [a.id]);
    }

    #[test]
    fn checks_refuse_what_cannot_run() {
        let mut t = trigger(
            TriggerEvent::Scheduled,
            Conditions::default(),
            vec![Action::SetStatus {
                status: Status::Solved,
            }],
        );
        assert!(t.check().is_err(), "a scheduled trigger needs its hours");
        t.conditions.hours = Some(72);
        t.check().unwrap();
        t.event = TriggerEvent::TicketCreated;
        assert!(t.check().is_err(), "hours are for scheduled ones");
        t.conditions.hours = None;
        t.actions = vec![Action::Note {
            text_en: " ".into(),
            text_zh: String::new(),
        }];
        assert!(t.check().is_err());
        t.actions.clear();
        assert!(t.check().is_err());
    }
}
