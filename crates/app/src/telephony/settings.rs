//! How the telephony webhook is set up (admins): on or off, its signing secret (shown once),
//! where tickets for new callers go, and which extension rings on which agent's desk.

use std::collections::HashSet;

use kefu_api_types::telephony::{ExtensionResponse, TelephonyRequest, TelephonyResponse};
use kefu_domain::audit::AuditAction;
use kefu_domain::ids::UserId;
use kefu_domain::permissions::Actor;
use kefu_domain::telephony::{Extension, TelephonySettings};
use kefu_domain::time;
use kefu_store::{DbConnection, settings, telephony, users};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::App;
use crate::audit::{self, Origin};
use crate::error::AppError;
use crate::tickets::triage;
use crate::webhooks::sign;

/// The settings key the webhook's setup is kept under.
const KEY: &str = "telephony";

/// The setup as stored: the settings and the secret.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Stored {
    /// How calls are filed.
    #[serde(flatten)]
    pub settings: TelephonySettings,
    /// The signing secret; none while the webhook is off.
    pub secret: Option<String>,
}

/// The stored setup (off, with the default settings, if never set).
pub(crate) fn read(conn: &mut DbConnection) -> Result<Stored, AppError> {
    match settings::get(conn, KEY)? {
        Some(text) => serde_json::from_str(&text)
            .map_err(|e| AppError::internal(format!("the telephony settings do not read: {e}"))),
        None => Ok(Stored {
            settings: TelephonySettings::default(),
            secret: None,
        }),
    }
}

fn response(
    conn: &mut DbConnection,
    stored: &Stored,
    events_url: String,
    secret: Option<String>,
) -> Result<TelephonyResponse, AppError> {
    let list = telephony::extensions(conn)?;
    let ids: Vec<UserId> = list.iter().map(|(_, u)| *u).collect();
    let names = users::names(conn, &ids)?;
    Ok(TelephonyResponse {
        enabled: stored.secret.is_some(),
        events_url,
        stage: stored.settings.stage,
        team_id: stored.settings.team,
        extensions: list
            .into_iter()
            .map(|(extension, user_id)| ExtensionResponse {
                name: names.get(&user_id).cloned().unwrap_or_default(),
                user_id,
                extension: extension.as_str().to_owned(),
            })
            .collect(),
        secret,
    })
}

/// Where providers send events.
fn events_url(app: &App) -> String {
    format!("{}/api/v1/telephony/events", app.mail.console_url)
}

/// The setup, without the secret (admins).
pub async fn show(app: &App, actor: Actor) -> Result<TelephonyResponse, AppError> {
    actor.may_administer()?;
    let url = events_url(app);
    app.store
        .read(move |conn| {
            let stored = read(conn)?;
            response(conn, &stored, url, None)
        })
        .await
}

/// The extensions asked for, each extension and each agent once.
fn extensions_of(request: &TelephonyRequest) -> Result<Vec<(Extension, UserId)>, AppError> {
    let mut numbers = HashSet::new();
    let mut agents = HashSet::new();
    let mut out = Vec::with_capacity(request.extensions.len());
    for body in &request.extensions {
        let extension = Extension::parse(&body.extension)?;
        if !numbers.insert(extension.clone()) || !agents.insert(body.user_id) {
            return Err(AppError::invalid(
                "duplicate_extension",
                format!(
                    "extension {} is given twice, or its agent has another",
                    extension.as_str()
                ),
            ));
        }
        out.push((extension, body.user_id));
    }
    Ok(out)
}

/// Changes the setup; the answer carries the secret when one was made (turning the webhook on,
/// or asked for). Turning it off forgets the secret. Admins; audited.
pub async fn update(
    app: &App,
    actor: Actor,
    origin: Origin,
    request: TelephonyRequest,
) -> Result<TelephonyResponse, AppError> {
    actor.may_administer()?;
    let extensions = extensions_of(&request)?;
    let url = events_url(app);
    app.store
        .write(move |conn| {
            for (_, user) in &extensions {
                triage::check_assignee(conn, *user)?;
            }
            if let Some(team) = request.team_id {
                triage::check_team(conn, team)?;
            }
            let before = read(conn)?;
            let secret = match (request.enabled, &before.secret) {
                (false, _) => None,
                (true, Some(kept)) if !request.new_secret => Some(kept.clone()),
                (true, _) => Some(sign::new_secret()),
            };
            let made = secret.is_some() && secret != before.secret;
            let stored = Stored {
                settings: TelephonySettings {
                    stage: request.stage,
                    team: request.team_id,
                },
                secret: secret.clone(),
            };
            let text = serde_json::to_string(&stored)
                .map_err(|e| AppError::internal(format!("the telephony settings: {e}")))?;
            let now = time::now();
            settings::set(conn, KEY, Some(&text), now)?;
            telephony::replace_extensions(conn, &extensions)?;
            audit::record_by(
                conn,
                &origin,
                AuditAction::TelephonyChanged,
                &actor,
                None,
                Some(json!({
                    "enabled": request.enabled,
                    "stage": request.stage,
                    "team": request.team_id,
                    "extensions": extensions.len(),
                    "new_secret": made,
                })),
                now,
            )?;
            response(conn, &stored, url, if made { secret } else { None })
        })
        .await
}
