//! The helpdesk's settings that admins change while it runs: the phone region.

use kefu_api_types::accounts::{SettingsResponse, UpdateSettingsRequest};
use kefu_domain::audit::AuditAction;
use kefu_domain::permissions::Actor;
use kefu_domain::phone::PhoneRegion;
use kefu_store::settings;

use crate::App;
use crate::audit::{self, Origin};
use crate::changes::Changed;
use crate::error::AppError;

/// The settings as they apply now (staff read them: the console formats and reads numbers).
pub async fn show(app: &App, actor: Actor) -> Result<SettingsResponse, AppError> {
    actor.may_work_tickets()?;
    Ok(SettingsResponse {
        phone_region: app.phone_region().await?.map(|r| r.code().to_owned()),
    })
}

/// Changes the settings (admins).
pub async fn update(
    app: &App,
    actor: Actor,
    origin: Origin,
    request: UpdateSettingsRequest,
) -> Result<Changed<SettingsResponse>, AppError> {
    actor.may_administer()?;
    if let Some(region) = request.phone_region {
        let region = region.as_deref().map(PhoneRegion::parse).transpose()?;
        let before = app.phone_region().await?;
        app.store
            .write(move |conn| {
                let now = kefu_domain::time::now();
                // "None" is stored as an empty value, so it also overrides a configured default.
                let stored = region.as_ref().map_or("", PhoneRegion::code);
                settings::set(conn, settings::PHONE_REGION, Some(stored), now)?;
                audit::record_by(
                    conn,
                    &origin,
                    AuditAction::SettingsChanged,
                    &actor,
                    None,
                    Some(serde_json::json!({
                        "phone_region": {
                            "from": before.map(|r| r.code().to_owned()),
                            "to": region.map(|r| r.code().to_owned()),
                        }
                    })),
                    now,
                )?;
                Ok::<_, AppError>(())
            })
            .await?;
        app.settings_changed();
    }
    Ok(Changed::new(show(app, actor).await?, Vec::new()))
}
