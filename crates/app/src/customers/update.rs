//! Changing a customer's name or organisation, or adding addresses and numbers (agents).

use kefu_api_types::customers::{CustomerResponse, UpdateCustomerRequest};
use kefu_domain::DomainError;
use kefu_domain::account::{MAX_EMAILS_PER_CUSTOMER, MAX_PHONES_PER_CUSTOMER};
use kefu_domain::email::EmailAddress;
use kefu_domain::ids::CustomerId;
use kefu_domain::permissions::Actor;
use kefu_domain::phone::PhoneNumber;
use kefu_domain::{text, time};
use kefu_store::{StoreError, customers};

use crate::changes::{Change, Changed};
use crate::error::AppError;
use crate::{App, view};

/// Applies the request to customer `id`.
pub async fn update(
    app: &App,
    actor: Actor,
    id: CustomerId,
    request: UpdateCustomerRequest,
) -> Result<Changed<CustomerResponse>, AppError> {
    actor.may_work_tickets()?;
    let name = request
        .name
        .as_deref()
        .map(|n| text::name("name", n))
        .transpose()?;
    let organisation = request
        .organisation
        .map(|o| text::optional("organisation", o.as_deref(), text::NAME_MAX, false))
        .transpose()?;
    let requested = request.add_emails.len().max(request.add_phones.len());
    if requested > MAX_EMAILS_PER_CUSTOMER.max(MAX_PHONES_PER_CUSTOMER) {
        return Err(DomainError::TooMany {
            what: "addresses or numbers added at once",
            max: MAX_EMAILS_PER_CUSTOMER.max(MAX_PHONES_PER_CUSTOMER),
        }
        .into());
    }
    let emails = request
        .add_emails
        .iter()
        .map(|e| EmailAddress::parse(e))
        .collect::<Result<Vec<_>, _>>()?;
    let region = app.phone_region().await?;
    let phones = request
        .add_phones
        .iter()
        .map(|p| PhoneNumber::parse(p, region))
        .collect::<Result<Vec<_>, _>>()?;
    let customer = app
        .store
        .write(move |conn| {
            let now = time::now();
            customers::update(
                conn,
                id,
                name.as_deref(),
                organisation.as_ref().map(|o| o.as_deref()),
                now,
            )
            .map_err(AppError::not_found_as("customer"))?;
            for email in &emails {
                customers::add_email(conn, id, email, now).map_err(|e| match e {
                    StoreError::Conflict(_) => AppError::conflict(
                        "email_taken",
                        format!("{email} belongs to another customer"),
                    ),
                    other => other.into(),
                })?;
            }
            for phone in &phones {
                customers::add_phone(conn, id, phone, now)?;
            }
            let customer = customers::find(conn, id)?;
            customer.check_contact_counts()?;
            Ok::<_, AppError>(customer)
        })
        .await?;
    Ok(Changed::new(
        view::customer(&customer, region),
        vec![Change::Customer { id }],
    ))
}
