//! Which stages a widget's visitors can chat about now, and telling the widgets open in
//! browsers when that changes (an agent comes online or leaves, chat opens or closes), so a
//! visitor looking at the offline form sees the chat open without reloading.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kefu_api_types::chat::ServerFrame;
use kefu_domain::chat::team_takes_chats;
use kefu_domain::ids::{TeamId, WidgetId};
use kefu_domain::ticket::Stage;
use kefu_domain::time;
use kefu_domain::widget::Widget;
use kefu_store::DbConnection;
use kefu_store::chat::{conversations, team_settings, widgets};

use crate::App;
use crate::chat::events::{Audience, ChatEvent};
use crate::error::AppError;

/// The stages a widget's visitors may start a chat about now (chat open and someone of the
/// team online); the others get the offline form.
pub async fn open_stages(app: &App, widget: WidgetId) -> Result<Vec<Stage>, AppError> {
    app.store
        .read(move |conn| {
            let widget = widgets::find(conn, widget)?;
            open_stages_of(conn, &widget, time::now(), &mut HashMap::new())
        })
        .await
}

/// `widget`'s open stages at `now`; `known` remembers each team's answer across widgets.
fn open_stages_of(
    conn: &mut DbConnection,
    widget: &Widget,
    now: DateTime<Utc>,
    known: &mut HashMap<TeamId, bool>,
) -> Result<Vec<Stage>, AppError> {
    let mut open = Vec::new();
    for stage in widget.teams.stages() {
        let Some(team) = widget.teams.team_for(stage) else {
            continue;
        };
        let takes = match known.get(&team) {
            Some(takes) => *takes,
            None => {
                let settings = team_settings::get(conn, team)?;
                let agents = conversations::loads(conn, team, now)?;
                let takes = team_takes_chats(&settings, &agents);
                known.insert(team, takes);
                takes
            }
        };
        if takes {
            open.push(stage);
        }
    }
    Ok(open)
}

/// For each widget that sends a stage to one of `teams`, what its visitors can chat about now,
/// for the visitors on it.
pub fn changed(conn: &mut DbConnection, teams: &[TeamId]) -> Result<Vec<ChatEvent>, AppError> {
    if teams.is_empty() {
        return Ok(Vec::new());
    }
    let now = time::now();
    let mut known = HashMap::new();
    let mut events = Vec::new();
    for widget in widgets::list(conn)? {
        let affected = widget.teams.stages().into_iter().any(|stage| {
            widget
                .teams
                .team_for(stage)
                .is_some_and(|t| teams.contains(&t))
        });
        if affected {
            events.push(of_widget(conn, &widget, now, &mut known)?);
        }
    }
    Ok(events)
}

/// What `widget`'s visitors can chat about now, for them (after its teams changed).
pub fn for_widget(conn: &mut DbConnection, widget: &Widget) -> Result<ChatEvent, AppError> {
    of_widget(conn, widget, time::now(), &mut HashMap::new())
}

fn of_widget(
    conn: &mut DbConnection,
    widget: &Widget,
    now: DateTime<Utc>,
    known: &mut HashMap<TeamId, bool>,
) -> Result<ChatEvent, AppError> {
    let open_stages = open_stages_of(conn, widget, now, known)?;
    Ok(ChatEvent::new(
        Audience::Widget(widget.id),
        ServerFrame::Availability { open_stages },
    ))
}

/// [`changed`], read on its own once a change is committed.
pub async fn changed_for(app: &App, teams: Vec<TeamId>) -> Result<Vec<ChatEvent>, AppError> {
    app.store.read(move |conn| changed(conn, &teams)).await
}
