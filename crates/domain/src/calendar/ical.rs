//! Reading holidays and working days from an iCalendar file (RFC 5545), such as the public
//! holiday calendars governments and calendar apps publish.
//!
//! Each `VEVENT` becomes one exception per date it covers (`DTEND` is exclusive). An event is
//! a working day, not a holiday, when it says so: `X-KEFU-WORKDAY:TRUE`, a `CATEGORIES` of
//! `WORKDAY`, or a summary naming one (`补班`, `上班`, `调休上班`, "working day"); it then
//! works `usual` hours. Events that repeat (`RRULE`) are not expanded: holiday calendars list
//! each year's dates, and a repeating event is reported as skipped rather than guessed at.

use chrono::{Duration, NaiveDate};

use super::{Exception, Hours};
use crate::DomainError;

/// The longest file read, in bytes.
pub const MAX_BYTES: usize = 1024 * 1024;

/// The longest span one event may cover, in days.
const MAX_EVENT_DAYS: i64 = 62;

/// What an import found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    /// The holidays and working days, in file order.
    pub exceptions: Vec<Exception>,
    /// Events that were not taken, with why.
    pub skipped: Vec<String>,
}

/// Unfolds continuation lines (a leading space or tab continues the previous line).
fn unfolded(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for raw in text.split('\n') {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        match (raw.strip_prefix([' ', '\t']), lines.last_mut()) {
            (Some(rest), Some(last)) => last.push_str(rest),
            _ => lines.push(raw.to_owned()),
        }
    }
    lines
}

/// Splits `NAME;PARAM=…:value` into the upper-cased name and the value.
fn property(line: &str) -> Option<(String, &str)> {
    let (head, value) = line.split_once(':')?;
    let name = head.split(';').next()?.trim().to_ascii_uppercase();
    Some((name, value))
}

/// Reads the date of a `DATE` or `DATE-TIME` value (`20261001` or `20261001T000000Z`).
fn date_of(value: &str) -> Option<NaiveDate> {
    let digits = value.trim().get(..8)?;
    NaiveDate::parse_from_str(digits, "%Y%m%d").ok()
}

/// Undoes the text escapes of RFC 5545 §3.3.11.
fn unescaped(value: &str) -> String {
    value
        .replace("\\n", " ")
        .replace("\\N", " ")
        .replace("\\,", ",")
        .replace("\\;", ";")
        .replace("\\\\", "\\")
        .trim()
        .to_owned()
}

#[derive(Default)]
struct Event {
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    summary: String,
    workday: bool,
    repeats: bool,
}

impl Event {
    fn is_workday(&self) -> bool {
        let summary = self.summary.to_lowercase();
        self.workday
            || ["补班", "上班", "working day", "workday"]
                .iter()
                .any(|word| summary.contains(word))
    }
}

/// Reads the holidays and working days of an iCalendar file; working days work `usual`.
pub fn import(text: &str, usual: &[Hours]) -> Result<Imported, DomainError> {
    if text.len() > MAX_BYTES {
        return Err(DomainError::InvalidCalendar(format!(
            "the calendar file is larger than {MAX_BYTES} bytes"
        )));
    }
    if !text
        .trim_start()
        .to_ascii_uppercase()
        .starts_with("BEGIN:VCALENDAR")
    {
        return Err(DomainError::InvalidCalendar(
            "this is not an iCalendar file: it must start with BEGIN:VCALENDAR".to_owned(),
        ));
    }
    let mut imported = Imported {
        exceptions: Vec::new(),
        skipped: Vec::new(),
    };
    let mut event: Option<Event> = None;
    for line in unfolded(text) {
        let Some((name, value)) = property(&line) else {
            continue;
        };
        match (name.as_str(), event.as_mut()) {
            ("BEGIN", None) if value.eq_ignore_ascii_case("VEVENT") => {
                event = Some(Event::default());
            }
            ("END", Some(_)) if value.eq_ignore_ascii_case("VEVENT") => {
                if let Some(done) = event.take() {
                    take(done, usual, &mut imported);
                }
            }
            ("DTSTART", Some(e)) => e.start = date_of(value),
            ("DTEND", Some(e)) => e.end = date_of(value),
            ("SUMMARY", Some(e)) => e.summary = unescaped(value),
            ("RRULE" | "RDATE", Some(e)) => e.repeats = true,
            ("CATEGORIES", Some(e)) => {
                e.workday |= value
                    .split(',')
                    .any(|c| c.trim().eq_ignore_ascii_case("WORKDAY"));
            }
            ("X-KEFU-WORKDAY", Some(e)) => e.workday |= value.trim().eq_ignore_ascii_case("TRUE"),
            _ => {}
        }
    }
    Ok(imported)
}

/// Adds one event's dates, or says why it was skipped.
fn take(event: Event, usual: &[Hours], imported: &mut Imported) {
    let name = if event.summary.is_empty() {
        "Holiday".to_owned()
    } else {
        event.summary.chars().take(crate::text::NAME_MAX).collect()
    };
    let Some(start) = event.start else {
        imported
            .skipped
            .push(format!("{name}: it has no readable DTSTART"));
        return;
    };
    if event.repeats {
        imported.skipped.push(format!(
            "{name} ({start}): repeating events are not expanded; list each date"
        ));
        return;
    }
    let end = event
        .end
        .filter(|end| *end > start)
        .unwrap_or(start + Duration::days(1));
    if (end - start).num_days() > MAX_EVENT_DAYS {
        imported.skipped.push(format!(
            "{name} ({start}): longer than {MAX_EVENT_DAYS} days"
        ));
        return;
    }
    let hours = if event.is_workday() {
        usual.to_vec()
    } else {
        Vec::new()
    };
    let mut date = start;
    while date < end {
        imported.exceptions.push(Exception {
            date,
            name: name.clone(),
            hours: hours.clone(),
        });
        let Some(next) = date.succ_opt() else { break };
        date = next;
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    const CHINA: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n\
BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261001\r\nDTEND;VALUE=DATE:20261008\r\n\
SUMMARY:国庆节\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:2\r\nDTSTART;VALUE=DATE:20261010\r\nSUMMARY:国庆节补班\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:3\r\nDTSTART:20260920T000000\r\nSUMMARY:Working d\r\n ay (National Day)\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:4\r\nDTSTART;VALUE=DATE:20260101\r\nRRULE:FREQ=YEARLY\r\nSUMMARY:New Year\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";

    #[test]
    fn holidays_working_days_and_repeats() {
        let usual = vec![Hours::parse("09:00", "18:00").unwrap()];
        let imported = import(CHINA, &usual).unwrap();
        let closed: Vec<_> = imported
            .exceptions
            .iter()
            .filter(|e| e.is_closure())
            .map(|e| e.date.to_string())
            .collect();
        assert_eq!(closed.len(), 7, "1–7 October, DTEND exclusive");
        assert_eq!(closed[0], "2026-10-01");
        let worked: Vec<_> = imported
            .exceptions
            .iter()
            .filter(|e| !e.is_closure())
            .map(|e| (e.date.to_string(), e.name.as_str()))
            .collect();
        assert_eq!(
            worked,
            vec![
                ("2026-10-10".to_owned(), "国庆节补班"),
                ("2026-09-20".to_owned(), "Working day (National Day)"),
            ],
            "unfolded summaries name working days"
        );
        assert_eq!(imported.skipped.len(), 1);
        assert!(imported.skipped[0].contains("repeating"));
    }

    #[test]
    fn other_files_are_refused() {
        assert!(import("hello", &[]).is_err());
        assert!(import(&"x".repeat(MAX_BYTES + 1), &[]).is_err());
    }
}
