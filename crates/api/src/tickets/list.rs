//! `GET /api/v1/tickets`: the queue view, filtered, sorted and paged by cursor.

use actix_web::web;
use chrono::{DateTime, Utc};
use kefu_api_types::Problem;
use kefu_api_types::tickets::TicketList;
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_domain::tag::Tag;
use kefu_domain::ticket::Status;
use kefu_store::dialect::SearchScope;
use kefu_store::search::SearchQuery;
use kefu_store::tickets::{
    self, AssigneeFilter, TeamFilter, TicketCursor, TicketFilter, TicketSort,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::state::AppState;
use crate::view;

/// The most tickets one page holds.
pub const MAX_LIMIT: i64 = 100;
/// The page size when none is asked for.
pub const DEFAULT_LIMIT: i64 = 50;

/// Filters, order and page of the queue. Lists are comma-separated.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Statuses, e.g. `open,pending`; `unsolved` means new, open, pending and on hold.
    pub status: Option<String>,
    /// Stages: `pre_sale`, `in_sale`, `after_sale`.
    pub stage: Option<String>,
    /// Channels: `chat`, `email`, `phone`, `web`, `api`.
    pub channel: Option<String>,
    /// Priorities: `low`, `normal`, `high`, `urgent`.
    pub priority: Option<String>,
    /// A team id, or `none` for tickets in no team.
    pub team: Option<String>,
    /// A user id, `me`, or `unassigned`.
    pub assignee: Option<String>,
    /// A tag.
    pub tag: Option<String>,
    /// A customer id: that customer's tickets.
    pub requester: Option<String>,
    /// Words to find in the subject and messages (Chinese included).
    pub q: Option<String>,
    /// Only tickets updated since this time (RFC 3339).
    pub updated_since: Option<DateTime<Utc>>,
    /// `updated` (default: newest update first), `updated_asc`, `created`, `created_asc`,
    /// `priority`.
    #[param(value_type = Option<String>)]
    pub sort: Option<TicketSort>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 100 (default 50).
    pub limit: Option<i64>,
}

fn list_of<T>(
    value: Option<&str>,
    parse: impl Fn(&str) -> Result<T, kefu_domain::DomainError>,
) -> Result<Vec<T>, ApiError> {
    value
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(&parse)
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()
        .map(Option::unwrap_or_default)
        .map_err(|e| ApiError::BadRequest {
            code: "invalid_query",
            message: e.to_string(),
        })
}

fn query_error(message: String) -> ApiError {
    ApiError::BadRequest {
        code: "invalid_query",
        message,
    }
}

/// Turns query parameters into a store filter for `actor`: customers see only their own
/// tickets and search only what they can read.
pub fn filter_for(actor: &Actor, query: &ListQuery) -> Result<TicketFilter, ApiError> {
    let mut statuses = Vec::new();
    for part in list_of(query.status.as_deref(), |s| Ok(s.to_owned()))? {
        if part == "unsolved" {
            statuses.extend_from_slice(Status::UNSOLVED);
        } else {
            statuses.push(Status::parse(&part).map_err(|e| query_error(e.to_string()))?);
        }
    }
    statuses.dedup();
    let team = match query.team.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("none") => Some(TeamFilter::NoTeam),
        Some(id) => Some(TeamFilter::Team(
            id.parse()
                .map_err(|e: kefu_domain::DomainError| query_error(e.to_string()))?,
        )),
    };
    let assignee = match query.assignee.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("me") => Some(AssigneeFilter::User(actor.user)),
        Some("unassigned" | "none") => Some(AssigneeFilter::Unassigned),
        Some(id) => Some(AssigneeFilter::User(
            id.parse()
                .map_err(|e: kefu_domain::DomainError| query_error(e.to_string()))?,
        )),
    };
    let requester = match (actor.role, query.requester.as_deref().map(str::trim)) {
        (Role::Customer, _) => Some(actor.customer.ok_or(ApiError::NotFound("customer"))?),
        (_, None | Some("")) => None,
        (_, Some(id)) => Some(
            id.parse()
                .map_err(|e: kefu_domain::DomainError| query_error(e.to_string()))?,
        ),
    };
    if query
        .updated_since
        .is_some_and(|since| !kefu_domain::time::is_storable(since))
    {
        return Err(query_error(
            "updated_since must be between 1970 and 9999".into(),
        ));
    }
    let scope = if actor.is_staff() {
        SearchScope::All
    } else {
        SearchScope::Public
    };
    Ok(TicketFilter {
        statuses,
        stages: list_of(query.stage.as_deref(), kefu_domain::ticket::Stage::parse)?,
        channels: list_of(
            query.channel.as_deref(),
            kefu_domain::ticket::Channel::parse,
        )?,
        priorities: list_of(
            query.priority.as_deref(),
            kefu_domain::ticket::Priority::parse,
        )?,
        team,
        assignee,
        tag: query
            .tag
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .map(Tag::parse)
            .transpose()
            .map_err(|e| query_error(e.to_string()))?,
        requester,
        updated_since: query.updated_since,
        text: query
            .q
            .as_deref()
            .and_then(SearchQuery::parse)
            .map(|q| (q, scope)),
    })
}

/// The queue: tickets matching the filters, one page at a time.
#[utoipa::path(
    get, path = "/api/v1/tickets", operation_id = "list_tickets", tag = "tickets",
    params(ListQuery),
    responses(
        (status = 200, body = TicketList),
        (status = 400, description = "A filter, sort or cursor is not valid", body = Problem),
        (status = 403, description = "Vendors see tickets only through escalations", body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<ListQuery>,
) -> Result<web::Json<TicketList>, ApiError> {
    if auth.actor.role == Role::Vendor {
        return Err(ApiError::Forbidden(
            "vendors see tickets only through escalations".into(),
        ));
    }
    let query = query.into_inner();
    let filter = filter_for(&auth.actor, &query)?;
    let sort = query.sort.unwrap_or_default();
    let cursor = query
        .cursor
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(|c| {
            TicketCursor::decode(c)
                .filter(|c| c.sort() == sort)
                .ok_or_else(|| query_error("the cursor is not valid for this sort order".into()))
        })
        .transpose()?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(query_error(format!(
            "limit must be between 1 and {MAX_LIMIT}"
        )));
    }
    let actor = auth.actor;
    let list = state
        .store
        .read(move |conn| {
            let page = tickets::list(conn, &filter, sort, cursor.as_ref(), limit)?;
            Ok::<_, ApiError>(TicketList {
                items: view::tickets(conn, page.items, Some(&actor))?,
                next_cursor: page.next.map(|c| c.encode()),
            })
        })
        .await?;
    Ok(web::Json(list))
}
