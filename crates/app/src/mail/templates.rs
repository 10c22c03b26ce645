//! Mail templates: each mail is written from the template of its kind in its reader's
//! language — an admin's version if there is one, else Kefu's. Admins list, change, preview
//! and reset them; a change that does not render is refused when it is saved.

use kefu_api_types::mail::{MailTemplatePreview, MailTemplateRequest, MailTemplateResponse};
use kefu_domain::audit::AuditAction;
use kefu_domain::locale::Locale;
use kefu_domain::mail::TemplateKind;
use kefu_domain::permissions::Actor;
use kefu_domain::time;
use kefu_mail::templates::{self, Part, Rendered, Template, TemplateError};
use kefu_store::DbConnection;
use kefu_store::mail::templates::{self as stored, StoredTemplate};

use crate::App;
use crate::audit::{self, Origin, Target};
use crate::error::AppError;

/// Writes the mail of `kind` in `locale` with `context`. An admin's template that fails with
/// these values (it rendered with the samples when saved) gives way to Kefu's, so the mail
/// still goes.
pub(crate) fn render(
    conn: &mut DbConnection,
    kind: TemplateKind,
    locale: Locale,
    context: &serde_json::Value,
) -> Result<Rendered, AppError> {
    if let Some(found) = stored::find(conn, kind.as_str(), locale.as_str())? {
        match templates::render(&template_of(&found), context, locale) {
            Ok(rendered) => return Ok(rendered),
            Err(error) => {
                tracing::warn!(%kind, %locale, %error, "a changed mail template failed; Kefu's own is used");
            }
        }
    }
    templates::render(&templates::default_template(kind, locale), context, locale)
        .map_err(|e| AppError::internal(format!("Kefu's {kind} template failed: {e}")))
}

fn template_of(found: &StoredTemplate) -> Template {
    Template {
        subject: found.subject.clone(),
        text: found.text.clone(),
        html: found.html.clone(),
    }
}

fn response(
    kind: TemplateKind,
    locale: Locale,
    found: Option<StoredTemplate>,
) -> MailTemplateResponse {
    let variables = templates::variables(kind)
        .iter()
        .map(|v| (*v).to_owned())
        .collect();
    match found {
        Some(found) => MailTemplateResponse {
            kind,
            locale: locale.as_str().to_owned(),
            subject: found.subject,
            text: found.text,
            html: found.html,
            customized: true,
            variables,
            updated_by: found.updated_by,
            updated_at: Some(found.updated_at),
        },
        None => {
            let shipped = templates::default_template(kind, locale);
            MailTemplateResponse {
                kind,
                locale: locale.as_str().to_owned(),
                subject: shipped.subject,
                text: shipped.text,
                html: shipped.html,
                customized: false,
                variables,
                updated_by: None,
                updated_at: None,
            }
        }
    }
}

/// Text made safe inside HTML.
pub(crate) fn escape(text: &str) -> String {
    templates::escape_html(text)
}

/// Reads a locale from a path: only the tags Kefu stores (`en`, `zh-CN`).
pub fn locale_of(tag: &str) -> Result<Locale, AppError> {
    let locale = Locale::parse(tag)?;
    if locale.as_str() != tag {
        return Err(AppError::invalid(
            "invalid_locale",
            format!("templates are in `en` or `zh-CN`, not `{tag}`"),
        ));
    }
    Ok(locale)
}

/// A refused template, in words that name the part and line.
fn refused(error: TemplateError) -> AppError {
    let part = match error.part {
        Part::Subject => "subject",
        Part::Text => "text",
        Part::Html => "HTML",
    };
    let line = error
        .line
        .map(|l| format!(", line {l}"))
        .unwrap_or_default();
    AppError::invalid(
        "invalid_template",
        format!("the {part}{line}: {}", error.message),
    )
}

fn template_from(request: MailTemplateRequest) -> Template {
    Template {
        subject: request.subject,
        text: request.text,
        html: request.html,
    }
}

/// Every template, in both languages (admins).
pub async fn list(app: &App, actor: Actor) -> Result<Vec<MailTemplateResponse>, AppError> {
    actor.may_administer()?;
    app.store
        .read(|conn| {
            let changed = stored::list(conn)?;
            let mut all = Vec::new();
            for kind in TemplateKind::ALL {
                for locale in [Locale::En, Locale::ZhCn] {
                    let found = changed
                        .iter()
                        .find(|t| t.kind == kind.as_str() && t.locale == locale.as_str())
                        .cloned();
                    all.push(response(*kind, locale, found));
                }
            }
            Ok(all)
        })
        .await
}

/// One template (admins).
pub async fn show(
    app: &App,
    actor: Actor,
    kind: TemplateKind,
    locale: Locale,
) -> Result<MailTemplateResponse, AppError> {
    actor.may_administer()?;
    app.store
        .read(move |conn| {
            let found = stored::find(conn, kind.as_str(), locale.as_str())?;
            Ok(response(kind, locale, found))
        })
        .await
}

/// Renders a draft with sample values, as the editor's preview; a draft that would be
/// refused on save is refused here with the same reason (admins).
pub fn preview(
    actor: Actor,
    kind: TemplateKind,
    locale: Locale,
    request: MailTemplateRequest,
) -> Result<MailTemplatePreview, AppError> {
    actor.may_administer()?;
    let rendered = templates::check(kind, &template_from(request), locale).map_err(refused)?;
    Ok(MailTemplatePreview {
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
    })
}

/// The HTML of a draft (or, without one, of the template in use) rendered with sample values,
/// for the editor's preview frame (admins).
pub async fn preview_html(
    app: &App,
    actor: Actor,
    kind: TemplateKind,
    locale: Locale,
    draft: Option<MailTemplateRequest>,
) -> Result<String, AppError> {
    actor.may_administer()?;
    let template = match draft {
        Some(draft) => template_from(draft),
        None => {
            app.store
                .read(move |conn| {
                    Ok::<_, AppError>(match stored::find(conn, kind.as_str(), locale.as_str())? {
                        Some(found) => template_of(&found),
                        None => templates::default_template(kind, locale),
                    })
                })
                .await?
        }
    };
    Ok(templates::check(kind, &template, locale)
        .map_err(refused)?
        .html)
}

/// A template as the audit log names it.
fn audit_target(kind: TemplateKind, locale: Locale) -> Target {
    Target::new(
        "mail_template",
        format!("{kind}/{locale}"),
        format!("{kind} ({locale})"),
    )
}

/// Saves an admin's template, once it renders with sample values (admins; audited).
pub async fn save(
    app: &App,
    actor: Actor,
    origin: Origin,
    kind: TemplateKind,
    locale: Locale,
    request: MailTemplateRequest,
) -> Result<MailTemplateResponse, AppError> {
    actor.may_administer()?;
    let template = template_from(request);
    templates::check(kind, &template, locale).map_err(refused)?;
    app.store
        .write(move |conn| {
            let now = time::now();
            let saved = StoredTemplate {
                kind: kind.as_str().to_owned(),
                locale: locale.as_str().to_owned(),
                subject: template.subject,
                text: template.text,
                html: template.html,
                updated_by: Some(actor.user),
                updated_at: now,
            };
            stored::save(conn, &saved)?;
            audit::record_by(
                conn,
                &origin,
                AuditAction::MailTemplateChanged,
                &actor,
                Some(audit_target(kind, locale)),
                None,
                now,
            )?;
            Ok(response(kind, locale, Some(saved)))
        })
        .await
}

/// Goes back to the template Kefu ships (admins; audited).
pub async fn reset(
    app: &App,
    actor: Actor,
    origin: Origin,
    kind: TemplateKind,
    locale: Locale,
) -> Result<MailTemplateResponse, AppError> {
    actor.may_administer()?;
    app.store
        .write(move |conn| {
            let now = time::now();
            if stored::remove(conn, kind.as_str(), locale.as_str())? {
                audit::record_by(
                    conn,
                    &origin,
                    AuditAction::MailTemplateReset,
                    &actor,
                    Some(audit_target(kind, locale)),
                    None,
                    now,
                )?;
            }
            Ok(response(kind, locale, None))
        })
        .await
}
