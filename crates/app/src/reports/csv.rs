//! A report as CSV (RFC 4180, UTF-8 with a byte-order mark so spreadsheet programs read
//! Chinese names right); cells that a spreadsheet would run as a formula are quoted with a
//! leading apostrophe.

use kefu_api_types::reports::{Report, ReportRow};

const HEADER: &[&str] = &[
    "group",
    "created",
    "solved",
    "first_response_minutes",
    "resolution_hours",
    "sla_tickets",
    "sla_met_percent",
    "backlog",
    "backlog_age_days",
    "backlog_over_week_percent",
    "ratings",
    "rating_average",
    "csat_percent",
    "expectation_gap",
];

/// One cell, quoted when it needs to be, never a formula.
fn cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn number(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn line(row: &ReportRow) -> String {
    [
        cell(&row.label),
        row.created.to_string(),
        row.solved.to_string(),
        number(row.first_response_minutes),
        number(row.resolution_hours),
        row.sla_tickets.to_string(),
        number(row.sla_met_percent),
        row.backlog.to_string(),
        number(row.backlog_age_days),
        number(row.backlog_over_week_percent),
        row.ratings.to_string(),
        number(row.rating_average),
        number(row.csat_percent),
        number(row.expectation_gap),
    ]
    .join(",")
}

/// The report's rows and total as CSV.
pub fn render(report: &Report) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&HEADER.join(","));
    out.push_str("\r\n");
    for row in report.rows.iter().chain(std::iter::once(&report.total)) {
        out.push_str(&line(row));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_never_formulas() {
        assert_eq!(cell("Orders, EU"), "\"Orders, EU\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("售后支持"), "售后支持");
    }
}
