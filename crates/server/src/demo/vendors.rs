//! The demo business's vendors: a printer maker, a software maker, a courier (reached by
//! email only) and an installation partner, with portal users, and escalations of recent
//! tickets in every state of their lifecycle.

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use kefu_domain::account::User;
use kefu_domain::email::EmailAddress;
use kefu_domain::escalation::{EntryKind, Escalation, EscalationMessage, EscalationStatus};
use kefu_domain::ids::{EscalationId, EscalationMessageId, MessageId, UserId, VendorId};
use kefu_domain::message::{AuthorKind, Message, MessageKind, Visibility};
use kefu_domain::password::Password;
use kefu_domain::redact::{self, Sharing};
use kefu_domain::role::Role;
use kefu_domain::ticket::{Stage, Status, Ticket};
use kefu_domain::vendor::{ResponseTargets, Vendor, VendorKind};
use kefu_store::{DbConnection, Store, escalations, messages, tickets, users, vendors};
use serde_json::json;

/// One demo vendor: name, kind, coverage, targets (minutes) and its portal user, if any.
struct DemoVendor {
    name: &'static str,
    kind: VendorKind,
    coverage: &'static [&'static str],
    targets: (i32, i32),
    user: Option<(&'static str, &'static str, &'static str)>,
}

const VENDORS: [DemoVendor; 4] = [
    DemoVendor {
        name: "PrintCo Printers · 印通打印机",
        kind: VendorKind::Oem,
        coverage: &["printer", "LaserJet", "打印机", "toner"],
        targets: (4 * 60, 2 * 24 * 60),
        user: Some(("王工程师", "wang.tech", "zh-CN")),
    },
    DemoVendor {
        name: "CloudSoft",
        kind: VendorKind::Isv,
        coverage: &["app", "software", "login", "软件", "账号"],
        targets: (2 * 60, 24 * 60),
        user: Some(("Sam Carter", "sam.carter", "en")),
    },
    DemoVendor {
        name: "SwiftShip Logistics · 迅达物流",
        kind: VendorKind::Logistics,
        coverage: &["parcel", "delivery", "courier", "快递", "包裹", "物流"],
        targets: (60, 24 * 60),
        user: None,
    },
    DemoVendor {
        name: "HomeFix Installation · 家安装",
        kind: VendorKind::ServicePartner,
        coverage: &["installation", "install", "repair", "安装", "维修"],
        targets: (8 * 60, 3 * 24 * 60),
        user: Some(("Lina Ortiz", "lina.ortiz", "en")),
    },
];

/// The demo vendors' users' domain.
const VENDOR_DOMAIN: &str = "vendors.example.com";

/// What the vendor part of the demo made.
#[derive(Clone, Debug, Default)]
pub struct VendorReport {
    /// Vendors created or reused.
    pub vendors: usize,
    /// Escalations created.
    pub escalations: usize,
    /// The first vendor user's sign-in address.
    pub user_email: String,
    /// The vendor users' password, if they were created by this run.
    pub password: Option<String>,
}

/// Makes the demo vendors and their users (once), then escalates some of the newest
/// after-sale tickets: one in each state, and some the vendor is late on.
pub async fn seed(store: &Store, agent: UserId) -> anyhow::Result<VendorReport> {
    let password_text = format!("vendor-{:016x}", rand::random::<u64>());
    let password = Password::parse(&password_text).map_err(anyhow::Error::msg)?;
    let hash = tokio::task::spawn_blocking(move || kefu_app::passwords::hash_blocking(&password))
        .await??;
    let (ids, created) = store
        .write(move |conn| ensure(conn, &hash))
        .await
        .context("writing the demo vendors")?;
    let escalated = store
        .write(move |conn| escalate_some(conn, &ids, agent))
        .await
        .context("writing the demo escalations")?;
    Ok(VendorReport {
        vendors: VENDORS.len(),
        escalations: escalated,
        user_email: format!("wang.tech@{VENDOR_DOMAIN}"),
        password: created.then_some(password_text),
    })
}

fn ensure(conn: &mut DbConnection, hash: &str) -> anyhow::Result<(Vec<Vendor>, bool)> {
    let existing = vendors::list(conn)?;
    let mut out = Vec::new();
    let mut created = false;
    let now = kefu_domain::time::now();
    for demo in &VENDORS {
        if let Some(found) = existing.iter().find(|v| v.name == demo.name) {
            out.push(found.clone());
            continue;
        }
        let vendor = Vendor {
            id: VendorId::new(),
            name: demo.name.into(),
            kind: demo.kind,
            contacts: vec![EmailAddress::parse(&format!(
                "cases.{}@{VENDOR_DOMAIN}",
                demo.kind.as_str()
            ))?],
            coverage: demo.coverage.iter().map(|c| (*c).to_owned()).collect(),
            targets: ResponseTargets::new(demo.targets.0, demo.targets.1)?,
            share_contact_by_default: demo.kind == VendorKind::ServicePartner,
            active: true,
            created_at: now,
            updated_at: now,
        };
        vendors::insert(conn, &vendor)?;
        if let Some((name, local, locale)) = demo.user {
            let user = User {
                id: UserId::new(),
                email: EmailAddress::parse(&format!("{local}@{VENDOR_DOMAIN}"))?,
                name: name.into(),
                role: Role::Vendor,
                active: true,
                locale: Some(locale.into()),
                created_at: now,
            };
            users::insert(conn, &user, Some(hash))?;
            vendors::add_user(conn, vendor.id, user.id)?;
            created = true;
        }
        out.push(vendor);
    }
    Ok((out, created))
}

/// The states the demo shows, with how many hours ago each case was escalated.
const STATES: [(EscalationStatus, i64); 12] = [
    (EscalationStatus::Requested, 1),
    (EscalationStatus::Requested, 30),
    (EscalationStatus::Acknowledged, 3),
    (EscalationStatus::InProgress, 20),
    (EscalationStatus::InProgress, 90),
    (EscalationStatus::InfoRequested, 6),
    (EscalationStatus::Answered, 26),
    (EscalationStatus::Returned, 8),
    (EscalationStatus::Closed, 120),
    (EscalationStatus::Closed, 200),
    (EscalationStatus::Cancelled, 50),
    (EscalationStatus::Requested, 2),
];

fn escalate_some(conn: &mut DbConnection, demo: &[Vendor], agent: UserId) -> anyhow::Result<usize> {
    let total = tickets::count_all(conn)?;
    let newest = tickets::numbered_after(conn, (total - 400).max(0), 400)?;
    let candidates: Vec<&Ticket> = newest
        .iter()
        .filter(|t| t.stage == Stage::AfterSale && t.status.is_unsolved())
        .filter(|t| escalations::for_ticket(conn, t.id).is_ok_and(|e| e.is_empty()))
        .take(STATES.len())
        .collect();
    let now = kefu_domain::time::now();
    let mut made = 0;
    for (i, (ticket, (status, hours))) in candidates.into_iter().zip(STATES).enumerate() {
        let vendor = &demo[i % demo.len()];
        let at = now - Duration::hours(hours);
        let brief = redact::redact(
            &format!(
                "{}\n\nThe customer needs a fix or a replacement. We checked the basics with them; please advise what to do next.",
                ticket.subject
            ),
            Sharing::default(),
            None,
        )
        .text;
        let (acknowledge_by, answer_by) = vendor.targets.due_times(at);
        let mut escalation = Escalation {
            id: EscalationId::new(),
            ticket: ticket.id,
            vendor: vendor.id,
            status: EscalationStatus::Requested,
            subject: redact::redact(&ticket.subject, Sharing::default(), None).text,
            brief,
            contact: None,
            requested_at: at,
            acknowledge_by,
            answer_by,
            acknowledged_at: None,
            answered_at: None,
            returned_at: None,
            reopened: 0,
            updated_at: at,
        };
        let mut thread = vec![entry(
            &escalation,
            EntryKind::Event,
            AuthorKind::Agent,
            Some(agent),
            String::new(),
            json!({ "to": EscalationStatus::Requested }),
            at,
        )];
        let people = People {
            agent,
            vendor: vendors::users(conn, vendor.id)?.first().map(|u| u.id),
        };
        walk(&mut escalation, status, at, people, &mut thread);
        escalations::insert(conn, &escalation)?;
        escalations::insert_messages(conn, &thread)?;
        let mut after = ticket.clone();
        if status.awaits_vendor() && after.status != Status::OnHold {
            after.status = Status::OnHold;
            after.updated_at = now;
            tickets::save(conn, &after)?;
        }
        messages::insert(
            conn,
            &Message {
                id: MessageId::new(),
                ticket: ticket.id,
                kind: MessageKind::Event,
                visibility: Visibility::Internal,
                author_kind: AuthorKind::Agent,
                author_user: Some(agent),
                author_customer: None,
                channel: ticket.channel,
                body: format!("Escalated to {name} / 已升级至 {name}", name = vendor.name),
                data: Some(
                    json!({ "escalation": { "id": escalation.id, "vendor": vendor.name, "status": status } }),
                ),
                created_at: at,
            },
        )?;
        made += 1;
    }
    Ok(made)
}

/// Who writes on a demo escalation: the demo agent, and the vendor's portal user if any.
#[derive(Clone, Copy)]
struct People {
    agent: UserId,
    vendor: Option<UserId>,
}

/// Moves a new demo escalation to `target` the way it would have got there, writing the
/// thread as it goes.
fn walk(
    e: &mut Escalation,
    target: EscalationStatus,
    at: DateTime<Utc>,
    people: People,
    thread: &mut Vec<EscalationMessage>,
) {
    use EscalationStatus::*;
    let path: &[(EscalationStatus, AuthorKind, &str)] = match target {
        Requested => &[],
        Acknowledged => &[(
            Acknowledged,
            AuthorKind::Vendor,
            "Received, we are looking into it. / 已收到，正在处理。",
        )],
        InProgress => &[(
            InProgress,
            AuthorKind::Vendor,
            "Our engineers are testing a fix. / 工程师正在测试修复方案。",
        )],
        InfoRequested => &[(
            InfoRequested,
            AuthorKind::Vendor,
            "Which firmware version is installed? / 请问安装的是哪个固件版本？",
        )],
        Answered => &[
            (
                InProgress,
                AuthorKind::Vendor,
                "Reproduced in our lab. / 已在实验室复现。",
            ),
            (
                Answered,
                AuthorKind::Vendor,
                "Please install update 2.02; it fixes this. / 请安装 2.02 更新，可解决此问题。",
            ),
        ],
        Returned => &[(
            Returned,
            AuthorKind::Vendor,
            "This model is not ours; please ask the reseller. / 此型号不是我们的产品，请联系经销商。",
        )],
        Closed => &[
            (
                Answered,
                AuthorKind::Vendor,
                "A replacement part is on its way. / 替换零件已寄出。",
            ),
            (Closed, AuthorKind::Agent, ""),
        ],
        Cancelled => &[(
            Cancelled,
            AuthorKind::Agent,
            "The customer solved it themselves. / 客户已自行解决。",
        )],
    };
    for (step, (to, who, words)) in path.iter().enumerate() {
        let when = at + Duration::minutes(40 * (step as i64 + 1));
        let user = match who {
            AuthorKind::Vendor => people.vendor,
            _ => Some(people.agent),
        };
        if !words.is_empty() {
            thread.push(entry(
                e,
                EntryKind::Reply,
                *who,
                user,
                (*words).into(),
                json!(null),
                when,
            ));
        }
        let from = e.status;
        e.status = *to;
        e.updated_at = when;
        if *who == AuthorKind::Vendor {
            e.acknowledged_at.get_or_insert(when);
        }
        match to {
            Answered => {
                e.answered_at.get_or_insert(when);
            }
            Returned => e.returned_at = Some(when),
            _ => {}
        }
        let moved = json!({ "from": from, "to": to });
        thread.push(entry(
            e,
            EntryKind::Event,
            *who,
            user,
            String::new(),
            moved,
            when,
        ));
    }
}

fn entry(
    e: &Escalation,
    kind: EntryKind,
    author_kind: AuthorKind,
    author_user: Option<UserId>,
    body: String,
    data: serde_json::Value,
    at: DateTime<Utc>,
) -> EscalationMessage {
    EscalationMessage {
        id: EscalationMessageId::new(),
        escalation: e.id,
        kind,
        author_kind,
        author_user,
        body,
        data: (!data.is_null()).then_some(data),
        source_message: None,
        created_at: at,
    }
}
