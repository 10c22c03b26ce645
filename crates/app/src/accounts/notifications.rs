//! Which mail notifications a user gets (agents: a ticket assigned to them, the customer
//! replied, a vendor's update; vendor users: new cases, the business's replies): each chooses
//! their own; someone who never chose gets them all.

use kefu_api_types::auth::NotificationSettingsBody;
use kefu_domain::permissions::Actor;
use kefu_domain::time;
use kefu_store::notification_settings::{self, NotificationSettings};

use crate::App;
use crate::error::AppError;

fn body_of(settings: NotificationSettings) -> NotificationSettingsBody {
    NotificationSettingsBody {
        assigned: settings.assigned,
        customer_replied: settings.customer_replied,
        vendor_update: settings.vendor_update,
        escalation_new: settings.escalation_new,
        escalation_reply: settings.escalation_reply,
    }
}

/// Agents, admins and vendor users get mail notifications; customers hear by mail anyway.
fn may_choose(actor: &Actor) -> Result<(), AppError> {
    if actor.role == kefu_domain::role::Role::Vendor {
        return Ok(());
    }
    Ok(actor.may_work_tickets()?)
}

/// The signed-in agent's notification settings.
pub async fn show(app: &App, actor: Actor) -> Result<NotificationSettingsBody, AppError> {
    may_choose(&actor)?;
    app.store
        .read(move |conn| Ok(body_of(notification_settings::of(conn, actor.user)?)))
        .await
}

/// Stores the signed-in agent's notification settings.
pub async fn save(
    app: &App,
    actor: Actor,
    body: NotificationSettingsBody,
) -> Result<NotificationSettingsBody, AppError> {
    may_choose(&actor)?;
    let settings = NotificationSettings {
        assigned: body.assigned,
        customer_replied: body.customer_replied,
        vendor_update: body.vendor_update,
        escalation_new: body.escalation_new,
        escalation_reply: body.escalation_reply,
    };
    app.store
        .write(move |conn| {
            notification_settings::save(conn, actor.user, settings, time::now())?;
            Ok(body_of(settings))
        })
        .await
}
