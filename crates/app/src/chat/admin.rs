//! What admins set up for live chat: each team's chat settings, and the widgets embedded on
//! the business's websites. Every change is in the audit log.

use kefu_api_types::widgets::{ChatSettingsBody, WidgetRequest, WidgetResponse};
use kefu_domain::audit::AuditAction;
use kefu_domain::chat::{ChatSettings, ChatTexts};
use kefu_domain::ids::{TeamId, WidgetId};
use kefu_domain::permissions::Actor;
use kefu_domain::widget::{Colour, StageTeams, Widget, WidgetPosition, parse_origins};
use kefu_domain::{text, time};
use kefu_store::chat::{team_settings, widgets};
use kefu_store::{DbConnection, teams};

use crate::App;
use crate::audit::{self, Origin, Target};
use crate::changes::{Change, Changed};
use crate::error::AppError;

/// A team's chat settings as the API shows them.
pub fn settings_body(s: &ChatSettings) -> ChatSettingsBody {
    ChatSettingsBody {
        open: s.open,
        capacity: s.capacity,
        grace_seconds: u32::try_from(s.grace.as_secs()).unwrap_or(u32::MAX),
        greeting_en: s.texts.greeting_en.clone(),
        greeting_zh: s.texts.greeting_zh.clone(),
        offline_en: s.texts.offline_en.clone(),
        offline_zh: s.texts.offline_zh.clone(),
    }
}

/// A team's chat settings; staff may read them.
pub async fn chat_settings(
    app: &App,
    actor: Actor,
    team: TeamId,
) -> Result<ChatSettingsBody, AppError> {
    actor.may_work_tickets()?;
    let settings = app
        .store
        .read(move |conn| team_settings::get(conn, team))
        .await
        .map_err(AppError::not_found_as("team"))?;
    Ok(settings_body(&settings))
}

/// Replaces a team's chat settings (admins).
pub async fn set_chat_settings(
    app: &App,
    actor: Actor,
    origin: Origin,
    team: TeamId,
    body: ChatSettingsBody,
) -> Result<Changed<ChatSettingsBody>, AppError> {
    actor.may_administer()?;
    let mut settings = ChatSettings::new(body.open, body.capacity, body.grace_seconds)?;
    settings.texts = ChatTexts::new(
        body.greeting_en.as_deref(),
        body.greeting_zh.as_deref(),
        body.offline_en.as_deref(),
        body.offline_zh.as_deref(),
    )?;
    let saved = settings.clone();
    app.store
        .write(move |conn| {
            let before = team_settings::get(conn, team).map_err(AppError::not_found_as("team"))?;
            team_settings::set(conn, team, &settings)?;
            let name = teams::names(conn, &[team])?
                .remove(&team)
                .unwrap_or_default();
            let detail = audit::differences([
                ("open", before.open.into(), settings.open.into()),
                ("capacity", before.capacity.into(), settings.capacity.into()),
                (
                    "grace_seconds",
                    before.grace.as_secs().into(),
                    settings.grace.as_secs().into(),
                ),
                (
                    "texts",
                    serde_json::to_value(settings_body(&before)).unwrap_or_default(),
                    serde_json::to_value(settings_body(&settings)).unwrap_or_default(),
                ),
            ]);
            audit::record_by(
                conn,
                &origin,
                AuditAction::ChatSettingsChanged,
                &actor,
                Some(Target::new("team", team, name)),
                detail,
                time::now(),
            )?;
            Ok::<_, AppError>(())
        })
        .await?;
    Ok(Changed::new(
        settings_body(&saved),
        vec![Change::Team { id: team }],
    ))
}

/// The `<script>` tag that embeds a widget served by `public_url`.
pub fn snippet(public_url: &str, id: WidgetId) -> String {
    format!(
        "<script src=\"{}/widget.js\" data-kefu-widget=\"{id}\" async></script>",
        public_url.trim_end_matches('/')
    )
}

/// A widget as the API shows it.
pub fn widget_response(w: &Widget, public_url: &str) -> WidgetResponse {
    WidgetResponse {
        id: w.id,
        name: w.name.clone(),
        origins: w.origins.iter().map(ToString::to_string).collect(),
        colour: w.colour.as_str().to_owned(),
        position: w.position,
        greeting_en: w.greeting_en.clone(),
        greeting_zh: w.greeting_zh.clone(),
        pre_sale_team_id: w.teams.pre_sale,
        in_sale_team_id: w.teams.in_sale,
        after_sale_team_id: w.teams.after_sale,
        snippet: snippet(public_url, w.id),
        created_at: w.created_at,
    }
}

fn parse_widget(
    id: WidgetId,
    request: WidgetRequest,
    created_at: chrono::DateTime<chrono::Utc>,
) -> Result<Widget, AppError> {
    let greeting =
        |field, v: Option<&str>| text::optional(field, v, kefu_domain::chat::TEXT_MAX, true);
    Ok(Widget {
        id,
        name: text::name("name", &request.name)?,
        origins: parse_origins(&request.origins)?,
        colour: request
            .colour
            .as_deref()
            .map(Colour::parse)
            .transpose()?
            .unwrap_or_default(),
        position: request.position.unwrap_or(WidgetPosition::Right),
        greeting_en: greeting("greeting_en", request.greeting_en.as_deref())?,
        greeting_zh: greeting("greeting_zh", request.greeting_zh.as_deref())?,
        teams: StageTeams {
            pre_sale: request.pre_sale_team_id,
            in_sale: request.in_sale_team_id,
            after_sale: request.after_sale_team_id,
        },
        created_at,
    })
}

fn check_teams(conn: &mut DbConnection, teams_of: &StageTeams) -> Result<(), AppError> {
    for team in [teams_of.pre_sale, teams_of.in_sale, teams_of.after_sale]
        .into_iter()
        .flatten()
    {
        if !teams::exists(conn, team)? {
            return Err(AppError::invalid(
                "invalid_team",
                format!("there is no team {team}"),
            ));
        }
    }
    if teams_of.stages().is_empty() {
        return Err(AppError::invalid(
            "team_required",
            "name the team for at least one stage",
        ));
    }
    Ok(())
}

/// Every widget; staff may read them (agents copy the snippet too).
pub async fn list_widgets(app: &App, actor: Actor) -> Result<Vec<Widget>, AppError> {
    actor.may_work_tickets()?;
    Ok(app.store.read(widgets::list).await?)
}

/// One widget.
pub async fn show_widget(app: &App, actor: Actor, id: WidgetId) -> Result<Widget, AppError> {
    actor.may_work_tickets()?;
    app.store
        .read(move |conn| widgets::find(conn, id))
        .await
        .map_err(AppError::not_found_as("widget"))
}

/// Sets up a widget (admins).
pub async fn create_widget(
    app: &App,
    actor: Actor,
    origin: Origin,
    request: WidgetRequest,
) -> Result<Widget, AppError> {
    actor.may_administer()?;
    let widget = parse_widget(WidgetId::new(), request, time::now())?;
    app.store
        .write(move |conn| {
            check_teams(conn, &widget.teams)?;
            widgets::insert(conn, &widget)?;
            audit::record_by(
                conn,
                &origin,
                AuditAction::WidgetCreated,
                &actor,
                Some(Target::new("widget", widget.id, widget.name.clone())),
                Some(serde_json::json!({ "origins": widget.origins.iter().map(ToString::to_string).collect::<Vec<_>>() })),
                time::now(),
            )?;
            Ok(widget)
        })
        .await
}

/// Replaces a widget's setup (admins).
pub async fn update_widget(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: WidgetId,
    request: WidgetRequest,
) -> Result<Widget, AppError> {
    actor.may_administer()?;
    app.store
        .write(move |conn| {
            let before = widgets::find(conn, id).map_err(AppError::not_found_as("widget"))?;
            let widget = parse_widget(id, request, before.created_at)?;
            check_teams(conn, &widget.teams)?;
            widgets::update(conn, &widget)?;
            let list = |w: &Widget| -> serde_json::Value {
                w.origins
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .into()
            };
            let detail = audit::differences([
                (
                    "name",
                    before.name.clone().into(),
                    widget.name.clone().into(),
                ),
                ("origins", list(&before), list(&widget)),
                (
                    "colour",
                    before.colour.as_str().into(),
                    widget.colour.as_str().into(),
                ),
            ]);
            audit::record_by(
                conn,
                &origin,
                AuditAction::WidgetUpdated,
                &actor,
                Some(Target::new("widget", id, widget.name.clone())),
                detail,
                time::now(),
            )?;
            Ok(widget)
        })
        .await
}

/// Deletes a widget (admins); its visitors' tickets stay.
pub async fn delete_widget(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: WidgetId,
) -> Result<(), AppError> {
    actor.may_administer()?;
    app.store
        .write(move |conn| {
            let before = widgets::find(conn, id).map_err(AppError::not_found_as("widget"))?;
            widgets::delete(conn, id)?;
            audit::record_by(
                conn,
                &origin,
                AuditAction::WidgetDeleted,
                &actor,
                Some(Target::new("widget", id, before.name)),
                None,
                time::now(),
            )?;
            Ok(())
        })
        .await
}
