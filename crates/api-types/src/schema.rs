//! The OpenAPI schemas of the domain's values: the domain has no idea of OpenAPI, so the API's
//! bodies name these in `#[schema(value_type = …)]`. Enumerations list the domain's own values,
//! so the document can never drift from what the server accepts.

use std::borrow::Cow;

use kefu_domain::{
    call, chat, escalation, integration, mail, message, role, routing, sla, survey, telephony,
    ticket, triggers, vendor, visit, widget,
};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

/// Declares the schema of a domain enumeration from its `ALL` values.
macro_rules! enum_schema {
    ($($name:ident => $domain:ty, $description:literal;)+) => {$(
        #[doc = concat!("The OpenAPI schema of `", stringify!($domain), "`.")]
        pub struct $name;

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some($description))
                    .enum_values(Some(<$domain>::ALL.iter().map(|v| v.as_str())))
                    .into()
            }
        }

        impl ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    )+};
}

/// Declares the schema of a domain id: a UUID string.
macro_rules! id_schema {
    ($($name:ident, $description:literal;)+) => {$(
        #[doc = concat!("The OpenAPI schema of `", stringify!($name), "`: a UUID.")]
        pub struct $name;

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
                    .description(Some($description))
                    .into()
            }
        }

        impl ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    )+};
}

enum_schema! {
    Stage => ticket::Stage, "Where in the sale the customer is.";
    ConversationState => chat::ConversationState, "Where a live chat stands: waiting in its team's queue, offered to an agent, served, or ended.";
    ChatSource => chat::ChatSource, "How a chat ticket came in from the widget: a live chat, or a message left on the offline form while nobody could chat.";
    Channel => ticket::Channel, "How the inquiry reached the business.";
    Status => ticket::Status, "Where the ticket stands: new, open, pending (waiting on the customer), on hold (waiting on a vendor), solved, closed.";
    Priority => ticket::Priority, "How urgent the ticket is.";
    Role => role::Role, "A user's role; it decides what the user may see and do.";
    Visibility => message::Visibility, "Who may read a timeline entry.";
    AuthorKind => message::AuthorKind, "Who wrote a timeline entry.";
    MessageKind => message::MessageKind, "What a timeline entry is.";
    CallDirection => call::CallDirection, "Who called whom.";
    CallOutcome => call::CallOutcome, "How the call ended.";
    WidgetPosition => widget::WidgetPosition, "Which bottom corner of the page the chat launcher sits in.";
    TemplateKind => mail::TemplateKind, "A mail Kefu writes from a template.";
    VendorKind => vendor::VendorKind, "What a vendor is to the business: software maker, manufacturer, supplier, courier or service partner.";
    EscalationStatus => escalation::EscalationStatus, "Where an escalation stands.";
    VisitStatus => visit::VisitStatus, "Where a field-service visit stands: proposed, confirmed, en route, done, no show (nobody was there) or cancelled.";
    SlaTarget => sla::Target, "What a service level promises: the first response, a response to each later customer message, or solving the ticket.";
    SlaAlertKind => sla::AlertKind, "How far a service-level target has come: near breach (the warning share of its time has gone) or breach (its due time has passed).";
    Expectation => survey::Expectation, "How what the customer got compares with what they expected: worse, as expected, better.";
    RatingSource => survey::RatingSource, "Where the customer rated: the chat widget, the mailed link, or the portal.";
    TriggerEvent => triggers::TriggerEvent, "What sets a trigger off: a ticket created, the customer's reply, a change of status, a service level nearly or fully breached, an overdue vendor, or (scheduled) hours without activity.";
    AssignmentMode => routing::AssignmentMode, "How a team hands its new tickets to its agents: off, round robin (whoever was given one longest ago) or least busy (fewest open tickets); only to agents online with room.";
    CallEventKind => telephony::CallEventKind, "What a telephony provider reports of a call: it rings, is answered, ends, or is missed.";
    CallState => telephony::CallState, "Where a reported call stands: ringing, answered, ended (after an answer) or missed.";
    IntegrationEvent => integration::IntegrationEvent, "What an integration webhook is told of: tickets created or changed, messages, chats started or ended, escalations created, moved or written in, calls logged, a trigger's call, or a test ping.";
    EscalationEntryKind => escalation::EntryKind, "What an entry in an escalation's thread is: a reply, a note among the vendor's users, an event or a shared ticket message.";
}

id_schema! {
    UserId, "A user account: admin, agent, vendor user or customer login.";
    TeamId, "A team (a queue of work).";
    CustomerId, "A customer: a person who asks for help, with or without a login.";
    TicketId, "A ticket.";
    MessageId, "One entry on a ticket's timeline.";
    CallId, "A phone call logged on a ticket.";
    WidgetId, "A chat widget embedded on the business's websites.";
    FileId, "A file on a message: sent in a chat or attached to mail.";
    MailboxId, "An address Kefu receives mail on.";
    OutboxId, "Something waiting in the outbox to leave Kefu (an email).";
    QuarantineId, "A raw mail kept in quarantine because it could not be taken.";
    VendorId, "A vendor organisation cases are escalated to.";
    EscalationId, "A case handed to a vendor.";
    EscalationMessageId, "One entry in an escalation's thread.";
    VisitId, "A field-service visit.";
    CalendarId, "A business calendar: a time zone, weekly hours and holidays.";
    SlaPolicyId, "A service-level policy.";
    MacroId, "A macro or canned reply.";
    TriggerId, "A trigger or scheduled automation.";
    RatingId, "A customer's satisfaction rating.";
    RoutingRuleId, "A routing rule: conditions on a new ticket and what to set on it.";
    IntegrationId, "An integration webhook.";
}

/// The OpenAPI schema of `TicketNumber`: a positive integer.
pub struct TicketNumber;

impl PartialSchema for TicketNumber {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(1))
            .description(Some("A ticket's human number, shown as `#1042`."))
            .into()
    }
}

impl ToSchema for TicketNumber {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("TicketNumber")
    }
}
