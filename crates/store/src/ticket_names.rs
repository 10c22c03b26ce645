//! What a page of tickets shows beside each ticket's own row — its tags, its requester's name
//! and first contact details, its assignee's and team's names, and when the viewer last saw it
//! — read in one statement for the whole page.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text, Timestamp};
use kefu_domain::ids::{TicketId, UserId};
use kefu_domain::tag::Tag;

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

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    ticket: String,
    #[diesel(sql_type = Nullable<Text>)]
    tags: Option<String>,
    #[diesel(sql_type = Text)]
    requester_id: String,
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

/// The statement up to the viewer's id, with `{tags}` the backend's aggregate of a ticket's
/// tags (tags hold no spaces, so a space joins them) and `{emails}`, `{phones}` the contact
/// tables as the backend names them; the viewer's id and the ticket ids are bound after it.
const HEAD: &str = "SELECT t.id AS ticket,
       (SELECT {tags} FROM ticket_tags g WHERE g.ticket_id = t.id) AS tags,
       c.id AS requester_id, c.name AS requester_name,
       (SELECT e.email FROM {emails} WHERE e.customer_id = c.id
        ORDER BY e.created_at LIMIT 1) AS email,
       (SELECT p.phone FROM {phones} WHERE p.customer_id = c.id
        ORDER BY p.created_at LIMIT 1) AS phone,
       u.name AS assignee_name, m.name AS team_name, r.seen_at AS seen_at
FROM tickets t
JOIN customers c ON c.id = t.requester_id
LEFT JOIN users u ON u.id = t.assignee_id
LEFT JOIN teams m ON m.id = t.team_id
LEFT JOIN ticket_reads r ON r.ticket_id = t.id AND r.user_id = ";

/// The statement's head on PostgreSQL.
static POSTGRES_HEAD: LazyLock<String> = LazyLock::new(|| {
    HEAD.replace("{tags}", "string_agg(g.tag, ' ')")
        .replace("{emails}", "customer_emails e")
        .replace("{phones}", "customer_phones p")
});

/// On SQLite the contacts are read in order from their covering indexes by name: without
/// statistics for them the planner would take the primary key and sort each customer's rows.
static SQLITE_HEAD: LazyLock<String> = LazyLock::new(|| {
    HEAD.replace("{tags}", "group_concat(g.tag, ' ')")
        .replace(
            "{emails}",
            "customer_emails e INDEXED BY customer_emails_customer_created",
        )
        .replace(
            "{phones}",
            "customer_phones p INDEXED BY customer_phones_customer_created",
        )
});

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
    let head = match backend {
        Backend::Postgres => POSTGRES_HEAD.as_str(),
        Backend::Sqlite => SQLITE_HEAD.as_str(),
    };
    let rows: Vec<Row> = crate::with_backend!(conn, c => Statement::new(head)
        .bind::<Nullable<Text>, _>(viewer)
        .sql(" WHERE ")
        .sql_of(prepared::among(backend, "t.id", &keys))
        .load(c))?;
    rows.into_iter()
        .map(|row| {
            let mut tags = row
                .tags
                .as_deref()
                .unwrap_or_default()
                .split(' ')
                .filter(|t| !t.is_empty())
                .map(Tag::parse)
                .collect::<Result<Vec<_>, _>>()?;
            tags.sort();
            Ok((
                parse(&row.ticket)?,
                TicketNames {
                    tags,
                    requester: CustomerSummary {
                        id: parse(&row.requester_id)?,
                        name: row.requester_name,
                        email: row.email,
                        phone: row.phone,
                    },
                    assignee_name: row.assignee_name,
                    team_name: row.team_name,
                    seen_at: row.seen_at.map(from_db),
                },
            ))
        })
        .collect()
}
