//! Builders for domain values the store tests write.

use chrono::{DateTime, Duration, Utc};
use kefu_domain::account::{Customer, Team};
use kefu_domain::email::EmailAddress;
use kefu_domain::ids::{CustomerId, MessageId, TeamId, TicketId, UserId};
use kefu_domain::message::{AuthorKind, Message, MessageKind, Visibility};
use kefu_domain::phone::PhoneNumber;
use kefu_domain::tag::Tag;
use kefu_domain::ticket::{Channel, Priority, Stage, Status, Ticket, TicketNumber};
use kefu_store::{DbConnection, customers, dialect, teams};

pub fn customer(name: &str, email: &str, phone: Option<&str>) -> Customer {
    Customer {
        id: CustomerId::new(),
        name: name.into(),
        organisation: None,
        emails: vec![EmailAddress::parse(email).unwrap()],
        phones: phone
            .map(|p| PhoneNumber::from_stored(p.into()))
            .into_iter()
            .collect(),
        user: None,
        created_at: kefu_domain::time::now(),
    }
}

pub fn team(name: &str) -> Team {
    Team {
        id: TeamId::new(),
        name: name.into(),
        description: None,
        members: vec![],
        phone_line: None,
        assign_on_reply: true,
        created_at: kefu_domain::time::now(),
    }
}

/// A ticket numbered from the store, updated `minutes_ago`.
pub fn ticket(
    conn: &mut DbConnection,
    requester: CustomerId,
    subject: &str,
    minutes_ago: i64,
) -> Ticket {
    let number = dialect::next_ticket_numbers(conn, 1).unwrap()[0];
    let at: DateTime<Utc> = kefu_domain::time::now() - Duration::minutes(minutes_ago);
    Ticket {
        id: TicketId::new(),
        number: TicketNumber::new(number).unwrap(),
        subject: subject.into(),
        stage: Stage::PreSale,
        channel: Channel::Email,
        status: Status::Open,
        priority: Priority::Normal,
        requester,
        assignee: None,
        team: None,
        tags: vec![],
        created_by: None,
        created_at: at,
        updated_at: at,
        first_responded_at: None,
        solved_at: None,
        sla_due_at: None,
    }
}

/// An active agent with this address.
pub fn agent(conn: &mut DbConnection, email: &str) -> UserId {
    let user = kefu_domain::account::User {
        id: UserId::new(),
        email: kefu_domain::email::EmailAddress::parse(email).unwrap(),
        name: "Agent".into(),
        role: kefu_domain::role::Role::Agent,
        active: true,
        locale: None,
        created_at: kefu_domain::time::now(),
    };
    kefu_store::users::insert(conn, &user, None).unwrap();
    user.id
}

pub fn tag(t: &str) -> Tag {
    Tag::parse(t).unwrap()
}

/// Inserts a customer and a team, returning their ids.
pub fn people(conn: &mut DbConnection) -> (CustomerId, TeamId, UserId) {
    let c = customer("Li Wei", "li.wei@example.com", Some("+8613800138000"));
    customers::insert(conn, &c).unwrap();
    let t = team("Orders");
    teams::insert(conn, &t).unwrap();
    (c.id, t.id, UserId::new())
}

/// Writes messages on `ticket` (replies when public, notes when internal) and returns them as
/// the search index reads them: id, visibility, body.
pub fn messages(
    conn: &mut DbConnection,
    ticket: &Ticket,
    texts: &[(Visibility, &str)],
) -> Vec<(String, Visibility, String)> {
    let list: Vec<Message> = texts
        .iter()
        .map(|(visibility, body)| Message {
            id: MessageId::new(),
            ticket: ticket.id,
            kind: match visibility {
                Visibility::Public => MessageKind::Reply,
                Visibility::Internal => MessageKind::Note,
            },
            visibility: *visibility,
            author_kind: AuthorKind::Agent,
            author_user: None,
            author_customer: None,
            channel: ticket.channel,
            body: (*body).to_owned(),
            data: None,
            created_at: ticket.created_at,
        })
        .collect();
    kefu_store::messages::insert_many(conn, &list).unwrap();
    list.into_iter()
        .map(|m| (m.id.to_string(), m.visibility, m.body))
        .collect()
}

/// A node's own index in `dir`, built from the entries as they are now, as `kefu serve`
/// builds it.
pub fn built_node_index(
    conn: &mut DbConnection,
    dir: &std::path::Path,
) -> Result<kefu_store::search::NodeIndex, kefu_store::StoreError> {
    let index = kefu_store::search::NodeIndex::open(dir)?;
    if !index.is_built() {
        index.start_build(conn)?;
        let last = kefu_store::tickets::last_number(conn)?;
        if last > 0 {
            index.build_tickets(conn, 1, last)?;
        }
        index.finish_build()?;
    }
    Ok(index)
}
