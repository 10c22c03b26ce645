//! `POST /api/v1/users` (admins), and account creation shared with the CLI.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::accounts::{CreateUserRequest, UserResponse};
use kefu_domain::account::{Customer, User};
use kefu_domain::email::EmailAddress;
use kefu_domain::ids::{CustomerId, UserId};
use kefu_domain::password::Password;
use kefu_domain::role::Role;
use kefu_domain::{text, time};
use kefu_store::{DbConnection, StoreError, customers, users};

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::state::AppState;
use crate::view;

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
}

impl NewAccount {
    /// Validates the parts of a new account.
    pub fn parse(
        email: &str,
        name: &str,
        role: Role,
        locale: Option<&str>,
    ) -> Result<Self, ApiError> {
        Ok(Self {
            email: EmailAddress::parse(email)?,
            name: text::name("name", name)?,
            role,
            locale: locale.map(view::locale).transpose()?,
        })
    }
}

/// Inserts the account (with its password hash); a customer account gets its customer record,
/// or is linked to the existing one with the same email address.
pub fn insert(
    conn: &mut DbConnection,
    account: NewAccount,
    password_hash: Option<&str>,
) -> Result<User, ApiError> {
    let now = time::now();
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
        StoreError::Conflict(_) => ApiError::Conflict {
            code: "email_taken",
            message: format!("an account with {} already exists", user.email),
        },
        other => other.into(),
    })?;
    if user.role == Role::Customer {
        match customers::find_by_email(conn, &user.email)? {
            Some(existing) => {
                if customers::find(conn, existing)?.user.is_some() {
                    return Err(ApiError::Conflict {
                        code: "email_taken",
                        message: format!("the customer with {} already has a login", user.email),
                    });
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

/// Create an account.
#[utoipa::path(
    post, path = "/api/v1/users", operation_id = "create_user", tag = "users",
    request_body = CreateUserRequest,
    responses(
        (status = 201, body = UserResponse),
        (status = 403, description = "Admins only", body = Problem),
        (status = 409, description = "The email address is taken", body = Problem),
        (status = 422, body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: web::Json<CreateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.actor.may_administer()?;
    let request = body.into_inner();
    let account = NewAccount::parse(
        &request.email,
        &request.name,
        request.role,
        request.locale.as_deref(),
    )?;
    let hash = match request.password {
        Some(password) => Some(state.passwords.hash(Password::parse(&password)?).await?),
        None => None,
    };
    let user = state
        .store
        .write(move |conn| insert(conn, account, hash.as_deref()))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/users/{}", user.id)))
        .json(view::user(&user)))
}
