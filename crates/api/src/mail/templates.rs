//! Mail templates (admins): each kind in English and Chinese, changed, previewed with sample
//! values, or reset to the one Kefu ships. A template that does not render is refused.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use kefu_api_types::Problem;
use kefu_api_types::mail::{MailTemplatePreview, MailTemplateRequest, MailTemplateResponse};
use kefu_app::AppError;
use kefu_app::mail::templates;
use kefu_domain::locale::Locale;
use kefu_domain::mail::TemplateKind;
use serde::Deserialize;
use utoipa::IntoParams;

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

/// `GET …/preview.html` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FrameQuery {
    /// A draft to render instead of the template in use: `MailTemplateRequest` as JSON,
    /// base64url-encoded without padding.
    pub draft: Option<String>,
}

/// The largest encoded draft a preview frame takes.
const MAX_DRAFT_CHARS: usize = 24 * 1024;

/// A template's HTML rendered with sample values, as a document for the editor's sandboxed
/// preview frame: its own policy, no scripts, nothing remote (admins).
#[utoipa::path(
    get, path = "/api/v1/mail/templates/{kind}/{locale}/preview.html", operation_id = "preview_mail_template_html", tag = "mail",
    params(("kind" = kefu_api_types::schema::TemplateKind, Path), ("locale" = String, Path, description = "`en` or `zh-CN`"), FrameQuery),
    responses((status = 200, description = "The rendered HTML document", content_type = "text/html"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn frame(
    state: web::Data<AppState>,
    auth: Auth,
    request: actix_web::HttpRequest,
    path: web::Path<(String, String)>,
    query: web::Query<FrameQuery>,
) -> Result<HttpResponse, ApiError> {
    // Only the editor's frame shows it: a link that opens it as a page (someone's crafted
    // draft, at Kefu's own address) is refused.
    if request
        .headers()
        .get("sec-fetch-dest")
        .is_some_and(|dest| dest.as_bytes() != b"iframe")
    {
        return Err(ApiError::NotFound("mail template preview"));
    }
    let (kind, locale) = key(&path)?;
    let draft = query
        .into_inner()
        .draft
        .map(|encoded| {
            let unreadable = || {
                ApiError::from(AppError::invalid(
                    "invalid_draft",
                    "the draft is not a base64url-encoded template",
                ))
            };
            if encoded.len() > MAX_DRAFT_CHARS {
                return Err(AppError::invalid(
                    "draft_too_large",
                    "this draft is too large to preview in a frame; save it to see it",
                )
                .into());
            }
            let bytes = URL_SAFE_NO_PAD
                .decode(encoded.trim_end_matches('='))
                .map_err(|_| unreadable())?;
            serde_json::from_slice::<MailTemplateRequest>(&bytes).map_err(|_| unreadable())
        })
        .transpose()?;
    let document = templates::preview_html(&state.app, auth.actor, kind, locale, draft).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox; frame-ancestors 'self'",
        ))
        .insert_header(("X-Frame-Options", "SAMEORIGIN"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(document))
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
