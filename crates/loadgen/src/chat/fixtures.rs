//! The benchmark's fixtures, written straight into the server's database with Kefu's own use
//! cases: a team that takes chats, its agents, and a widget for the bench's "website".

use anyhow::Context;
use kefu_app::accounts::create_user::{NewAccount, create_account};
use kefu_app::audit::Origin;
use kefu_app::chat::identity;
use kefu_app::{App, SessionPolicy};
use kefu_domain::chat::ChatSettings;
use kefu_domain::ids::{TeamId, WidgetId};
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_domain::widget::{Colour, SiteOrigin, StageTeams, Widget, WidgetPosition};
use kefu_store::chat::{team_settings, widgets};
use kefu_store::{Store, StoreConfig, teams, users};

/// The bench's website, on the widget's list.
pub const SITE: &str = "http://bench.local";
/// The console origin the gateway allows by default.
pub const CONSOLE: &str = "http://localhost:8080";
const TEAM: &str = "Bench chat";

/// The fixtures of one run.
pub struct Fixtures {
    /// Kefu's use cases over the server's database.
    pub app: App,
    /// The team's agents.
    pub agents: Vec<Actor>,
    /// The widget visitors chat through.
    pub widget: WidgetId,
    /// The team.
    pub team: TeamId,
    /// This run's mark in visitor keys, so every run has visitors of its own.
    run: u32,
}

impl Fixtures {
    /// Makes this run's team with `agents` agents (each serving up to `capacity` chats) and
    /// its widget, in the database at `url`. Every run has its own, so chats an earlier run
    /// left open take nobody's capacity.
    pub async fn ensure(url: &str, agents: usize, capacity: u32) -> anyhow::Result<Self> {
        let run: u32 = rand::random();
        let team_name = format!("{TEAM} {run:08x}");
        let store = Store::open(&StoreConfig {
            url: url.to_owned(),
            ..StoreConfig::default()
        })
        .await
        .context("opening the server's database")?;
        let app = App::new(store, None, SessionPolicy::default())?;
        let team = app
            .store
            .read(teams::list)
            .await?
            .into_iter()
            .find(|t| t.name == team_name)
            .map(|t| t.id);
        let team = match team {
            Some(team) => team,
            None => {
                let team = kefu_domain::account::Team {
                    id: TeamId::new(),
                    name: team_name.clone(),
                    description: None,
                    members: Vec::new(),
                    phone_line: None,
                    assign_on_reply: true,
                    created_at: kefu_domain::time::now(),
                };
                let id = team.id;
                app.store.write(move |c| teams::insert(c, &team)).await?;
                id
            }
        };
        let mut actors = Vec::with_capacity(agents);
        for i in 0..agents {
            let email = format!("bench-{run:08x}-agent-{i}@example.com");
            let lookup = kefu_domain::email::EmailAddress::parse(&email)?;
            let found = app
                .store
                .read(move |c| users::credentials(c, &lookup))
                .await?;
            let user = match found {
                Some(found) => found.user.id,
                None => {
                    let account =
                        NewAccount::parse(&email, &format!("Bench agent {i}"), Role::Agent, None)?;
                    let created = create_account(&app, None, Origin::cli(), account, None).await?;
                    app.published(created).id
                }
            };
            actors.push(Actor {
                user,
                role: Role::Agent,
                customer: None,
            });
        }
        let members: Vec<_> = actors.iter().map(|a| a.user).collect();
        let settings = ChatSettings::new(true, capacity, 600)?;
        app.store
            .write(move |c| {
                teams::set_members(c, team, &members, kefu_domain::time::now())?;
                team_settings::set(c, team, &settings)
            })
            .await?;
        let existing = app.store.read(widgets::list).await?;
        let widget = match existing.iter().find(|w| w.name == team_name) {
            Some(w) => w.id,
            None => {
                let widget = Widget {
                    id: WidgetId::new(),
                    name: team_name.clone(),
                    origins: vec![SiteOrigin::parse(SITE)?],
                    colour: Colour::default(),
                    position: WidgetPosition::Right,
                    greeting_en: None,
                    greeting_zh: None,
                    teams: StageTeams {
                        pre_sale: Some(team),
                        in_sale: Some(team),
                        after_sale: Some(team),
                    },
                    created_at: kefu_domain::time::now(),
                };
                let id = widget.id;
                app.store
                    .write(move |c| widgets::insert(c, &widget))
                    .await?;
                id
            }
        };
        Ok(Self {
            app,
            agents: actors,
            widget,
            team,
            run,
        })
    }

    /// A visitor session token for the `n`th bench visitor.
    pub async fn visitor_token(&self, n: usize) -> anyhow::Result<String> {
        let key = format!("bench-visitor-{:0>10}-{n:0>20}", self.run);
        Ok(
            identity::start_visitor_session(&self.app, self.widget, &key, SITE)
                .await?
                .token,
        )
    }

    /// A single-use socket ticket for `agent`.
    pub async fn agent_ticket(&self, agent: Actor) -> anyhow::Result<String> {
        Ok(identity::issue_socket_ticket(&self.app, agent).await?.0)
    }
}
