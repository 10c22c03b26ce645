//! Chats whose visitor left before anyone answered. Each gateway node renews, every
//! [`RENEW_EVERY`](crate::chat::presence::RENEW_EVERY), the waiting chats whose visitor holds
//! a socket on it (any tab, any page of the shop); the router ends a waiting chat nobody
//! renewed for [`GONE_AFTER`], so queues hold only visitors who are still there. The ticket
//! goes on, answered by email when the visitor gave one.

use chrono::{DateTime, Duration, Utc};
use kefu_domain::ids::TicketId;
use kefu_store::DbConnection;
use kefu_store::chat::visitors_here;

use crate::App;
use crate::error::AppError;

/// How long a renewal lasts.
pub const VISITOR_LEASE: Duration = Duration::seconds(30);
/// How long after its last renewal ran out a waiting chat's visitor counts as gone.
pub const GONE_AFTER: Duration = Duration::seconds(90);

/// The visitors of `tickets` hold sockets on this node at `now`: their waiting chats wait on.
/// It looks with a read first and writes only for chats that wait, so the chat lines' group
/// commits are not held up every few seconds for served chats (SQLite has one writer).
pub async fn renew(app: &App, tickets: Vec<TicketId>, now: DateTime<Utc>) -> Result<(), AppError> {
    if tickets.is_empty() {
        return Ok(());
    }
    let tickets = app
        .store
        .read(move |conn| visitors_here::waiting_among(conn, &tickets))
        .await?;
    if tickets.is_empty() {
        return Ok(());
    }
    app.store
        .write(move |conn| visitors_here::renew(conn, &tickets, now + VISITOR_LEASE))
        .await?;
    Ok(())
}

/// The waiting chats whose visitor is gone at `now`.
pub(crate) fn gone(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<Vec<TicketId>, AppError> {
    Ok(visitors_here::gone(conn, now - GONE_AFTER)?)
}
