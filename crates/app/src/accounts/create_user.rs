//! Creating accounts: admins in the console, operators with `kefu users create`.

use kefu_api_types::accounts::{CreateUserRequest, UserResponse};
use kefu_domain::account::{Customer, User};
use kefu_domain::audit::AuditAction;
use kefu_domain::email::{self, EmailAddress};
use kefu_domain::ids::{CustomerId, UserId, VendorId};
use kefu_domain::locale::Locale;
use kefu_domain::password::Password;
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_domain::{text, time};
use kefu_store::{DbConnection, StoreError, customers, users, vendors};

use crate::audit::{self, Origin, Target};
use crate::changes::{Change, Changed};
use crate::error::AppError;
use crate::{App, view};

/// A new account, validated.
pub struct NewAccount {
    /// The sign-in address.
    pub email: EmailAddress,
    /// The display name.
    pub name: String,
    /// The role.
    pub role: Role,
    /// The preferred language.
    pub locale: Option<String>,
    /// For a vendor user, the vendor organisation they work for.
    pub vendor: Option<VendorId>,
}

impl NewAccount {
    /// Validates the parts of a new account.
    pub fn parse(
        email: &str,
        name: &str,
        role: Role,
        locale: Option<&str>,
    ) -> Result<Self, AppError> {
        Ok(Self {
            email: EmailAddress::parse(email)?,
            name: text::name("name", name)?,
            role,
            locale: locale.map(Locale::normalise).transpose()?,
            vendor: None,
        })
    }

    /// Makes the account one of `vendor`'s users: it must be a vendor account, and a vendor
    /// account must belong to a vendor.
    pub fn for_vendor(mut self, vendor: Option<VendorId>) -> Result<Self, AppError> {
        match (self.role, vendor) {
            (Role::Vendor, None) => Err(AppError::invalid(
                "vendor_required",
                "a vendor user belongs to a vendor organisation: give `vendor`",
            )),
            (Role::Vendor, Some(_)) => {
                self.vendor = vendor;
                Ok(self)
            }
            (_, Some(_)) => Err(AppError::invalid(
                "vendor_not_allowed",
                "only vendor users belong to a vendor organisation",
            )),
            (_, None) => Ok(self),
        }
    }
}

/// Refuses a staff address that looks like an existing staff account's (`аdmin@` with a
/// Cyrillic а beside `admin@`), so nobody can pose as a colleague.
fn refuse_look_alikes(conn: &mut DbConnection, email: &EmailAddress) -> Result<(), AppError> {
    let wanted = email::skeleton(email);
    let staff = users::emails_of_roles(conn, &[Role::Admin, Role::Agent, Role::Vendor])?;
    if let Some(existing) = staff
        .iter()
        .find(|e| e.lookup_key() != email.lookup_key() && email::skeleton(e) == wanted)
    {
        return Err(AppError::conflict(
            "email_confusable",
            format!("{email} looks like the existing account {existing}; use a distinct address"),
        ));
    }
    Ok(())
}

/// Inserts the account (with its password hash); a customer account gets its customer record,
/// or is linked to the existing one with the same email address.
fn insert(
    conn: &mut DbConnection,
    account: NewAccount,
    password_hash: Option<&str>,
) -> Result<User, AppError> {
    let now = time::now();
    if account.role != Role::Customer {
        refuse_look_alikes(conn, &account.email)?;
    }
    let vendor = account.vendor;
    if let Some(id) = vendor {
        vendors::find(conn, id)
            .map_err(|_| AppError::invalid("invalid_vendor", format!("there is no vendor {id}")))?;
    }
    let user = User {
        id: UserId::new(),
        email: account.email,
        name: account.name,
        role: account.role,
        active: true,
        locale: account.locale,
        created_at: now,
    };
    users::insert(conn, &user, password_hash).map_err(|e| match e {
        StoreError::Conflict(_) => AppError::conflict(
            "email_taken",
            format!("an account with {} already exists", user.email),
        ),
        other => other.into(),
    })?;
    if let Some(id) = vendor {
        vendors::add_user(conn, id, user.id)?;
    }
    if user.role == Role::Customer {
        match customers::find_by_email(conn, &user.email)? {
            Some(existing) => {
                if customers::find(conn, existing)?.user.is_some() {
                    return Err(AppError::conflict(
                        "email_taken",
                        format!("the customer with {} already has a login", user.email),
                    ));
                }
                customers::link_user(conn, existing, user.id)?
            }
            None => customers::insert(
                conn,
                &Customer {
                    id: CustomerId::new(),
                    name: user.name.clone(),
                    organisation: None,
                    emails: vec![user.email.clone()],
                    phones: Vec::new(),
                    user: Some(user.id),
                    created_at: now,
                },
            )?,
        }
    }
    Ok(user)
}

/// Creates an account as `actor` (an admin), with a password if one is given.
pub async fn create_user(
    app: &App,
    actor: Actor,
    origin: Origin,
    request: CreateUserRequest,
) -> Result<Changed<UserResponse>, AppError> {
    actor.may_administer()?;
    let account = NewAccount::parse(
        &request.email,
        &request.name,
        request.role,
        request.locale.as_deref(),
    )?
    .for_vendor(request.vendor)?;
    let password = request
        .password
        .as_deref()
        .map(Password::parse)
        .transpose()?;
    create_account(app, Some(actor), origin, account, password).await
}

/// Creates an account, by `actor` or (with none) by the operator's CLI and fixtures.
pub async fn create_account(
    app: &App,
    actor: Option<Actor>,
    origin: Origin,
    account: NewAccount,
    password: Option<Password>,
) -> Result<Changed<UserResponse>, AppError> {
    let hash = match password {
        Some(password) => Some(app.passwords.hash(password).await?),
        None => None,
    };
    let user = app
        .store
        .write(move |conn| {
            let user = insert(conn, account, hash.as_deref())?;
            let name = actor.map(|a| audit::actor_name(conn, &a)).transpose()?;
            audit::record(
                conn,
                &origin,
                AuditAction::UserCreated,
                actor.map(|a| a.user).zip(name.as_deref()),
                Some(Target::new("user", user.id, user.email.to_string())),
                Some(serde_json::json!({ "role": user.role })),
                user.created_at,
            )?;
            Ok::<_, AppError>(user)
        })
        .await?;
    Ok(Changed::new(
        view::user(&user),
        vec![Change::User { id: user.id }],
    ))
}
