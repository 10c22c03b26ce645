//! Which stages a widget's visitors can chat about now, and noticing when that changes (an
//! agent comes online or leaves, a node holding agents stops, chat opens or closes, a widget's
//! stages go to other teams), so a visitor looking at the offline form sees the chat open
//! without reloading.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kefu_api_types::chat::ServerFrame;
use kefu_api_types::widgets::StageTexts;
use kefu_domain::chat::{ChatTexts, team_takes_chats};
use kefu_domain::ids::{TeamId, WidgetId};
use kefu_domain::ticket::Stage;
use kefu_domain::time;
use kefu_domain::widget::Widget;
use kefu_store::DbConnection;
use kefu_store::chat::{conversations, team_settings, widgets};

use crate::App;
use crate::chat::events::{Audience, ChatEvent};
use crate::error::AppError;

/// The greeting and offline texts of each stage's team on `widget`, for the stages whose team
/// set any.
pub async fn stage_texts(app: &App, widget: WidgetId) -> Result<Vec<StageTexts>, AppError> {
    app.store
        .read(move |conn| {
            let widget = widgets::find(conn, widget)?;
            let mut texts = Vec::new();
            for stage in widget.teams.stages() {
                let Some(team) = widget.teams.team_for(stage) else {
                    continue;
                };
                let set = team_settings::get(conn, team)?.texts;
                if set != ChatTexts::default() {
                    texts.push(StageTexts {
                        stage,
                        greeting_en: set.greeting_en,
                        greeting_zh: set.greeting_zh,
                        offline_en: set.offline_en,
                        offline_zh: set.offline_zh,
                    });
                }
            }
            Ok(texts)
        })
        .await
}

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

/// Every widget's open stages as last seen; each look says which widgets' changed.
#[derive(Debug, Default)]
pub struct Watch {
    seen: Option<HashMap<WidgetId, Vec<Stage>>>,
}

impl Watch {
    /// Looks at every widget now: an `availability` frame for the visitors of each widget
    /// whose open stages changed since the last look (none on the first, as visitors are told
    /// when they connect).
    pub async fn look(&mut self, app: &App) -> Result<Vec<ChatEvent>, AppError> {
        let now_open = app
            .store
            .read(|conn| {
                let now = time::now();
                let mut known = HashMap::new();
                let mut open = HashMap::new();
                for widget in widgets::list(conn)? {
                    let stages = open_stages_of(conn, &widget, now, &mut known)?;
                    open.insert(widget.id, stages);
                }
                Ok::<_, AppError>(open)
            })
            .await?;
        let events = match &self.seen {
            None => Vec::new(),
            Some(seen) => now_open
                .iter()
                .filter(|(widget, stages)| seen.get(widget) != Some(stages))
                .map(|(widget, stages)| {
                    ChatEvent::new(
                        Audience::Widget(*widget),
                        ServerFrame::Availability {
                            open_stages: stages.clone(),
                        },
                    )
                })
                .collect(),
        };
        self.seen = Some(now_open);
        Ok(events)
    }
}
