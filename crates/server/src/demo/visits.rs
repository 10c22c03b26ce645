//! The demo business's field-service visits: installations and repairs on recent after-sale
//! tickets, by the installation partner and by one of the demo agents, in every state — a few
//! done with their outcome, most in the coming days so the calendar has something to show.

use chrono::{Duration, Timelike, Utc};
use kefu_domain::ids::{MessageId, UserId, VisitId};
use kefu_domain::message::{AuthorKind, Message, MessageKind, Visibility};
use kefu_domain::ticket::Stage;
use kefu_domain::vendor::VendorKind;
use kefu_domain::visit::{Outcome, Technician, Visit, VisitStatus, VisitWindow};
use kefu_store::{DbConnection, Store, messages, tickets, vendors, visits};
use serde_json::json;

/// The demo visits: status, days from today, start hour (UTC), whether the agent does it,
/// address and task.
const VISITS: [(VisitStatus, i64, u32, bool, &str, &str); 6] = [
    (
        VisitStatus::Done,
        -2,
        1,
        false,
        "上海市徐汇区漕溪北路 88 号 1201 室",
        "安装洗衣机并试运行",
    ),
    (
        VisitStatus::NoShow,
        -1,
        6,
        false,
        "12 Rose Lane, Pudong, Shanghai",
        "Repair the dishwasher's drain pump",
    ),
    (
        VisitStatus::Confirmed,
        1,
        1,
        false,
        "上海市静安区南京西路 1266 号 2305 室",
        "安装空调室内机与室外机",
    ),
    (
        VisitStatus::Proposed,
        2,
        6,
        false,
        "8 Garden Road, Minhang, Shanghai",
        "Mount the TV on the wall and set it up",
    ),
    (
        VisitStatus::Confirmed,
        1,
        5,
        true,
        "上海市长宁区愚园路 1107 号",
        "上门检测打印机卡纸问题",
    ),
    (
        VisitStatus::Cancelled,
        3,
        2,
        true,
        "99 Century Avenue, Shanghai",
        "Replace the router's power supply",
    ),
];

/// Makes the demo visits once (none are made when the ticket already has one); returns how
/// many were made.
pub async fn seed(store: &Store, agent: UserId) -> anyhow::Result<usize> {
    store.write(move |conn| make(conn, agent)).await
}

fn make(conn: &mut DbConnection, agent: UserId) -> anyhow::Result<usize> {
    let Some(partner) = vendors::list(conn)?
        .into_iter()
        .find(|v| v.kind == VendorKind::ServicePartner)
    else {
        return Ok(0);
    };
    let total = tickets::count_all(conn)?;
    let candidates: Vec<_> = tickets::numbered_after(conn, (total - 600).max(0), 600)?
        .into_iter()
        .filter(|t| t.stage == Stage::AfterSale && t.status.is_unsolved())
        .filter(|t| visits::for_ticket(conn, t.id).is_ok_and(|v| v.is_empty()))
        .rev()
        .take(VISITS.len())
        .collect();
    let now = Utc::now();
    let today = now
        .with_hour(0)
        .and_then(|d| d.with_minute(0))
        .and_then(|d| d.with_second(0))
        .and_then(|d| d.with_nanosecond(0))
        .unwrap_or(now);
    let partner_user = vendors::users(conn, partner.id)?.first().map(|u| u.id);
    let mut made = 0;
    for (ticket, (status, days, hour, own, address, task)) in candidates.iter().zip(VISITS) {
        let start = today + Duration::days(days) + Duration::hours(i64::from(hour));
        let technician = if own {
            Technician::Staff(agent)
        } else {
            Technician::Partner(partner.id)
        };
        let outcome = matches!(status, VisitStatus::Done | VisitStatus::NoShow).then(|| Outcome {
            work: if status == VisitStatus::Done {
                "已安装并试运行两个周期，排水正常。 / Installed and ran two test cycles; it drains well.".to_owned()
            } else {
                "Nobody answered the door or the phone; a card was left. / 无人应门，已留下联系卡。".to_owned()
            },
            parts: (status == VisitStatus::Done).then(|| "进水管 1.5 m / inlet hose 1.5 m".to_owned()),
            signed_by: (status == VisitStatus::Done).then(|| "李娜".to_owned()),
            recorded_by: partner_user.unwrap_or(agent),
            recorded_at: start + Duration::hours(2),
        });
        let visit = Visit {
            id: VisitId::new(),
            ticket: ticket.id,
            technician,
            address: address.to_owned(),
            window: VisitWindow {
                start,
                end: start + Duration::hours(2),
            },
            task: task.to_owned(),
            status,
            outcome,
            sequence: i32::from(status != VisitStatus::Proposed),
            created_by: agent,
            created_at: now - Duration::days(3),
            updated_at: now,
        };
        visits::insert(conn, &visit)?;
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
                body: format!(
                    "Visit scheduled for {} UTC / 已安排上门",
                    start.format("%Y-%m-%d %H:%M")
                ),
                data: Some(json!({ "visit": { "id": visit.id, "status": status } })),
                created_at: visit.created_at,
            },
        )?;
        made += 1;
    }
    Ok(made)
}
