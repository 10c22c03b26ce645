//! The queue: tickets matching filters, in an order, one page at a time.

use kefu_api_types::queries::ListQuery;
use kefu_api_types::tickets::TicketList;
use kefu_domain::DomainError;
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_domain::tag::Tag;
use kefu_domain::ticket::{Channel, Priority, Stage, Status};
use kefu_store::search::SearchQuery;
use kefu_store::tickets::{
    self, AssigneeFilter, TeamFilter, TicketCursor, TicketFilter, TicketSort,
};

use super::snippets;
use crate::error::AppError;
use crate::{App, view};

/// The most tickets one page holds.
pub const MAX_LIMIT: i64 = 100;
/// The page size when none is asked for.
pub const DEFAULT_LIMIT: i64 = 50;

fn query_error(error: impl ToString) -> AppError {
    AppError::InvalidQuery(error.to_string())
}

fn list_of<T>(
    value: Option<&str>,
    parse: impl Fn(&str) -> Result<T, DomainError>,
) -> Result<Vec<T>, AppError> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(&parse)
        .collect::<Result<Vec<_>, _>>()
        .map_err(query_error)
}

/// Reads a sort order's name.
pub fn parse_sort(name: &str) -> Result<TicketSort, AppError> {
    match name.trim() {
        "" | "updated" => Ok(TicketSort::Updated),
        "updated_asc" => Ok(TicketSort::UpdatedAsc),
        "created" => Ok(TicketSort::Created),
        "created_asc" => Ok(TicketSort::CreatedAsc),
        "priority" => Ok(TicketSort::Priority),
        "relevance" => Ok(TicketSort::Relevance),
        "due" => Ok(TicketSort::Due),
        other => Err(query_error(format!(
            "`{other}` is not a sort order; use updated, updated_asc, created, created_asc, priority, due or relevance"
        ))),
    }
}

/// Turns query parameters into a store filter for `actor`: customers see only their own
/// tickets and search only what they may read.
pub fn filter_for(actor: &Actor, query: &ListQuery) -> Result<TicketFilter, AppError> {
    let mut statuses = Vec::new();
    for part in list_of(query.status.as_deref(), |s| Ok(s.to_owned()))? {
        if part == "unsolved" {
            statuses.extend_from_slice(Status::UNSOLVED);
        } else {
            statuses.push(Status::parse(&part).map_err(query_error)?);
        }
    }
    statuses.sort_by_key(|s| s.as_str());
    statuses.dedup();
    let team = match query.team.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("none") => Some(TeamFilter::NoTeam),
        Some(id) => Some(TeamFilter::Team(id.parse().map_err(query_error)?)),
    };
    let assignee = match query.assignee.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("me") => Some(AssigneeFilter::User(actor.user)),
        Some("unassigned" | "none") => Some(AssigneeFilter::Unassigned),
        Some(id) => Some(AssigneeFilter::User(id.parse().map_err(query_error)?)),
    };
    if !actor.is_staff() {
        let given = |v: &Option<String>| v.as_deref().is_some_and(|t| !t.trim().is_empty());
        let internal = [
            &query.tag,
            &query.stage,
            &query.priority,
            &query.team,
            &query.assignee,
        ]
        .into_iter()
        .any(given)
            || query.breached.is_some();
        let sort = query.sort.as_deref().map(str::trim);
        if internal || matches!(sort, Some("priority" | "due")) {
            return Err(AppError::forbidden(
                "tags, stages, priorities, teams, assignees and service levels are for agents; filter by status, channel or words",
            ));
        }
    }
    let requester = match (actor.role, query.requester.as_deref().map(str::trim)) {
        (Role::Customer, _) => Some(actor.customer.ok_or(AppError::NotFound("customer"))?),
        (_, None | Some("")) => None,
        (_, Some(id)) => Some(id.parse().map_err(query_error)?),
    };
    if query
        .updated_since
        .is_some_and(|since| !kefu_domain::time::is_storable(since))
    {
        return Err(query_error("updated_since must be between 1970 and 9999"));
    }
    Ok(TicketFilter {
        statuses,
        stages: list_of(query.stage.as_deref(), Stage::parse)?,
        channels: list_of(query.channel.as_deref(), Channel::parse)?,
        priorities: list_of(query.priority.as_deref(), Priority::parse)?,
        team,
        assignee,
        tag: query
            .tag
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .map(Tag::parse)
            .transpose()
            .map_err(query_error)?,
        requester,
        updated_since: query.updated_since,
        due_by: (query.breached == Some(true)).then(kefu_domain::time::now),
        statistics: None,
        index: None,
        text: query
            .q
            .as_deref()
            .and_then(SearchQuery::parse)
            .map(|q| (q, actor.search_scope())),
    })
}

/// One page of the queue for `actor`.
pub async fn list(app: &App, actor: Actor, query: ListQuery) -> Result<TicketList, AppError> {
    if actor.role == Role::Vendor {
        return Err(AppError::forbidden(
            "vendors see tickets only through escalations",
        ));
    }
    let mut filter = filter_for(&actor, &query)?;
    if filter.text.is_some() {
        filter.index = app.store.node_index();
        if filter.index.as_ref().is_none_or(|index| !index.is_built()) {
            filter.statistics = Some(app.store.term_statistics().await?);
        }
    }
    let sort = parse_sort(query.sort.as_deref().unwrap_or_default())?;
    if sort == TicketSort::Relevance && filter.text.is_none() {
        return Err(query_error(
            "sort=relevance ranks search results: give the words to search for in q",
        ));
    }
    let cursor = query
        .cursor
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(|c| {
            TicketCursor::decode(c)
                .filter(|c| c.sort() == sort)
                .ok_or_else(|| query_error("the cursor is not valid for this sort order"))
        })
        .transpose()?;
    let region = app.phone_region().await?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(query_error(format!(
            "limit must be between 1 and {MAX_LIMIT}"
        )));
    }
    app.store
        .read(move |conn| {
            let viewer = view::read_marks_of(&actor);
            let page = tickets::list(conn, &filter, (sort, cursor.as_ref(), limit), viewer)?;
            let mut items = view::listed(page.items, page.names, &actor, region)?;
            if let Some((words, _)) = &filter.text {
                snippets::attach(conn, &mut items, &page.hits, words)?;
            }
            Ok(TicketList {
                items,
                next_cursor: page.next.map(|c| c.encode()).transpose()?,
            })
        })
        .await
}
