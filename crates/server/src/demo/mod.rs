//! `kefu demo seed`: realistic demo data in English and Chinese — teams, agents, customers, and
//! tickets across every stage, channel, status and priority with their messages and calls.
//!
//! Tickets are written in batches, one transaction and a few multi-row statements per batch,
//! so a million tickets load in minutes.

mod ratings;
mod routing;
mod service_levels;
mod vendors;
mod visits;
mod words;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use kefu_domain::account::{Customer, Team, User};
use kefu_domain::call::{CallDetails, CallDirection, CallLog, CallOutcome};
use kefu_domain::email::EmailAddress;
use kefu_domain::ids::WidgetId;
use kefu_domain::ids::{CallId, CustomerId, MessageId, TeamId, TicketId, UserId};
use kefu_domain::message::{AuthorKind, Message, MessageKind, Visibility};
use kefu_domain::password::Password;
use kefu_domain::phone::PhoneNumber;
use kefu_domain::role::Role;
use kefu_domain::tag::Tag;
use kefu_domain::ticket::{Channel, Priority, Stage, Status, Ticket, TicketNumber};
use kefu_domain::widget::{Colour, SiteOrigin, StageTeams, Widget, WidgetPosition};
use kefu_store::chat::widgets;
use kefu_store::dialect;
use kefu_store::search::SearchEntry;
use kefu_store::search::index as search_index;
use kefu_store::{Store, calls, customers, messages, settings, teams, tickets, users};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use words::*;

/// What to seed.
#[derive(Clone, Debug)]
pub struct SeedOptions {
    /// How many tickets to add.
    pub tickets: u64,
    /// Tickets per transaction.
    pub batch: usize,
    /// The random seed, so that runs can be repeated.
    pub seed: u64,
    /// The address Kefu is served at: the demo shop's widget runs there too.
    pub site: String,
}

/// What was seeded.
#[derive(Clone, Debug, Default)]
pub struct SeedReport {
    /// Teams created or reused.
    pub teams: usize,
    /// Demo agents created or reused.
    pub agents: usize,
    /// The demo agents' password, if they were created by this run.
    pub agent_password: Option<String>,
    /// The first demo agent's sign-in address.
    pub agent_email: String,
    /// Each demo team's name with the sign-in address of an agent in it (chats of a stage go
    /// to its team's agents).
    pub team_agents: Vec<(String, String)>,
    /// Customers created.
    pub customers: usize,
    /// Tickets created.
    pub tickets: u64,
    /// Timeline entries created.
    pub messages: u64,
    /// Call logs created.
    pub calls: u64,
    /// Vendors, their users and escalations.
    pub vendors: vendors::VendorReport,
    /// Field-service visits created.
    pub visits: usize,
    /// SLA policies in place.
    pub sla_policies: usize,
    /// Shared macros added.
    pub macros: usize,
    /// Routing rules added.
    pub routing_rules: usize,
    /// Triggers added.
    pub triggers: usize,
    /// Agents' phone extensions set.
    pub extensions: usize,
    /// Satisfaction ratings written.
    pub ratings: usize,
}

/// A team of the demo business, with the stage it mostly handles.
struct DemoTeam {
    id: TeamId,
    stage: Stage,
}

const TEAMS: &[(&str, &str, Stage)] = &[
    (
        "Pre-sales",
        "Product questions and quotes · 售前咨询与报价",
        Stage::PreSale,
    ),
    (
        "Orders",
        "Orders, payment and delivery · 订单、付款与配送",
        Stage::InSale,
    ),
    (
        "After-sales support",
        "Returns, warranty, repair, installation, maintenance and training · 退换货、保修、维修、安装、维护与培训",
        Stage::AfterSale,
    ),
];

const AGENTS: &[(&str, &str)] = &[
    ("Li Wei", "li.wei"),
    ("王芳", "wang.fang"),
    ("Emma Walker", "emma.walker"),
    ("张伟", "zhang.wei"),
    ("Noah Hughes", "noah.hughes"),
    ("陈静", "chen.jing"),
    ("Grace Hall", "grace.hall"),
    ("刘洋", "liu.yang"),
    ("Lucas Green", "lucas.green"),
    ("赵敏", "zhao.min"),
    ("Amelia Wright", "amelia.wright"),
    ("周杰", "zhou.jie"),
];

/// The domain of demo accounts and customers (reserved for examples by RFC 2606).
const DEMO_DOMAIN: &str = "example.com";

/// Seeds demo data; calls `progress` with the number of tickets written so far.
pub async fn seed(
    store: &Store,
    options: &SeedOptions,
    progress: impl Fn(u64),
) -> anyhow::Result<SeedReport> {
    let mut rng = StdRng::seed_from_u64(options.seed);
    let mut report = SeedReport::default();
    let demo_teams = ensure_teams(store).await?;
    report.teams = demo_teams.len();
    ensure_widget(store, &demo_teams, &options.site).await?;
    let (agents, password) = ensure_agents(store, &demo_teams).await?;
    report.agents = agents.len();
    report.agent_password = password;
    report.agent_email = format!("{}@support.{DEMO_DOMAIN}", AGENTS[0].1);
    // Agent i is in team i mod the number of teams (see `ensure_agents`).
    report.team_agents = TEAMS
        .iter()
        .zip(AGENTS)
        .map(|((team, _, _), (_, local))| {
            ((*team).to_owned(), format!("{local}@support.{DEMO_DOMAIN}"))
        })
        .collect();

    let customer_count = (options.tickets / 8).clamp(50, 200_000) as usize;
    let run = rng.random::<u32>();
    let people: Vec<Customer> = (0..customer_count)
        .map(|i| customer(&mut rng, run, i))
        .collect::<anyhow::Result<_>>()?;
    for chunk in people.chunks(2_000) {
        let chunk = chunk.to_vec();
        store
            .write(move |conn| customers::insert_many(conn, &chunk))
            .await
            .context("writing customers")?;
    }
    report.customers = people.len();
    let requesters: Vec<(CustomerId, Option<PhoneNumber>)> = people
        .iter()
        .map(|c| (c.id, c.phones.first().cloned()))
        .collect();
    drop(people);

    let book = std::sync::Arc::new(service_levels::ensure(store).await?);
    report.sla_policies = book.policies.len();
    report.macros = service_levels::ensure_macros(store).await?;
    report.routing_rules =
        routing::ensure(store, demo_teams.iter().map(|t| t.id).collect()).await?;
    report.triggers = routing::ensure_triggers(store).await?;
    report.extensions =
        routing::ensure_extensions(store, agents.iter().map(|(a, _)| *a).collect()).await?;
    let now = kefu_domain::time::now();
    let mut written = 0u64;
    while written < options.tickets {
        let size = (options.tickets - written).min(options.batch as u64) as usize;
        let seed = rng.random::<u64>();
        let batch_teams: Vec<(TeamId, Stage)> =
            demo_teams.iter().map(|t| (t.id, t.stage)).collect();
        let agents = agents.clone();
        let book = book.clone();
        let requesters_sample: Vec<(CustomerId, Option<PhoneNumber>)> = (0..size)
            .map(|_| requesters[rng.random_range(0..requesters.len())].clone())
            .collect();
        let (messages_written, calls_written) = store
            .write(move |conn| {
                let numbers = dialect::next_ticket_numbers(conn, size)?;
                let mut rng = StdRng::seed_from_u64(seed);
                let mut batch = Batch::default();
                for (number, requester) in numbers.into_iter().zip(requesters_sample) {
                    batch.add(&mut rng, number, requester, &batch_teams, &agents, now)?;
                }
                let clocks = service_levels::clocks_of(&book, &mut batch.tickets);
                // Clocks first (their tickets are checked at commit): a ticket written after
                // its clock takes up its service-level flag as it is inserted, where a clock
                // written after its ticket would update the ticket again.
                kefu_store::sla::clocks::insert_many(conn, &clocks, now)?;
                tickets::insert_many(conn, &batch.tickets)?;
                messages::insert_many(conn, &batch.messages)?;
                calls::insert_many(conn, &batch.calls)?;
                search_index::write(conn, &batch.entries)?;
                Ok::<_, anyhow::Error>((batch.messages.len() as u64, batch.calls.len() as u64))
            })
            .await
            .context("writing tickets")?;
        written += size as u64;
        report.messages += messages_written;
        report.calls += calls_written;
        progress(written);
        // The report summary's changes are folded as the server would, so they never pile up.
        if written % FOLD_EVERY < size as u64 {
            store
                .write(kefu_store::reports::fold)
                .await
                .context("folding the report summary")?;
        }
    }
    report.tickets = written;
    report.ratings = ratings::seed(store, options.seed).await?;
    if let Some((first_agent, _)) = agents.first() {
        report.vendors = vendors::seed(store, *first_agent).await?;
        report.visits = visits::seed(store, *first_agent).await?;
    }
    store
        .write(search_index::optimize)
        .await
        .context("merging the search index")?;
    store
        .write(kefu_store::reports::fold)
        .await
        .context("folding the report summary")?;
    store
        .write(dialect::analyze)
        .await
        .context("refreshing planner statistics")?;
    Ok(report)
}

/// How many tickets the seed writes between folds of the report summary.
const FOLD_EVERY: u64 = 50_000;

/// Each demo team's own line, in the order of [`TEAMS`].
const TEAM_LINES: [&str; 3] = ["+86 21 5555 0100", "+86 21 5555 0101", "+86 21 5555 0102"];

/// The demo business is in China: national numbers are read and shown as Chinese ones, unless
/// an admin chose another region already.
async fn ensure_phone_region(store: &Store) -> anyhow::Result<()> {
    store
        .write(|conn| {
            if settings::get(conn, settings::PHONE_REGION)?.is_none() {
                settings::set(
                    conn,
                    settings::PHONE_REGION,
                    Some("CN"),
                    kefu_domain::time::now(),
                )?;
            }
            Ok::<_, anyhow::Error>(())
        })
        .await
}

/// The demo shop's chat widget (served at `/demo`), on the local addresses `kefu serve`
/// answers at by default and on `site` (where this Kefu is configured to be served), each
/// stage to its demo team; made once.
async fn ensure_widget(store: &Store, demo_teams: &[DemoTeam], site: &str) -> anyhow::Result<()> {
    let team_for = |stage: Stage| demo_teams.iter().find(|t| t.stage == stage).map(|t| t.id);
    let mut origins: Vec<SiteOrigin> = ["http://localhost:8080", "http://127.0.0.1:8080"]
        .iter()
        .map(|o| SiteOrigin::parse(o))
        .collect::<Result<_, _>>()?;
    // A site that is no origin a browser sends (such as port 0, "any free port") is left out.
    if let Ok(own) = SiteOrigin::parse(site)
        && !origins.contains(&own)
    {
        origins.push(own);
    }
    let widget = Widget {
        id: WidgetId::new(),
        name: DEMO_WIDGET.into(),
        origins,
        colour: Colour::default(),
        position: WidgetPosition::Right,
        greeting_en: Some("Hello! Ask us anything about our kettles.".into()),
        greeting_zh: Some("您好！关于水壶的任何问题都可以问我们。".into()),
        teams: StageTeams {
            pre_sale: team_for(Stage::PreSale),
            in_sale: team_for(Stage::InSale),
            after_sale: team_for(Stage::AfterSale),
        },
        created_at: kefu_domain::time::now(),
    };
    store
        .write(move |conn| {
            if !widgets::list(conn)?.iter().any(|w| w.name == DEMO_WIDGET) {
                widgets::insert(conn, &widget)?;
            }
            Ok::<_, anyhow::Error>(())
        })
        .await
        .context("writing the demo widget")
}

/// The demo widget's name.
const DEMO_WIDGET: &str = "Demo shop · 演示商店";

async fn ensure_teams(store: &Store) -> anyhow::Result<Vec<DemoTeam>> {
    ensure_phone_region(store).await?;
    let existing = store.read(teams::list).await?;
    let mut out = Vec::new();
    for ((name, description, stage), line) in TEAMS.iter().zip(TEAM_LINES) {
        let id = match existing.iter().find(|t| t.name == *name) {
            Some(team) => team.id,
            None => {
                let team = Team {
                    id: TeamId::new(),
                    name: (*name).into(),
                    description: Some((*description).into()),
                    members: Vec::new(),
                    phone_line: Some(PhoneNumber::parse(line, None)?),
                    assign_on_reply: true,
                    created_at: kefu_domain::time::now(),
                };
                let id = team.id;
                store.write(move |conn| teams::insert(conn, &team)).await?;
                id
            }
        };
        out.push(DemoTeam { id, stage: *stage });
    }
    Ok(out)
}

/// The demo agents, created with a fresh random password if they do not exist yet.
async fn ensure_agents(
    store: &Store,
    demo_teams: &[DemoTeam],
) -> anyhow::Result<(Vec<(UserId, TeamId)>, Option<String>)> {
    let password_text = format!("demo-{:016x}", rand::random::<u64>());
    let password = Password::parse(&password_text).map_err(anyhow::Error::msg)?;
    let hash = tokio::task::spawn_blocking(move || kefu_app::passwords::hash_blocking(&password))
        .await??;
    let team_ids: Vec<TeamId> = demo_teams.iter().map(|t| t.id).collect();
    let (agents, created) = store
        .write(move |conn| {
            let mut out = Vec::new();
            let mut created = false;
            let mut members: Vec<Vec<UserId>> = vec![Vec::new(); team_ids.len()];
            for (i, (name, local)) in AGENTS.iter().enumerate() {
                let email = EmailAddress::parse(&format!("{local}@support.{DEMO_DOMAIN}"))?;
                let id = match users::credentials(conn, &email)? {
                    Some(found) => found.user.id,
                    None => {
                        let user = User {
                            id: UserId::new(),
                            email,
                            name: (*name).into(),
                            role: Role::Agent,
                            active: true,
                            locale: Some(if name.is_ascii() { "en" } else { "zh-CN" }.into()),
                            created_at: kefu_domain::time::now(),
                        };
                        users::insert(conn, &user, Some(&hash))?;
                        created = true;
                        user.id
                    }
                };
                let team = i % team_ids.len();
                members[team].push(id);
                out.push((id, team_ids[team]));
            }
            if created {
                for (team, ids) in team_ids.iter().zip(&members) {
                    teams::set_members(conn, *team, ids, kefu_domain::time::now())?;
                }
            }
            Ok::<_, anyhow::Error>((out, created))
        })
        .await?;
    Ok((agents, created.then_some(password_text)))
}

fn customer(rng: &mut StdRng, run: u32, index: usize) -> anyhow::Result<Customer> {
    let chinese = rng.random_bool(0.5);
    let (name, local) = if chinese {
        let family = FAMILY_ZH.choose(rng).copied().unwrap_or("王");
        let given = GIVEN_ZH.choose(rng).copied().unwrap_or("伟");
        (format!("{family}{given}"), format!("kehu{run:x}.{index}"))
    } else {
        let given = GIVEN_EN.choose(rng).copied().unwrap_or("Sam");
        let family = FAMILY_EN.choose(rng).copied().unwrap_or("Lee");
        (
            format!("{given} {family}"),
            format!(
                "{}.{}.{run:x}.{index}",
                given.to_lowercase(),
                family.to_lowercase()
            ),
        )
    };
    let email =
        EmailAddress::parse(&format!("{local}@{DEMO_DOMAIN}")).map_err(anyhow::Error::msg)?;
    let phone = if chinese {
        format!("+86138{:08}", rng.random_range(0..100_000_000u32))
    } else {
        format!("+1415555{:04}", rng.random_range(100..200u32))
    };
    Ok(Customer {
        id: CustomerId::new(),
        name,
        organisation: rng
            .random_bool(0.4)
            .then(|| ORGANISATIONS.choose(rng).map(|o| (*o).to_owned()))
            .flatten(),
        emails: vec![email],
        phones: vec![PhoneNumber::from_stored(phone)],
        user: None,
        created_at: kefu_domain::time::now(),
    })
}

/// One batch of tickets and everything on them.
#[derive(Default)]
struct Batch {
    tickets: Vec<Ticket>,
    messages: Vec<Message>,
    calls: Vec<CallLog>,
    entries: Vec<SearchEntry>,
}

fn pick<T: Copy>(rng: &mut StdRng, weighted: &[(T, u32)]) -> T {
    let total: u32 = weighted.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total);
    for (value, weight) in weighted {
        if roll < *weight {
            return *value;
        }
        roll -= weight;
    }
    weighted[0].0
}

fn fill(template: &str, rng: &mut StdRng, chinese: bool) -> String {
    let product = if chinese { PRODUCTS_ZH } else { PRODUCTS_EN };
    template
        .replace("{p}", product.choose(rng).copied().unwrap_or_default())
        .replace(
            "{n}",
            &format!("SO-{}", rng.random_range(100_000..999_999u32)),
        )
}

impl Batch {
    fn add(
        &mut self,
        rng: &mut StdRng,
        number: i64,
        (requester, phone): (CustomerId, Option<PhoneNumber>),
        demo_teams: &[(TeamId, Stage)],
        agents: &[(UserId, TeamId)],
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let chinese = rng.random_bool(0.5);
        let stage = pick(
            rng,
            &[
                (Stage::PreSale, 30),
                (Stage::InSale, 30),
                (Stage::AfterSale, 40),
            ],
        );
        let channel = pick(
            rng,
            &[
                (Channel::Email, 40),
                (Channel::Chat, 25),
                (Channel::Phone, 20),
                (Channel::Web, 12),
                (Channel::Api, 3),
            ],
        );
        let status = pick(
            rng,
            &[
                (Status::New, 8),
                (Status::Open, 15),
                (Status::Pending, 7),
                (Status::OnHold, 5),
                (Status::Solved, 25),
                (Status::Closed, 40),
            ],
        );
        let priority = pick(
            rng,
            &[
                (Priority::Low, 15),
                (Priority::Normal, 60),
                (Priority::High, 20),
                (Priority::Urgent, 5),
            ],
        );
        let templates = match (stage, chinese) {
            (Stage::PreSale, false) => PRE_SALE_EN,
            (Stage::PreSale, true) => PRE_SALE_ZH,
            (Stage::InSale, false) => IN_SALE_EN,
            (Stage::InSale, true) => IN_SALE_ZH,
            (Stage::AfterSale, false) => AFTER_SALE_EN,
            (Stage::AfterSale, true) => AFTER_SALE_ZH,
        };
        let subject = fill(
            templates.choose(rng).copied().unwrap_or("Question"),
            rng,
            chinese,
        );
        let team = demo_teams
            .iter()
            .find(|(_, s)| *s == stage)
            .map(|(id, _)| *id)
            .filter(|_| rng.random_bool(0.95));
        let team_agents: Vec<UserId> = agents
            .iter()
            .filter(|(_, t)| Some(*t) == team)
            .map(|(a, _)| *a)
            .collect();
        let assignee = match status {
            Status::New => None,
            _ if rng.random_bool(0.9) => team_agents
                .choose(rng)
                .or_else(|| agents.choose(rng).map(|(a, _)| a))
                .copied(),
            _ => None,
        };
        let created_at = now - Duration::seconds(rng.random_range(3_600..365 * 86_400));
        let id = TicketId::new();
        let mut at = created_at;
        let mut entries = Vec::new();
        let first = if chinese {
            CUSTOMER_FIRST_ZH
        } else {
            CUSTOMER_FIRST_EN
        };
        entries.push((
            MessageKind::Reply,
            AuthorKind::Customer,
            first.choose(rng).copied().unwrap_or_default().to_owned(),
        ));
        let mut first_responded_at = None;
        if status != Status::New {
            let replies = rng.random_range(1..=3);
            for _ in 0..replies {
                let reply = if chinese {
                    AGENT_REPLY_ZH
                } else {
                    AGENT_REPLY_EN
                };
                entries.push((
                    MessageKind::Reply,
                    AuthorKind::Agent,
                    reply.choose(rng).copied().unwrap_or_default().to_owned(),
                ));
            }
            if rng.random_bool(0.3) {
                entries.push((
                    MessageKind::Note,
                    AuthorKind::Agent,
                    NOTES.choose(rng).copied().unwrap_or_default().to_owned(),
                ));
            }
        }
        let agent = assignee.or_else(|| agents.first().map(|(a, _)| *a));
        let mut texts: Vec<(String, Visibility, String)> = Vec::new();
        for (kind, author, body) in entries {
            at += Duration::minutes(rng.random_range(5..600));
            let visibility = kind.default_visibility();
            if author == AuthorKind::Agent
                && kind == MessageKind::Reply
                && first_responded_at.is_none()
            {
                first_responded_at = Some(at);
            }
            let message_id = MessageId::new();
            texts.push((message_id.to_string(), visibility, body.clone()));
            self.messages.push(Message {
                id: message_id,
                ticket: id,
                kind,
                visibility,
                author_kind: author,
                author_user: (author == AuthorKind::Agent).then_some(agent).flatten(),
                author_customer: (author == AuthorKind::Customer).then_some(requester),
                channel,
                body,
                data: None,
                created_at: at,
            });
        }
        if channel == Channel::Phone {
            let outcome = pick(
                rng,
                &[
                    (CallOutcome::Answered, 70),
                    (CallOutcome::Missed, 10),
                    (CallOutcome::Voicemail, 10),
                    (CallOutcome::CallbackRequested, 10),
                ],
            );
            let customer_number =
                phone.unwrap_or_else(|| PhoneNumber::from_stored("+8613800138000".into()));
            let business = PhoneNumber::from_stored("+862155550100".into());
            let inbound = rng.random_bool(0.8);
            let notes = if chinese {
                "客户来电询问处理进度，已告知预计时间。"
            } else {
                "Caller asked for an update; gave the expected date."
            };
            let message = Message {
                id: MessageId::new(),
                ticket: id,
                kind: MessageKind::Call,
                visibility: Visibility::Internal,
                author_kind: AuthorKind::Agent,
                author_user: agent,
                author_customer: None,
                channel: Channel::Phone,
                body: notes.into(),
                data: None,
                created_at: created_at + Duration::seconds(30),
            };
            texts.push((message.id.to_string(), Visibility::Internal, notes.into()));
            self.calls.push(CallLog {
                id: CallId::new(),
                ticket: id,
                message: message.id,
                details: CallDetails {
                    direction: if inbound {
                        CallDirection::Inbound
                    } else {
                        CallDirection::Outbound
                    },
                    from: if inbound {
                        customer_number.clone()
                    } else {
                        business.clone()
                    },
                    to: if inbound { business } else { customer_number },
                    started_at: created_at,
                    duration_seconds: if outcome == CallOutcome::Missed {
                        0
                    } else {
                        rng.random_range(20..1_200)
                    },
                    outcome,
                    notes: Some(notes.into()),
                },
                logged_by: agent,
                created_at: created_at + Duration::seconds(30),
            });
            self.messages.push(message);
        }
        let tag_count = pick(rng, &[(0usize, 60), (1, 30), (2, 10)]);
        let mut tags: Vec<Tag> = TAGS
            .choose_multiple(rng, tag_count)
            .map(|t| Tag::parse(t))
            .collect::<Result<_, _>>()
            .map_err(anyhow::Error::msg)?;
        tags.sort();
        let updated_at = at.min(now);
        let ticket = Ticket {
            id,
            number: TicketNumber::new(number).map_err(anyhow::Error::msg)?,
            subject,
            stage,
            channel,
            status,
            priority,
            requester,
            assignee,
            team,
            tags,
            created_by: None,
            created_at,
            updated_at,
            first_responded_at,
            solved_at: matches!(status, Status::Solved | Status::Closed).then_some(updated_at),
            sla_due_at: None,
        };
        self.entries.extend(SearchEntry::all_of(&ticket, &texts)?);
        self.tickets.push(ticket);
        Ok(())
    }
}
