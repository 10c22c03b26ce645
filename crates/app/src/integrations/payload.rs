//! What integration calls carry: a ticket with its customer, a message, what changed.

use kefu_domain::call::CallLog;
use kefu_domain::message::Message;
use kefu_domain::ticket::Ticket;
use kefu_store::{DbConnection, customers};
use serde_json::{Map, Value, json};

use crate::error::AppError;

/// A ticket as integrations see it, with its customer's name and addresses.
pub fn ticket(conn: &mut DbConnection, ticket: &Ticket) -> Result<Value, AppError> {
    let customer = customers::find(conn, ticket.requester)?;
    Ok(json!({
        "id": ticket.id,
        "number": ticket.number,
        "subject": ticket.subject,
        "stage": ticket.stage.as_str(),
        "channel": ticket.channel.as_str(),
        "status": ticket.status.as_str(),
        "priority": ticket.priority.as_str(),
        "team_id": ticket.team,
        "assignee_id": ticket.assignee,
        "tags": ticket.tags.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "requester": {
            "id": customer.id,
            "name": customer.name,
            "organisation": customer.organisation,
            "emails": customer.emails.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "phones": customer.phones.iter().map(ToString::to_string).collect::<Vec<_>>(),
        },
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "first_responded_at": ticket.first_responded_at,
        "solved_at": ticket.solved_at,
        "sla_due_at": ticket.sla_due_at,
    }))
}

/// A message on a ticket's timeline.
pub fn message(message: &Message) -> Value {
    json!({
        "id": message.id,
        "ticket_id": message.ticket,
        "kind": message.kind.as_str(),
        "visibility": message.visibility.as_str(),
        "author_kind": message.author_kind.as_str(),
        "author_user_id": message.author_user,
        "author_customer_id": message.author_customer,
        "channel": message.channel.as_str(),
        "body": message.body,
        "created_at": message.created_at,
    })
}

/// A logged phone call.
pub fn call(call: &CallLog) -> Value {
    let d = &call.details;
    json!({
        "id": call.id,
        "ticket_id": call.ticket,
        "message_id": call.message,
        "direction": d.direction.as_str(),
        "from": d.from.to_string(),
        "to": d.to.to_string(),
        "started_at": d.started_at,
        "duration_seconds": d.duration_seconds,
        "outcome": d.outcome.as_str(),
        "notes": d.notes,
        "logged_by": call.logged_by,
    })
}

/// The fields that differ between `before` and `after`, each as `{"from": …, "to": …}`.
pub fn changes(before: &Ticket, after: &Ticket) -> Value {
    let mut out = Map::new();
    let mut note = |name: &str, from: Value, to: Value| {
        if from != to {
            out.insert(name.to_owned(), json!({ "from": from, "to": to }));
        }
    };
    note(
        "status",
        json!(before.status.as_str()),
        json!(after.status.as_str()),
    );
    note(
        "priority",
        json!(before.priority.as_str()),
        json!(after.priority.as_str()),
    );
    note(
        "stage",
        json!(before.stage.as_str()),
        json!(after.stage.as_str()),
    );
    note("team_id", json!(before.team), json!(after.team));
    note("assignee_id", json!(before.assignee), json!(after.assignee));
    note("subject", json!(before.subject), json!(after.subject));
    let tags = |t: &Ticket| json!(t.tags.iter().map(ToString::to_string).collect::<Vec<_>>());
    note("tags", tags(before), tags(after));
    Value::Object(out)
}
