//! Quoted history and reply separators, cut from what the timeline shows: the part of a
//! reply after the first separator of Gmail, Outlook, Apple Mail, QQ Mail or Foxmail, or a
//! trailing block of `>` lines. The full text stays with the message.

/// A reply's own words and the history it quotes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// What the sender wrote this time.
    pub reply: String,
    /// The quoted history, if any.
    pub quoted: Option<String>,
}

/// Splits plain text at the first reply separator, or before trailing `>` quotes.
pub fn split(text: &str) -> Split {
    let lines: Vec<&str> = text.lines().collect();
    let cut = lines
        .iter()
        .enumerate()
        .find(|(i, line)| is_separator(line, lines.get(i + 1).copied()))
        .map(|(i, _)| i)
        .or_else(|| trailing_quote_start(&lines));
    match cut {
        // A message that is nothing but a quote is shown whole: better than an empty entry.
        Some(at) if lines[..at].iter().any(|l| !l.trim().is_empty()) => {
            let reply = lines[..at].join("\n").trim_end().to_owned();
            let quoted = lines[at..].join("\n").trim().to_owned();
            Split {
                reply,
                quoted: (!quoted.is_empty()).then_some(quoted),
            }
        }
        _ => Split {
            reply: text.trim_end().to_owned(),
            quoted: None,
        },
    }
}

fn is_separator(line: &str, next: Option<&str>) -> bool {
    let l = line.trim();
    if l.is_empty() {
        return false;
    }
    // QQ Mail and Foxmail: "------------------ 原始邮件 ------------------" and
    // "------------------ Original ------------------".
    let dashed = l.trim_matches(|c| c == '-' || c == ' ');
    if l.starts_with("---") && !dashed.is_empty() && dashed.len() < l.len() {
        let inner = dashed.to_lowercase();
        if [
            "原始邮件",
            "原始郵件",
            "original",
            "original message",
            "forwarded message",
            "转发邮件",
        ]
        .iter()
        .any(|m| inner == *m)
        {
            return true;
        }
    }
    // Outlook: a rule of underscores, then "From:" / "发件人:".
    if l.len() >= 20 && l.chars().all(|c| c == '_') {
        return next.is_some_and(is_from_line);
    }
    // Outlook without the rule, and Foxmail's block: "From: … / 发件人: …" at the start of a
    // quoted header block.
    if is_from_line(l) && next.is_some_and(is_header_line) {
        return true;
    }
    // Gmail and Apple Mail: "On Tue, 3 Dec 2026, Ana <ana@x> wrote:" (maybe wrapped), and
    // the Chinese forms "在 2026年12月3日，Ana <ana@x> 写道：" / "… 于 … 写道：".
    let lower = l.to_lowercase();
    if (lower.starts_with("on ") && (lower.ends_with("wrote:") || next_ends_wrote(next)))
        || ((l.starts_with('在') || l.contains('于'))
            && (l.ends_with("写道：") || l.ends_with("写道:")))
        || l.ends_with("schrieb:")
    {
        return true;
    }
    false
}

fn next_ends_wrote(next: Option<&str>) -> bool {
    next.is_some_and(|n| n.trim().to_lowercase().ends_with("wrote:"))
}

fn is_from_line(line: &str) -> bool {
    let l = line.trim().trim_start_matches('*').trim();
    [
        "From:",
        "发件人:",
        "发件人：",
        "寄件者:",
        "寄件者：",
        "Von:",
    ]
    .iter()
    .any(|h| l.starts_with(h))
}

/// A line of a quoted header block: From, Sent, Date, To, Cc, Subject, in English or Chinese.
fn is_header_line(line: &str) -> bool {
    let l = line.trim().trim_start_matches('*').trim();
    is_from_line(l)
        || [
            "Sent:",
            "Date:",
            "To:",
            "Cc:",
            "Subject:",
            "发送时间",
            "日期",
            "收件人",
            "抄送",
            "主题",
            "寄件日期",
            "主旨",
        ]
        .iter()
        .any(|h| l.starts_with(h))
}

/// Where a block of `>` lines that runs to the end of the text starts (blank lines within
/// it allowed).
fn trailing_quote_start(lines: &[&str]) -> Option<usize> {
    let mut start = None;
    for (i, line) in lines.iter().enumerate().rev() {
        let t = line.trim_start();
        if t.starts_with('>') {
            start = Some(i);
        } else if t.is_empty() {
            continue;
        } else {
            break;
        }
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmail_quotes_are_cut() {
        let s = split(
            "Thanks, it works now.\n\nOn Tue, 3 Dec 2026 at 10:00, Kefu <support@shop.example> wrote:\n> Please restart it.\n",
        );
        assert_eq!(s.reply, "Thanks, it works now.");
        assert!(
            s.quoted
                .as_deref()
                .is_some_and(|q| q.contains("Please restart"))
        );
    }

    #[test]
    fn qq_and_foxmail_separators_are_cut() {
        let s = split(
            "好的，谢谢！\n\n------------------ 原始邮件 ------------------\n发件人: \"客服\"<support@shop.example>\n发送时间: 2026年12月3日\n主题: 回复：打印机\n\n请重启打印机。",
        );
        assert_eq!(s.reply, "好的，谢谢！");
        assert!(s.quoted.as_deref().is_some_and(|q| q.contains("请重启")));
    }

    #[test]
    fn outlook_header_blocks_are_cut() {
        let s = split(
            "See attached.\n\n________________________________\nFrom: Support <support@shop.example>\nSent: Tuesday\nSubject: RE: Order",
        );
        assert_eq!(s.reply, "See attached.");
        let s = split("Yes.\n\nFrom: Support <support@shop.example>\nSent: Tuesday\n");
        assert_eq!(s.reply, "Yes.");
    }

    #[test]
    fn a_message_without_quotes_is_whole() {
        let text = "My printer shows error E3.\nFrom: the manual, page 4";
        let s = split(text);
        assert_eq!(s.reply, text);
        assert_eq!(s.quoted, None);
    }

    #[test]
    fn a_message_that_is_only_a_quote_is_kept_whole() {
        let s = split("> just a quote");
        assert_eq!(s.reply, "> just a quote");
    }
}
