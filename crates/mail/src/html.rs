//! HTML bodies: sanitised for showing (no scripts, event handlers, forms, frames or styles
//! that load anything), and read as plain text for mail that has no text part.

use std::collections::HashSet;
use std::sync::LazyLock;

/// The CSS properties an email's inline styles keep: layout and colour, nothing that can
/// name a URL.
const STYLE_PROPERTIES: &[&str] = &[
    "color",
    "background-color",
    "font-family",
    "font-size",
    "font-style",
    "font-weight",
    "text-align",
    "text-decoration",
    "line-height",
    "margin",
    "margin-left",
    "margin-right",
    "margin-top",
    "margin-bottom",
    "padding",
    "padding-left",
    "padding-right",
    "padding-top",
    "padding-bottom",
    "border",
    "border-collapse",
    "width",
    "max-width",
    "height",
    "vertical-align",
    "white-space",
];

static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .url_schemes(HashSet::from(["http", "https", "mailto", "cid"]))
        .link_rel(Some("noopener noreferrer nofollow"))
        .add_generic_attributes(["style", "align", "dir"])
        .add_tag_attributes("td", ["bgcolor", "width", "valign"])
        .add_tag_attributes("table", ["bgcolor", "width", "cellpadding", "cellspacing"])
        .add_tag_attributes("font", ["color", "size", "face"])
        .add_tags(["font", "center"])
        .filter_style_properties(STYLE_PROPERTIES.iter().copied().collect())
        .strip_comments(true);
    builder
});

/// `html` with only harmless markup left. Images keep their `http(s):` and `cid:` sources:
/// the console shows the result in a sandboxed frame whose policy loads no remote image
/// until the agent asks, and replaces `cid:` sources with the message's own attachments.
pub fn sanitise(html: &str) -> String {
    SANITISER.clean(html).to_string()
}

/// The text of an HTML body: blocks and line breaks become new lines, `<style>`, `<script>`
/// and `<head>` are dropped, entities are decoded, and blank runs are collapsed.
pub fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    let mut skip_until: Option<&'static str> = None;
    while !rest.is_empty() {
        let Some(open) = rest.find('<') else {
            if skip_until.is_none() {
                push_text(&mut out, rest);
            }
            break;
        };
        if skip_until.is_none() {
            push_text(&mut out, &rest[..open]);
        }
        // The tag runs to its `>`, or to the end of a text cut short.
        let (tag, tag_end) = match rest[open..].find('>') {
            Some(close) => (&rest[open + 1..open + close], open + close + 1),
            None => (&rest[open + 1..], rest.len()),
        };
        let tag = tag.trim();
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let closing = tag.starts_with('/');
        match skip_until {
            Some(until) => {
                if closing && name == until {
                    skip_until = None;
                }
            }
            None => match name.as_str() {
                "style" | "script" | "head" | "title" if !closing => {
                    skip_until = Some(match name.as_str() {
                        "style" => "style",
                        "script" => "script",
                        "head" => "head",
                        _ => "title",
                    });
                }
                "br" => out.push('\n'),
                "p" | "div" | "tr" | "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
                | "blockquote" | "table" | "ul" | "ol" | "hr" => {
                    if !out.ends_with('\n') {
                        out.push('\n');
                    }
                    if name == "li" && !closing {
                        out.push_str("- ");
                    }
                }
                "td" | "th" if closing => out.push(' '),
                _ => {}
            },
        }
        rest = &rest[tag_end..];
    }
    collapse_blank_lines(&out)
}

fn push_text(out: &mut String, text: &str) {
    let decoded = decode_entities(text);
    let mut space = out.ends_with([' ', '\n']) || out.is_empty();
    for c in decoded.chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            if !space {
                out.push(' ');
                space = true;
            }
        } else {
            out.push(if c == '\u{a0}' { ' ' } else { c });
            space = false;
        }
    }
}

fn collapse_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim().to_owned()
}

/// Decodes the named entities mail uses and every numeric one.
pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // `;` is ASCII, so the byte where it is found is a character boundary.
        let end = rest.as_bytes()[..rest.len().min(12)]
            .iter()
            .position(|b| *b == b';');
        let decoded = end.and_then(|end| {
            let entity = &rest[1..end];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                "copy" => Some('©'),
                "mdash" => Some('—'),
                "ndash" => Some('–'),
                "hellip" => Some('…'),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_forms_and_frames_are_removed() {
        let clean = sanitise(
            r#"<p onclick="steal()">Hi<script>alert(1)</script></p><form action="https://evil.example"><input name="pw"></form><iframe src="https://evil.example"></iframe><a href="javascript:alert(1)">x</a>"#,
        );
        for banned in [
            "script",
            "onclick",
            "<form",
            "<input",
            "iframe",
            "javascript:",
        ] {
            assert!(!clean.contains(banned), "{banned} survived: {clean}");
        }
        assert!(clean.contains("<p>Hi</p>"), "{clean}");
    }

    #[test]
    fn styles_keep_colours_but_never_urls() {
        let clean = sanitise(
            r#"<div style="color: red; background-image: url(https://tracker.example/p.gif)">x</div>"#,
        );
        assert!(clean.contains("color"), "{clean}");
        assert!(!clean.contains("tracker"), "{clean}");
    }

    #[test]
    fn inline_and_remote_image_sources_are_kept_for_the_frame_to_decide() {
        let clean = sanitise(r#"<img src="cid:logo@x"><img src="https://shop.example/a.png">"#);
        assert!(clean.contains("cid:logo@x"), "{clean}");
        assert!(clean.contains("https://shop.example/a.png"), "{clean}");
    }

    #[test]
    fn html_reads_as_text() {
        let text = to_text(
            "<html><head><style>p{}</style></head><body><p>Hello&nbsp;there &amp; welcome</p><div>Line&#32;2<br>Line 3</div><ul><li>one</li><li>two</li></ul></body></html>",
        );
        assert_eq!(text, "Hello there & welcome\nLine 2\nLine 3\n- one\n- two");
    }

    #[test]
    fn text_cut_in_the_middle_of_a_tag_or_entity_reads_without_panicking() {
        assert_eq!(to_text("你好<b 中文"), "你好");
        assert_eq!(decode_entities("&abc中文中文中文"), "&abc中文中文中文");
        assert_eq!(decode_entities("&#20013;文"), "中文");
    }
}
