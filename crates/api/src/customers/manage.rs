//! Searching, showing and changing customers.

use actix_web::web;
use kefu_api_types::Problem;
use kefu_api_types::customers::{
    CustomerDetail, CustomerList, CustomerResponse, UpdateCustomerRequest,
};
use kefu_domain::email::EmailAddress;
use kefu_domain::ids::CustomerId;
use kefu_domain::phone::PhoneNumber;
use kefu_domain::{text, time};
use kefu_store::tickets::{self, TicketFilter, TicketSort};
use kefu_store::{StoreError, customers};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::state::AppState;
use crate::view;

/// How to find customers; give one of the three.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CustomerQuery {
    /// A phone number in any common format: the caller on the line.
    pub phone: Option<String>,
    /// An email address.
    pub email: Option<String>,
    /// The start of a name.
    pub q: Option<String>,
}

/// Find customers by phone number, email address or name (agents).
#[utoipa::path(
    get, path = "/api/v1/customers", operation_id = "search_customers", tag = "customers",
    params(CustomerQuery),
    responses(
        (status = 200, body = CustomerList),
        (status = 403, body = Problem),
        (status = 422, description = "The phone number or address is not valid", body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn search(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<CustomerQuery>,
) -> Result<web::Json<CustomerList>, ApiError> {
    auth.actor.may_work_tickets()?;
    let query = query.into_inner();
    let phone = query
        .phone
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(|p| PhoneNumber::parse(p, state.phone_region))
        .transpose()?;
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
        .map(|q| kefu_domain::text::name("q", q))
        .transpose()?;
    if phone.is_none() && email.is_none() && name.is_none() {
        return Err(ApiError::BadRequest {
            code: "invalid_query",
            message: "search by `phone`, `email` or `q`".into(),
        });
    }
    let found = state
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
                for customer in customers::search_by_name(conn, name.trim(), 20)? {
                    if !found.iter().any(|c| c.id == customer.id) {
                        found.push(customer);
                    }
                }
            }
            Ok::<_, StoreError>(found)
        })
        .await?;
    Ok(web::Json(CustomerList {
        items: found.iter().map(view::customer).collect(),
    }))
}

/// A customer and their tickets on every channel, most recently updated first. Agents see
/// any customer; a customer sees their own record.
#[utoipa::path(
    get, path = "/api/v1/customers/{id}", operation_id = "get_customer", tag = "customers",
    params(("id" = String, Path)),
    responses((status = 200, body = CustomerDetail), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<CustomerDetail>, ApiError> {
    let id: CustomerId = path.parse().map_err(|_| ApiError::NotFound("customer"))?;
    if !auth.actor.is_staff() && auth.actor.customer != Some(id) {
        return Err(ApiError::NotFound("customer"));
    }
    let actor = auth.actor;
    let detail = state
        .store
        .read(move |conn| {
            let customer = customers::find(conn, id).map_err(|e| match e {
                StoreError::NotFound => ApiError::NotFound("customer"),
                other => other.into(),
            })?;
            let filter = TicketFilter {
                requester: Some(id),
                ..TicketFilter::default()
            };
            let page = tickets::list(conn, &filter, TicketSort::Updated, None, 50)?;
            Ok::<_, ApiError>(CustomerDetail {
                customer: view::customer(&customer),
                tickets: view::tickets(conn, page.items, Some(&actor))?,
                next_cursor: page.next.map(|c| c.encode()),
            })
        })
        .await?;
    Ok(web::Json(detail))
}

/// Change a customer's name or organisation, or add addresses and numbers (agents).
#[utoipa::path(
    patch, path = "/api/v1/customers/{id}", operation_id = "update_customer", tag = "customers",
    params(("id" = String, Path)),
    request_body = UpdateCustomerRequest,
    responses(
        (status = 200, body = CustomerResponse), (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "An address belongs to another customer", body = Problem),
        (status = 422, body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: web::Json<UpdateCustomerRequest>,
) -> Result<web::Json<CustomerResponse>, ApiError> {
    auth.actor.may_work_tickets()?;
    let id: CustomerId = path.parse().map_err(|_| ApiError::NotFound("customer"))?;
    let request = body.into_inner();
    let name = request
        .name
        .as_deref()
        .map(|n| text::name("name", n))
        .transpose()?;
    let organisation = request
        .organisation
        .map(|o| text::optional("organisation", o.as_deref(), text::NAME_MAX, false))
        .transpose()?;
    let emails = request
        .add_emails
        .iter()
        .map(|e| EmailAddress::parse(e))
        .collect::<Result<Vec<_>, _>>()?;
    let region = state.phone_region;
    let phones = request
        .add_phones
        .iter()
        .map(|p| PhoneNumber::parse(p, region))
        .collect::<Result<Vec<_>, _>>()?;
    let customer = state
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
            .map_err(|e| match e {
                StoreError::NotFound => ApiError::NotFound("customer"),
                other => other.into(),
            })?;
            for email in &emails {
                customers::add_email(conn, id, email, now).map_err(|e| match e {
                    StoreError::Conflict(message) => ApiError::Conflict {
                        code: "email_taken",
                        message,
                    },
                    other => other.into(),
                })?;
            }
            for phone in &phones {
                customers::add_phone(conn, id, phone, now)?;
            }
            Ok::<_, ApiError>(customers::find(conn, id)?)
        })
        .await?;
    Ok(web::Json(view::customer(&customer)))
}
