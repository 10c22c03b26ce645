//! What a use case changed reaches the process's subscribers once it committed, and only then.

use kefu_api_types::tickets::{CreateTicketRequest, PostMessageRequest};
use kefu_app::accounts::create_user::{NewAccount, create_account};
use kefu_app::audit::Origin;
use kefu_app::tickets::TicketRef;
use kefu_app::tickets::create::{CreateTicket, create};
use kefu_app::tickets::post_message::{PostMessage, post};
use kefu_app::{App, AppError, Change, ChangeKind, SessionPolicy};
use kefu_domain::message::Visibility;
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_domain::ticket::{Channel, Status};
use kefu_testkit::test_both;

async fn agent(app: &App) -> Actor {
    let account = NewAccount::parse("agent@example.com", "Agent", Role::Agent, Some("zh")).unwrap();
    let user = app.published(
        create_account(app, None, Origin::cli(), account, None)
            .await
            .unwrap(),
    );
    assert_eq!(
        user.locale.as_deref(),
        Some("zh-CN"),
        "the locale is normalised"
    );
    Actor {
        user: user.id,
        role: Role::Agent,
        customer: None,
    }
}

fn email_ticket(subject: &str) -> CreateTicketRequest {
    serde_json::from_value(serde_json::json!({
        "subject": subject,
        "channel": "email",
        "requester": {"email": "buyer@example.com"},
        "message": {"body": "My order has not arrived."},
    }))
    .unwrap()
}

test_both! {
    async fn committed_changes_are_published_to_subscribers(db: TestDb) {
        let app = App::new(db.store.clone(), None, SessionPolicy::default()).unwrap();
        let actor = agent(&app).await;
        let mut changes = app.subscribe();

        let command = CreateTicket::parse(email_ticket("Where is my parcel?"), None).unwrap();
        let created = create(&app, actor, command).await.unwrap();
        assert_eq!(
            created.changes,
            [Change::Ticket { id: created.value.id, kind: ChangeKind::Created }]
        );
        assert!(changes.try_recv().is_err(), "nothing is published before the caller says so");
        let ticket = app.published(created);
        assert_eq!(
            changes.try_recv().unwrap(),
            Change::Ticket { id: ticket.id, kind: ChangeKind::Created }
        );

        let reply = PostMessage {
            body: "它明天到。It arrives tomorrow.".into(),
            visibility: Visibility::Public,
            status: Some(Status::Pending),
            channel: Some(Channel::Chat),
            recipients: None,
        };
        let posted = app.published(post(&app, actor, TicketRef::Number(ticket.number), reply).await.unwrap());
        assert_eq!(posted.channel, Channel::Chat, "a role says which channel a line came by");
        assert_eq!(
            changes.try_recv().unwrap(),
            Change::Ticket { id: ticket.id, kind: ChangeKind::MessagePosted }
        );
        let shown = kefu_app::tickets::show::show(&app, actor, TicketRef::Id(ticket.id)).await.unwrap();
        assert_eq!(shown.status, Status::Pending);
        assert!(shown.first_responded_at.is_some(), "the first public answer is stamped");
    }
}

test_both! {
    async fn refused_use_cases_change_nothing_and_publish_nothing(db: TestDb) {
        let app = App::new(db.store.clone(), None, SessionPolicy::default()).unwrap();
        let actor = agent(&app).await;
        let ticket = app.published(
            create(&app, actor, CreateTicket::parse(email_ticket("Refund"), None).unwrap()).await.unwrap(),
        );
        let mut changes = app.subscribe();
        let mut request = email_ticket("Phone without a call");
        request.channel = Channel::Phone;
        assert!(matches!(
            CreateTicket::parse(request, None),
            Err(AppError::Invalid { code: "call_required", .. })
        ));
        let vendor = Actor { role: Role::Vendor, ..actor };
        let note = PostMessage::parse(PostMessageRequest {
            mail_to: None,
            mail_cc: None,
            body: "internal".into(),
            visibility: Some(Visibility::Internal),
            status: None,
        })
        .unwrap();
        let refused = post(&app, vendor, TicketRef::Id(ticket.id), note).await.unwrap_err();
        assert!(matches!(refused, AppError::NotFound("ticket")), "{refused:?}");
        assert!(changes.try_recv().is_err());
    }
}
