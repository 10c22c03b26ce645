//! Escalations, their threads and the files a vendor may read.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::escalation::{Escalation, EscalationMessage, EscalationStatus, SharedContact};
use kefu_domain::ids::{EscalationId, FileId, TicketId, VendorId};

use crate::connection::Db;
use crate::convert::{from_db, parse, parse_opt, to_db};
use crate::schema::{escalation_files, escalation_messages, escalation_reminders, escalations};
use crate::{DbConnection, StoreError};

diesel::define_sql_function! {
    /// SQL `lower(text)`.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// The `due_at` of an escalation not in its vendor's hands: after every real due time, so a
/// queue in `due_at` order lists those last.
fn not_due() -> DateTime<Utc> {
    NOT_DUE.and_utc()
}

/// 9999-12-31, the end of the calendar both backends store.
const NOT_DUE: NaiveDateTime = match chrono::NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(day) => day.and_time(chrono::NaiveTime::MIN),
    None => NaiveDateTime::MIN,
};

/// A row of `escalations`.
#[derive(Queryable, Selectable, Insertable, AsChangeset, Debug)]
#[diesel(table_name = escalations, treat_none_as_null = true)]
pub struct EscalationRow {
    pub id: String,
    pub ticket_id: String,
    pub vendor_id: String,
    pub status: String,
    pub subject: String,
    pub brief: String,
    pub contact: Option<String>,
    pub requested_at: NaiveDateTime,
    pub acknowledge_by: NaiveDateTime,
    pub answer_by: NaiveDateTime,
    pub due_at: Option<NaiveDateTime>,
    pub acknowledged_at: Option<NaiveDateTime>,
    pub answered_at: Option<NaiveDateTime>,
    pub returned_at: Option<NaiveDateTime>,
    pub reopened: i32,
    pub updated_at: NaiveDateTime,
}

impl From<&Escalation> for EscalationRow {
    fn from(e: &Escalation) -> Self {
        EscalationRow {
            id: e.id.to_string(),
            ticket_id: e.ticket.to_string(),
            vendor_id: e.vendor.to_string(),
            status: e.status.as_str().to_owned(),
            subject: e.subject.clone(),
            brief: e.brief.clone(),
            contact: e.contact.as_ref().map(|c| serde_json::json!(c).to_string()),
            requested_at: to_db(e.requested_at),
            acknowledge_by: to_db(e.acknowledge_by),
            answer_by: to_db(e.answer_by),
            due_at: Some(to_db(e.due_at().unwrap_or_else(not_due))),
            acknowledged_at: e.acknowledged_at.map(to_db),
            answered_at: e.answered_at.map(to_db),
            returned_at: e.returned_at.map(to_db),
            reopened: e.reopened,
            updated_at: to_db(e.updated_at),
        }
    }
}

impl TryFrom<EscalationRow> for Escalation {
    type Error = StoreError;

    fn try_from(row: EscalationRow) -> Result<Self, StoreError> {
        Ok(Escalation {
            id: parse(&row.id)?,
            ticket: parse(&row.ticket_id)?,
            vendor: parse(&row.vendor_id)?,
            status: parse(&row.status)?,
            subject: row.subject,
            brief: row.brief,
            contact: row
                .contact
                .as_deref()
                .map(serde_json::from_str::<SharedContact>)
                .transpose()
                .map_err(|e| StoreError::Corrupt(format!("an escalation's contact: {e}")))?,
            requested_at: from_db(row.requested_at),
            acknowledge_by: from_db(row.acknowledge_by),
            answer_by: from_db(row.answer_by),
            acknowledged_at: row.acknowledged_at.map(from_db),
            answered_at: row.answered_at.map(from_db),
            returned_at: row.returned_at.map(from_db),
            reopened: row.reopened,
            updated_at: from_db(row.updated_at),
        })
    }
}

/// Inserts escalations in few statements.
pub fn insert_many(conn: &mut DbConnection, list: &[Escalation]) -> Result<(), StoreError> {
    let rows: Vec<EscalationRow> = list.iter().map(EscalationRow::from).collect();
    for chunk in rows.chunks(crate::dialect::rows_per_statement(16)) {
        crate::with_backend!(conn, c => diesel::insert_into(escalations::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// Inserts one escalation.
pub fn insert(conn: &mut DbConnection, escalation: &Escalation) -> Result<(), StoreError> {
    insert_many(conn, std::slice::from_ref(escalation))
}

/// Saves every field of an escalation.
pub fn save(conn: &mut DbConnection, escalation: &Escalation) -> Result<(), StoreError> {
    diesel::update(escalations::table.find(escalation.id.to_string()))
        .set(EscalationRow::from(escalation))
        .execute(conn)?;
    Ok(())
}

/// One escalation.
pub fn find(conn: &mut DbConnection, id: EscalationId) -> Result<Escalation, StoreError> {
    escalations::table
        .find(id.to_string())
        .select(EscalationRow::as_select())
        .first(conn)?
        .try_into()
}

/// One escalation, locked until the transaction ends (PostgreSQL; SQLite's writer lock
/// already serialises writers).
pub fn find_for_update(
    conn: &mut DbConnection,
    id: EscalationId,
) -> Result<Escalation, StoreError> {
    let key = id.to_string();
    let row: EscalationRow = match conn {
        DbConnection::Postgres(pg) => escalations::table
            .find(&key)
            .select(EscalationRow::as_select())
            .for_update()
            .first(pg)?,
        DbConnection::Sqlite(lite) => escalations::table
            .find(&key)
            .select(EscalationRow::as_select())
            .first(lite)?,
    };
    row.try_into()
}

/// A ticket's escalations, oldest first.
pub fn for_ticket(
    conn: &mut DbConnection,
    ticket: TicketId,
) -> Result<Vec<Escalation>, StoreError> {
    escalations::table
        .filter(escalations::ticket_id.eq(ticket.to_string()))
        .order((escalations::requested_at.asc(), escalations::id.asc()))
        .select(EscalationRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Escalation::try_from)
        .collect()
}

/// Which escalations a queue shows.
#[derive(Clone, Debug, Default)]
pub struct QueueFilter {
    /// Only this vendor's (always set for vendor users).
    pub vendor: Option<VendorId>,
    /// Only these statuses; empty means all.
    pub statuses: Vec<EscalationStatus>,
    /// Only those due before this time and still in the vendor's hands (overdue as of it).
    pub due_before: Option<DateTime<Utc>>,
    /// Words to find in the subject or brief, regardless of case.
    pub search: Option<String>,
    /// At most this many.
    pub limit: i64,
    /// Skipping this many.
    pub offset: i64,
}

fn filtered<'a>(filter: &QueueFilter) -> escalations::BoxedQuery<'a, Db> {
    let mut query = escalations::table.into_boxed::<Db>();
    if let Some(vendor) = filter.vendor {
        query = query.filter(escalations::vendor_id.eq(vendor.to_string()));
    }
    if !filter.statuses.is_empty() {
        let statuses: Vec<&str> = filter.statuses.iter().map(|s| s.as_str()).collect();
        query = query.filter(escalations::status.eq_any(statuses));
    }
    if let Some(before) = filter.due_before {
        query = query.filter(escalations::due_at.lt(to_db(before)));
    }
    if let Some(words) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        let escaped = words
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        query = query.filter(
            lower(escalations::subject)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(escalations::brief).like(pattern).escape('\\')),
        );
    }
    query
}

/// A queue of escalations: the next due first (so overdue ones lead), then those not in the
/// vendor's hands, most recently changed first — the order of the queue indexes; with the
/// number matching in all.
pub fn queue(
    conn: &mut DbConnection,
    filter: &QueueFilter,
) -> Result<(Vec<Escalation>, i64), StoreError> {
    let rows: Vec<EscalationRow> = filtered(filter)
        .order((
            escalations::due_at.asc(),
            escalations::updated_at.desc(),
            escalations::id.desc(),
        ))
        .limit(filter.limit)
        .offset(filter.offset)
        .select(EscalationRow::as_select())
        .load(conn)?;
    let total: i64 = filtered(filter).count().get_result(conn)?;
    let list = rows
        .into_iter()
        .map(Escalation::try_from)
        .collect::<Result<_, _>>()?;
    Ok((list, total))
}

/// A row of `escalation_messages`.
#[derive(Queryable, Selectable, Insertable, Debug)]
#[diesel(table_name = escalation_messages, treat_none_as_default_value = false)]
pub struct EscalationMessageRow {
    pub id: String,
    pub escalation_id: String,
    pub kind: String,
    pub author_kind: String,
    pub author_user: Option<String>,
    pub body: String,
    pub data: Option<String>,
    pub source_message_id: Option<String>,
    pub created_at: NaiveDateTime,
}

impl From<&EscalationMessage> for EscalationMessageRow {
    fn from(m: &EscalationMessage) -> Self {
        EscalationMessageRow {
            id: m.id.to_string(),
            escalation_id: m.escalation.to_string(),
            kind: m.kind.as_str().to_owned(),
            author_kind: m.author_kind.as_str().to_owned(),
            author_user: m.author_user.map(|u| u.to_string()),
            body: m.body.clone(),
            data: m.data.as_ref().map(ToString::to_string),
            source_message_id: m.source_message.map(|id| id.to_string()),
            created_at: to_db(m.created_at),
        }
    }
}

impl TryFrom<EscalationMessageRow> for EscalationMessage {
    type Error = StoreError;

    fn try_from(row: EscalationMessageRow) -> Result<Self, StoreError> {
        Ok(EscalationMessage {
            id: parse(&row.id)?,
            escalation: parse(&row.escalation_id)?,
            kind: parse(&row.kind)?,
            author_kind: parse(&row.author_kind)?,
            author_user: parse_opt(row.author_user.as_deref())?,
            body: row.body,
            data: row
                .data
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|e| StoreError::Corrupt(format!("an escalation entry's data: {e}")))?,
            source_message: parse_opt(row.source_message_id.as_deref())?,
            created_at: from_db(row.created_at),
        })
    }
}

/// Adds entries to escalation threads.
pub fn insert_messages(
    conn: &mut DbConnection,
    list: &[EscalationMessage],
) -> Result<(), StoreError> {
    let rows: Vec<EscalationMessageRow> = list.iter().map(EscalationMessageRow::from).collect();
    for chunk in rows.chunks(crate::dialect::rows_per_statement(9)) {
        crate::with_backend!(conn, c => diesel::insert_into(escalation_messages::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// An escalation's thread, oldest first.
pub fn thread(
    conn: &mut DbConnection,
    escalation: EscalationId,
) -> Result<Vec<EscalationMessage>, StoreError> {
    escalation_messages::table
        .filter(escalation_messages::escalation_id.eq(escalation.to_string()))
        .order((
            escalation_messages::created_at.asc(),
            escalation_messages::id.asc(),
        ))
        .select(EscalationMessageRow::as_select())
        .load(conn)?
        .into_iter()
        .map(EscalationMessage::try_from)
        .collect()
}

/// A file a vendor may read: shared from the ticket or attached in the thread.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = escalation_files, treat_none_as_default_value = false)]
pub struct EscalationFileRow {
    pub id: String,
    pub escalation_id: String,
    pub message_id: String,
    pub source_file_id: Option<String>,
    pub sha256: String,
    pub size: i64,
    pub content_type: String,
    pub name: String,
    pub created_at: NaiveDateTime,
}

/// Records files a vendor may read.
pub fn insert_files(conn: &mut DbConnection, list: &[EscalationFileRow]) -> Result<(), StoreError> {
    for chunk in list.chunks(crate::dialect::rows_per_statement(9)) {
        crate::with_backend!(conn, c => diesel::insert_into(escalation_files::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// The files of an escalation, in the order they came.
pub fn files(
    conn: &mut DbConnection,
    escalation: EscalationId,
) -> Result<Vec<EscalationFileRow>, StoreError> {
    Ok(escalation_files::table
        .filter(escalation_files::escalation_id.eq(escalation.to_string()))
        .order((
            escalation_files::created_at.asc(),
            escalation_files::id.asc(),
        ))
        .select(EscalationFileRow::as_select())
        .load(conn)?)
}

/// One file of an escalation.
pub fn file(
    conn: &mut DbConnection,
    escalation: EscalationId,
    id: FileId,
) -> Result<EscalationFileRow, StoreError> {
    Ok(escalation_files::table
        .find(id.to_string())
        .filter(escalation_files::escalation_id.eq(escalation.to_string()))
        .select(EscalationFileRow::as_select())
        .first(conn)?)
}

/// An escalation with the due times its due-soon and overdue reminders were last sent for.
pub type Reminded = (Escalation, Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// Escalations in their vendor's hands due before `until` (the next reminders are among
/// them), with the due times their reminders were last sent for.
pub fn due_before(
    conn: &mut DbConnection,
    until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Reminded>, StoreError> {
    type Row = (EscalationRow, Option<NaiveDateTime>, Option<NaiveDateTime>);
    let rows: Vec<Row> = escalations::table
        .left_join(escalation_reminders::table)
        .filter(escalations::due_at.le(to_db(until)))
        .filter(escalations::status.eq_any(["requested", "acknowledged", "in_progress"]))
        // Those already told they are overdue for this due time have nothing more coming.
        .filter(
            escalation_reminders::late_for
                .nullable()
                .is_null()
                .or(escalation_reminders::late_for
                    .nullable()
                    .ne(escalations::due_at)),
        )
        .order((escalations::due_at.asc(), escalations::id.asc()))
        .limit(limit)
        .select((
            EscalationRow::as_select(),
            escalation_reminders::soon_for.nullable(),
            escalation_reminders::late_for.nullable(),
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(row, soon, late)| {
            Ok((
                Escalation::try_from(row)?,
                soon.map(from_db),
                late.map(from_db),
            ))
        })
        .collect()
}

/// Records that the due-soon (`late` false) or overdue reminder for due time `due` was sent;
/// `false` when it had been already (another node was first).
pub fn mark_reminded(
    conn: &mut DbConnection,
    id: EscalationId,
    late: bool,
    due: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let key = id.to_string();
    crate::with_backend!(conn, c => diesel::insert_into(escalation_reminders::table)
        .values(escalation_reminders::escalation_id.eq(&key))
        .on_conflict_do_nothing()
        .execute(c))?;
    let due = to_db(due);
    let target = escalation_reminders::table.find(&key);
    let changed = if late {
        diesel::update(
            target.filter(
                escalation_reminders::late_for
                    .is_null()
                    .or(escalation_reminders::late_for.ne(due)),
            ),
        )
        .set(escalation_reminders::late_for.eq(Some(due)))
        .execute(conn)?
    } else {
        diesel::update(
            target.filter(
                escalation_reminders::soon_for
                    .is_null()
                    .or(escalation_reminders::soon_for.ne(due)),
            ),
        )
        .set(escalation_reminders::soon_for.eq(Some(due)))
        .execute(conn)?
    };
    Ok(changed == 1)
}
