//! The OpenAPI 3 document, generated from the handlers and bodies.

use actix_web::HttpResponse;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::{
    audit, auth, chat, customers, escalations, integrations, macros, mail, reports, routing,
    settings, sla, surveys, teams, telephony, tickets, triggers, users, vendors, visits,
};

/// Kefu's HTTP API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kefu API",
        description = "The helpdesk API: tickets on every channel, customers, users and teams. \
            Errors are application/problem+json with a stable `code`.",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(
        auth::login::login,
        auth::logout::logout,
        auth::me::show,
        auth::me::update,
        auth::me::change_password,
        auth::tokens::list,
        auth::tokens::create,
        auth::tokens::revoke,
        auth::password_reset::reset,
        auth::forgot_password::forgot,
        auth::notifications::show,
        auth::notifications::save,
        audit::list,
        settings::show,
        settings::update,
        users::list::list,
        users::list::show,
        users::create::create,
        users::update::update,
        teams::manage::list,
        teams::manage::show,
        teams::manage::create,
        teams::manage::update,
        chat::widgets::list,
        chat::widgets::show,
        chat::widgets::create,
        chat::widgets::update,
        chat::widgets::delete,
        chat::visitors::start,
        chat::settings::show,
        chat::settings::update,
        chat::sockets::issue,
        chat::sockets::online,
        chat::on_ticket::show,
        chat::files::send,
        chat::files::download,
        chat::files::thumbnail,
        mail::inbound::receive,
        mail::mailboxes::list,
        mail::mailboxes::show,
        mail::mailboxes::create,
        mail::mailboxes::update,
        mail::mailboxes::check,
        mail::quarantine::list,
        mail::quarantine::raw,
        mail::quarantine::retry,
        mail::quarantine::delete,
        mail::smtp::show,
        mail::smtp::save,
        mail::smtp::clear,
        mail::smtp::test,
        mail::templates::list,
        mail::templates::show,
        mail::templates::save,
        mail::templates::reset,
        mail::templates::preview,
        mail::templates::frame,
        customers::manage::search,
        customers::manage::show,
        customers::manage::update,
        vendors::list,
        vendors::show,
        vendors::create,
        vendors::update,
        vendors::users,
        vendors::systems::show_webhook,
        vendors::systems::set_webhook,
        vendors::systems::remove_webhook,
        vendors::systems::ping_webhook,
        vendors::systems::show_api_key,
        vendors::systems::create_api_key,
        vendors::systems::revoke_api_key,
        vendors::scorecard,
        vendors::scorecard_csv,
        visits::for_ticket,
        visits::create,
        visits::list,
        visits::show,
        visits::update,
        sla::list_calendars,
        sla::show_calendar,
        sla::create_calendar,
        sla::update_calendar,
        sla::delete_calendar,
        sla::due,
        sla::import_calendar,
        sla::list_policies,
        sla::show_policy,
        sla::create_policy,
        sla::update_policy,
        sla::delete_policy,
        sla::reapply,
        sla::ticket_sla,
        macros::list,
        macros::show,
        macros::create,
        macros::update,
        macros::delete,
        macros::apply_to_ticket,
        routing::list,
        routing::show,
        routing::create,
        routing::update,
        routing::delete,
        routing::test,
        routing::assignments,
        routing::set_assignment,
        triggers::list,
        triggers::show,
        triggers::create,
        triggers::update,
        triggers::delete,
        integrations::list,
        integrations::show,
        integrations::create,
        integrations::update,
        integrations::delete,
        integrations::ping,
        integrations::deliveries,
        integrations::redeliver,
        telephony::receive,
        telephony::show,
        telephony::update,
        surveys::show_link,
        surveys::answer_link,
        surveys::rate_ticket,
        surveys::ratings,
        surveys::show_settings,
        surveys::update_settings,
        reports::report,
        reports::report_csv,
        escalations::attach,
        escalations::preview,
        escalations::escalate,
        escalations::for_ticket,
        escalations::list,
        escalations::detail,
        escalations::post_message,
        escalations::move_status,
        escalations::copy_to_reply,
        escalations::download,
        tickets::list::list,
        tickets::create::create,
        tickets::show::show,
        tickets::update::update,
        tickets::messages::list,
        tickets::messages::post,
        tickets::messages::html,
        tickets::mail::rethread,
        tickets::mail::recipients,
        tickets::calls::post,
        tickets::views::counts,
        tickets::bulk::update,
        tickets::seen::mark,
    ),
    modifiers(&Security),
    tags(
        (name = "auth", description = "Signing in and out, passwords, API tokens"),
        (name = "audit", description = "Who did what: the audit log"),
        (name = "settings", description = "The helpdesk's settings"),
        (name = "users", description = "Accounts"),
        (name = "teams", description = "Queues of work"),
        (name = "chat", description = "Live chat: widgets, chat settings, visitor sessions and socket tickets (the chat itself is on the gateway's WebSocket)"),
        (name = "mail", description = "The email channel: raw mail from MTAs, mailboxes and the quarantine"),
        (name = "customers", description = "The people asking for help"),
        (name = "tickets", description = "Inquiries on every channel"),
        (name = "vendors", description = "Vendor organisations cases are escalated to"),
        (name = "escalations", description = "Cases handed to vendors: what is shared, their threads and lifecycle"),
        (name = "visits", description = "Field-service visits: scheduling, the calendar, and what the technician recorded"),
        (name = "service levels", description = "Business calendars, SLA policies and each ticket's clock"),
        (name = "routing", description = "Routing rules that set a new ticket's team, priority, tags and agent, and each team's automatic assignment"),
        (name = "triggers", description = "Triggers and scheduled automations: on an event or after hours without activity, set fields, tag, assign, write a note, mail the customer or the agent"),
        (name = "integrations", description = "Integration webhooks: signed calls of other systems on ticket, message, chat, escalation and call events, with retries, a delivery log and a test event"),
        (name = "telephony", description = "Telephony: a PBX's or provider's signed call events land on the caller's ticket, pop up at the agent's extension and turn missed calls into call backs; the webhook's setup and agents' extensions"),
        (name = "surveys", description = "Satisfaction surveys: a rating, a comment and whether it was what the customer expected, from the widget, a single-use mailed link or the portal"),
        (name = "reports", description = "Reports over a period per team, agent, stage or channel: first response, resolution, SLA attainment, backlog, volume per day, CSAT and the expectation gap, vendor turnaround; JSON or CSV"),
        (name = "macros", description = "Macros and canned replies: a reply in both languages with placeholders, and changes to make"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "visitor",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A chat visitor's session token (`v1.…`), from the widget",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "inbound_secret",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The `[mail] inbound_secret`, or instead an `X-Kefu-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">` header",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "kefu_session",
                "Browsers: the session cookie; writes also need the X-CSRF-Token header",
            ))),
        );
    }
}

/// `GET /api/v1/openapi.json`.
pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
