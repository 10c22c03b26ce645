//! iCalendar (RFC 5545) invitations for field-service visits: one `VEVENT` with a stable
//! `UID` and a `SEQUENCE` that grows with each change, so a calendar updates the entry it
//! already has — or removes it on a cancellation. Text is escaped and lines folded at 75
//! octets, so no input can add a property.

use chrono::{DateTime, Utc};

/// Whether the invitation asks the calendar to add (or update) the event, or remove it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Add or update.
    Request,
    /// Remove.
    Cancel,
}

/// One event to put in a customer's calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invitation<'a> {
    /// A stable id (`visit-<id>@<domain>`).
    pub uid: &'a str,
    /// How many changes came before this one.
    pub sequence: i32,
    /// Add or remove.
    pub method: Method,
    /// When it starts and ends.
    pub window: (DateTime<Utc>, DateTime<Utc>),
    /// Its title.
    pub summary: &'a str,
    /// Where.
    pub location: &'a str,
    /// What will be done.
    pub description: &'a str,
    /// The business's address (the organiser): the ticket's reply address, so an answer from
    /// the customer's calendar lands on the ticket.
    pub organizer: &'a str,
    /// The customer's address (the attendee).
    pub attendee: &'a str,
    /// When it was written.
    pub stamp: DateTime<Utc>,
}

fn time(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Escapes a TEXT value: backslash, semicolon, comma and line breaks.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (never inside a character), ending it with CRLF.
fn fold(line: &str, out: &mut String) {
    let mut used = 0;
    for c in line.chars() {
        let width = c.len_utf8();
        if used + width > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += width;
    }
    out.push_str("\r\n");
}

impl Invitation<'_> {
    /// The `text/calendar` body.
    pub fn render(&self) -> String {
        let method = match self.method {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        };
        let address = |value: &str| -> String {
            value
                .chars()
                .filter(|c| !c.is_control() && !matches!(c, ';' | ':' | '"' | ','))
                .collect()
        };
        let organizer = address(self.organizer);
        let attendee = address(self.attendee);
        let lines = [
            "BEGIN:VCALENDAR".to_owned(),
            "VERSION:2.0".to_owned(),
            "PRODID:-//Kefu//Field service//EN".to_owned(),
            format!("METHOD:{method}"),
            "BEGIN:VEVENT".to_owned(),
            format!("UID:{}", text(self.uid)),
            format!("SEQUENCE:{}", self.sequence),
            format!("DTSTAMP:{}", time(self.stamp)),
            format!("DTSTART:{}", time(self.window.0)),
            format!("DTEND:{}", time(self.window.1)),
            format!("SUMMARY:{}", text(self.summary)),
            format!("LOCATION:{}", text(self.location)),
            format!("DESCRIPTION:{}", text(self.description)),
            format!("ORGANIZER:mailto:{organizer}"),
            format!("ATTENDEE;ROLE=REQ-PARTICIPANT:mailto:{attendee}"),
            format!(
                "STATUS:{}",
                if self.method == Method::Cancel {
                    "CANCELLED"
                } else {
                    "CONFIRMED"
                }
            ),
            "END:VEVENT".to_owned(),
            "END:VCALENDAR".to_owned(),
        ];
        let mut out = String::new();
        for line in &lines {
            fold(line, &mut out);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_is_escaped_and_folded() {
        let start = DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::days(20_000);
        let ics = Invitation {
            uid: "visit-1@shop.example",
            sequence: 2,
            method: Method::Request,
            window: (start, start + chrono::Duration::hours(2)),
            summary: "Installation, washer; model X",
            location: "1 Main St\nSpringfield",
            description: &"安装洗衣机并测试。".repeat(10),
            organizer: "support@shop.example",
            attendee: "ana@example.com",
            stamp: start,
        }
        .render();
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(ics.contains("SUMMARY:Installation\\, washer\\; model X\r\n"));
        assert!(
            ics.contains("LOCATION:1 Main St\\nSpringfield\r\n"),
            "a line break cannot add a property"
        );
        assert!(ics.contains("SEQUENCE:2\r\n"));
        assert!(ics.lines().all(|l| l.len() <= 75), "{ics}");
        assert!(ics.contains("DTSTART:") && ics.contains("METHOD:REQUEST"));
    }
}
