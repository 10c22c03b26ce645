//! Customers, their email addresses and phone numbers.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kefu_domain::account::Customer;
use kefu_domain::email::EmailAddress;
use kefu_domain::ids::{CustomerId, UserId};
use kefu_domain::phone::PhoneNumber;

use crate::convert::{from_db, parse, parse_opt, to_db};
use crate::schema::{customer_emails, customer_phones, customers};
use crate::{DbConnection, StoreError};

/// A row of `customers`.
#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = customers)]
pub struct CustomerRow {
    pub id: String,
    pub name: String,
    pub organisation: Option<String>,
    pub user_id: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// Inserts a customer with their addresses and numbers; `Conflict` if an address belongs to
/// another customer.
pub fn insert(conn: &mut DbConnection, customer: &Customer) -> Result<(), StoreError> {
    insert_many(conn, std::slice::from_ref(customer))
}

/// Inserts many customers at once (demo data, imports).
pub fn insert_many(conn: &mut DbConnection, list: &[Customer]) -> Result<(), StoreError> {
    if list.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = list
        .iter()
        .map(|c| {
            (
                customers::id.eq(c.id.to_string()),
                customers::name.eq(&c.name),
                customers::organisation.eq(c.organisation.as_deref()),
                customers::user_id.eq(c.user.map(|u| u.to_string())),
                customers::created_at.eq(to_db(c.created_at)),
                customers::updated_at.eq(to_db(c.created_at)),
            )
        })
        .collect();
    crate::with_backend!(conn, c => diesel::insert_into(customers::table)
        .values(rows)
        .execute(c))?;
    // Each address is stamped a microsecond after the one before it, so that they read back
    // in the order given (the first is the one a page shows).
    let emails: Vec<_> = list
        .iter()
        .flat_map(|c| c.emails.iter().enumerate().map(move |(i, e)| (c, i, e)))
        .map(|(c, i, e)| {
            (
                customer_emails::email_key.eq(e.lookup_key()),
                customer_emails::email.eq(e.as_str()),
                customer_emails::customer_id.eq(c.id.to_string()),
                customer_emails::created_at.eq(to_db(added(c.created_at, i))),
            )
        })
        .collect();
    if !emails.is_empty() {
        crate::with_backend!(conn, c => diesel::insert_into(customer_emails::table)
            .values(emails)
            .execute(c))?;
    }
    let phones: Vec<_> = list
        .iter()
        .flat_map(|c| c.phones.iter().enumerate().map(move |(i, p)| (c, i, p)))
        .map(|(c, i, p)| {
            (
                customer_phones::customer_id.eq(c.id.to_string()),
                customer_phones::phone.eq(p.as_str()),
                customer_phones::created_at.eq(to_db(added(c.created_at, i))),
            )
        })
        .collect();
    if !phones.is_empty() {
        crate::with_backend!(conn, c => diesel::insert_into(customer_phones::table)
            .values(phones)
            .execute(c))?;
    }
    Ok(())
}

/// When the `i`th contact detail given with a customer created `at` counts as added.
fn added(at: DateTime<Utc>, i: usize) -> DateTime<Utc> {
    let step = chrono::Duration::microseconds(i64::try_from(i).unwrap_or(0));
    at.checked_add_signed(step).unwrap_or(at)
}

/// Adds an email address to a customer unless it is theirs already; `Conflict` if it is
/// another customer's.
pub fn add_email(
    conn: &mut DbConnection,
    id: CustomerId,
    email: &EmailAddress,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    match find_by_email(conn, email)? {
        Some(owner) if owner == id => Ok(()),
        Some(_) => Err(StoreError::Conflict(format!(
            "{email} belongs to another customer"
        ))),
        None => {
            diesel::insert_into(customer_emails::table)
                .values((
                    customer_emails::email_key.eq(email.lookup_key()),
                    customer_emails::email.eq(email.as_str()),
                    customer_emails::customer_id.eq(id.to_string()),
                    customer_emails::created_at.eq(to_db(now)),
                ))
                .execute(conn)?;
            Ok(())
        }
    }
}

/// Adds a phone number to a customer unless it is theirs already.
pub fn add_phone(
    conn: &mut DbConnection,
    id: CustomerId,
    phone: &PhoneNumber,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    crate::dialect::insert_phone(conn, &id.to_string(), phone.as_str(), to_db(now))
}

/// Changes a customer's name or organisation.
pub fn update(
    conn: &mut DbConnection,
    id: CustomerId,
    name: Option<&str>,
    organisation: Option<Option<&str>>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let updated = diesel::update(customers::table.find(id.to_string()))
        .set((
            name.map(|n| customers::name.eq(n.to_owned())),
            organisation.map(|o| customers::organisation.eq(o.map(str::to_owned))),
            customers::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The customer owning this email address.
pub fn find_by_email(
    conn: &mut DbConnection,
    email: &EmailAddress,
) -> Result<Option<CustomerId>, StoreError> {
    let id: Option<String> = customer_emails::table
        .find(email.lookup_key())
        .select(customer_emails::customer_id)
        .first(conn)
        .optional()?;
    parse_opt(id.as_deref())
}

/// The customers with this phone number, most recently added first.
pub fn find_by_phone(
    conn: &mut DbConnection,
    phone: &PhoneNumber,
) -> Result<Vec<CustomerId>, StoreError> {
    let ids: Vec<String> = customer_phones::table
        .filter(customer_phones::phone.eq(phone.as_str()))
        .order(customer_phones::created_at.desc())
        .select(customer_phones::customer_id)
        .load(conn)?;
    ids.iter().map(|id| parse(id)).collect()
}

/// The customer record a customer login speaks for.
pub fn find_by_user(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Option<CustomerId>, StoreError> {
    let id: Option<String> = customers::table
        .filter(customers::user_id.eq(user.to_string()))
        .select(customers::id)
        .first(conn)
        .optional()?;
    parse_opt(id.as_deref())
}

/// The language mail to the customer is written in, if known (`en`, `zh-CN`).
pub fn locale_of(conn: &mut DbConnection, id: CustomerId) -> Result<Option<String>, StoreError> {
    Ok(customers::table
        .find(id.to_string())
        .select(customers::locale)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten())
}

/// The customer's organisation and language (`en`, `zh-CN`), as routing rules see them.
pub fn routing_facts(
    conn: &mut DbConnection,
    id: CustomerId,
) -> Result<(Option<String>, Option<String>), StoreError> {
    Ok(customers::table
        .find(id.to_string())
        .select((customers::organisation, customers::locale))
        .first(conn)
        .optional()?
        .unwrap_or((None, None)))
}

/// Records the customer's language unless one is known already.
pub fn learn_locale(
    conn: &mut DbConnection,
    id: CustomerId,
    locale: &str,
) -> Result<(), StoreError> {
    diesel::update(
        customers::table
            .find(id.to_string())
            .filter(customers::locale.is_null()),
    )
    .set(customers::locale.eq(locale))
    .execute(conn)?;
    Ok(())
}

/// Links a customer record to a login.
pub fn link_user(conn: &mut DbConnection, id: CustomerId, user: UserId) -> Result<(), StoreError> {
    diesel::update(customers::table.find(id.to_string()))
        .set(customers::user_id.eq(user.to_string()))
        .execute(conn)?;
    Ok(())
}

/// The customer with this id, with their addresses and numbers.
pub fn find(conn: &mut DbConnection, id: CustomerId) -> Result<Customer, StoreError> {
    find_many(conn, &[id])?.pop().ok_or(StoreError::NotFound)
}

/// The customers with these ids (missing ids are skipped), in no particular order.
pub fn find_many(conn: &mut DbConnection, ids: &[CustomerId]) -> Result<Vec<Customer>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let rows: Vec<CustomerRow> = customers::table
        .filter(customers::id.eq_any(&keys))
        .select(CustomerRow::as_select())
        .load(conn)?;
    let mut emails: HashMap<String, Vec<EmailAddress>> = HashMap::new();
    let email_rows: Vec<(String, String)> = customer_emails::table
        .filter(customer_emails::customer_id.eq_any(&keys))
        .order(customer_emails::created_at)
        .select((customer_emails::customer_id, customer_emails::email))
        .load(conn)?;
    for (customer, email) in email_rows {
        emails
            .entry(customer)
            .or_default()
            .push(EmailAddress::from_stored(email));
    }
    let mut phones: HashMap<String, Vec<PhoneNumber>> = HashMap::new();
    let phone_rows: Vec<(String, String)> = customer_phones::table
        .filter(customer_phones::customer_id.eq_any(&keys))
        .order(customer_phones::created_at)
        .select((customer_phones::customer_id, customer_phones::phone))
        .load(conn)?;
    for (customer, phone) in phone_rows {
        phones
            .entry(customer)
            .or_default()
            .push(PhoneNumber::from_stored(phone));
    }
    rows.into_iter()
        .map(|row| {
            Ok(Customer {
                id: parse(&row.id)?,
                emails: emails.remove(&row.id).unwrap_or_default(),
                phones: phones.remove(&row.id).unwrap_or_default(),
                name: row.name,
                organisation: row.organisation,
                user: parse_opt(row.user_id.as_deref())?,
                created_at: from_db(row.created_at),
            })
        })
        .collect()
}

/// A customer as shown beside a ticket: name, first email address, first phone number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerSummary {
    /// The customer's id.
    pub id: CustomerId,
    /// Their name.
    pub name: String,
    /// Their first email address.
    pub email: Option<String>,
    /// Their first phone number.
    pub phone: Option<String>,
}

/// Summaries of these customers, in one query (missing ids are skipped).
pub fn summaries(
    conn: &mut DbConnection,
    ids: &[CustomerId],
) -> Result<Vec<CustomerSummary>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let first_email = customer_emails::table
        .filter(customer_emails::customer_id.eq(customers::id))
        .order(customer_emails::created_at)
        .select(customer_emails::email)
        .limit(1)
        .single_value();
    let first_phone = customer_phones::table
        .filter(customer_phones::customer_id.eq(customers::id))
        .order(customer_phones::created_at)
        .select(customer_phones::phone)
        .limit(1)
        .single_value();
    let rows: Vec<(String, String, Option<String>, Option<String>)> = customers::table
        .filter(customers::id.eq_any(keys))
        .select((customers::id, customers::name, first_email, first_phone))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, name, email, phone)| {
            Ok(CustomerSummary {
                id: parse(&id)?,
                name,
                email,
                phone,
            })
        })
        .collect()
}

/// Customers whose name starts with `prefix` (case as stored), by name.
pub fn search_by_name(
    conn: &mut DbConnection,
    prefix: &str,
    limit: i64,
) -> Result<Vec<Customer>, StoreError> {
    let escaped = prefix
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let ids: Vec<String> = customers::table
        .filter(customers::name.like(format!("{escaped}%")).escape('\\'))
        .order((customers::name, customers::id))
        .limit(limit)
        .select(customers::id)
        .load(conn)?;
    let ids: Vec<CustomerId> = ids.iter().map(|id| parse(id)).collect::<Result<_, _>>()?;
    let mut found = find_many(conn, &ids)?;
    found.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(found)
}
