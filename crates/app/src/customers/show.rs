//! A customer and their tickets on every channel, most recently updated first.

use kefu_api_types::customers::CustomerDetail;
use kefu_domain::ids::CustomerId;
use kefu_domain::permissions::Actor;
use kefu_store::customers;
use kefu_store::tickets::{self, TicketFilter, TicketSort};

use crate::error::AppError;
use crate::{App, view};

/// How many of the customer's tickets come with the record.
const TICKETS: i64 = 50;

/// The customer `id`: agents see anyone, a customer their own record.
pub async fn show(app: &App, actor: Actor, id: CustomerId) -> Result<CustomerDetail, AppError> {
    if !actor.is_staff() && actor.customer != Some(id) {
        return Err(AppError::NotFound("customer"));
    }
    let region = app.phone_region().await?;
    app.store
        .read(move |conn| {
            let customer = customers::find(conn, id).map_err(AppError::not_found_as("customer"))?;
            let filter = TicketFilter {
                requester: Some(id),
                ..TicketFilter::default()
            };
            let viewer = view::read_marks_of(&actor);
            let page = tickets::list(conn, &filter, (TicketSort::Updated, None, TICKETS), viewer)?;
            Ok(CustomerDetail {
                customer: view::customer(&customer, region),
                tickets: view::listed(page.items, page.names, &actor, region)?,
                next_cursor: page.next.map(|c| c.encode()).transpose()?,
            })
        })
        .await
}
