//! Service levels: which policy a ticket falls under, and the clock that says when its
//! first response, next response and resolution fall due.
//!
//! Targets count business minutes on the policy's calendar. The clock pauses while the
//! ticket waits on the customer (`pending`) and while it is solved or closed, and keeps
//! running while it is `on_hold` on a vendor. Each target warns once when a share of its time
//! has gone (the policy's warning percentage) and breaches once at its due time.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::calendar::{BusinessCalendar, MAX_MINUTES};
use crate::ids::{CalendarId, SlaPolicyId, TeamId};
use crate::string_enum::string_enum;
use crate::ticket::{Channel, Priority, Stage, Status, Ticket};

string_enum! {
    /// What a service level promises.
    "SLA target", Target {
        /// The first public answer to the customer.
        FirstResponse => "first_response",
        /// An answer to each later message of the customer's.
        NextResponse => "next_response",
        /// Solving the ticket.
        Resolution => "resolution",
        /// Calling the customer back after a missed call.
        CallBack => "call_back",
    }
}

string_enum! {
    /// How far a target has come.
    "SLA alert", AlertKind {
        /// The warning share of the target's time has gone.
        NearBreach => "near_breach",
        /// The due time has passed.
        Breach => "breach",
    }
}

/// The warning share of a target's time, in percent, unless a policy says otherwise.
pub const DEFAULT_WARN_PERCENT: u8 = 80;

/// The longest policy name, in characters.
pub const NAME_MAX: usize = 120;

/// A policy's targets, in business minutes; `None` promises nothing for that target.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Targets {
    /// Minutes to the first public answer.
    pub first_response: Option<i64>,
    /// Minutes to answer each later customer message.
    pub next_response: Option<i64>,
    /// Minutes to solve the ticket.
    pub resolution: Option<i64>,
    /// Minutes to call the customer back after a missed call.
    #[serde(default)]
    pub call_back: Option<i64>,
}

impl Targets {
    /// The minutes promised for `target`.
    pub fn minutes(&self, target: Target) -> Option<i64> {
        match target {
            Target::FirstResponse => self.first_response,
            Target::NextResponse => self.next_response,
            Target::Resolution => self.resolution,
            Target::CallBack => self.call_back,
        }
    }

    fn check(&self) -> Result<(), DomainError> {
        let set: Vec<i64> = Target::ALL
            .iter()
            .filter_map(|t| self.minutes(*t))
            .collect();
        if set.is_empty() {
            return Err(invalid("a policy needs at least one target"));
        }
        if set.iter().any(|m| !(1..=MAX_MINUTES).contains(m)) {
            return Err(DomainError::InvalidSlaPolicy(format!(
                "a target is 1 to {MAX_MINUTES} business minutes"
            )));
        }
        Ok(())
    }
}

fn invalid(reason: &str) -> DomainError {
    DomainError::InvalidSlaPolicy(reason.to_owned())
}

/// Which tickets a policy covers; an empty list means any.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    /// Only these stages.
    pub stages: Vec<Stage>,
    /// Only these priorities.
    pub priorities: Vec<Priority>,
    /// Only these channels.
    pub channels: Vec<Channel>,
    /// Only these teams.
    pub teams: Vec<TeamId>,
}

impl Scope {
    /// Whether the ticket is one the policy covers.
    pub fn covers(&self, ticket: &Ticket) -> bool {
        fn any_or<T: PartialEq>(list: &[T], value: Option<T>) -> bool {
            list.is_empty() || value.is_some_and(|v| list.contains(&v))
        }
        any_or(&self.stages, Some(ticket.stage))
            && any_or(&self.priorities, Some(ticket.priority))
            && any_or(&self.channels, Some(ticket.channel))
            && any_or(&self.teams, ticket.team)
    }
}

/// A service-level policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlaPolicy {
    /// Its id.
    pub id: SlaPolicyId,
    /// What admins call it.
    pub name: String,
    /// Where it stands in the order policies are tried (lowest first).
    pub position: i32,
    /// The calendar its targets count on.
    pub calendar: CalendarId,
    /// The tickets it covers.
    pub scope: Scope,
    /// What it promises.
    pub targets: Targets,
    /// When a target warns, in percent of its time.
    pub warn_percent: u8,
    /// Whether new tickets can fall under it.
    pub active: bool,
}

impl SlaPolicy {
    /// Checks the policy's name, targets and warning share.
    pub fn check(&mut self) -> Result<(), DomainError> {
        self.name = crate::text::clean("policy name", &self.name, NAME_MAX, false)?;
        self.targets.check()?;
        if !(50..=99).contains(&self.warn_percent) {
            return Err(invalid(
                "the warning comes at 50 to 99 percent of a target's time",
            ));
        }
        Ok(())
    }
}

/// The first active policy, in order, that covers the ticket.
pub fn choose<'a>(policies: &'a [SlaPolicy], ticket: &Ticket) -> Option<&'a SlaPolicy> {
    policies
        .iter()
        .filter(|p| p.active && p.scope.covers(ticket))
        .min_by_key(|p| p.position)
}

/// Whether the clock stands still in this status: waiting on the customer, or done.
pub fn pauses(status: Status) -> bool {
    matches!(status, Status::Pending | Status::Solved | Status::Closed)
}

/// What a change did that the clock follows, beside status and first response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activity {
    /// Nothing the clock reads.
    Quiet,
    /// The customer wrote in public: a next response is owed once one was given.
    CustomerWrote,
    /// Staff answered in public: no response is owed.
    StaffAnswered,
    /// A customer's call was missed: a call back is owed.
    CallMissed,
    /// Staff called the customer: no call back is owed.
    CalledBack,
}

/// One target's warning and due time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// When it warns.
    pub warn_at: DateTime<Utc>,
    /// When it falls due.
    pub due_at: DateTime<Utc>,
}

/// Every running target's window; none while the clock stands still.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Schedule {
    /// The first response's, until it is given.
    pub first_response: Option<Window>,
    /// The next response's, while one is owed.
    pub next_response: Option<Window>,
    /// The resolution's, until the ticket is solved.
    pub resolution: Option<Window>,
    /// The call back's, while one is owed.
    pub call_back: Option<Window>,
}

impl Schedule {
    /// The window of `target`.
    pub fn window(&self, target: Target) -> Option<Window> {
        match target {
            Target::FirstResponse => self.first_response,
            Target::NextResponse => self.next_response,
            Target::Resolution => self.resolution,
            Target::CallBack => self.call_back,
        }
    }

    /// The soonest due time: what the "due soonest" queue sorts by.
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        Target::ALL
            .iter()
            .filter_map(|t| self.window(*t))
            .map(|w| w.due_at)
            .min()
    }

    /// Every alert the schedule holds, with its instant.
    pub fn alerts(&self) -> Vec<(Target, AlertKind, DateTime<Utc>, DateTime<Utc>)> {
        Target::ALL
            .iter()
            .filter_map(|t| self.window(*t).map(|w| (*t, w)))
            .flat_map(|(t, w)| {
                [
                    (t, AlertKind::NearBreach, w.warn_at, w.due_at),
                    (t, AlertKind::Breach, w.due_at, w.due_at),
                ]
            })
            .collect()
    }

    /// The first alert instant after `now`, if any.
    pub fn next_alert_after(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.alerts()
            .into_iter()
            .map(|(_, _, at, _)| at)
            .filter(|at| *at > now)
            .min()
    }
}

/// A ticket's service-level clock: the policy it runs under (its targets as they were when
/// the ticket came under it, so a policy's later change reaches open tickets only when an
/// admin applies it to them) and the time it stood still.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlaClock {
    /// The policy whose targets it counts.
    pub policy: SlaPolicyId,
    /// The calendar it counts on.
    pub calendar: CalendarId,
    /// The targets it counts.
    pub targets: Targets,
    /// When a target warns, in percent of its time.
    pub warn_percent: u8,
    /// Since when the customer has been waiting for a next response.
    pub awaiting_since: Option<DateTime<Utc>>,
    /// The paused seconds already counted when that wait began.
    pub awaiting_pause_base: i64,
    /// Since when the clock has stood still, while it does.
    pub paused_at: Option<DateTime<Utc>>,
    /// Business seconds the clock has stood still in earlier pauses.
    pub paused_seconds: i64,
    /// Since when a call back has been owed (a missed call), while one is.
    pub call_back_since: Option<DateTime<Utc>>,
    /// The paused seconds already counted when the call back fell owed.
    pub call_back_pause_base: i64,
}

impl SlaClock {
    /// A clock for a new ticket under `policy`.
    pub fn start(policy: &SlaPolicy, ticket: &Ticket, now: DateTime<Utc>) -> Self {
        Self {
            policy: policy.id,
            calendar: policy.calendar,
            targets: policy.targets,
            warn_percent: policy.warn_percent,
            awaiting_since: None,
            awaiting_pause_base: 0,
            paused_at: pauses(ticket.status).then_some(now),
            paused_seconds: 0,
            call_back_since: None,
            call_back_pause_base: 0,
        }
    }

    /// Counts from now on under `policy`'s targets and calendar, keeping the time already
    /// paused and the wait for a next response.
    pub fn adopt(&mut self, policy: &SlaPolicy) {
        self.policy = policy.id;
        self.calendar = policy.calendar;
        self.targets = policy.targets;
        self.warn_percent = policy.warn_percent;
    }

    /// Follows a change that left the ticket as `after`: pauses and resumes with the status,
    /// owes or settles a next response, and owes or settles a call back.
    pub fn follow(
        &mut self,
        after: &Ticket,
        activity: Activity,
        calendar: &BusinessCalendar,
        now: DateTime<Utc>,
    ) {
        match (self.paused_at, pauses(after.status)) {
            (None, true) => self.paused_at = Some(now),
            (Some(since), false) => {
                self.paused_seconds += calendar.seconds_between(since, now);
                self.paused_at = None;
            }
            _ => {}
        }
        match activity {
            Activity::CustomerWrote
                if after.first_responded_at.is_some() && self.awaiting_since.is_none() =>
            {
                self.awaiting_since = Some(now);
                self.awaiting_pause_base = self.paused_seconds;
            }
            Activity::StaffAnswered => self.awaiting_since = None,
            Activity::CallMissed if self.call_back_since.is_none() => {
                self.call_back_since = Some(now);
                self.call_back_pause_base = self.paused_seconds;
            }
            Activity::CalledBack => self.call_back_since = None,
            _ => {}
        }
        // A solved ticket owes no call back, even when it is reopened later.
        if !after.status.is_unsolved() {
            self.call_back_since = None;
        }
    }

    /// When each running target warns and falls due.
    pub fn schedule(&self, ticket: &Ticket, calendar: &BusinessCalendar) -> Schedule {
        if self.paused_at.is_some() || !ticket.status.is_unsolved() {
            return Schedule::default();
        }
        let window = |from: DateTime<Utc>, minutes: Option<i64>, paused: i64| {
            let seconds = minutes? * 60;
            let warn = seconds * i64::from(self.warn_percent) / 100;
            Some(Window {
                warn_at: calendar.add_seconds(from, warn + paused)?,
                due_at: calendar.add_seconds(from, seconds + paused)?,
            })
        };
        let targets = self.targets;
        Schedule {
            first_response: match ticket.first_responded_at {
                None => window(
                    ticket.created_at,
                    targets.first_response,
                    self.paused_seconds,
                ),
                Some(_) => None,
            },
            next_response: self.awaiting_since.and_then(|since| {
                window(
                    since,
                    targets.next_response,
                    self.paused_seconds - self.awaiting_pause_base,
                )
            }),
            resolution: window(ticket.created_at, targets.resolution, self.paused_seconds),
            call_back: self.call_back_since.and_then(|since| {
                window(
                    since,
                    targets.call_back,
                    self.paused_seconds - self.call_back_pause_base,
                )
            }),
        }
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::calendar::{Hours, zone_of};
    use crate::ids::CustomerId;
    use crate::ticket::TicketNumber;
    use chrono::Duration;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn office() -> BusinessCalendar {
        let mut week: [Vec<Hours>; 7] = Default::default();
        for day in week.iter_mut().take(5) {
            *day = vec![Hours::parse("09:00", "17:00").unwrap()];
        }
        BusinessCalendar::new(zone_of("Europe/Berlin").unwrap(), week, vec![]).unwrap()
    }

    fn policy(targets: Targets) -> SlaPolicy {
        SlaPolicy {
            id: SlaPolicyId::new(),
            name: "After-sale email".to_owned(),
            position: 1,
            calendar: CalendarId::new(),
            scope: Scope {
                stages: vec![Stage::AfterSale],
                ..Scope::default()
            },
            targets,
            warn_percent: 80,
            active: true,
        }
    }

    fn ticket(now: DateTime<Utc>) -> Ticket {
        Ticket::opened_by_customer(
            TicketNumber::new(1).unwrap(),
            "Broken kettle".to_owned(),
            Stage::AfterSale,
            Channel::Email,
            CustomerId::new(),
            None,
            now,
        )
    }

    #[test]
    fn the_first_covering_active_policy_wins() {
        let mut first = policy(Targets {
            first_response: Some(60),
            ..Targets::default()
        });
        let mut second = first.clone();
        second.id = SlaPolicyId::new();
        second.position = 0;
        second.scope = Scope::default();
        let t = ticket(at("2026-12-07T08:00:00Z"));
        let list = vec![first.clone(), second.clone()];
        assert_eq!(choose(&list, &t).unwrap().id, second.id);
        first.position = -1;
        let list = vec![first.clone(), second.clone()];
        assert_eq!(choose(&list, &t).unwrap().id, first.id);
        first.active = false;
        let list = vec![first.clone()];
        assert!(
            choose(&list, &t).is_none(),
            "inactive policies cover nothing"
        );
        let mut pre_sale = t.clone();
        pre_sale.stage = Stage::PreSale;
        first.active = true;
        assert!(choose(&[first], &pre_sale).is_none());
    }

    #[test]
    fn pending_stops_the_clock_and_open_resumes_it() {
        let cal = office();
        let p = policy(Targets {
            first_response: Some(8 * 60),
            resolution: Some(3 * 8 * 60),
            ..Targets::default()
        });
        // Monday 7 December 2026, 09:00 Berlin (08:00 UTC).
        let created = at("2026-12-07T08:00:00Z");
        let mut t = ticket(created);
        let mut clock = SlaClock::start(&p, &t, created);
        let s = clock.schedule(&t, &cal);
        assert_eq!(s.first_response.unwrap().due_at, at("2026-12-07T16:00:00Z"));
        assert_eq!(
            s.first_response.unwrap().warn_at,
            at("2026-12-07T14:24:00Z")
        );
        assert_eq!(s.resolution.unwrap().due_at, at("2026-12-09T16:00:00Z"));

        // Answered at 11:00 and set pending; the customer answers at 15:00 the next day.
        let answered = at("2026-12-07T10:00:00Z");
        t.first_responded_at = Some(answered);
        t.status = Status::Pending;
        clock.follow(&t, Activity::StaffAnswered, &cal, answered);
        assert_eq!(clock.schedule(&t, &cal), Schedule::default());
        let back = at("2026-12-08T14:00:00Z");
        t.status = Status::Open;
        clock.follow(&t, Activity::CustomerWrote, &cal, back);
        // Paused 11:00 Monday to 15:00 Tuesday: 6 + 6 business hours.
        assert_eq!(clock.paused_seconds, 12 * 3600);
        let s = clock.schedule(&t, &cal);
        assert!(s.first_response.is_none(), "the first response was given");
        assert_eq!(s.resolution.unwrap().due_at, at("2026-12-11T12:00:00Z"));
        assert!(
            s.next_response.is_none(),
            "this policy promises no next response"
        );
        assert_eq!(s.next_due(), Some(at("2026-12-11T12:00:00Z")));
    }

    #[test]
    fn on_hold_keeps_the_clock_running_and_next_responses_are_owed_once() {
        let cal = BusinessCalendar::always_open();
        let p = policy(Targets {
            first_response: Some(60),
            next_response: Some(30),
            resolution: Some(600),
            call_back: None,
        });
        let created = at("2026-12-07T08:00:00Z");
        let mut t = ticket(created);
        let mut clock = SlaClock::start(&p, &t, created);
        t.status = Status::OnHold;
        clock.follow(&t, Activity::Quiet, &cal, created + Duration::minutes(5));
        assert!(clock.paused_at.is_none(), "on hold is not a pause");
        t.first_responded_at = Some(created + Duration::minutes(10));
        clock.follow(
            &t,
            Activity::StaffAnswered,
            &cal,
            created + Duration::minutes(10),
        );
        let first = created + Duration::minutes(20);
        clock.follow(&t, Activity::CustomerWrote, &cal, first);
        clock.follow(
            &t,
            Activity::CustomerWrote,
            &cal,
            first + Duration::minutes(5),
        );
        let s = clock.schedule(&t, &cal);
        assert_eq!(
            s.next_response.unwrap().due_at,
            first + Duration::minutes(30)
        );
        assert_eq!(
            s.next_response.unwrap().warn_at,
            first + Duration::minutes(24)
        );
        let alerts = s.alerts();
        assert_eq!(alerts.len(), 4, "two targets run, each warns and breaches");
        assert_eq!(
            s.next_alert_after(first),
            Some(first + Duration::minutes(24))
        );
    }

    #[test]
    fn a_missed_call_owes_a_call_back_in_business_time_until_staff_call() {
        let cal = office();
        let p = policy(Targets {
            call_back: Some(30),
            ..Targets::default()
        });
        // Monday 7 December 2026, 16:50 in Berlin: 10 minutes of the day are left.
        let created = at("2026-12-07T15:50:00Z");
        let mut t = ticket(created);
        t.channel = Channel::Phone;
        let mut clock = SlaClock::start(&p, &t, created);
        assert!(
            clock.schedule(&t, &cal).call_back.is_none(),
            "nothing owed yet"
        );
        clock.follow(&t, Activity::CallMissed, &cal, created);
        // A second missed call does not move the due time.
        clock.follow(
            &t,
            Activity::CallMissed,
            &cal,
            created + Duration::minutes(5),
        );
        let due = clock.schedule(&t, &cal).call_back.unwrap().due_at;
        assert_eq!(
            due,
            at("2026-12-08T08:20:00Z"),
            "10 minutes today, 20 on Tuesday"
        );
        assert_eq!(clock.schedule(&t, &cal).next_due(), Some(due));
        // Waiting on the customer stands the clock still; resuming moves it on.
        t.status = Status::Pending;
        clock.follow(&t, Activity::Quiet, &cal, at("2026-12-08T08:00:00Z"));
        assert!(clock.schedule(&t, &cal).call_back.is_none());
        t.status = Status::Open;
        clock.follow(&t, Activity::Quiet, &cal, at("2026-12-08T09:00:00Z"));
        assert_eq!(
            clock.schedule(&t, &cal).call_back.unwrap().due_at,
            at("2026-12-08T09:20:00Z")
        );
        clock.follow(&t, Activity::CalledBack, &cal, at("2026-12-08T09:10:00Z"));
        assert!(clock.schedule(&t, &cal).call_back.is_none(), "called back");
        // Solving drops what is owed.
        clock.follow(&t, Activity::CallMissed, &cal, at("2026-12-08T10:00:00Z"));
        t.status = Status::Solved;
        clock.follow(&t, Activity::Quiet, &cal, at("2026-12-08T10:05:00Z"));
        t.status = Status::Open;
        clock.follow(&t, Activity::Quiet, &cal, at("2026-12-08T11:00:00Z"));
        assert!(clock.schedule(&t, &cal).call_back.is_none());
    }

    #[test]
    fn policies_need_sensible_targets() {
        let mut none = policy(Targets::default());
        assert!(none.check().is_err());
        let mut zero = policy(Targets {
            resolution: Some(0),
            ..Targets::default()
        });
        assert!(zero.check().is_err());
        let mut low_warning = policy(Targets {
            resolution: Some(10),
            ..Targets::default()
        });
        low_warning.warn_percent = 20;
        assert!(low_warning.check().is_err());
        low_warning.warn_percent = 80;
        assert!(low_warning.check().is_ok());
    }
}
