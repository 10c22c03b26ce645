//! Personal API tokens: staff create them for scripts and integrations (shown once, stored
//! hashed), list them, and revoke them.

use kefu_api_types::auth::{
    ApiTokenList, ApiTokenResponse, CreateApiTokenRequest, CreatedApiTokenResponse, TokenScopeBody,
};
use kefu_domain::access_token::{self, ApiToken, TokenScope};
use kefu_domain::audit::AuditAction;
use kefu_domain::ids::ApiTokenId;
use kefu_domain::permissions::Actor;
use kefu_domain::{text, time};
use kefu_store::{api_tokens, dialect};

use crate::audit::{self, Origin, Target};
use crate::changes::{Change, Changed};
use crate::error::AppError;
use crate::{App, tokens};

fn scope_body(scope: TokenScope) -> TokenScopeBody {
    match scope {
        TokenScope::Read => TokenScopeBody::Read,
        TokenScope::ReadWrite => TokenScopeBody::ReadWrite,
    }
}

/// A token as its owner sees it.
pub fn response(token: &ApiToken) -> ApiTokenResponse {
    ApiTokenResponse {
        id: token.id,
        name: token.name.clone(),
        scope: scope_body(token.scope),
        created_at: token.created_at,
        expires_at: token.expires_at,
        last_used_at: token.last_used_at,
        revoked_at: token.revoked_at,
        live: token.is_live(time::now()),
    }
}

/// Creates a token for `actor`; the secret is in the result and nowhere else.
pub async fn create(
    app: &App,
    actor: Actor,
    origin: Origin,
    request: CreateApiTokenRequest,
) -> Result<Changed<CreatedApiTokenResponse>, AppError> {
    actor.may_hold_api_tokens()?;
    let name = text::name("name", &request.name)?;
    let now = time::now();
    let token = ApiToken {
        id: ApiTokenId::new(),
        user: actor.user,
        name,
        scope: match request.scope {
            TokenScopeBody::Read => TokenScope::Read,
            TokenScopeBody::ReadWrite => TokenScope::ReadWrite,
        },
        created_at: now,
        expires_at: access_token::expiry(now, request.expires_in_days)?,
        last_used_at: None,
        revoked_at: None,
    };
    let secret = format!("{}{}", access_token::PREFIX, tokens::generate());
    let hash = tokens::hash(&secret);
    let stored = token.clone();
    app.store
        .write(move |conn| {
            dialect::lock_user(conn, &actor.user.to_string())?;
            let live = api_tokens::count_live(conn, actor.user, now)?;
            if live >= access_token::MAX_PER_USER as i64 {
                return Err(AppError::conflict(
                    "too_many_tokens",
                    format!(
                        "you hold {} live tokens, the most allowed; revoke one first",
                        access_token::MAX_PER_USER
                    ),
                ));
            }
            api_tokens::insert(conn, &stored, &hash)?;
            audit::record_by(
                conn,
                &origin,
                AuditAction::TokenCreated,
                &actor,
                Some(Target::new("token", stored.id, stored.name.clone())),
                Some(serde_json::json!({
                    "scope": stored.scope.as_str(),
                    "expires_at": stored.expires_at,
                })),
                now,
            )?;
            Ok(())
        })
        .await?;
    Ok(Changed::new(
        CreatedApiTokenResponse {
            token: secret,
            item: response(&token),
        },
        vec![Change::User { id: actor.user }],
    ))
}

/// `actor`'s tokens, newest first.
pub async fn list(app: &App, actor: Actor) -> Result<ApiTokenList, AppError> {
    actor.may_hold_api_tokens()?;
    let found = app
        .store
        .read(move |conn| api_tokens::list_for_user(conn, actor.user))
        .await?;
    Ok(ApiTokenList {
        items: found.iter().map(response).collect(),
    })
}

/// Revokes one of `actor`'s tokens; it stops working at once, on every node.
pub async fn revoke(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: ApiTokenId,
) -> Result<Changed<ApiTokenResponse>, AppError> {
    actor.may_hold_api_tokens()?;
    let revoked = app
        .store
        .write(move |conn| {
            let now = time::now();
            let token = api_tokens::find_for_user(conn, actor.user, id)
                .map_err(AppError::not_found_as("token"))?;
            if token.revoked_at.is_some() {
                return Ok(token);
            }
            api_tokens::revoke(conn, id, now)?;
            audit::record_by(
                conn,
                &origin,
                AuditAction::TokenRevoked,
                &actor,
                Some(Target::new("token", id, token.name.clone())),
                None,
                now,
            )?;
            Ok::<_, AppError>(api_tokens::find_for_user(conn, actor.user, id)?)
        })
        .await?;
    Ok(Changed::new(
        response(&revoked),
        vec![Change::User { id: actor.user }],
    ))
}
