//! Redaction of what is shared with a vendor: the customer's email addresses, phone numbers,
//! name and order numbers are masked unless sharing them was chosen.
//!
//! Masks are symbols, not words, so a vendor reading either language sees the same thing:
//! `[✉ •••]`, `[☎ •••]`, `[# •••]` and `[👤 •••]`.

use std::sync::LazyLock;

use regex::Regex;

/// The mask put in place of an email address.
pub const EMAIL_MASK: &str = "[✉ •••]";
/// The mask put in place of a phone number.
pub const PHONE_MASK: &str = "[☎ •••]";
/// The mask put in place of an order number.
pub const ORDER_MASK: &str = "[# •••]";
/// The mask put in place of the customer's name.
pub const NAME_MASK: &str = "[👤 •••]";

/// What the agent chose to share beyond the text itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sharing {
    /// The customer's name, email addresses and phone numbers.
    pub contact: bool,
    /// Order, invoice and similar numbers.
    pub order_numbers: bool,
}

/// A text as the vendor will see it, with how much was masked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Redacted {
    /// The text with masks in place.
    pub text: String,
    /// How many email addresses were masked.
    pub emails: usize,
    /// How many phone numbers were masked.
    pub phones: usize,
    /// How many order numbers were masked.
    pub order_numbers: usize,
    /// How many mentions of the customer's name were masked.
    pub names: usize,
}

impl Redacted {
    /// How many things were masked in all.
    pub fn masked(&self) -> usize {
        self.emails + self.phones + self.order_numbers + self.names
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Email,
    Phone,
    Order,
    Name,
}

/// Compiles one of the constant patterns below.
#[allow(
    clippy::expect_used,
    reason = "the patterns are constants, compiled by every test of this module"
)]
fn pattern(source: &str) -> Regex {
    Regex::new(source).expect("a constant pattern compiles")
}

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}"));
/// Numbers with an order-like prefix: `ORD-2024-00123`, `SO123456`, `INV_88812`.
static PREFIXED_ORDER: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)(?-u:\b)(?:ord|order|so|po|inv)[-_#]?\d[0-9a-z\-]{3,}(?-u:\b)"));
/// `#` and at least four digits: `#100234`, `#A-20931`.
static HASH_ORDER: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"#[A-Za-z]{0,3}-?\d{4,}[0-9A-Za-z\-]*"));
/// A number after a word that names it an order or invoice: `order no. 5512345`,
/// `订单号：2024112300123`, `发票 8812-3341`.
static NAMED_ORDER: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)(?:order|invoice|订单|发票)(?:\s*(?:no\.?|number|nr\.?|#|号|编号|号码))?\s*[:：]?\s*([0-9a-z][0-9a-z\-]{4,})",
    )
});
/// Anything that may be a phone number: digits with spaces, dashes, dots and brackets.
static PHONE_LIKE: LazyLock<Regex> = LazyLock::new(|| pattern(r"\+?\(?\d[\d \-().]{5,22}\d"));
/// A long run of digits alone: order numbers of online shops (`2024112312345678`).
static LONG_NUMBER: LazyLock<Regex> = LazyLock::new(|| pattern(r"\d{10,}"));

/// Masks what `sharing` does not share in `text`; `customer_name` is masked as a whole
/// phrase wherever it appears, unless the contact details are shared.
pub fn redact(text: &str, sharing: Sharing, customer_name: Option<&str>) -> Redacted {
    let mut spans: Vec<(usize, usize, Kind)> = Vec::new();
    let add = |start: usize, end: usize, kind: Kind, spans: &mut Vec<(usize, usize, Kind)>| {
        if !spans.iter().any(|&(s, e, _)| start < e && s < end) {
            spans.push((start, end, kind));
        }
    };
    if !sharing.contact {
        for m in EMAIL.find_iter(text) {
            add(m.start(), m.end(), Kind::Email, &mut spans);
        }
    }
    if !sharing.order_numbers {
        for m in PREFIXED_ORDER.find_iter(text) {
            add(m.start(), m.end(), Kind::Order, &mut spans);
        }
        for m in HASH_ORDER.find_iter(text) {
            add(m.start(), m.end(), Kind::Order, &mut spans);
        }
        for c in NAMED_ORDER.captures_iter(text) {
            let Some(m) = c.get(1) else { continue };
            if m.as_str().bytes().filter(u8::is_ascii_digit).count() >= 4 {
                add(m.start(), m.end(), Kind::Order, &mut spans);
            }
        }
    }
    if !sharing.contact {
        for m in PHONE_LIKE.find_iter(text) {
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            // A number may follow a word ("Tel13800138000", "手机１３８…") but not be the
            // middle of a longer one.
            let glued = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() && !is_cjk(c));
            if before.is_none_or(|c| digit(c).is_none()) && !glued(after) && is_phone(m.as_str()) {
                add(m.start(), m.end(), Kind::Phone, &mut spans);
            }
        }
        if let Some(name) = customer_name
            .map(str::trim)
            .filter(|n| n.chars().count() >= 2)
        {
            for (start, end) in phrase_matches(text, name) {
                add(start, end, Kind::Name, &mut spans);
            }
        }
    }
    if !sharing.order_numbers {
        for m in LONG_NUMBER.find_iter(text) {
            // Not the digits of a serial or tracking number such as `SF1234567890123`.
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            let glued = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() && !is_cjk(c));
            if !glued(before) && !glued(after) {
                add(m.start(), m.end(), Kind::Order, &mut spans);
            }
        }
    }
    spans.sort_unstable_by_key(|&(start, _, _)| start);
    let mut out = Redacted {
        text: String::with_capacity(text.len()),
        ..Redacted::default()
    };
    let mut at = 0;
    for (start, end, kind) in spans {
        out.text.push_str(&text[at..start]);
        let mask = match kind {
            Kind::Email => {
                out.emails += 1;
                EMAIL_MASK
            }
            Kind::Phone => {
                out.phones += 1;
                PHONE_MASK
            }
            Kind::Order => {
                out.order_numbers += 1;
                ORDER_MASK
            }
            Kind::Name => {
                out.names += 1;
                NAME_MASK
            }
        };
        out.text.push_str(mask);
        at = end;
    }
    out.text.push_str(&text[at..]);
    out
}

/// Whether digits with separators read as a phone number: E.164 (`+` and 8 to 15 digits),
/// a Chinese mobile (11 digits from `13` to `19`, with or without `86`), a Chinese landline
/// (`0`, a 2–3 digit area code and a 7–8 digit number) or a North American number written
/// with separators.
fn is_phone(candidate: &str) -> bool {
    let digits: String = candidate.chars().filter_map(digit).collect();
    let n = digits.len();
    let separated = candidate
        .chars()
        .any(|c| matches!(c, ' ' | '-' | '(' | ')' | '.'));
    let cn_mobile =
        |d: &str| d.len() == 11 && d.starts_with('1') && matches!(d.as_bytes()[1], b'3'..=b'9');
    if candidate.starts_with('+') {
        return (8..=15).contains(&n);
    }
    if cn_mobile(&digits) || (digits.starts_with("86") && cn_mobile(&digits[2..])) {
        return true;
    }
    if digits.starts_with('0') && !digits.starts_with("00") && (10..=12).contains(&n) {
        return true;
    }
    if digits.starts_with("00") && (10..=17).contains(&n) {
        return true;
    }
    n == 10 && separated && !looks_like_date(candidate)
}

/// A decimal digit, ASCII or full width (`１`, typed on Chinese keyboards), as ASCII.
fn digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')),
        _ => None,
    }
}

/// A Chinese, Japanese or Korean character: text in those languages runs words together, so
/// a number right after one is not part of a longer word.
fn is_cjk(c: char) -> bool {
    matches!(u32::from(c), 0x3000..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
        && digit(c).is_none()
}

/// `2024-11-23` and `2024.11.23` are dates, not numbers to mask.
fn looks_like_date(candidate: &str) -> bool {
    let parts: Vec<&str> = candidate.split(['-', '.', ' ']).collect();
    parts.len() == 3 && parts[0].len() == 4 && parts[1].len() <= 2 && parts[2].len() <= 2
}

/// Where `phrase` appears in `text`, regardless of case, not inside a longer word.
fn phrase_matches(text: &str, phrase: &str) -> Vec<(usize, usize)> {
    let source = format!("(?i){}", regex::escape(phrase));
    let Ok(re) = Regex::new(&source) else {
        return Vec::new();
    };
    re.find_iter(text)
        .filter(|m| {
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
            !word(before) && !word(after)
        })
        .map(|m| (m.start(), m.end()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: Sharing = Sharing {
        contact: false,
        order_numbers: false,
    };

    #[test]
    fn what_the_vendor_sees() {
        let cases: &[(&str, &str)] = &[
            // Email addresses.
            (
                "Write to li.wei+shop@example.com.cn please",
                "Write to [✉ •••] please",
            ),
            ("邮箱：zhang_san@qq.com。", "邮箱：[✉ •••]。"),
            // Chinese mobiles: plain, with spaces, with dashes, with +86 or 86.
            ("手机13800138000", "手机[☎ •••]"),
            ("call 138 0013 8000 today", "call [☎ •••] today"),
            ("call 138-0013-8000 today", "call [☎ •••] today"),
            ("+86 138 0013 8000", "[☎ •••]"),
            ("+86-13800138000", "[☎ •••]"),
            ("86 13800138000", "[☎ •••]"),
            // Chinese landlines.
            ("座机 010-12345678", "座机 [☎ •••]"),
            ("0755 8888 6666 (office)", "[☎ •••] (office)"),
            ("(021) 5555-6666", "[☎ •••]"),
            ("电话：0571-8765432", "电话：[☎ •••]"),
            // E.164 and international formats.
            ("+44 20 7946 0958", "[☎ •••]"),
            ("+1-415-555-0100", "[☎ •••]"),
            ("+4915112345678", "[☎ •••]"),
            ("0044 20 7946 0958", "[☎ •••]"),
            ("(415) 555-0100", "[☎ •••]"),
            // Order numbers.
            (
                "Order ORD-2024-00123 arrived broken",
                "Order [# •••] arrived broken",
            ),
            ("order no. 5512345", "order no. [# •••]"),
            ("订单号：2024112300123", "订单号：[# •••]"),
            ("订单号2024112300123 没到", "订单号[# •••] 没到"),
            ("see #100234", "see [# •••]"),
            ("PO-88231 and INV_55123", "[# •••] and [# •••]"),
            ("ref 202411231234567890", "ref [# •••]"),
            // Things a vendor needs stay.
            (
                "LaserJet M404dn, firmware 2.01.7",
                "LaserJet M404dn, firmware 2.01.7",
            ),
            ("serial CNB1234567890", "serial CNB1234567890"),
            (
                "since 2024-11-23, error 49.4C02",
                "since 2024-11-23, error 49.4C02",
            ),
            ("it costs 1,299.00 yuan", "it costs 1,299.00 yuan"),
            ("tracking SF1234567890123", "tracking SF1234567890123"),
            // Full-width digits, and numbers glued to the word before them.
            ("电话１３８００１３８０００", "电话[☎ •••]"),
            ("手机：１３８ ００１３ ８０００", "手机：[☎ •••]"),
            ("Tel13800138000 or 010-12345678", "Tel[☎ •••] or [☎ •••]"),
            ("订单号２０２４１１２３００１２３", "订单号[# •••]"),
        ];
        for (shared, seen) in cases {
            assert_eq!(redact(shared, NONE, None).text, *seen, "{shared}");
        }
    }

    #[test]
    fn the_customers_name_is_masked_as_a_phrase() {
        let out = redact(
            "Li Wei says the printer jams; li wei tried twice. Limited help.",
            NONE,
            Some("Li Wei"),
        );
        assert_eq!(
            out.text,
            "[👤 •••] says the printer jams; [👤 •••] tried twice. Limited help."
        );
        assert_eq!(out.names, 2);
        let out = redact("王小明的打印机坏了", NONE, Some("王小明"));
        assert_eq!(out.text, "[👤 •••]的打印机坏了");
    }

    #[test]
    fn shared_details_stay() {
        let text = "Li Wei, li@example.com, 138 0013 8000, order ORD-55123";
        let contact = Sharing {
            contact: true,
            order_numbers: false,
        };
        assert_eq!(
            redact(text, contact, Some("Li Wei")).text,
            "Li Wei, li@example.com, 138 0013 8000, order [# •••]"
        );
        let orders = Sharing {
            contact: false,
            order_numbers: true,
        };
        let out = redact(text, orders, Some("Li Wei"));
        assert_eq!(out.text, "[👤 •••], [✉ •••], [☎ •••], order ORD-55123");
        assert_eq!((out.names, out.emails, out.phones), (1, 1, 1));
        assert_eq!(out.masked(), 3);
        let all = Sharing {
            contact: true,
            order_numbers: true,
        };
        assert_eq!(redact(text, all, Some("Li Wei")).text, text);
    }
}
