//! Searching, showing and changing customers.

use actix_web::web;
use kefu_api_types::Problem;
use kefu_api_types::customers::{
    CustomerDetail, CustomerList, CustomerResponse, UpdateCustomerRequest,
};
use kefu_api_types::queries::CustomerQuery;
use kefu_app::customers as use_case;
use kefu_domain::ids::CustomerId;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

fn customer_id(path: &str) -> Result<CustomerId, ApiError> {
    path.parse().map_err(|_| ApiError::NotFound("customer"))
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
    let found = use_case::search::search(&state.app, auth.actor, query.into_inner()).await?;
    Ok(web::Json(found))
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
    let id = customer_id(&path)?;
    Ok(web::Json(
        use_case::show::show(&state.app, auth.actor, id).await?,
    ))
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
    body: Object<UpdateCustomerRequest>,
) -> Result<web::Json<CustomerResponse>, ApiError> {
    let id = customer_id(&path)?;
    let changed = use_case::update::update(&state.app, auth.actor, id, body.into_inner()).await?;
    Ok(web::Json(state.app.published(changed)))
}
