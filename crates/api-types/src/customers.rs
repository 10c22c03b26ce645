//! Customers.

use chrono::{DateTime, Utc};
use kefu_domain::ids::{CustomerId, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::tickets::TicketResponse;

/// A customer with their contact details.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CustomerResponse {
    /// The customer's id.
    #[schema(value_type = crate::schema::CustomerId)]
    pub id: CustomerId,
    /// Their name.
    pub name: String,
    /// Their company.
    pub organisation: Option<String>,
    /// Their email addresses.
    pub emails: Vec<String>,
    /// Their phone numbers, E.164.
    pub phones: Vec<String>,
    /// The same numbers as people read them: national format in the business's region,
    /// international otherwise.
    pub phones_display: Vec<String>,
    /// Their login, if they have one.
    #[schema(value_type = Option<crate::schema::UserId>)]
    pub user_id: Option<UserId>,
    /// When the record was made.
    pub created_at: DateTime<Utc>,
}

/// A customer as shown on a ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CustomerSummary {
    /// The customer's id.
    #[schema(value_type = crate::schema::CustomerId)]
    pub id: CustomerId,
    /// Their name.
    pub name: String,
    /// Their first email address.
    pub email: Option<String>,
    /// Their first phone number, E.164.
    pub phone: Option<String>,
    /// The same number as people read it.
    pub phone_display: Option<String>,
}

/// Customers found by a search.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CustomerList {
    /// The customers found.
    pub items: Vec<CustomerResponse>,
}

/// `GET /api/v1/customers/{id}`: the customer and their tickets on every channel.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CustomerDetail {
    /// The customer.
    pub customer: CustomerResponse,
    /// Their tickets, most recently updated first.
    pub tickets: Vec<TicketResponse>,
    /// Pass as `cursor` to `GET /api/v1/tickets?requester=…` for older tickets.
    pub next_cursor: Option<String>,
}

/// `PATCH /api/v1/customers/{id}`; absent fields stay as they are.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCustomerRequest {
    /// A new name.
    #[serde(default)]
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub name: Option<String>,
    /// A new organisation, or `null` to remove it.
    #[serde(
        default,
        with = "crate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub organisation: Option<Option<String>>,
    /// Email addresses to add.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub add_emails: Vec<String>,
    /// Phone numbers to add.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub add_phones: Vec<String>,
}
