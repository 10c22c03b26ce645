//! The vendor scorecard (agents): which vendors keep their promises, over a chosen period,
//! as figures for the console or as CSV.

use chrono::{Datelike, Duration};
use kefu_api_types::vendors::{ScorecardQuery, ScorecardResponse, VendorScoreBody};
use kefu_domain::ids::VendorId;
use kefu_domain::permissions::Actor;
use kefu_domain::time;
use kefu_store::scorecard::{self, VendorScore};
use kefu_store::vendors;

use crate::App;
use crate::error::AppError;

/// The longest period a scorecard covers: a little over two years.
pub const MAX_DAYS: i64 = 800;

fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

fn minutes(seconds: Option<f64>) -> Option<f64> {
    seconds.map(|s| (s / 60.0 * 10.0).round() / 10.0)
}

/// The scorecard for `query`'s period: every vendor (or the one asked for), by name.
pub async fn scorecard(
    app: &App,
    actor: Actor,
    query: ScorecardQuery,
) -> Result<ScorecardResponse, AppError> {
    actor.may_work_tickets()?;
    let to = query.to.unwrap_or_else(time::now);
    let from = match query.from {
        Some(from) => Some(from),
        None => to.checked_sub_signed(Duration::days(30)),
    };
    let in_calendar = |t: chrono::DateTime<chrono::Utc>| (1970..=9999).contains(&t.year());
    let from = from
        .filter(|f| in_calendar(*f) && in_calendar(to))
        .ok_or_else(|| {
            AppError::InvalidQuery("`from` and `to` must fall in the years 1970 to 9999".into())
        })?;
    if from >= to || to - from > Duration::days(MAX_DAYS) {
        return Err(AppError::InvalidQuery(format!(
            "`from` must come before `to`, at most {MAX_DAYS} days apart"
        )));
    }
    let vendor: Option<VendorId> = query
        .vendor
        .as_deref()
        .map(|v| {
            v.parse()
                .map_err(|_| AppError::InvalidQuery(format!("`{v}` is not a vendor id")))
        })
        .transpose()?;
    app.store
        .read(move |conn| {
            let scores = scorecard::scores(conn, from, to, vendor)?;
            let items =
                vendors::list(conn)?
                    .into_iter()
                    .filter(|v| vendor.is_none_or(|id| id == v.id))
                    .map(|v| {
                        let s = scores.iter().find(|s| s.vendor == v.id).cloned().unwrap_or(
                            VendorScore {
                                vendor: v.id,
                                ..VendorScore::default()
                            },
                        );
                        VendorScoreBody {
                            vendor: crate::vendors::summary(&v),
                            opened: s.opened,
                            acknowledged: s.acknowledged,
                            answered: s.answered,
                            acknowledge_median_minutes: minutes(s.acknowledge_p50),
                            acknowledge_p90_minutes: minutes(s.acknowledge_p90),
                            answer_median_minutes: minutes(s.answer_p50),
                            answer_p90_minutes: minutes(s.answer_p90),
                            answered_within_target: share(s.answered_in_time, s.counted),
                            returned: share(s.returned, s.counted),
                            reopened_after_answer: share(s.reopened, s.answered),
                        }
                    })
                    .collect();
            Ok::<_, AppError>(ScorecardResponse { from, to, items })
        })
        .await
}

/// A CSV field, quoted when it must be, and never read as a formula by a spreadsheet.
fn field(text: &str) -> String {
    let safe = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if safe.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        safe
    }
}

fn number(value: Option<f64>) -> String {
    value.map(|v| format!("{v:.3}")).unwrap_or_default()
}

/// The scorecard as CSV: a header line, then one line per vendor.
pub fn csv(card: &ScorecardResponse) -> String {
    let mut out = String::from(
        "vendor,kind,opened,acknowledged,answered,acknowledge_median_minutes,acknowledge_p90_minutes,answer_median_minutes,answer_p90_minutes,answered_within_target,returned,reopened_after_answer\r\n",
    );
    for item in &card.items {
        let line = [
            field(&item.vendor.name),
            item.vendor.kind.as_str().to_owned(),
            item.opened.to_string(),
            item.acknowledged.to_string(),
            item.answered.to_string(),
            number(item.acknowledge_median_minutes),
            number(item.acknowledge_p90_minutes),
            number(item.answer_median_minutes),
            number(item.answer_p90_minutes),
            number(item.answered_within_target),
            number(item.returned),
            number(item.reopened_after_answer),
        ];
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(field("PrintCo"), "PrintCo");
        assert_eq!(field("Print, Co"), "\"Print, Co\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("印通"), "印通");
    }
}
