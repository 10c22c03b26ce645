//! Who a new ticket (call, chat, email) is from: an existing customer, or one found or
//! created from contact details.

use chrono::{DateTime, Utc};
use kefu_api_types::tickets::RequesterInput;
use kefu_domain::account::{Customer, MAX_EMAILS_PER_CUSTOMER, MAX_PHONES_PER_CUSTOMER};
use kefu_domain::email::EmailAddress;
use kefu_domain::ids::CustomerId;
use kefu_domain::phone::{PhoneNumber, PhoneRegion};
use kefu_domain::text;
use kefu_store::customers::CustomerSummary;
use kefu_store::{DbConnection, StoreError, customers, savepoint};

use crate::error::AppError;

/// A requester, parsed and validated before any database work.
#[derive(Clone, Debug)]
pub enum RequesterSpec {
    /// An existing customer.
    Existing(CustomerId),
    /// Contact details to find a customer by, or to create one with.
    Contact {
        /// The name for a new customer.
        name: Option<String>,
        /// Looked up first.
        email: Option<EmailAddress>,
        /// Looked up if the email finds nobody.
        phone: Option<PhoneNumber>,
        /// The company, for a new customer.
        organisation: Option<String>,
    },
}

impl RequesterSpec {
    /// Parses what the client sent; needs an id, an email or a phone number.
    pub fn parse(input: RequesterInput, region: Option<PhoneRegion>) -> Result<Self, AppError> {
        if let Some(id) = input.id {
            return Ok(RequesterSpec::Existing(id));
        }
        let email = input
            .email
            .as_deref()
            .filter(|e| !e.trim().is_empty())
            .map(EmailAddress::parse)
            .transpose()?;
        let phone = PhoneNumber::parse_optional(input.phone.as_deref(), region)?;
        if email.is_none() && phone.is_none() {
            return Err(AppError::invalid(
                "requester_required",
                "give the requester's id, email address or phone number",
            ));
        }
        Ok(RequesterSpec::Contact {
            name: text::optional(
                "requester name",
                input.name.as_deref(),
                text::NAME_MAX,
                false,
            )?,
            email,
            phone,
            organisation: text::optional(
                "organisation",
                input.organisation.as_deref(),
                text::NAME_MAX,
                false,
            )?,
        })
    }

    /// The customer with this phone number, or a new one named after it.
    pub fn caller(phone: PhoneNumber) -> Self {
        RequesterSpec::Contact {
            name: None,
            email: None,
            phone: Some(phone),
            organisation: None,
        }
    }
}

/// The customer's summary, or "not found".
fn summary(conn: &mut DbConnection, id: CustomerId) -> Result<CustomerSummary, AppError> {
    customers::summaries(conn, &[id])?.pop().ok_or_else(|| {
        AppError::invalid("requester_not_found", format!("there is no customer {id}"))
    })
}

/// Finds or creates the requester. A found customer gains the phone number or address given
/// with it, so the next call from that number finds them.
pub fn resolve(
    conn: &mut DbConnection,
    spec: RequesterSpec,
    now: DateTime<Utc>,
) -> Result<CustomerSummary, AppError> {
    let (name, email, phone, organisation) = match spec {
        RequesterSpec::Existing(id) => return summary(conn, id),
        RequesterSpec::Contact {
            name,
            email,
            phone,
            organisation,
        } => (name, email, phone, organisation),
    };
    let by_email = match &email {
        Some(email) => customers::find_by_email(conn, email)?,
        None => None,
    };
    let by_phone = match (by_email, &phone) {
        (None, Some(phone)) => customers::find_by_phone(conn, phone)?.into_iter().next(),
        _ => None,
    };
    if let Some(id) = by_email.or(by_phone) {
        // A full record keeps what it has rather than refusing the ticket.
        let known = customers::find(conn, id)?;
        if let Some(phone) = &phone
            && known.phones.len() < MAX_PHONES_PER_CUSTOMER
        {
            customers::add_phone(conn, id, phone, now)?;
        }
        if let (None, Some(email)) = (by_email, &email)
            && known.emails.len() < MAX_EMAILS_PER_CUSTOMER
        {
            customers::add_email(conn, id, email, now)?;
        }
        return summary(conn, id);
    }
    let name = name
        .or_else(|| {
            email
                .as_ref()
                .map(|e| e.as_str().split('@').next().unwrap_or_default().to_owned())
        })
        .or_else(|| phone.as_ref().map(ToString::to_string))
        .unwrap_or_default();
    let customer = Customer {
        id: CustomerId::new(),
        name,
        organisation,
        emails: email.into_iter().collect(),
        phones: phone.into_iter().collect(),
        user: None,
        created_at: now,
    };
    // Another request may create the same customer at the same moment: the insert runs in a
    // savepoint, and on a conflict the customer it created is used.
    match savepoint(conn, |c| customers::insert(c, &customer)) {
        Ok(()) => Ok(CustomerSummary {
            id: customer.id,
            name: customer.name,
            email: customer.emails.first().map(ToString::to_string),
            phone: customer.phones.first().map(ToString::to_string),
        }),
        Err(StoreError::Conflict(_)) => {
            let id = match (customer.emails.first(), customer.phones.first()) {
                (Some(e), _) => customers::find_by_email(conn, e)?,
                (None, Some(p)) => customers::find_by_phone(conn, p)?.into_iter().next(),
                (None, None) => None,
            };
            summary(conn, id.ok_or(StoreError::NotFound)?)
        }
        Err(other) => Err(other.into()),
    }
}
