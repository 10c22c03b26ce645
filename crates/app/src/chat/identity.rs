//! Who is on a chat socket: a widget's visitor (known by their browser's key, holding a
//! short-lived session token) or an agent (holding a single-use socket ticket bought with
//! their console session).

use chrono::{DateTime, Duration, Utc};
use kefu_domain::account::User;
use kefu_domain::ids::{TeamId, WidgetId};
use kefu_domain::permissions::Actor;
use kefu_domain::throttle::Policy;
use kefu_domain::time;
use kefu_domain::widget::Widget;
use kefu_store::chat::visitors::{self, Visitor};
use kefu_store::chat::{socket_tickets, widgets};
use kefu_store::{StoreError, teams, users};

use crate::error::AppError;
use crate::{App, throttle, tokens};

/// How long a visitor's session token opens sockets; the widget trades its key for a new one
/// whenever it reconnects after that.
pub const VISITOR_SESSION: Duration = Duration::hours(12);
/// How long an agent's socket ticket may wait to be used.
pub const SOCKET_TICKET: Duration = Duration::seconds(60);
/// The prefix of visitors' session tokens.
pub const VISITOR_PREFIX: &str = "v1.";
/// The prefix of agents' socket tickets.
const AGENT_PREFIX: &str = "a1.";
/// The shortest browser key accepted (the widget makes 43 characters: 256 bits).
pub const KEY_MIN: usize = 32;
/// The longest browser key accepted.
pub const KEY_MAX: usize = 128;

/// An agent on a socket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Agent {
    /// Who they are and what they may do.
    pub actor: Actor,
    /// Their display name, shown to visitors.
    pub name: String,
    /// The teams whose queues they see.
    pub teams: Vec<TeamId>,
}

/// Whoever holds a socket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Participant {
    /// A widget's visitor.
    Visitor(Visitor),
    /// An agent or admin.
    Agent(Agent),
}

/// A visitor's new session.
#[derive(Clone, Debug)]
pub struct VisitorSession {
    /// The token for `hello`.
    pub token: String,
    /// When it stops opening sockets.
    pub expires_at: DateTime<Utc>,
    /// The visitor.
    pub visitor: Visitor,
    /// The widget they chat through.
    pub widget: Widget,
}

/// The widget with this id, if a page from `origin` may run it; a page from elsewhere is
/// told the widget does not exist.
pub async fn widget_for(app: &App, id: WidgetId, origin: &str) -> Result<Widget, AppError> {
    let widget = app
        .store
        .read(move |conn| widgets::find(conn, id))
        .await
        .map_err(AppError::not_found_as("widget"))?;
    if !widget.allows(origin) {
        return Err(AppError::NotFound("widget"));
    }
    Ok(widget)
}

/// Trades a browser's key for a session token of the visitor it stands for (a new visitor
/// on first use), for a page from `origin` running `widget`.
pub async fn start_visitor_session(
    app: &App,
    widget: WidgetId,
    key: &str,
    origin: &str,
) -> Result<VisitorSession, AppError> {
    start_visitor_session_from(app, widget, key, origin, None).await
}

/// Like [`start_visitor_session`], counted against the client `address`'s allowance
/// ([`Policy::VISITOR_SESSIONS`]).
pub async fn start_visitor_session_from(
    app: &App,
    widget: WidgetId,
    key: &str,
    origin: &str,
    address: Option<&str>,
) -> Result<VisitorSession, AppError> {
    let widget = widget_for(app, widget, origin).await?;
    if let Some(address) = address {
        let buckets = throttle::Buckets::single(
            format!("visitor-session:{address}"),
            Policy::VISITOR_SESSIONS,
        );
        throttle::take(app, &buckets).await?;
    }
    let key = key.trim();
    let key_ok = (KEY_MIN..=KEY_MAX).contains(&key.len())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    if !key_ok {
        return Err(AppError::invalid(
            "invalid_visitor_key",
            format!("the visitor key is {KEY_MIN} to {KEY_MAX} URL-safe characters"),
        ));
    }
    let key_hash = tokens::hash(key);
    let token = format!("{VISITOR_PREFIX}{}", tokens::generate());
    let token_hash = tokens::hash(&token);
    let widget_id = widget.id;
    let (visitor, expires_at) = app
        .store
        .write(move |conn| {
            let now = time::now();
            let visitor = visitors::find_or_create(conn, widget_id, &key_hash, now)?;
            let expires_at = now + VISITOR_SESSION;
            visitors::insert_session(conn, visitor.id, &token_hash, now, expires_at)?;
            Ok::<_, StoreError>((visitor, expires_at))
        })
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => AppError::conflict(
                "visitor_key_taken",
                "this key belongs to another widget's visitor; make a new one",
            ),
            other => other.into(),
        })?;
    Ok(VisitorSession {
        token,
        expires_at,
        visitor,
        widget,
    })
}

/// A single-use ticket for `actor`'s next socket; only staff chat with visitors.
pub async fn issue_socket_ticket(
    app: &App,
    actor: Actor,
) -> Result<(String, DateTime<Utc>), AppError> {
    actor.may_work_tickets()?;
    let token = format!("{AGENT_PREFIX}{}", tokens::generate());
    let token_hash = tokens::hash(&token);
    let expires_at = app
        .store
        .write(move |conn| {
            let now = time::now();
            socket_tickets::insert(conn, actor.user, &token_hash, now, now + SOCKET_TICKET)?;
            Ok::<_, StoreError>(now + SOCKET_TICKET)
        })
        .await?;
    Ok((token, expires_at))
}

/// A signed-in staff member as a chat participant (sending a file from the console).
pub async fn agent_of(app: &App, actor: Actor, name: String) -> Result<Agent, AppError> {
    if !actor.role.is_staff() || actor.role == kefu_domain::role::Role::Vendor {
        return Err(AppError::forbidden("only agents and admins write in chats"));
    }
    let user = actor.user;
    let teams = app
        .store
        .read(move |conn| teams::of_member(conn, user))
        .await?;
    Ok(Agent { actor, name, teams })
}

/// Who a `hello`'s token stands for: an unexpired visitor session of a widget that still
/// exists, or an unused socket ticket of an active agent (used up by this call).
pub async fn authenticate(app: &App, token: &str) -> Result<Participant, AppError> {
    let token_hash = tokens::hash(token);
    if token.starts_with(VISITOR_PREFIX) {
        let visitor = app
            .store
            .read(move |conn| visitors::by_session(conn, &token_hash, time::now()))
            .await?;
        return match visitor {
            Some(v) if v.widget.is_some() => Ok(Participant::Visitor(v)),
            _ => Err(AppError::Unauthenticated),
        };
    }
    if !token.starts_with(AGENT_PREFIX) {
        return Err(AppError::Unauthenticated);
    }
    let found = app
        .store
        .write(move |conn| {
            let Some(user) = socket_tickets::redeem(conn, &token_hash, time::now())? else {
                return Ok(None);
            };
            let account: User = users::find(conn, user)?;
            let teams = teams::of_member(conn, user)?;
            Ok::<_, StoreError>(Some((account, teams)))
        })
        .await?;
    match found {
        Some((user, teams)) if user.active && user.role.is_staff() => {
            Ok(Participant::Agent(Agent {
                actor: Actor {
                    user: user.id,
                    role: user.role,
                    customer: None,
                },
                name: user.name,
                teams,
            }))
        }
        _ => Err(AppError::Unauthenticated),
    }
}
