//! What a page of tickets shows beside each ticket's own row — its tags, its requester's name
//! and first contact details, its assignee's and team's names, and when the viewer last saw it
//! — read in one statement for the whole page: with the page's own rows
//! ([`page_with_names`]), or after them by id ([`of_tickets`]).

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::query_builder::QueryFragment;
use diesel::sql_types::{Nullable, Text, Timestamp};
use kefu_domain::ids::{TicketId, UserId};
use kefu_domain::tag::Tag;

use crate::connection::Db;
use crate::convert::{from_db, parse};
use crate::customers::CustomerSummary;
use crate::prepared::{self, Statement};
use crate::{Backend, DbConnection, StoreError};

/// The names one ticket of a page refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketNames {
    /// Its tags, sorted.
    pub tags: Vec<Tag>,
    /// Its requester.
    pub requester: CustomerSummary,
    /// Its assignee's name, if it has one.
    pub assignee_name: Option<String>,
    /// Its team's name, if it is in one.
    pub team_name: Option<String>,
    /// When the viewer last saw it, if they have.
    pub seen_at: Option<DateTime<Utc>>,
}

/// The names columns of a row read with [`COLUMNS`].
#[derive(QueryableByName)]
pub(crate) struct NamesRow {
    #[diesel(sql_type = Nullable<Text>)]
    tags: Option<String>,
    #[diesel(sql_type = Text)]
    requester_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    email: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    phone: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    assignee_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    team_name: Option<String>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    seen_at: Option<NaiveDateTime>,
}

impl NamesRow {
    /// The names of the ticket whose requester is `requester_id`.
    pub(crate) fn into_names(self, requester_id: &str) -> Result<TicketNames, StoreError> {
        let mut tags = self
            .tags
            .as_deref()
            .unwrap_or_default()
            .split(' ')
            .filter(|t| !t.is_empty())
            .map(Tag::parse)
            .collect::<Result<Vec<_>, _>>()?;
        tags.sort();
        Ok(TicketNames {
            tags,
            requester: CustomerSummary {
                id: parse(requester_id)?,
                name: self.requester_name,
                email: self.email,
                phone: self.phone,
            },
            assignee_name: self.assignee_name,
            team_name: self.team_name,
            seen_at: self.seen_at.map(from_db),
        })
    }
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    ticket: String,
    #[diesel(sql_type = Text)]
    requester_id: String,
    #[diesel(embed)]
    names: NamesRow,
}

/// The names columns of tickets `t` (a table or a page of its rows), with `{tags}` the
/// backend's aggregate of a ticket's tags (tags hold no spaces, so a space joins them) and
/// `{emails}`, `{phones}` the contact tables as the backend names them.
const COLUMNS: &str = "(SELECT {tags} FROM ticket_tags g WHERE g.ticket_id = t.id) AS tags,
       c.name AS requester_name,
       (SELECT e.email FROM {emails} WHERE e.customer_id = c.id
        ORDER BY e.created_at LIMIT 1) AS email,
       (SELECT p.phone FROM {phones} WHERE p.customer_id = c.id
        ORDER BY p.created_at LIMIT 1) AS phone,
       u.name AS assignee_name, m.name AS team_name, r.seen_at AS seen_at";

/// What the names columns join to tickets `t`, up to the viewer's id, which is bound after it.
const JOINS: &str = "
JOIN customers c ON c.id = t.requester_id
LEFT JOIN users u ON u.id = t.assignee_id
LEFT JOIN teams m ON m.id = t.team_id
LEFT JOIN ticket_reads r ON r.ticket_id = t.id AND r.user_id = ";

/// [`COLUMNS`] on `backend`.
fn columns(backend: Backend) -> String {
    match backend {
        Backend::Postgres => COLUMNS
            .replace("{tags}", "string_agg(g.tag, ' ')")
            .replace("{emails}", "customer_emails e")
            .replace("{phones}", "customer_phones p"),
        // The contacts are read in order from their covering indexes by name: without
        // statistics for them the planner would take the primary key and sort each customer's
        // rows.
        Backend::Sqlite => COLUMNS
            .replace("{tags}", "group_concat(g.tag, ' ')")
            .replace(
                "{emails}",
                "customer_emails e INDEXED BY customer_emails_customer_created",
            )
            .replace(
                "{phones}",
                "customer_phones p INDEXED BY customer_phones_customer_created",
            ),
    }
}

/// The statement naming tickets by id, up to the viewer's id, on each backend.
static BY_ID: LazyLock<[String; 2]> = LazyLock::new(|| {
    [Backend::Postgres, Backend::Sqlite].map(|backend| {
        format!(
            "SELECT t.id AS ticket, t.requester_id AS requester_id, {}\nFROM tickets t{JOINS}",
            columns(backend)
        )
    })
});

/// The head of a page read with its names, up to where the page's own statement goes, on
/// each backend: `SELECT t.*, names FROM (`.
static PAGE_HEAD: LazyLock<[String; 2]> = LazyLock::new(|| {
    [Backend::Postgres, Backend::Sqlite]
        .map(|backend| format!("SELECT t.*, {}\nFROM (", columns(backend)))
});

fn of_backend(statements: &'static [String; 2], backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => &statements[0],
        Backend::Sqlite => &statements[1],
    }
}

/// The first `limit` rows of `page` (a statement reading whole rows of `tickets` in order)
/// with the names each row refers to, when `viewer` (if given) last saw it, in `order` (an
/// `ORDER BY` list over `t`).
pub(crate) fn page_with_names<'a>(
    backend: Backend,
    (page, limit): (impl QueryFragment<Db> + Send + 'a, u32),
    viewer: Option<UserId>,
    order: &'static str,
) -> Statement<'a, Db> {
    Statement::new(of_backend(&PAGE_HEAD, backend))
        .fragment(page)
        .sql(" LIMIT ")
        .count(limit)
        .sql(page_joins())
        .bind::<Nullable<Text>, _>(viewer.map(|v| v.to_string()))
        .sql(" ORDER BY ")
        .sql(order)
}

/// The text of `page` (SQL reading whole rows of `tickets`) read with its names for `viewer`
/// in `order`: what [`page_with_names`] runs, with the values written in, for the benchmark's
/// baseline.
pub fn page_text(backend: Backend, page: &str, viewer: UserId, order: &str) -> String {
    format!(
        "{}{page}{}'{viewer}' ORDER BY {order}",
        of_backend(&PAGE_HEAD, backend),
        page_joins()
    )
}

/// What follows a page's own statement, up to the viewer's id: `) t JOIN …`.
fn page_joins() -> &'static str {
    static TEXT: LazyLock<String> = LazyLock::new(|| format!(") t{JOINS}"));
    &TEXT
}

/// The names of each of these tickets, by id, with when `viewer` (if given) last saw them;
/// missing tickets are skipped.
pub fn of_tickets(
    conn: &mut DbConnection,
    ids: &[TicketId],
    viewer: Option<UserId>,
) -> Result<HashMap<TicketId, TicketNames>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let viewer = viewer.map(|v| v.to_string());
    let backend = conn.backend();
    let head = of_backend(&BY_ID, backend);
    let rows: Vec<Row> = crate::with_backend!(conn, c => Statement::new(head)
        .bind::<Nullable<Text>, _>(viewer)
        .sql(" WHERE ")
        .sql_of(prepared::among(backend, "t.id", &keys))
        .load(c))?;
    rows.into_iter()
        .map(|row| {
            Ok((
                parse(&row.ticket)?,
                row.names.into_names(&row.requester_id)?,
            ))
        })
        .collect()
}
