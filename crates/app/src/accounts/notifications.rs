//! Which mail notifications an agent gets (a ticket assigned to them, the customer replied):
//! each agent chooses their own; an agent who never chose gets both.

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
    }
}

/// The signed-in agent's notification settings.
pub async fn show(app: &App, actor: Actor) -> Result<NotificationSettingsBody, AppError> {
    actor.may_work_tickets()?;
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
    actor.may_work_tickets()?;
    let settings = NotificationSettings {
        assigned: body.assigned,
        customer_replied: body.customer_replied,
    };
    app.store
        .write(move |conn| {
            notification_settings::save(conn, actor.user, settings, time::now())?;
            Ok(body_of(settings))
        })
        .await
}
