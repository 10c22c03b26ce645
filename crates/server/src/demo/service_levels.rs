//! The demo business's service levels: the Shanghai office's calendar with 2026's public
//! holidays and the Saturdays and Sundays worked in their place, a European desk's calendar,
//! and policies per stage, channel and priority; and the shared macros agents start with.
//! Demo tickets get their clocks as they are written; what fell due before the seed ran is
//! history and fires no alert.

use anyhow::Context;
use chrono::NaiveDate;
use kefu_app::sla::book::Book;
use kefu_domain::calendar::{self, BusinessCalendar, Exception, Hours};
use kefu_domain::ids::{CalendarId, MacroId, SlaPolicyId, TicketId};
use kefu_domain::macros::{Macro, MacroChanges};
use kefu_domain::sla::{self, Schedule, Scope, SlaClock, SlaPolicy, Targets};
use kefu_domain::tag::Tag;
use kefu_domain::ticket::{Channel, Priority, Stage, Status, Ticket};
use kefu_store::Store;
use kefu_store::sla::calendars::{self, CalendarRecord};
use kefu_store::sla::policies::{self, PolicyRecord};

/// China's public holidays of 2026 (days off) and the weekend days worked in their place.
const CHINA_2026_OFF: &[(&str, &str, u32)] = &[
    ("2026-01-01", "元旦 New Year's Day", 3),
    ("2026-02-15", "春节 Spring Festival", 9),
    ("2026-04-04", "清明节 Qingming Festival", 3),
    ("2026-05-01", "劳动节 Labour Day", 5),
    ("2026-06-19", "端午节 Dragon Boat Festival", 3),
    ("2026-09-25", "中秋节 Mid-Autumn Festival", 3),
    ("2026-10-01", "国庆节 National Day", 7),
];
const CHINA_2026_WORKED: &[(&str, &str)] = &[
    ("2026-01-04", "元旦补班 Working Sunday"),
    ("2026-02-14", "春节补班 Working Saturday"),
    ("2026-02-28", "春节补班 Working Saturday"),
    ("2026-05-09", "劳动节补班 Working Saturday"),
    ("2026-09-20", "国庆节补班 Working Sunday"),
    ("2026-10-10", "国庆节补班 Working Saturday"),
];
/// Germany's nationwide public holidays of 2026, and New Year 2027.
const GERMANY: &[(&str, &str)] = &[
    ("2026-01-01", "Neujahr"),
    ("2026-04-03", "Karfreitag"),
    ("2026-04-06", "Ostermontag"),
    ("2026-05-01", "Tag der Arbeit"),
    ("2026-05-14", "Christi Himmelfahrt"),
    ("2026-05-25", "Pfingstmontag"),
    ("2026-10-03", "Tag der Deutschen Einheit"),
    ("2026-12-25", "1. Weihnachtstag"),
    ("2026-12-26", "2. Weihnachtstag"),
    ("2027-01-01", "Neujahr"),
];

fn date(text: &str) -> anyhow::Result<NaiveDate> {
    text.parse()
        .with_context(|| format!("the demo date {text}"))
}

fn hours(ranges: &[(&str, &str)]) -> anyhow::Result<Vec<Hours>> {
    Ok(ranges
        .iter()
        .map(|(start, end)| Hours::parse(start, end))
        .collect::<Result<_, _>>()?)
}

fn shanghai() -> anyhow::Result<BusinessCalendar> {
    let day = hours(&[("09:00", "12:00"), ("13:00", "18:00")])?;
    let week = [
        day.clone(),
        day.clone(),
        day.clone(),
        day.clone(),
        day.clone(),
        vec![],
        vec![],
    ];
    let mut exceptions = Vec::new();
    for (first, name, days) in CHINA_2026_OFF {
        let first = date(first)?;
        for offset in 0..i64::from(*days) {
            exceptions.push(Exception {
                date: first + chrono::Duration::days(offset),
                name: (*name).to_owned(),
                hours: vec![],
            });
        }
    }
    for (day_worked, name) in CHINA_2026_WORKED {
        exceptions.push(Exception {
            date: date(day_worked)?,
            name: (*name).to_owned(),
            hours: day.clone(),
        });
    }
    Ok(BusinessCalendar::new(
        calendar::zone_of("Asia/Shanghai")?,
        week,
        exceptions,
    )?)
}

fn berlin() -> anyhow::Result<BusinessCalendar> {
    let day = hours(&[("08:00", "17:00")])?;
    let week = [
        day.clone(),
        day.clone(),
        day.clone(),
        day.clone(),
        day,
        vec![],
        vec![],
    ];
    let exceptions = GERMANY
        .iter()
        .map(|(day, name)| {
            Ok(Exception {
                date: date(day)?,
                name: (*name).to_owned(),
                hours: vec![],
            })
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(BusinessCalendar::new(
        calendar::zone_of("Europe/Berlin")?,
        week,
        exceptions,
    )?)
}

/// One demo policy: name, scope, targets (first response, next response, resolution, call back).
struct DemoPolicy {
    name: &'static str,
    europe: bool,
    stages: &'static [Stage],
    channels: &'static [Channel],
    priorities: &'static [Priority],
    targets: (Option<i64>, Option<i64>, Option<i64>, Option<i64>),
}

const POLICIES: &[DemoPolicy] = &[
    DemoPolicy {
        name: "Urgent, any channel · 紧急工单",
        europe: false,
        stages: &[],
        channels: &[],
        priorities: &[Priority::Urgent],
        targets: (Some(30), Some(60), Some(480), Some(15)),
    },
    DemoPolicy {
        name: "Pre-sale chat · 售前在线咨询",
        europe: false,
        stages: &[Stage::PreSale],
        channels: &[Channel::Chat],
        priorities: &[],
        targets: (Some(1), Some(2), Some(60), None),
    },
    DemoPolicy {
        name: "Pre-sale · 售前咨询",
        europe: false,
        stages: &[Stage::PreSale],
        channels: &[],
        priorities: &[],
        targets: (Some(240), None, Some(960), Some(30)),
    },
    DemoPolicy {
        name: "Orders by phone, Europe desk · 欧洲电话订单",
        europe: true,
        stages: &[Stage::InSale],
        channels: &[Channel::Phone],
        priorities: &[],
        targets: (Some(60), Some(240), Some(1080), Some(30)),
    },
    DemoPolicy {
        name: "Orders · 订单",
        europe: false,
        stages: &[Stage::InSale],
        channels: &[],
        priorities: &[],
        targets: (Some(120), Some(240), Some(960), Some(60)),
    },
    DemoPolicy {
        name: "After-sale email · 售后邮件",
        europe: false,
        stages: &[Stage::AfterSale],
        channels: &[Channel::Email],
        priorities: &[],
        targets: (Some(480), Some(480), Some(1440), None),
    },
    DemoPolicy {
        name: "After-sale · 售后服务",
        europe: false,
        stages: &[Stage::AfterSale],
        channels: &[],
        priorities: &[],
        targets: (Some(240), Some(480), Some(2400), Some(60)),
    },
];

/// Adds the demo calendars and policies unless an admin made some already; the book either
/// way.
pub async fn ensure(store: &Store) -> anyhow::Result<Book> {
    let now = kefu_domain::time::now();
    let (shanghai, berlin) = (shanghai()?, berlin()?);
    store
        .write(move |conn| {
            if calendars::list(conn)?.is_empty() {
                let china = CalendarId::new();
                let europe = CalendarId::new();
                for (id, name, calendar) in [
                    (china, "Shanghai office · 上海办公室", shanghai),
                    (europe, "European desk · 欧洲服务台", berlin),
                ] {
                    calendars::insert(
                        conn,
                        &CalendarRecord {
                            id,
                            name: name.to_owned(),
                            calendar,
                            created_at: now,
                            updated_at: now,
                        },
                    )?;
                }
                for (position, demo) in POLICIES.iter().enumerate() {
                    let policy = SlaPolicy {
                        id: SlaPolicyId::new(),
                        name: demo.name.to_owned(),
                        position: i32::try_from(position)?,
                        calendar: if demo.europe { europe } else { china },
                        scope: Scope {
                            stages: demo.stages.to_vec(),
                            priorities: demo.priorities.to_vec(),
                            channels: demo.channels.to_vec(),
                            teams: vec![],
                        },
                        targets: Targets {
                            first_response: demo.targets.0,
                            next_response: demo.targets.1,
                            resolution: demo.targets.2,
                            call_back: demo.targets.3,
                        },
                        warn_percent: sla::DEFAULT_WARN_PERCENT,
                        active: true,
                    };
                    policies::insert(
                        conn,
                        &PolicyRecord {
                            policy,
                            created_at: now,
                            updated_at: now,
                        },
                    )?;
                }
            }
            Ok::<_, anyhow::Error>(Book::read(conn)?)
        })
        .await
        .context("adding the demo service levels")
}

/// The clock of a demo ticket written as history: started when it was opened, standing still
/// since its last change if it waits on the customer or is done. Sets its due time.
fn clock_of(book: &Book, ticket: &mut Ticket) -> Option<(TicketId, SlaClock, Schedule)> {
    let policy = sla::choose(&book.policies, ticket)?;
    let mut clock = SlaClock::start(policy, ticket, ticket.created_at);
    if clock.paused_at.is_some() {
        clock.paused_at = Some(ticket.updated_at);
    }
    let calendar = book.calendars.get(&clock.calendar)?;
    let schedule = clock.schedule(ticket, calendar);
    ticket.sla_due_at = schedule.next_due();
    Some((ticket.id, clock, schedule))
}

/// The clocks of a batch of demo tickets, their due times set.
pub fn clocks_of(book: &Book, list: &mut [Ticket]) -> Vec<(TicketId, SlaClock, Schedule)> {
    list.iter_mut()
        .filter_map(|ticket| clock_of(book, ticket))
        .collect()
}

/// A demo macro: title, shortcut, English, Chinese, the status it sets, the tag it adds.
type DemoMacro = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<Status>,
    Option<&'static str>,
);

/// The demo's shared macros.
const MACROS: &[DemoMacro] = &[
    (
        "Refund on its way · 退款已发出",
        "refund",
        "Hello {{customer.name}},\n\nyour refund for {{ticket.number}} is on its way; it reaches your account within 3–5 working days.\n\n{{agent.name}}",
        "{{customer.name}}您好：\n\n工单 {{ticket.number}} 的退款已发出，3–5 个工作日内到账。\n\n{{agent.name}}",
        Some(Status::Pending),
        Some("refund"),
    ),
    (
        "Replacement shipped · 换货已发出",
        "swap",
        "Hello {{customer.name}},\n\na replacement for {{ticket.subject}} ships today; you will get the tracking number by mail.\n\n{{agent.name}}",
        "{{customer.name}}您好：\n\n“{{ticket.subject}}”的换货今天发出，快递单号将通过邮件发送给您。\n\n{{agent.name}}",
        Some(Status::Pending),
        Some("replacement"),
    ),
    (
        "Ask for the order number · 请提供订单号",
        "order",
        "Hello {{customer.name}},\n\ncould you send us your order number? It is in the confirmation mail.\n\n{{agent.name}}",
        "{{customer.name}}您好：\n\n麻烦提供一下订单号，订单确认邮件中可以找到。\n\n{{agent.name}}",
        Some(Status::Pending),
        None,
    ),
    (
        "Thanks for waiting · 感谢耐心等待",
        "wait",
        "Hello {{customer.name}},\n\nthank you for your patience; we are on it and will write again today.\n\n{{agent.name}}",
        "{{customer.name}}您好：\n\n感谢您的耐心等待，我们正在处理，今天内会再联系您。\n\n{{agent.name}}",
        None,
        None,
    ),
];

/// Adds the demo's shared macros unless there are macros already.
pub async fn ensure_macros(store: &Store) -> anyhow::Result<usize> {
    let now = kefu_domain::time::now();
    store
        .write(move |conn| {
            // A user who owns nothing sees exactly the shared macros.
            let nobody = kefu_domain::ids::UserId::new();
            if !kefu_store::macros::visible_to(conn, nobody)?.is_empty() {
                return Ok(0);
            }
            for (title, shortcut, en, zh, status, tag) in MACROS {
                let mut m = Macro {
                    id: MacroId::new(),
                    owner: None,
                    title: (*title).to_owned(),
                    shortcut: Some((*shortcut).to_owned()),
                    text_en: Some((*en).to_owned()),
                    text_zh: Some((*zh).to_owned()),
                    changes: MacroChanges {
                        status: *status,
                        add_tags: tag.map(Tag::parse).transpose()?.into_iter().collect(),
                        ..MacroChanges::default()
                    },
                    created_at: now,
                    updated_at: now,
                };
                m.check()?;
                kefu_store::macros::insert(conn, &m)?;
            }
            Ok::<_, anyhow::Error>(MACROS.len())
        })
        .await
        .context("adding the demo macros")
}
