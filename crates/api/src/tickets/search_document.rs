//! Keeping a ticket's search document in step with its subject and messages.

use kefu_domain::message::Visibility;
use kefu_domain::ticket::Ticket;
use kefu_store::dialect;
use kefu_store::search::SearchDocument;
use kefu_store::{DbConnection, StoreError, messages};

/// Rebuilds a ticket's document from what is stored (after a message or a new subject).
pub fn refresh(conn: &mut DbConnection, ticket: &Ticket) -> Result<(), StoreError> {
    let texts = messages::searchable_texts(conn, ticket.id)?;
    let borrowed: Vec<(Visibility, &str)> = texts.iter().map(|(v, t)| (*v, t.as_str())).collect();
    dialect::write_search_documents(conn, &[SearchDocument::new(ticket, &borrowed)])
}
