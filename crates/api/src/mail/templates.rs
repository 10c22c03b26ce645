//! Mail templates (admins): each kind in English and Chinese, changed, previewed with sample
//! values, or reset to the one Kefu ships. A template that does not render is refused.

use actix_web::web;
use kefu_api_types::Problem;
use kefu_api_types::mail::{MailTemplatePreview, MailTemplateRequest, MailTemplateResponse};
use kefu_app::mail::templates;
use kefu_domain::locale::Locale;
use kefu_domain::mail::TemplateKind;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

fn key(path: &(String, String)) -> Result<(TemplateKind, Locale), ApiError> {
    let kind = TemplateKind::parse(&path.0).map_err(|_| ApiError::NotFound("mail template"))?;
    let locale = templates::locale_of(&path.1).map_err(|_| ApiError::NotFound("mail template"))?;
    Ok((kind, locale))
}

/// Every mail template, in both languages (admins).
#[utoipa::path(
    get, path = "/api/v1/mail/templates", operation_id = "list_mail_templates", tag = "mail",
    responses((status = 200, body = Vec<MailTemplateResponse>), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<Vec<MailTemplateResponse>>, ApiError> {
    Ok(web::Json(templates::list(&state.app, auth.actor).await?))
}

/// One mail template (admins).
#[utoipa::path(
    get, path = "/api/v1/mail/templates/{kind}/{locale}", operation_id = "get_mail_template", tag = "mail",
    params(("kind" = kefu_api_types::schema::TemplateKind, Path), ("locale" = String, Path, description = "`en` or `zh-CN`")),
    responses((status = 200, body = MailTemplateResponse), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<web::Json<MailTemplateResponse>, ApiError> {
    let (kind, locale) = key(&path)?;
    Ok(web::Json(
        templates::show(&state.app, auth.actor, kind, locale).await?,
    ))
}

/// Change a mail template (admins); one that does not render with sample values is refused.
#[utoipa::path(
    put, path = "/api/v1/mail/templates/{kind}/{locale}", operation_id = "save_mail_template", tag = "mail",
    params(("kind" = kefu_api_types::schema::TemplateKind, Path), ("locale" = String, Path, description = "`en` or `zh-CN`")),
    request_body = MailTemplateRequest,
    responses((status = 200, body = MailTemplateResponse), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, description = "The template does not render; the problem names the part and line", body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn save(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
    body: Object<MailTemplateRequest>,
) -> Result<web::Json<MailTemplateResponse>, ApiError> {
    let (kind, locale) = key(&path)?;
    Ok(web::Json(
        templates::save(
            &state.app,
            auth.actor,
            auth.origin(),
            kind,
            locale,
            body.into_inner(),
        )
        .await?,
    ))
}

/// Go back to the template Kefu ships (admins).
#[utoipa::path(
    delete, path = "/api/v1/mail/templates/{kind}/{locale}", operation_id = "reset_mail_template", tag = "mail",
    params(("kind" = kefu_api_types::schema::TemplateKind, Path), ("locale" = String, Path, description = "`en` or `zh-CN`")),
    responses((status = 200, body = MailTemplateResponse), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn reset(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<web::Json<MailTemplateResponse>, ApiError> {
    let (kind, locale) = key(&path)?;
    Ok(web::Json(
        templates::reset(&state.app, auth.actor, auth.origin(), kind, locale).await?,
    ))
}

/// Render a draft with sample values, as the editor's preview (admins).
#[utoipa::path(
    post, path = "/api/v1/mail/templates/{kind}/{locale}/preview", operation_id = "preview_mail_template", tag = "mail",
    params(("kind" = kefu_api_types::schema::TemplateKind, Path), ("locale" = String, Path, description = "`en` or `zh-CN`")),
    request_body = MailTemplateRequest,
    responses((status = 200, body = MailTemplatePreview), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn preview(
    auth: Auth,
    path: web::Path<(String, String)>,
    body: Object<MailTemplateRequest>,
) -> Result<web::Json<MailTemplatePreview>, ApiError> {
    let (kind, locale) = key(&path)?;
    Ok(web::Json(templates::preview(
        auth.actor,
        kind,
        locale,
        body.into_inner(),
    )?))
}
