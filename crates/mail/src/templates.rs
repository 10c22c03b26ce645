//! Mail templates: a subject, a plain-text body and an HTML body per kind and language, written
//! in MiniJinja (`{{ ticket.number }}`, `{% if %}`). Kefu ships a default for each; admins may
//! replace them. A template is checked when it is saved — it must parse, name only variables
//! its kind has, and render — so a broken one is refused then, never at send time.

use std::sync::LazyLock;

use kefu_domain::locale::Locale;
use kefu_domain::mail::TemplateKind;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};
use serde_json::json;

use crate::headers;

/// The longest part of a template, in bytes.
pub const MAX_PART_BYTES: usize = 64 * 1024;

/// The longest rendered subject, in characters.
pub const MAX_SUBJECT_CHARS: usize = 250;

/// How much work rendering one part may do (MiniJinja's fuel): far more than any mail
/// needs, far less than a loop nested to hang the sender.
const FUEL: u64 = 200_000;

/// A template's three parts, as written.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Template {
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body (what goes inside `<body>`); values are HTML-escaped in it.
    pub html: String,
}

/// A template rendered for one mail.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Rendered {
    /// The subject, on one line.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The whole HTML document.
    pub html: String,
}

/// Which part of a template a problem is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// The subject.
    Subject,
    /// The plain-text body.
    Text,
    /// The HTML body.
    Html,
}

/// Why a template was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the {part:?} template {}: {message}", line.map(|l| format!("(line {l})")).unwrap_or_default())]
pub struct TemplateError {
    /// The part at fault.
    pub part: Part,
    /// The line in that part, when known.
    pub line: Option<usize>,
    /// What is wrong, for the admin.
    pub message: String,
}

/// The variables a kind's template may use, for the editor's list.
pub fn variables(kind: TemplateKind) -> &'static [&'static str] {
    match kind {
        TemplateKind::Reply => &[
            "customer.name",
            "ticket.number",
            "ticket.subject",
            "message.body",
            "agent.name",
            "mailbox.name",
        ],
        TemplateKind::Acknowledgement => &[
            "customer.name",
            "ticket.number",
            "ticket.subject",
            "mailbox.name",
        ],
        TemplateKind::Oversized => &[
            "sender.name",
            "original.subject",
            "limit_megabytes",
            "mailbox.name",
        ],
        TemplateKind::Assigned => &[
            "agent.name",
            "assigned_by.name",
            "customer.name",
            "ticket.number",
            "ticket.subject",
            "ticket.url",
        ],
        TemplateKind::CustomerReplied => &[
            "agent.name",
            "customer.name",
            "ticket.number",
            "ticket.subject",
            "ticket.url",
            "message.body",
        ],
        TemplateKind::PasswordReset => &["user.name", "reset.url", "reset.minutes"],
        TemplateKind::VendorUpdate => &[
            "agent.name",
            "vendor.name",
            "escalation.reference",
            "escalation.status",
            "ticket.number",
            "ticket.subject",
            "ticket.url",
            "message.body",
        ],
        TemplateKind::EscalationNew => &[
            "user.name",
            "vendor.name",
            "escalation.reference",
            "escalation.subject",
            "escalation.brief",
            "escalation.answer_by",
            "escalation.url",
        ],
        TemplateKind::EscalationReply => &[
            "user.name",
            "escalation.reference",
            "escalation.subject",
            "escalation.url",
            "message.body",
        ],
        TemplateKind::EscalationMail => &[
            "vendor.name",
            "escalation.reference",
            "escalation.subject",
            "escalation.brief",
            "escalation.shared",
            "escalation.acknowledge_by",
            "escalation.answer_by",
        ],
        TemplateKind::EscalationMailReply => &[
            "escalation.reference",
            "escalation.subject",
            "escalation.status",
            "message.body",
        ],
        TemplateKind::Survey => &[
            "customer.name",
            "ticket.number",
            "ticket.subject",
            "survey.url",
            "survey.days",
            "mailbox.name",
        ],
        TemplateKind::Visit => &[
            "customer.name",
            "ticket.number",
            "visit.headline",
            "visit.window",
            "visit.address",
            "visit.technician",
            "visit.task",
            "mailbox.name",
        ],
        TemplateKind::EscalationReminder => &[
            "user.name",
            "vendor.name",
            "escalation.reference",
            "escalation.subject",
            "reminder.headline",
            "reminder.step",
            "reminder.due_at",
            "reminder.how",
        ],
    }
}

/// Made-up values for every variable of a kind — and none it does not have, so a template
/// that names one is refused — for checking and previewing templates.
pub fn sample(kind: TemplateKind, locale: Locale) -> serde_json::Value {
    only(&all_samples(kind, locale), variables(kind), "")
}

/// `value` with only the paths in `keep` (`ticket.number`), under `prefix`.
fn only(value: &serde_json::Value, keep: &[&str], prefix: &str) -> serde_json::Value {
    match value.as_object() {
        Some(fields) => serde_json::Value::Object(
            fields
                .iter()
                .filter_map(|(key, inner)| {
                    let path = format!("{prefix}{key}");
                    let wanted = keep
                        .iter()
                        .any(|k| *k == path || k.starts_with(&format!("{path}.")));
                    wanted.then(|| (key.clone(), only(inner, keep, &format!("{path}."))))
                })
                .collect(),
        ),
        None => value.clone(),
    }
}

fn all_samples(kind: TemplateKind, locale: Locale) -> serde_json::Value {
    let zh = locale == Locale::ZhCn;
    let customer = if zh { "李娜" } else { "Dana Li" };
    let agent = if zh { "王伟" } else { "Wei Wang" };
    let subject = if zh {
        "打印机卡纸"
    } else {
        "The printer jams"
    };
    let vendor = if zh { "印通科技" } else { "PrintCo" };
    let mailbox = if zh {
        "售后支持"
    } else {
        "After-sales support"
    };
    let ticket = json!({
        "number": 1042,
        "subject": subject,
        "url": "https://help.shop.example/tickets/1042",
    });
    match kind {
        TemplateKind::Reply => json!({
            "customer": { "name": customer },
            "ticket": ticket,
            "message": { "body": if zh {
                "您好，\n\n请按住电源键十秒钟后再试。\n\n如果仍然卡纸，请回复此邮件。"
            } else {
                "Hello,\n\nPlease hold the power button for ten seconds and try again.\n\nIf it still jams, just reply to this mail."
            } },
            "agent": { "name": agent },
            "mailbox": { "name": mailbox },
        }),
        TemplateKind::Acknowledgement => json!({
            "customer": { "name": customer },
            "ticket": ticket,
            "mailbox": { "name": mailbox },
        }),
        TemplateKind::Oversized => json!({
            "sender": { "name": customer },
            "original": { "subject": subject },
            "limit_megabytes": 25,
            "mailbox": { "name": mailbox },
        }),
        TemplateKind::Assigned => json!({
            "agent": { "name": agent },
            "assigned_by": { "name": if zh { "张敏" } else { "Min Zhang" } },
            "customer": { "name": customer },
            "ticket": ticket,
        }),
        TemplateKind::CustomerReplied => json!({
            "agent": { "name": agent },
            "customer": { "name": customer },
            "ticket": ticket,
            "message": { "body": if zh { "还是卡纸，怎么办？" } else { "It still jams, what now?" } },
        }),
        TemplateKind::VendorUpdate => json!({
            "agent": { "name": agent },
            "vendor": { "name": vendor },
            "escalation": {
                "reference": "E-3F9A21C7",
                "status": if zh { "已答复" } else { "answered" },
            },
            "ticket": ticket,
            "message": { "body": if zh { "请安装 2.02 版固件。" } else { "Please install firmware 2.02." } },
        }),
        TemplateKind::EscalationNew => json!({
            "user": { "name": agent },
            "vendor": { "name": vendor },
            "escalation": {
                "reference": "E-3F9A21C7",
                "subject": subject,
                "brief": if zh { "客户的打印机在固件更新后卡纸。" } else { "The customer's printer jams since the firmware update." },
                "answer_by": "2026-12-08 09:00 UTC",
                "url": "https://help.shop.example/vendor/0193b8c0-0000-7000-8000-000000000000",
            },
        }),
        TemplateKind::EscalationReply => json!({
            "user": { "name": agent },
            "escalation": {
                "reference": "E-3F9A21C7",
                "subject": subject,
                "url": "https://help.shop.example/vendor/0193b8c0-0000-7000-8000-000000000000",
            },
            "message": { "body": if zh { "固件版本是 2.01.7。" } else { "The firmware is 2.01.7." } },
        }),
        TemplateKind::EscalationMail => json!({
            "vendor": { "name": vendor },
            "escalation": {
                "reference": "E-3F9A21C7",
                "subject": subject,
                "brief": if zh { "客户的打印机在固件更新后卡纸。" } else { "The customer's printer jams since the firmware update." },
                "shared": if zh {
                    "客户写道（12月3日）：\n更新到 2.01.7 后每页都卡纸。"
                } else {
                    "The customer wrote (3 Dec):\nSince the update to 2.01.7 every page jams."
                },
                "acknowledge_by": "2026-12-05 09:00 UTC",
                "answer_by": "2026-12-08 09:00 UTC",
            },
        }),
        TemplateKind::EscalationMailReply => json!({
            "escalation": {
                "reference": "E-3F9A21C7",
                "subject": subject,
                "status": if zh { "处理中" } else { "in progress" },
            },
            "message": { "body": if zh { "序列号是 CN-7731。" } else { "The serial number is CN-7731." } },
        }),
        TemplateKind::Survey => json!({
            "customer": { "name": customer },
            "ticket": ticket,
            "survey": { "url": "https://help.shop.example/rate/2Xb9kQ", "days": 14 },
            "mailbox": { "name": mailbox },
        }),
        TemplateKind::Visit => json!({
            "customer": { "name": customer },
            "ticket": ticket,
            "visit": {
                "headline": if zh { "上门服务已确认" } else { "Your visit is confirmed" },
                "window": if zh { "2026年12月8日 09:00–11:00（UTC+8）" } else { "Tue 8 Dec 2026, 09:00–11:00 (UTC+08:00)" },
                "address": if zh { "上海市徐汇区漕溪北路 88 号 1201 室" } else { "1201, 88 Caoxi North Road, Shanghai" },
                "technician": if zh { "家安装 · 刘师傅" } else { "HomeFix Installation" },
                "task": if zh { "安装洗衣机并试运行。" } else { "Install the washing machine and run a test cycle." },
            },
            "mailbox": { "name": mailbox },
        }),
        TemplateKind::EscalationReminder => json!({
            "user": { "name": vendor },
            "vendor": { "name": vendor },
            "escalation": { "reference": "E-3F9A21C7", "subject": subject },
            "reminder": {
                "headline": if zh { "即将到期" } else { "Due soon" },
                "step": if zh { "答复" } else { "answered" },
                "due_at": "2026-12-08 09:00 UTC",
                "how": if zh { "直接回复此邮件即可答复。" } else { "Reply to this mail to answer." },
            },
        }),
        TemplateKind::PasswordReset => json!({
            "user": { "name": agent },
            "reset": {
                "url": "https://help.shop.example/reset-password?token=sample",
                "minutes": 30,
            },
        }),
    }
}

/// The template Kefu ships for a kind in a language.
pub fn default_template(kind: TemplateKind, locale: Locale) -> Template {
    let source = match (kind, locale) {
        (TemplateKind::Reply, Locale::En) => include_str!("../templates/en/reply.tmpl"),
        (TemplateKind::Reply, Locale::ZhCn) => include_str!("../templates/zh-CN/reply.tmpl"),
        (TemplateKind::Acknowledgement, Locale::En) => {
            include_str!("../templates/en/acknowledgement.tmpl")
        }
        (TemplateKind::Acknowledgement, Locale::ZhCn) => {
            include_str!("../templates/zh-CN/acknowledgement.tmpl")
        }
        (TemplateKind::Oversized, Locale::En) => include_str!("../templates/en/oversized.tmpl"),
        (TemplateKind::Oversized, Locale::ZhCn) => {
            include_str!("../templates/zh-CN/oversized.tmpl")
        }
        (TemplateKind::Assigned, Locale::En) => include_str!("../templates/en/assigned.tmpl"),
        (TemplateKind::Assigned, Locale::ZhCn) => {
            include_str!("../templates/zh-CN/assigned.tmpl")
        }
        (TemplateKind::CustomerReplied, Locale::En) => {
            include_str!("../templates/en/customer_replied.tmpl")
        }
        (TemplateKind::CustomerReplied, Locale::ZhCn) => {
            include_str!("../templates/zh-CN/customer_replied.tmpl")
        }
        (TemplateKind::PasswordReset, Locale::En) => {
            include_str!("../templates/en/password_reset.tmpl")
        }
        (TemplateKind::PasswordReset, Locale::ZhCn) => {
            include_str!("../templates/zh-CN/password_reset.tmpl")
        }
        (TemplateKind::VendorUpdate, Locale::En) => {
            include_str!("../templates/en/vendor_update.tmpl")
        }
        (TemplateKind::VendorUpdate, Locale::ZhCn) => {
            include_str!("../templates/zh-CN/vendor_update.tmpl")
        }
        (TemplateKind::EscalationNew, Locale::En) => {
            include_str!("../templates/en/escalation_new.tmpl")
        }
        (TemplateKind::EscalationNew, Locale::ZhCn) => {
            include_str!("../templates/zh-CN/escalation_new.tmpl")
        }
        (TemplateKind::EscalationReply, Locale::En) => {
            include_str!("../templates/en/escalation_reply.tmpl")
        }
        (TemplateKind::EscalationReply, Locale::ZhCn) => {
            include_str!("../templates/zh-CN/escalation_reply.tmpl")
        }
        (TemplateKind::EscalationMail, Locale::En) => {
            include_str!("../templates/en/escalation_mail.tmpl")
        }
        (TemplateKind::EscalationMail, Locale::ZhCn) => {
            include_str!("../templates/zh-CN/escalation_mail.tmpl")
        }
        (TemplateKind::EscalationMailReply, Locale::En) => {
            include_str!("../templates/en/escalation_mail_reply.tmpl")
        }
        (TemplateKind::EscalationMailReply, Locale::ZhCn) => {
            include_str!("../templates/zh-CN/escalation_mail_reply.tmpl")
        }
        (TemplateKind::Survey, Locale::En) => include_str!("../templates/en/survey.tmpl"),
        (TemplateKind::Survey, Locale::ZhCn) => include_str!("../templates/zh-CN/survey.tmpl"),
        (TemplateKind::Visit, Locale::En) => include_str!("../templates/en/visit.tmpl"),
        (TemplateKind::Visit, Locale::ZhCn) => include_str!("../templates/zh-CN/visit.tmpl"),
        (TemplateKind::EscalationReminder, Locale::En) => {
            include_str!("../templates/en/escalation_reminder.tmpl")
        }
        (TemplateKind::EscalationReminder, Locale::ZhCn) => {
            include_str!("../templates/zh-CN/escalation_reminder.tmpl")
        }
    };
    split_source(source)
}

/// Reads a shipped template file: a `Subject:` line, then `--- text ---` and `--- html ---`
/// sections.
fn split_source(source: &str) -> Template {
    let (subject, rest) = source
        .strip_prefix("Subject: ")
        .and_then(|s| s.split_once('\n'))
        .unwrap_or(("", source));
    let rest = rest.trim_start_matches('\n');
    let rest = rest.strip_prefix("--- text ---\n").unwrap_or(rest);
    let (text, html) = rest.split_once("--- html ---\n").unwrap_or((rest, ""));
    Template {
        subject: subject.trim().to_owned(),
        text: text.trim_end().to_owned() + "\n",
        html: html.trim().to_owned(),
    }
}

/// The environment every template renders in: unknown variables are errors, HTML parts are
/// escaped, and work is capped.
static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.set_fuel(Some(FUEL));
    env.add_filter("paragraphs", paragraphs_filter);
    env
});

/// The `paragraphs` filter: plain text as escaped HTML paragraphs, line breaks kept.
fn paragraphs_filter(text: String) -> Value {
    Value::from_safe_string(paragraphs(&text))
}

/// Plain text as escaped HTML paragraphs, line breaks kept.
pub fn paragraphs(text: &str) -> String {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>", escape_html(p).replace('\n', "<br>")))
        .collect()
}

/// Text made safe inside HTML.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

fn render_part(
    part: Part,
    name: &str,
    source: &str,
    context: &serde_json::Value,
) -> Result<String, TemplateError> {
    let refused = |message: String, line: Option<usize>| TemplateError {
        part,
        line,
        message,
    };
    if source.len() > MAX_PART_BYTES {
        return Err(refused(
            format!("it is longer than {} KiB", MAX_PART_BYTES / 1024),
            None,
        ));
    }
    let template = ENVIRONMENT
        .template_from_named_str(name, source)
        .map_err(|e| refused(describe(&e), e.line()))?;
    template
        .render(minijinja::value::Serde(context))
        .map_err(|e| refused(describe(&e), e.line()))
}

/// A MiniJinja error in words an admin can act on.
fn describe(error: &minijinja::Error) -> String {
    match error.kind() {
        minijinja::ErrorKind::UndefinedError => format!(
            "it names a variable this mail does not have{}",
            error
                .detail()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default()
        ),
        minijinja::ErrorKind::OutOfFuel => "it does too much work (a loop that never ends?)".into(),
        _ => error
            .detail()
            .map(str::to_owned)
            .unwrap_or_else(|| error.kind().to_string()),
    }
}

/// Renders `template` with `context`: the subject on one line, the HTML wrapped in Kefu's
/// mail layout.
pub fn render(
    template: &Template,
    context: &serde_json::Value,
    locale: Locale,
) -> Result<Rendered, TemplateError> {
    let subject = headers::one_line(&render_part(
        Part::Subject,
        "subject.txt",
        &template.subject,
        context,
    )?);
    let subject = subject.trim().to_owned();
    if subject.is_empty() {
        return Err(TemplateError {
            part: Part::Subject,
            line: None,
            message: "the subject comes out empty".into(),
        });
    }
    if subject.chars().count() > MAX_SUBJECT_CHARS {
        return Err(TemplateError {
            part: Part::Subject,
            line: None,
            message: format!("the subject comes out longer than {MAX_SUBJECT_CHARS} characters"),
        });
    }
    let text = render_part(Part::Text, "body.txt", &template.text, context)?;
    if text.trim().is_empty() {
        return Err(TemplateError {
            part: Part::Text,
            line: None,
            message: "the text comes out empty".into(),
        });
    }
    let html = render_part(Part::Html, "body.html", &template.html, context)?;
    Ok(Rendered {
        subject,
        text,
        html: layout(&html, locale),
    })
}

/// Checks a template of `kind` by rendering it with the sample values of `locale`; what
/// comes back is its preview.
pub fn check(
    kind: TemplateKind,
    template: &Template,
    locale: Locale,
) -> Result<Rendered, TemplateError> {
    render(template, &sample(kind, locale), locale)
}

/// The HTML document around a template's body.
fn layout(body: &str, locale: Locale) -> String {
    let body = if body.trim().is_empty() {
        String::new()
    } else {
        body.to_owned()
    };
    format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"></head><body style=\"font-family: -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', sans-serif; line-height: 1.5; color: #1f2328\">{body}</body></html>",
        locale.as_str()
    )
}

#[cfg(test)]
#[expect(clippy::unwrap_used, clippy::expect_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_template_renders_in_both_languages() {
        for kind in TemplateKind::ALL {
            for locale in [Locale::En, Locale::ZhCn] {
                let template = default_template(*kind, locale);
                let rendered = check(*kind, &template, locale)
                    .unwrap_or_else(|e| panic!("{kind} {locale}: {e}"));
                assert!(!rendered.subject.is_empty(), "{kind} {locale}");
                assert!(!template.html.is_empty(), "{kind} {locale} has no HTML");
                assert!(rendered.html.contains(&format!("lang=\"{locale}\"")));
            }
        }
    }

    #[test]
    fn chinese_templates_speak_chinese() {
        for kind in TemplateKind::ALL {
            let rendered = check(*kind, &default_template(*kind, Locale::ZhCn), Locale::ZhCn)
                .expect("renders");
            let han = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            assert!(han(&rendered.subject), "{kind}: {}", rendered.subject);
            assert!(han(&rendered.text), "{kind}");
        }
    }

    #[test]
    fn an_unknown_variable_is_refused_with_its_line() {
        let mut template = default_template(TemplateKind::Reply, Locale::En);
        template.text = "Hello\n{{ custommer.name }}\n".into();
        let error = check(TemplateKind::Reply, &template, Locale::En).unwrap_err();
        assert_eq!(error.part, Part::Text);
        assert_eq!(error.line, Some(2));
        assert!(error.message.contains("variable"), "{}", error.message);
    }

    #[test]
    fn broken_syntax_is_refused() {
        let mut template = default_template(TemplateKind::Acknowledgement, Locale::En);
        template.html = "<p>{% if ticket.number %}open</p>".into();
        let error = check(TemplateKind::Acknowledgement, &template, Locale::En).unwrap_err();
        assert_eq!(error.part, Part::Html);
    }

    #[test]
    fn a_link_only_agents_get_is_refused_in_a_customer_mail() {
        let mut template = default_template(TemplateKind::Reply, Locale::En);
        template.text = "{{ message.body }} {{ ticket.url }}".into();
        assert!(check(TemplateKind::Reply, &template, Locale::En).is_err());
        let sample = sample(TemplateKind::Assigned, Locale::En);
        assert!(
            sample["ticket"]["url"].is_string(),
            "agents' mail has it: {sample}"
        );
    }

    #[test]
    fn a_variable_of_another_kind_is_refused() {
        let mut template = default_template(TemplateKind::Acknowledgement, Locale::En);
        template.subject = "{{ reset.url }}".into();
        assert!(check(TemplateKind::Acknowledgement, &template, Locale::En).is_err());
    }

    #[test]
    fn endless_work_is_refused() {
        let mut template = default_template(TemplateKind::Reply, Locale::En);
        template.text =
            "{% for a in range(10000) %}{% for b in range(10000) %}x{% endfor %}{% endfor %}"
                .into();
        let error = check(TemplateKind::Reply, &template, Locale::En).unwrap_err();
        assert!(error.message.contains("too much work"), "{}", error.message);
    }

    #[test]
    fn values_are_escaped_in_html_and_kept_in_text() {
        let template = default_template(TemplateKind::Reply, Locale::En);
        let mut context = sample(TemplateKind::Reply, Locale::En);
        context["message"]["body"] = json!("<script>alert(1)</script>\n\nSecond & last");
        context["customer"]["name"] = json!("<b>Eve</b>");
        let rendered = render(&template, &context, Locale::En).expect("renders");
        assert!(!rendered.html.contains("<script>"), "{}", rendered.html);
        assert!(rendered.html.contains("&lt;script&gt;"));
        assert!(rendered.html.contains("<p>Second &amp; last</p>"));
        assert!(rendered.text.contains("<script>alert(1)</script>"));
    }

    #[test]
    fn a_subject_stays_on_one_line() {
        let template = default_template(TemplateKind::Acknowledgement, Locale::En);
        let mut context = sample(TemplateKind::Acknowledgement, Locale::En);
        context["ticket"]["subject"] = json!("Hi\r\nBcc: everyone@example.com");
        let rendered = render(&template, &context, Locale::En).expect("renders");
        assert!(!rendered.subject.contains('\n') && !rendered.subject.contains('\r'));
    }

    #[test]
    fn an_empty_subject_is_refused() {
        let mut template = default_template(TemplateKind::Assigned, Locale::En);
        template.subject = "{% if false %}x{% endif %}".into();
        let error = check(TemplateKind::Assigned, &template, Locale::En).unwrap_err();
        assert_eq!(error.part, Part::Subject);
    }
}
