//! Mail in over IMAP from a real Dovecot on loopback, out through a real SMTP server, and
//! back: the round trip a customer and an agent make, and the admin's connection check.

use std::time::{Duration, Instant};

use kefu_api_types::mail::MailboxRequest;
use kefu_app::App;
use kefu_app::audit::Origin;
use kefu_app::mail::{fetching, mailboxes};
use kefu_domain::ids::{MailboxId, TicketId};
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_domain::ticket::Channel;
use kefu_testkit::mail_servers::{Dovecot, SmtpSink};
use kefu_testkit::test_both;
use tokio::sync::watch;

use crate::mail::{account, mail, mail_app, reply, set_up};
use crate::notify::{smtp_to, start_worker};

pub(crate) const USER: &str = "support@shop.example";
pub(crate) const PASSWORD: &str = "imap-secret-1";

pub(crate) async fn fetch_from(
    app: &App,
    admin: Actor,
    dovecot: &Dovecot,
    password: &str,
) -> MailboxId {
    let list = mailboxes::list(app, admin).await.unwrap();
    let mailbox = list.iter().find(|m| m.address == USER).unwrap();
    let request: MailboxRequest = serde_json::from_value(serde_json::json!({
        "name": mailbox.name, "address": USER, "team_id": mailbox.team_id, "stage": "after_sale",
        "imap": {"host": "127.0.0.1", "port": dovecot.port, "security": "none", "username": USER, "password": password},
    }))
    .unwrap();
    mailboxes::update(app, admin, Origin::cli(), mailbox.id, request)
        .await
        .unwrap();
    mailbox.id
}

/// Email tickets and how many customer mails each holds.
async fn email_tickets(app: &App) -> Vec<(TicketId, usize)> {
    app.store
        .read(|conn| {
            let mut found = Vec::new();
            for n in 1..=kefu_store::tickets::last_number(conn)? {
                let Ok(number) = kefu_domain::ticket::TicketNumber::new(n) else {
                    continue;
                };
                let ticket = kefu_store::tickets::find_by_number(conn, number)?;
                if ticket.channel != Channel::Email {
                    continue;
                }
                let (messages, _) = kefu_store::messages::list(conn, ticket.id, true, None, 100)?;
                found.push((
                    ticket.id,
                    messages
                        .iter()
                        .filter(|m| m.author_customer.is_some())
                        .count(),
                ));
            }
            Ok::<_, kefu_app::AppError>(found)
        })
        .await
        .unwrap()
}

pub(crate) async fn wait_until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

test_both! {
    async fn mail_makes_the_round_trip_through_imap_and_smtp(db: TestDb) {
        let dovecot = Dovecot::start(&[(USER, PASSWORD)]);
        let sink = SmtpSink::start();
        let app = mail_app(&db);
        let (agent, _) = set_up(&app).await;
        let admin = account(&app, "imap-admin@shop.example", Role::Admin).await;

        // Wrong settings say why; right ones pass.
        let mailbox = fetch_from(&app, admin, &dovecot, "wrong-password").await;
        let check = fetching::check_connection(&app, admin, mailbox).await.unwrap();
        assert!(!check.ok);
        assert!(check.error.as_deref().unwrap().contains("refused the sign-in"), "{check:?}");
        let mailbox = fetch_from(&app, admin, &dovecot, PASSWORD).await;
        let check = fetching::check_connection(&app, admin, mailbox).await.unwrap();
        assert!(check.ok, "{check:?}");
        assert_eq!(check.messages, Some(0));

        // Old mail deleted before Kefu starts leaves a gap of UIDs wider than one fetch.
        for i in 0..60 {
            dovecot.deliver(USER, mail("old@example.com", USER, &format!("old{i}@example.com"), "old", "", "old").replace('\n', "\r\n").as_bytes());
        }
        dovecot.expunge_all(USER);
        // Mail that came before Kefu started fetching is taken too.
        dovecot.deliver(USER, mail("Ana <ana@example.com>", USER, "i1@example.com", "Screen flickers", "", "My screen flickers.").replace('\n', "\r\n").as_bytes());
        let (stop, stopping) = watch::channel(false);
        tokio::spawn(fetching::run(app.clone(), stopping));
        let worker = start_worker(&app, smtp_to(&sink));
        wait_until("the first mail to open a ticket", || async { email_tickets(&app).await.len() == 1 }).await;
        let ticket = email_tickets(&app).await[0].0;
        wait_until("the mail to be marked seen", || async { dovecot.seen(USER) == 1 }).await;

        // The agent replies; it reaches the SMTP server.
        reply(&app, agent, ticket, "Please update the driver.").await;
        let sent = sink.wait_for(2, Duration::from_secs(20)).await;
        assert_eq!(sent.len(), 2, "the acknowledgement and the reply reached the SMTP server");
        let sent: Vec<_> = sent.iter().map(|raw| kefu_mail::inbound::parse(raw, None).unwrap()).collect();
        assert!(sent.iter().any(|m| m.automatic.is_some() && m.subject.contains("We received your request")), "the acknowledgement is marked automatic");
        let sent = sent.into_iter().find(|m| m.automatic.is_none()).expect("the agent's reply");
        assert_eq!(sent.in_reply_to, ["i1@example.com"]);
        let reply_to = sent.reply_to.clone().map(|r| r.address).unwrap();

        // The customer answers to the reply address; the mailbox gets it while Kefu waits.
        let started = Instant::now();
        dovecot.deliver(USER, mail(
            "ana@example.com", &reply_to, "i2@example.com", "Re: Screen flickers",
            &format!("In-Reply-To: <{}>\n", sent.message_id.clone().unwrap()), "That fixed it, thanks!",
        ).replace('\n', "\r\n").as_bytes());
        wait_until("the answer to join the ticket", || async { email_tickets(&app).await == [(ticket, 2)] }).await;
        eprintln!("the answer was on the ticket {} ms after delivery", started.elapsed().as_millis());

        // Delivered twice, it is taken once.
        dovecot.deliver(USER, mail(
            "ana@example.com", &reply_to, "i2@example.com", "Re: Screen flickers", "", "That fixed it, thanks!",
        ).replace('\n', "\r\n").as_bytes());
        wait_until("the copy to be seen", || async { dovecot.seen(USER) == 3 }).await;
        assert_eq!(email_tickets(&app).await, [(ticket, 2)], "the copy made nothing new");

        let shown = mailboxes::show(&app, admin, mailbox).await.unwrap();
        let imap = shown.imap.unwrap();
        assert!(imap.checked_at.is_some() && imap.last_error.is_none(), "{imap:?}");
        let _ = stop.send(true);
        let _ = worker.send(true);
    }
}
