//! Live chat's rules: a conversation's lifecycle, which agent is offered a waiting chat, a
//! visitor's place and expected wait in the queue, and each team's chat settings.
//!
//! A conversation is the live part of a `chat` ticket: it waits in its team's queue, is served
//! by one agent at a time (offered, then accepted, or taken from the queue), can be
//! transferred to another agent or team, and ends. The ticket goes on after it ends.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::DomainError;
use crate::ids::{TeamId, UserId};
use crate::string_enum::string_enum;

string_enum! {
    /// Whether an agent takes chats now.
    "presence", Presence {
        /// Takes new chats.
        Online => "online",
        /// Keeps the chats they have; offered none, and theirs are offered again after the
        /// team's grace period.
        Away => "away",
        /// Not connected.
        Offline => "offline",
    }
}

string_enum! {
    /// Where a live chat stands.
    "conversation state", ConversationState {
        /// In its team's queue, no agent yet.
        Waiting => "waiting",
        /// Offered to one agent, who has not accepted yet.
        Offered => "offered",
        /// Being served by an agent.
        Serving => "serving",
        /// Over: the visitor or the agent ended it (the ticket goes on).
        Ended => "ended",
    }
}

string_enum! {
    /// How a `chat` ticket came in from the widget.
    "chat source", ChatSource {
        /// A live chat with an agent.
        Live => "live",
        /// A message left on the offline form while nobody could chat.
        MessageLeft => "message_left",
    }
}

string_enum! {
    /// What is done to a live chat.
    "conversation action", ConversationAction {
        /// The router offers it to an agent.
        Offer => "offer",
        /// The agent it was offered to accepts it.
        Accept => "accept",
        /// The agent it was offered to declines it, or lets the offer lapse.
        Decline => "decline",
        /// An agent takes it straight from the queue.
        Take => "take",
        /// It goes back to the queue: its agent left and the grace period passed.
        Requeue => "requeue",
        /// Its agent hands it to another agent or team.
        Transfer => "transfer",
        /// The visitor or the agent ends it.
        End => "end",
    }
}

/// Who serves a live chat, and which queue it is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conversation {
    /// Where it stands.
    pub state: ConversationState,
    /// The team whose queue it is in.
    pub team: TeamId,
    /// The agent it is offered to or served by.
    pub agent: Option<UserId>,
}

/// Where a transfer sends a chat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransferTarget {
    /// To an agent, who is offered it (in their team's queue if they are in another).
    Agent(UserId, TeamId),
    /// Back to a team's queue.
    Team(TeamId),
}

impl Conversation {
    /// The agent the chat is with: serving it, or offered it and not yet accepted; nobody
    /// while it waits or once it ended (the agent only offered it never had it open).
    pub fn with_agent(&self) -> Option<UserId> {
        match self.state {
            ConversationState::Serving | ConversationState::Offered => self.agent,
            ConversationState::Waiting | ConversationState::Ended => None,
        }
    }

    /// A new chat, waiting in `team`'s queue.
    pub fn waiting(team: TeamId) -> Self {
        Self {
            state: ConversationState::Waiting,
            team,
            agent: None,
        }
    }

    fn refused(&self, action: ConversationAction) -> DomainError {
        DomainError::InvalidConversationMove {
            from: self.state,
            action,
        }
    }

    /// Offers a waiting chat to `agent`.
    pub fn offer(&self, agent: UserId) -> Result<Self, DomainError> {
        match self.state {
            ConversationState::Waiting => Ok(Self {
                state: ConversationState::Offered,
                agent: Some(agent),
                ..self.clone()
            }),
            _ => Err(self.refused(ConversationAction::Offer)),
        }
    }

    /// `agent` accepts the chat offered to them.
    pub fn accept(&self, agent: UserId) -> Result<Self, DomainError> {
        match self.state {
            ConversationState::Offered if self.agent == Some(agent) => Ok(Self {
                state: ConversationState::Serving,
                ..self.clone()
            }),
            _ => Err(self.refused(ConversationAction::Accept)),
        }
    }

    /// `agent` declines the chat offered to them (or the offer lapses): it waits again.
    pub fn decline(&self, agent: UserId) -> Result<Self, DomainError> {
        match self.state {
            ConversationState::Offered if self.agent == Some(agent) => Ok(Self::waiting(self.team)),
            _ => Err(self.refused(ConversationAction::Decline)),
        }
    }

    /// `agent` takes the chat from the queue, waiting or offered to someone who has not
    /// accepted yet.
    pub fn take(&self, agent: UserId) -> Result<Self, DomainError> {
        match self.state {
            ConversationState::Waiting | ConversationState::Offered => Ok(Self {
                state: ConversationState::Serving,
                agent: Some(agent),
                ..self.clone()
            }),
            _ => Err(self.refused(ConversationAction::Take)),
        }
    }

    /// The chat goes back to its team's queue (its agent left and the grace period passed).
    pub fn requeue(&self) -> Result<Self, DomainError> {
        match self.state {
            ConversationState::Offered | ConversationState::Serving => Ok(Self::waiting(self.team)),
            _ => Err(self.refused(ConversationAction::Requeue)),
        }
    }

    /// The serving agent hands the chat over: offered to another agent, or waiting in a
    /// team's queue.
    pub fn transfer(&self, from: UserId, to: TransferTarget) -> Result<Self, DomainError> {
        let serving = self.state == ConversationState::Serving && self.agent == Some(from);
        let to_self = matches!(to, TransferTarget::Agent(agent, _) if agent == from);
        if !serving || to_self {
            return Err(self.refused(ConversationAction::Transfer));
        }
        Ok(match to {
            TransferTarget::Agent(agent, team) => Self {
                state: ConversationState::Offered,
                team,
                agent: Some(agent),
            },
            TransferTarget::Team(team) => Self::waiting(team),
        })
    }

    /// Ends the chat, from any state but ended.
    pub fn end(&self) -> Result<Self, DomainError> {
        match self.state {
            ConversationState::Ended => Err(self.refused(ConversationAction::End)),
            _ => Ok(Self {
                state: ConversationState::Ended,
                ..self.clone()
            }),
        }
    }
}

/// An agent's chosen presence and their connection, as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AgentPresence {
    /// What they chose.
    pub chosen: Presence,
    /// When they last chose.
    pub changed_at: DateTime<Utc>,
    /// Until when a gateway node holds a socket of theirs (renewed while connected).
    pub connected_until: DateTime<Utc>,
    /// Since when they have had no chat to serve, or came online.
    pub idle_since: DateTime<Utc>,
}

impl AgentPresence {
    /// Their presence as others see it at `now`: offline once no node holds their socket.
    pub fn effective(&self, now: DateTime<Utc>) -> Presence {
        if self.connected_until <= now {
            Presence::Offline
        } else {
            self.chosen
        }
    }

    /// Since when they have not taken chats (went away or offline, or lost their connection),
    /// if they do not now.
    pub fn left_at(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let went = (self.chosen != Presence::Online).then_some(self.changed_at);
        let lost = (self.connected_until <= now).then_some(self.connected_until);
        match (went, lost) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether their chats are offered again at `now`: they left more than `grace` ago.
    pub fn grace_over(&self, now: DateTime<Utc>, grace: Duration) -> bool {
        let grace = chrono::TimeDelta::from_std(grace).unwrap_or(chrono::TimeDelta::MAX);
        self.left_at(now).is_some_and(|left| left + grace <= now)
    }
}

/// An agent as the router sees them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AgentLoad {
    /// The agent.
    pub agent: UserId,
    /// Whether they take chats now.
    pub presence: Presence,
    /// Chats they are offered or serving.
    pub chats: u32,
    /// When their last chat ended or they came online: the longest idle goes first among
    /// equally busy agents.
    pub idle_since: DateTime<Utc>,
}

/// The agent a waiting chat is offered to: an online agent with room under `capacity` who has
/// not `declined` it, least busy first, longest idle among equals (then by id, so every node
/// decides alike).
pub fn pick_agent(agents: &[AgentLoad], capacity: u32, declined: &[UserId]) -> Option<UserId> {
    agents
        .iter()
        .filter(|a| a.presence == Presence::Online && a.chats < capacity)
        .filter(|a| !declined.contains(&a.agent))
        .min_by_key(|a| (a.chats, a.idle_since, a.agent))
        .map(|a| a.agent)
}

/// Whether a chat may be opened now: chat is open and some agent of the team is online (with
/// no room, the chat waits for one). Otherwise the widget shows the offline form.
pub fn team_takes_chats(settings: &ChatSettings, agents: &[AgentLoad]) -> bool {
    settings.open && agents.iter().any(|a| a.presence == Presence::Online)
}

/// How many recent waits an estimate is made from, at most.
pub const WAITS_REMEMBERED: usize = 20;

/// What a visitor at `position` (1 for the next chat served) may expect to wait, from the
/// team's recent waits (newest last): the median of the last [`WAITS_REMEMBERED`] times the
/// position, since each chat ahead is answered in about that time. `None` while the team has
/// answered no chat yet.
pub fn expected_wait(position: u32, recent: &[Duration]) -> Option<Duration> {
    let start = recent.len().saturating_sub(WAITS_REMEMBERED);
    let mut last: Vec<Duration> = recent[start..].to_vec();
    if last.is_empty() {
        return None;
    }
    last.sort_unstable();
    let median = last[last.len() / 2];
    Some(median.saturating_mul(position.max(1)))
}

/// The most chats an agent may serve at once.
pub const MAX_CAPACITY: u32 = 20;
/// The longest grace period, in seconds.
pub const MAX_GRACE_SECONDS: u32 = 600;

/// A team's live-chat settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatSettings {
    /// Whether visitors may start chats with the team.
    pub open: bool,
    /// Chats one agent serves at once.
    pub capacity: u32,
    /// How long an agent who disconnects or goes away keeps their chats before they are
    /// offered again.
    pub grace: Duration,
    /// What the widget says to the team's visitors.
    pub texts: ChatTexts,
}

/// What the widget says to a team's visitors, in English and Chinese; where a text is not
/// set, the widget's built-in one is shown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChatTexts {
    /// The greeting when a chat starts.
    pub greeting_en: Option<String>,
    /// The greeting in Chinese.
    pub greeting_zh: Option<String>,
    /// Above the offline form, when nobody is online.
    pub offline_en: Option<String>,
    /// The offline text in Chinese.
    pub offline_zh: Option<String>,
}

/// The longest greeting or offline text, in characters.
pub const TEXT_MAX: usize = 500;

impl ChatTexts {
    /// Texts checked: each optional, blank means unset, at most [`TEXT_MAX`] characters.
    pub fn new(
        greeting_en: Option<&str>,
        greeting_zh: Option<&str>,
        offline_en: Option<&str>,
        offline_zh: Option<&str>,
    ) -> Result<Self, DomainError> {
        let read = |field, value| crate::text::optional(field, value, TEXT_MAX, true);
        Ok(Self {
            greeting_en: read("greeting_en", greeting_en)?,
            greeting_zh: read("greeting_zh", greeting_zh)?,
            offline_en: read("offline_en", offline_en)?,
            offline_zh: read("offline_zh", offline_zh)?,
        })
    }
}

impl Default for ChatSettings {
    fn default() -> Self {
        Self {
            open: true,
            capacity: 3,
            grace: Duration::from_secs(60),
            texts: ChatTexts::default(),
        }
    }
}

impl ChatSettings {
    /// Settings checked against their limits: 1 to [`MAX_CAPACITY`] chats, a grace period of
    /// at most [`MAX_GRACE_SECONDS`].
    pub fn new(open: bool, capacity: u32, grace_seconds: u32) -> Result<Self, DomainError> {
        if !(1..=MAX_CAPACITY).contains(&capacity) {
            return Err(DomainError::InvalidChatSetting(format!(
                "an agent serves 1 to {MAX_CAPACITY} chats at once"
            )));
        }
        if grace_seconds > MAX_GRACE_SECONDS {
            return Err(DomainError::InvalidChatSetting(format!(
                "the grace period is 0 to {MAX_GRACE_SECONDS} seconds"
            )));
        }
        Ok(Self {
            open,
            capacity,
            grace: Duration::from_secs(u64::from(grace_seconds)),
            texts: ChatTexts::default(),
        })
    }
}

/// A conversation's sequence numbers: every line and event gets the next one, without gaps,
/// so a client that saw `n` asks for what came after `n`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sequence(u64);

impl Sequence {
    /// The sequence `n`.
    pub const fn new(n: u64) -> Self {
        Self(n)
    }

    /// The number inside.
    pub const fn get(self) -> u64 {
        self.0
    }

    /// The one after this.
    pub const fn next(self) -> Self {
        Self(self.0.saturating_add(1))
    }
}

/// Where a side's read mark moves when it says it read up to `said`: never past the chat's
/// `last` line and never back from `known`; `None` when it does not move.
pub fn read_mark(said: Sequence, last: Sequence, known: Sequence) -> Option<Sequence> {
    let up_to = said.min(last);
    (up_to > known).then_some(up_to)
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + TimeDelta::seconds(seconds)
    }

    #[test]
    fn a_read_mark_moves_forward_only_and_no_further_than_the_last_line() {
        let (n, none) = (Sequence::new, None::<Sequence>);
        assert_eq!(read_mark(n(3), n(5), n(1)), Some(n(3)));
        assert_eq!(
            read_mark(n(99), n(5), n(1)),
            Some(n(5)),
            "capped at the last line"
        );
        assert_eq!(read_mark(n(2), n(5), n(3)), none, "never back");
        assert_eq!(
            read_mark(n(3), n(5), n(3)),
            none,
            "the same mark moves nothing"
        );
    }

    fn load(agent: UserId, presence: Presence, chats: u32, idle: i64) -> AgentLoad {
        AgentLoad {
            agent,
            presence,
            chats,
            idle_since: at(idle),
        }
    }

    #[test]
    fn a_chat_goes_to_the_least_busy_online_agent_with_room() {
        let (a, b, c, d) = (UserId::new(), UserId::new(), UserId::new(), UserId::new());
        let agents = [
            load(a, Presence::Online, 2, 0),
            load(b, Presence::Online, 1, 50),
            load(c, Presence::Away, 0, 0),
            load(d, Presence::Online, 3, 0),
        ];
        assert_eq!(
            pick_agent(&agents, 3, &[]),
            Some(b),
            "b has the fewest chats"
        );
        let full = [
            load(a, Presence::Online, 3, 0),
            load(c, Presence::Offline, 0, 0),
        ];
        assert_eq!(pick_agent(&full, 3, &[]), None, "nobody online has room");
    }

    #[test]
    fn among_equally_busy_agents_the_longest_idle_goes_first() {
        let (a, b) = (UserId::new(), UserId::new());
        let agents = [
            load(a, Presence::Online, 1, 200),
            load(b, Presence::Online, 1, 100),
        ];
        assert_eq!(pick_agent(&agents, 3, &[]), Some(b));
    }

    #[test]
    fn a_chat_is_never_offered_again_to_an_agent_who_declined_it() {
        let (a, b) = (UserId::new(), UserId::new());
        let agents = [
            load(a, Presence::Online, 0, 0),
            load(b, Presence::Online, 2, 0),
        ];
        assert_eq!(
            pick_agent(&agents, 3, &[a]),
            Some(b),
            "busier, but b did not decline"
        );
        assert_eq!(
            pick_agent(&agents[..1], 3, &[a]),
            None,
            "the one who declined is left alone"
        );
    }

    #[test]
    fn an_agent_who_leaves_keeps_their_chats_for_the_grace_period() {
        let online = AgentPresence {
            chosen: Presence::Online,
            changed_at: at(0),
            connected_until: at(130),
            idle_since: at(0),
        };
        let grace = Duration::from_secs(60);
        assert_eq!(online.effective(at(100)), Presence::Online);
        assert!(!online.grace_over(at(100), grace));
        assert_eq!(
            online.effective(at(130)),
            Presence::Offline,
            "connection lapsed"
        );
        assert!(!online.grace_over(at(189), grace));
        assert!(online.grace_over(at(190), grace));
        let away = AgentPresence {
            chosen: Presence::Away,
            changed_at: at(50),
            ..online
        };
        assert_eq!(away.left_at(at(100)), Some(at(50)));
        assert!(away.grace_over(at(110), grace));
    }

    #[test]
    fn a_chat_is_offered_accepted_transferred_and_ended() {
        let (team, orders) = (TeamId::new(), TeamId::new());
        let (a, b) = (UserId::new(), UserId::new());
        let chat = Conversation::waiting(team).offer(a).unwrap();
        assert!(chat.accept(b).is_err(), "only the agent offered it accepts");
        let serving = chat.accept(a).unwrap();
        assert_eq!(serving.state, ConversationState::Serving);
        assert!(
            serving.transfer(b, TransferTarget::Team(orders)).is_err(),
            "b does not serve it"
        );
        let moved = serving
            .transfer(a, TransferTarget::Agent(b, orders))
            .unwrap();
        assert_eq!(
            (moved.state, moved.team, moved.agent),
            (ConversationState::Offered, orders, Some(b))
        );
        let ended = moved.accept(b).unwrap().end().unwrap();
        assert_eq!(ended.state, ConversationState::Ended);
        assert_eq!(
            ended.end(),
            Err(DomainError::InvalidConversationMove {
                from: ConversationState::Ended,
                action: ConversationAction::End
            })
        );
    }

    #[test]
    fn a_declined_or_abandoned_chat_waits_again_and_can_be_taken() {
        let team = TeamId::new();
        let (a, b) = (UserId::new(), UserId::new());
        let offered = Conversation::waiting(team).offer(a).unwrap();
        assert_eq!(offered.decline(a).unwrap(), Conversation::waiting(team));
        let taken = offered.take(b).unwrap();
        assert_eq!(
            (taken.state, taken.agent),
            (ConversationState::Serving, Some(b))
        );
        assert_eq!(taken.requeue().unwrap(), Conversation::waiting(team));
        assert!(Conversation::waiting(team).requeue().is_err());
        assert!(taken.offer(a).is_err(), "a served chat is not offered");
    }

    #[test]
    fn the_expected_wait_grows_with_the_place_in_the_queue() {
        let waits: Vec<Duration> = [30, 10, 20, 600].map(Duration::from_secs).to_vec();
        assert_eq!(expected_wait(1, &waits), Some(Duration::from_secs(30)));
        assert_eq!(expected_wait(3, &waits), Some(Duration::from_secs(90)));
        assert_eq!(expected_wait(1, &[]), None, "no answered chat yet");
        let many: Vec<Duration> = (0..100).map(Duration::from_secs).collect();
        assert_eq!(
            expected_wait(1, &many),
            Some(Duration::from_secs(90)),
            "only the last 20 count"
        );
    }

    #[test]
    fn chat_settings_have_limits_and_the_offline_form_shows_when_nobody_is_online() {
        assert!(ChatSettings::new(true, 0, 60).is_err());
        assert!(ChatSettings::new(true, 21, 60).is_err());
        assert!(ChatSettings::new(true, 3, 601).is_err());
        let settings = ChatSettings::new(true, 3, 60).unwrap();
        assert_eq!(settings, ChatSettings::default());
        let away = [load(UserId::new(), Presence::Away, 0, 0)];
        assert!(!team_takes_chats(&settings, &away));
        let busy = [load(UserId::new(), Presence::Online, 3, 0)];
        assert!(
            team_takes_chats(&settings, &busy),
            "a full agent's chat waits in the queue"
        );
        let closed = ChatSettings {
            open: false,
            ..settings
        };
        assert!(!team_takes_chats(&closed, &busy));
    }

    #[test]
    fn sequences_count_up_without_gaps() {
        let s = Sequence::default();
        assert_eq!(s.next().next().get(), 2);
        assert!(Sequence::new(5) < Sequence::new(6));
    }
}
