//! How surveys run: admins set it, staff read it; stored as one setting.

use kefu_api_types::surveys::SurveySettingsBody;
use kefu_domain::audit::AuditAction;
use kefu_domain::permissions::Actor;
use kefu_domain::survey::SurveySettings;
use kefu_domain::time;
use kefu_store::{DbConnection, StoreError, settings};

use crate::App;
use crate::audit::{self, Origin};
use crate::error::AppError;

/// The settings as stored, or the defaults.
pub fn read(conn: &mut DbConnection) -> Result<SurveySettings, StoreError> {
    Ok(settings::get(conn, settings::SURVEYS)?
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default())
}

fn body(s: SurveySettings) -> SurveySettingsBody {
    SurveySettingsBody {
        enabled: s.enabled,
        ask_expectation: s.ask_expectation,
        low_at: s.low_at,
        reopen_low: s.reopen_low,
        link_days: s.link_days,
    }
}

/// The settings (staff).
pub async fn show(app: &App, actor: Actor) -> Result<SurveySettingsBody, AppError> {
    actor.may_work_tickets()?;
    Ok(body(app.store.read(read).await?))
}

/// Changes the settings (admins, audited).
pub async fn update(
    app: &App,
    actor: Actor,
    origin: Origin,
    request: SurveySettingsBody,
) -> Result<SurveySettingsBody, AppError> {
    actor.may_administer()?;
    let wanted = SurveySettings {
        enabled: request.enabled,
        ask_expectation: request.ask_expectation,
        low_at: request.low_at,
        reopen_low: request.reopen_low,
        link_days: request.link_days,
    };
    wanted.check()?;
    app.store
        .write(move |conn| {
            let before = read(conn)?;
            if before != wanted {
                let now = time::now();
                let json =
                    serde_json::to_string(&wanted).map_err(|e| AppError::Internal(Box::new(e)))?;
                settings::set(conn, settings::SURVEYS, Some(&json), now)?;
                audit::record_by(
                    conn,
                    &origin,
                    AuditAction::SettingsChanged,
                    &actor,
                    None,
                    Some(serde_json::json!({ "surveys": { "from": before, "to": wanted } })),
                    now,
                )?;
            }
            Ok::<_, AppError>(body(wanted))
        })
        .await
}
