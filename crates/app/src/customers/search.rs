//! Finding customers by phone number, email address or name (agents).

use kefu_api_types::customers::CustomerList;
use kefu_api_types::queries::CustomerQuery;
use kefu_domain::email::EmailAddress;
use kefu_domain::permissions::Actor;
use kefu_domain::phone::PhoneNumber;
use kefu_domain::text;
use kefu_store::customers;

use crate::error::AppError;
use crate::{App, view};

/// How many customers a name search returns at most.
const NAME_MATCHES: i64 = 20;

/// The customers matching the phone number, the address or the start of a name.
pub async fn search(
    app: &App,
    actor: Actor,
    query: CustomerQuery,
) -> Result<CustomerList, AppError> {
    actor.may_work_tickets()?;
    let region = app.phone_region().await?;
    let phone = PhoneNumber::parse_optional(query.phone.as_deref(), region)?;
    let email = query
        .email
        .as_deref()
        .filter(|e| !e.trim().is_empty())
        .map(EmailAddress::parse)
        .transpose()?;
    let name = query
        .q
        .as_deref()
        .filter(|q| !q.trim().is_empty())
        .map(|q| text::name("q", q))
        .transpose()?;
    if phone.is_none() && email.is_none() && name.is_none() {
        return Err(AppError::InvalidQuery(
            "search by `phone`, `email` or `q`".into(),
        ));
    }
    let found = app
        .store
        .read(move |conn| {
            let mut ids = Vec::new();
            if let Some(phone) = &phone {
                ids.extend(customers::find_by_phone(conn, phone)?);
            }
            if let Some(email) = &email {
                ids.extend(customers::find_by_email(conn, email)?);
            }
            let mut found = customers::find_many(conn, &ids)?;
            found.sort_by_key(|c| ids.iter().position(|id| *id == c.id));
            if let Some(name) = &name {
                for customer in customers::search_by_name(conn, name.trim(), NAME_MATCHES)? {
                    if !found.iter().any(|c| c.id == customer.id) {
                        found.push(customer);
                    }
                }
            }
            Ok::<_, AppError>(found)
        })
        .await?;
    Ok(CustomerList {
        items: found.iter().map(|c| view::customer(c, region)).collect(),
    })
}
