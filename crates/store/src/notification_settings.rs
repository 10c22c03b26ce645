//! Which mail notifications each agent wants; an agent who never chose gets every one.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kefu_domain::ids::UserId;

use crate::convert::to_db;
use crate::schema::notification_settings;
use crate::{DbConnection, StoreError};

/// An agent's mail notifications.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotificationSettings {
    /// Mail when a ticket is assigned to them by someone else.
    pub assigned: bool,
    /// Mail when the customer answers on a ticket assigned to them.
    pub customer_replied: bool,
    /// Mail when a vendor answers, asks, returns or writes on their ticket's escalation.
    pub vendor_update: bool,
    /// (Vendor users) mail when a new case is escalated to their organisation.
    pub escalation_new: bool,
    /// (Vendor users) mail when the business writes on one of their cases.
    pub escalation_reply: bool,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        Self {
            assigned: true,
            customer_replied: true,
            vendor_update: true,
            escalation_new: true,
            escalation_reply: true,
        }
    }
}

/// The agent's settings (every notification, if they never chose).
pub fn of(conn: &mut DbConnection, user: UserId) -> Result<NotificationSettings, StoreError> {
    let found: Option<(bool, bool, bool, bool, bool)> = notification_settings::table
        .find(user.to_string())
        .select((
            notification_settings::assigned,
            notification_settings::customer_replied,
            notification_settings::vendor_update,
            notification_settings::escalation_new,
            notification_settings::escalation_reply,
        ))
        .first(conn)
        .optional()?;
    Ok(found
        .map(
            |(assigned, customer_replied, vendor_update, escalation_new, escalation_reply)| {
                NotificationSettings {
                    assigned,
                    customer_replied,
                    vendor_update,
                    escalation_new,
                    escalation_reply,
                }
            },
        )
        .unwrap_or_default())
}

/// Stores the agent's settings.
pub fn save(
    conn: &mut DbConnection,
    user: UserId,
    settings: NotificationSettings,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let updated = diesel::update(notification_settings::table.find(user.to_string()))
        .set((
            notification_settings::assigned.eq(settings.assigned),
            notification_settings::customer_replied.eq(settings.customer_replied),
            notification_settings::vendor_update.eq(settings.vendor_update),
            notification_settings::escalation_new.eq(settings.escalation_new),
            notification_settings::escalation_reply.eq(settings.escalation_reply),
            notification_settings::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    if updated == 0 {
        let row = (
            notification_settings::user_id.eq(user.to_string()),
            notification_settings::assigned.eq(settings.assigned),
            notification_settings::customer_replied.eq(settings.customer_replied),
            notification_settings::vendor_update.eq(settings.vendor_update),
            notification_settings::escalation_new.eq(settings.escalation_new),
            notification_settings::escalation_reply.eq(settings.escalation_reply),
            notification_settings::updated_at.eq(to_db(now)),
        );
        crate::with_backend!(conn, c => diesel::insert_into(notification_settings::table).values(row).execute(c))?;
    }
    Ok(())
}
