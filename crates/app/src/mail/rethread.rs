//! Putting a mail where it belongs when threading got it wrong: an agent moves a customer's
//! mail to another ticket, or splits it off into a new one. The mail keeps its files, its
//! sender takes part in the ticket it lands on, its threading reason becomes `moved` or
//! `split`, and both timelines say who did it.

use chrono::{DateTime, Utc};
use kefu_api_types::mail::{RethreadRequest, RethreadResponse};
use kefu_domain::email::EmailAddress;
use kefu_domain::ids::MessageId;
use kefu_domain::permissions::Actor;
use kefu_domain::ticket::{Channel, Status, Ticket, TicketNumber};
use kefu_domain::{status, time};
use kefu_mail::ThreadRule;
use kefu_store::mail::email_messages;
use kefu_store::mail::participants::{self, Participant};
use kefu_store::{DbConnection, dialect, messages, tickets, users};
use serde_json::json;

use crate::App;
use crate::changes::{Change, ChangeKind, Changed};
use crate::error::AppError;
use crate::mail::ingest::system_event;
use crate::sla::book::BookCache;
use crate::sla::clock::{self, Activity};
use crate::tickets::history;
use crate::tickets::reference::{TicketRef, load_for_update};

/// Moves mail `message` of ticket `from` to the ticket the request names, or into a new one.
pub async fn rethread(
    app: &App,
    actor: Actor,
    from: TicketRef,
    message: MessageId,
    request: RethreadRequest,
) -> Result<Changed<RethreadResponse>, AppError> {
    actor.may_work_tickets()?;
    let target = request
        .to_ticket
        .as_deref()
        .map(TicketRef::parse)
        .transpose()?;
    let sla = app.sla_book.clone();
    let (response, source) = app
        .store
        .write(move |conn| {
            let now = time::now();
            // Both tickets are locked in one order, so two agents moving mail between the same
            // tickets in opposite directions wait for each other instead of deadlocking.
            if let Some(reference) = target {
                let mut ids = [
                    crate::tickets::reference::find(conn, from)?.id,
                    crate::tickets::reference::find(conn, reference)?.id,
                ];
                ids.sort();
                for id in ids {
                    dialect::lock_ticket(conn, &id.to_string())?;
                }
            }
            let (source, _) = load_for_update(conn, &actor, from)?;
            let moved = messages::find_on(conn, source.id, message)?
                .ok_or(AppError::NotFound("message"))?;
            let email = email_messages::of_messages(conn, &[message])?
                .remove(&message)
                .filter(|e| e.inbound)
                .ok_or_else(|| {
                    AppError::invalid(
                        "not_received_mail",
                        "only mail a customer sent can be moved to another ticket",
                    )
                })?;
            let (target, created, rule) = match target {
                Some(reference) => {
                    let (target, _) = load_for_update(conn, &actor, reference)?;
                    if target.id == source.id {
                        return Err(AppError::invalid(
                            "same_ticket",
                            "the mail is on that ticket already",
                        ));
                    }
                    if target.status == Status::Closed {
                        return Err(AppError::conflict(
                            "ticket_closed",
                            format!("ticket #{} is closed", target.number.get()),
                        ));
                    }
                    (target, false, ThreadRule::Moved)
                }
                None => {
                    let target = split_ticket(conn, &sla, &source, &moved.author_customer, &email.subject, now)?;
                    (target, true, ThreadRule::Split)
                }
            };
            messages::move_to(conn, message, target.id)?;
            email_messages::move_to(conn, message, target.id, rule.as_str())?;
            // Its sender, and the people it was copied to, answer on the ticket it now belongs
            // to (Kefu's own addresses aside).
            let copied = crate::mail::Recipients::from_json(&email.recipients);
            let keys: Vec<String> = copied
                .to
                .iter()
                .chain(&copied.cc)
                .map(|p| kefu_mail::reply_address::base_address(&p.address))
                .collect();
            let ours: Vec<String> = kefu_store::mail::mailboxes::by_address_keys(conn, &keys)?
                .into_iter()
                .map(|m| m.address.lookup_key())
                .collect();
            let mut joining: Vec<Participant> = copied
                .to
                .iter()
                .chain(&copied.cc)
                .filter(|p| !ours.contains(&kefu_mail::reply_address::base_address(&p.address)))
                .filter_map(|p| {
                    Some(Participant {
                        email: EmailAddress::parse(&p.address).ok()?,
                        name: p.name.clone(),
                    })
                })
                .collect();
            if moved.author_customer != Some(target.requester)
                && let Ok(sender) = EmailAddress::parse(&email.from_address)
            {
                joining.push(Participant {
                    email: sender,
                    name: email.from_name.clone(),
                });
            }
            participants::add(conn, target.id, &joining, now)?;
            let agent = users::find(conn, actor.user)?.name;
            let (to_number, from_number) = (target.number.get(), source.number.get());
            messages::insert(
                conn,
                &system_event(
                    &source,
                    format!(
                        "{agent} moved a mail to #{to_number} / {agent} 将一封邮件移至 #{to_number}"
                    ),
                    json!({ "moved_to": target.id, "moved_to_number": to_number, "message": message, "by": actor.user }),
                    now,
                ),
            )?;
            messages::insert(
                conn,
                &system_event(
                    &target,
                    format!(
                        "{agent} moved a mail here from #{from_number} / {agent} 从 #{from_number} 移来一封邮件"
                    ),
                    json!({ "moved_from": source.id, "moved_from_number": from_number, "message": message, "by": actor.user }),
                    now,
                ),
            )?;
            let mut target = target;
            if !created {
                let before = target.clone();
                target.status = status::after_customer_reply(target.status).unwrap_or(target.status);
                target.updated_at = now;
                clock::follow(conn, &sla, &before, &mut target, Activity::CustomerWrote, now)?;
                tickets::save(conn, &target)?;
                crate::integrations::updated(conn, &sla, &before, &target, now)?;
            }
            history::reindex(conn, &source)?;
            history::reindex(conn, &target)?;
            Ok::<_, AppError>((
                RethreadResponse {
                    ticket_id: target.id,
                    ticket_number: target.number.get(),
                    created,
                },
                (source.id, created),
            ))
        })
        .await?;
    let (source, created) = source;
    Ok(Changed::new(
        response.clone(),
        vec![
            Change::Ticket {
                id: source,
                kind: ChangeKind::MessagePosted,
            },
            Change::Ticket {
                id: response.ticket_id,
                kind: if created {
                    ChangeKind::Created
                } else {
                    ChangeKind::MessagePosted
                },
            },
        ],
    ))
}

/// A new ticket for a mail split off `source`: its sender asks, on the same team and stage.
fn split_ticket(
    conn: &mut DbConnection,
    sla: &BookCache,
    source: &Ticket,
    sender: &Option<kefu_domain::ids::CustomerId>,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<Ticket, AppError> {
    let number = dialect::next_ticket_numbers(conn, 1)?
        .pop()
        .ok_or_else(|| AppError::internal("no ticket number was reserved"))?;
    let subject = kefu_mail::threading::clean_subject(subject);
    let subject = if subject.trim().is_empty() {
        source.subject.clone()
    } else {
        subject
    };
    let mut ticket = Ticket::opened_by_customer(
        TicketNumber::new(number)?,
        kefu_domain::text::subject(&subject).unwrap_or_else(|_| source.subject.clone()),
        source.stage,
        Channel::Email,
        sender.unwrap_or(source.requester),
        source.team,
        now,
    );
    clock::start(conn, sla, &mut ticket, now)?;
    tickets::insert(conn, &ticket)?;
    crate::integrations::ticket_event(
        conn,
        sla,
        kefu_domain::integration::IntegrationEvent::TicketCreated,
        &ticket,
        None,
        now,
    )?;
    Ok(ticket)
}
