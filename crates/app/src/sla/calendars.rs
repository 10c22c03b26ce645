//! Business calendars (admins; agents may read them): add, change, remove, import holidays
//! from an iCalendar file, and preview when a target falls due.

use kefu_api_types::sla::{
    CalendarList, CalendarRequest, CalendarResponse, DueQuery, DueResponse, ExceptionBody,
    HoursBody, ImportCalendarRequest, ImportCalendarResponse,
};
use kefu_domain::audit::AuditAction;
use kefu_domain::calendar::{self, BusinessCalendar, Exception, Hours, MAX_MINUTES};
use kefu_domain::ids::CalendarId;
use kefu_domain::permissions::Actor;
use kefu_domain::time;
use kefu_store::DbConnection;
use kefu_store::sla::calendars::{self, CalendarRecord};

use crate::App;
use crate::audit::{self, Origin, Target};
use crate::error::AppError;

fn hours_of(body: &[HoursBody]) -> Result<Vec<Hours>, AppError> {
    Ok(body
        .iter()
        .map(|h| Hours::parse(&h.start, &h.end))
        .collect::<Result<_, _>>()?)
}

fn hours_body(hours: &[Hours]) -> Vec<HoursBody> {
    hours
        .iter()
        .map(|h| {
            let (start, end) = h.texts();
            HoursBody { start, end }
        })
        .collect()
}

/// The week of a request: exactly seven days, Monday first.
fn week_of(body: &[Vec<HoursBody>]) -> Result<[Vec<Hours>; 7], AppError> {
    let days: Vec<Vec<Hours>> = body
        .iter()
        .map(|day| hours_of(day))
        .collect::<Result<_, _>>()?;
    <[Vec<Hours>; 7]>::try_from(days).map_err(|_| {
        AppError::from(kefu_domain::DomainError::InvalidCalendar(
            "the week lists seven days, Monday first".to_owned(),
        ))
    })
}

/// The calendar a request describes; working days without hours work `usual`.
fn calendar_of(request: &CalendarRequest) -> Result<BusinessCalendar, AppError> {
    let zone = calendar::zone_of(&request.time_zone)?;
    let week = week_of(&request.week)?;
    let usual = BusinessCalendar::new(zone, week.clone(), Vec::new())?.usual_hours();
    let exceptions = request
        .exceptions
        .iter()
        .map(|e| exception_of(e, &usual))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(BusinessCalendar::new(zone, week, exceptions)?)
}

fn exception_of(body: &ExceptionBody, usual: &[Hours]) -> Result<Exception, AppError> {
    let hours = match (&body.hours, body.working) {
        (Some(hours), _) => hours_of(hours)?,
        (None, true) => usual.to_vec(),
        (None, false) => Vec::new(),
    };
    if body.working && hours.is_empty() {
        return Err(kefu_domain::DomainError::InvalidCalendar(format!(
            "{}: a working day needs hours",
            body.date
        ))
        .into());
    }
    Ok(Exception {
        date: body.date,
        name: body.name.clone(),
        hours,
    })
}

/// The calendar as the API shows it.
pub fn response(record: &CalendarRecord, policies: i64) -> CalendarResponse {
    let cal = &record.calendar;
    CalendarResponse {
        id: record.id,
        name: record.name.clone(),
        time_zone: cal.zone().name().to_owned(),
        week: cal.week().iter().map(|day| hours_body(day)).collect(),
        exceptions: cal
            .exceptions()
            .map(|e| ExceptionBody {
                date: e.date,
                name: e.name.clone(),
                hours: Some(hours_body(&e.hours)),
                working: !e.is_closure(),
            })
            .collect(),
        policies,
        created_at: record.created_at,
        updated_at: record.updated_at,
    }
}

fn one(conn: &mut DbConnection, id: CalendarId) -> Result<CalendarResponse, AppError> {
    let record = calendars::find(conn, id).map_err(AppError::not_found_as("calendar"))?;
    let policies = calendars::policies_using(conn, id)?;
    Ok(response(&record, policies))
}

/// Every calendar (staff).
pub async fn list(app: &App, actor: Actor) -> Result<CalendarList, AppError> {
    actor.may_work_tickets()?;
    app.store
        .read(move |conn| {
            let items = calendars::list(conn)?
                .iter()
                .map(|record| {
                    let policies = calendars::policies_using(conn, record.id)?;
                    Ok::<_, AppError>(response(record, policies))
                })
                .collect::<Result<_, _>>()?;
            Ok::<_, AppError>(CalendarList { items })
        })
        .await
}

/// One calendar (staff).
pub async fn show(app: &App, actor: Actor, id: CalendarId) -> Result<CalendarResponse, AppError> {
    actor.may_work_tickets()?;
    app.store.read(move |conn| one(conn, id)).await
}

fn name_of(name: &str) -> Result<String, AppError> {
    Ok(kefu_domain::text::name("calendar name", name)?)
}

/// Adds a calendar (admins, audited).
pub async fn create(
    app: &App,
    actor: Actor,
    origin: Origin,
    request: CalendarRequest,
) -> Result<CalendarResponse, AppError> {
    actor.may_administer()?;
    let now = time::now();
    let record = CalendarRecord {
        id: CalendarId::new(),
        name: name_of(&request.name)?,
        calendar: calendar_of(&request)?,
        created_at: now,
        updated_at: now,
    };
    let book = app.sla_book.clone();
    app.store
        .write(move |conn| {
            calendars::insert(conn, &record)?;
            audit::record_by(
                conn,
                &origin,
                AuditAction::CalendarCreated,
                &actor,
                Some(Target::new("calendar", record.id, record.name.clone())),
                Some(serde_json::json!({ "time_zone": record.calendar.zone().name() })),
                now,
            )?;
            book.drop_book();
            one(conn, record.id)
        })
        .await
}

/// Replaces a calendar's name, zone, hours and exceptions (admins, audited). Every clock
/// counting on it counts the new hours from its next change.
pub async fn update(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: CalendarId,
    request: CalendarRequest,
) -> Result<CalendarResponse, AppError> {
    actor.may_administer()?;
    let name = name_of(&request.name)?;
    let calendar = calendar_of(&request)?;
    let book = app.sla_book.clone();
    app.store
        .write(move |conn| {
            let mut record =
                calendars::find(conn, id).map_err(AppError::not_found_as("calendar"))?;
            let now = time::now();
            replace(conn, &origin, &actor, &mut record, (name, calendar), now)?;
            book.drop_book();
            one(conn, id)
        })
        .await
}

/// Writes a calendar's new name and hours, and audits what changed.
fn replace(
    conn: &mut DbConnection,
    origin: &Origin,
    actor: &Actor,
    record: &mut CalendarRecord,
    (name, calendar): (String, BusinessCalendar),
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let mut changed = Vec::new();
    if name != record.name {
        changed.push("name");
    }
    if calendar.zone() != record.calendar.zone() {
        changed.push("time_zone");
    }
    if calendar.week() != record.calendar.week() {
        changed.push("week");
    }
    if !calendar.exceptions().eq(record.calendar.exceptions()) {
        changed.push("exceptions");
    }
    if changed.is_empty() {
        return Ok(());
    }
    record.name = name;
    record.calendar = calendar;
    record.updated_at = now;
    calendars::update(conn, record)?;
    audit::record_by(
        conn,
        origin,
        AuditAction::CalendarUpdated,
        actor,
        Some(Target::new("calendar", record.id, record.name.clone())),
        Some(serde_json::json!({ "changed": changed })),
        now,
    )?;
    Ok(())
}

/// Removes a calendar no policy counts on (admins, audited).
pub async fn delete(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: CalendarId,
) -> Result<(), AppError> {
    actor.may_administer()?;
    let book = app.sla_book.clone();
    app.store
        .write(move |conn| {
            let record = calendars::find(conn, id).map_err(AppError::not_found_as("calendar"))?;
            if calendars::policies_using(conn, id)? > 0 || calendars::clocks_using(conn, id)? > 0 {
                return Err(AppError::conflict(
                    "calendar_in_use",
                    "SLA policies or open tickets count on this calendar; move them to another first",
                ));
            }
            calendars::delete(conn, id)?;
            audit::record_by(
                conn,
                &origin,
                AuditAction::CalendarDeleted,
                &actor,
                Some(Target::new("calendar", id, record.name.clone())),
                None,
                time::now(),
            )?;
            book.drop_book();
            Ok(())
        })
        .await
}

/// Adds (or with `replace`, replaces) a calendar's holidays and working days from an
/// iCalendar file (admins, audited).
pub async fn import(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: CalendarId,
    request: ImportCalendarRequest,
) -> Result<ImportCalendarResponse, AppError> {
    actor.may_administer()?;
    let book = app.sla_book.clone();
    app.store
        .write(move |conn| {
            let mut record =
                calendars::find(conn, id).map_err(AppError::not_found_as("calendar"))?;
            let cal = &record.calendar;
            let found = calendar::ical::import(&request.ics, &cal.usual_hours())?;
            let mut merged: std::collections::BTreeMap<_, Exception> = if request.replace {
                Default::default()
            } else {
                cal.exceptions().map(|e| (e.date, e.clone())).collect()
            };
            let imported = found.exceptions.len();
            merged.extend(found.exceptions.into_iter().map(|e| (e.date, e)));
            let calendar = BusinessCalendar::new(
                cal.zone(),
                cal.week().clone(),
                merged.into_values().collect(),
            )?;
            let name = record.name.clone();
            replace(
                conn,
                &origin,
                &actor,
                &mut record,
                (name, calendar),
                time::now(),
            )?;
            book.drop_book();
            Ok::<_, AppError>(ImportCalendarResponse {
                calendar: one(conn, id)?,
                imported,
                skipped: found.skipped,
            })
        })
        .await
}

/// When a target of `minutes` business minutes starting at `from` falls due (staff).
pub async fn due(
    app: &App,
    actor: Actor,
    id: CalendarId,
    query: DueQuery,
) -> Result<DueResponse, AppError> {
    actor.may_work_tickets()?;
    if !(1..=MAX_MINUTES).contains(&query.minutes) {
        return Err(AppError::InvalidQuery(format!(
            "minutes must be between 1 and {MAX_MINUTES}"
        )));
    }
    if !time::is_storable(query.from) {
        return Err(AppError::InvalidQuery(
            "from must be between 1970 and 9999".to_owned(),
        ));
    }
    let record = app
        .store
        .read(move |conn| calendars::find(conn, id).map_err(AppError::not_found_as("calendar")))
        .await?;
    let cal = record.calendar;
    let due_at = cal.add_minutes(query.from, query.minutes).ok_or_else(|| {
        AppError::InvalidQuery(
            "the calendar has no working time in the four years after `from`".to_owned(),
        )
    })?;
    Ok(DueResponse {
        from: query.from,
        minutes: query.minutes,
        due_at,
        due_local: due_at
            .with_timezone(&cal.zone())
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        open_at_start: cal.is_open(query.from),
        elapsed_minutes: (due_at - query.from).num_minutes().max(0),
    })
}
