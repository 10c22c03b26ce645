//! Vendors: the companies a business hands cases it cannot solve itself to, and what they
//! promise.

use chrono::{DateTime, Duration, Utc};

use crate::DomainError;
use crate::email::EmailAddress;
use crate::ids::VendorId;
use crate::string_enum::string_enum;
use crate::text;

string_enum! {
    /// What a vendor is to the business.
    "vendor kind", VendorKind {
        /// A software maker.
        Isv => "isv",
        /// A manufacturer of the products sold.
        Oem => "oem",
        /// A supplier of goods or parts.
        Supplier => "supplier",
        /// A courier or carrier.
        Logistics => "logistics",
        /// A partner who installs or repairs on site.
        ServicePartner => "service_partner",
    }
}

/// The longest a response target may be: 90 days.
pub const TARGET_MAX_MINUTES: i32 = 90 * 24 * 60;
/// The most contact addresses a vendor keeps.
pub const CONTACTS_MAX: usize = 10;
/// The most products or categories a vendor covers.
pub const COVERAGE_MAX: usize = 50;
/// The longest product or category name, in characters.
pub const COVERAGE_ITEM_MAX: usize = 60;

/// How quickly a vendor promises to respond to an escalation, in wall-clock minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResponseTargets {
    /// The vendor acknowledges a new escalation within this many minutes.
    pub acknowledge_minutes: i32,
    /// The vendor answers within this many minutes of the escalation.
    pub answer_minutes: i32,
}

impl ResponseTargets {
    /// Targets from minutes: each 1 minute to 90 days, acknowledging no later than answering.
    pub fn new(acknowledge_minutes: i32, answer_minutes: i32) -> Result<Self, DomainError> {
        let in_range = |m: i32| (1..=TARGET_MAX_MINUTES).contains(&m);
        if !in_range(acknowledge_minutes) || !in_range(answer_minutes) {
            return Err(DomainError::InvalidVendor(format!(
                "response targets are 1 to {TARGET_MAX_MINUTES} minutes"
            )));
        }
        if acknowledge_minutes > answer_minutes {
            return Err(DomainError::InvalidVendor(
                "the acknowledge target cannot be longer than the answer target".into(),
            ));
        }
        Ok(Self {
            acknowledge_minutes,
            answer_minutes,
        })
    }

    /// When an escalation made at `requested_at` is due to be acknowledged and answered.
    pub fn due_times(&self, requested_at: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        (
            requested_at + Duration::minutes(i64::from(self.acknowledge_minutes)),
            requested_at + Duration::minutes(i64::from(self.answer_minutes)),
        )
    }
}

impl Default for ResponseTargets {
    /// One business day to acknowledge, three to answer.
    fn default() -> Self {
        Self {
            acknowledge_minutes: 8 * 60,
            answer_minutes: 3 * 24 * 60,
        }
    }
}

/// A vendor organisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vendor {
    /// Its id.
    pub id: VendorId,
    /// Its name, unique regardless of case.
    pub name: String,
    /// What it is to the business.
    pub kind: VendorKind,
    /// Where its escalations are mailed when it has no portal users.
    pub contacts: Vec<EmailAddress>,
    /// The products or categories it covers, for suggesting it on the escalation form.
    pub coverage: Vec<String>,
    /// How quickly it promises to respond.
    pub targets: ResponseTargets,
    /// Whether the customer's name and contact details are shared by default.
    pub share_contact_by_default: bool,
    /// Whether it takes new escalations.
    pub active: bool,
    /// When it was added.
    pub created_at: DateTime<Utc>,
    /// When it was last changed.
    pub updated_at: DateTime<Utc>,
}

/// A vendor's name: one line, 1 to 120 characters.
pub fn name(value: &str) -> Result<String, DomainError> {
    text::name("name", value)
}

/// A vendor's contact addresses: at most [`CONTACTS_MAX`], duplicates removed.
pub fn contacts(values: &[String]) -> Result<Vec<EmailAddress>, DomainError> {
    let mut list: Vec<EmailAddress> = Vec::new();
    for value in values {
        let address = EmailAddress::parse(value)?;
        if !list.iter().any(|a| a.lookup_key() == address.lookup_key()) {
            list.push(address);
        }
    }
    if list.len() > CONTACTS_MAX {
        return Err(DomainError::TooMany {
            what: "contact addresses",
            max: CONTACTS_MAX,
        });
    }
    Ok(list)
}

/// A vendor's coverage: products or categories, trimmed, blank ones dropped, duplicates
/// (regardless of case) removed.
pub fn coverage(values: &[String]) -> Result<Vec<String>, DomainError> {
    let mut list: Vec<String> = Vec::new();
    for value in values.iter().filter(|v| !v.trim().is_empty()) {
        let item = text::clean("coverage", value, COVERAGE_ITEM_MAX, false)?;
        if !list.iter().any(|i| i.to_lowercase() == item.to_lowercase()) {
            list.push(item);
        }
    }
    if list.len() > COVERAGE_MAX {
        return Err(DomainError::TooMany {
            what: "products or categories",
            max: COVERAGE_MAX,
        });
    }
    Ok(list)
}

impl Vendor {
    /// How well the vendor fits a case described by `words` (a ticket's subject, tags and
    /// first message): the number of its products or categories named there. Zero means no
    /// fit.
    pub fn fit(&self, words: &str) -> usize {
        let haystack = words.to_lowercase();
        self.coverage
            .iter()
            .filter(|item| haystack.contains(&item.to_lowercase()))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_must_be_in_range_and_ordered() {
        assert!(ResponseTargets::new(60, 480).is_ok());
        assert!(ResponseTargets::new(0, 480).is_err());
        assert!(ResponseTargets::new(60, TARGET_MAX_MINUTES + 1).is_err());
        assert!(ResponseTargets::new(600, 60).is_err());
    }

    #[test]
    fn due_times_follow_the_targets() -> Result<(), Box<dyn std::error::Error>> {
        let at = DateTime::parse_from_rfc3339("2026-12-01T09:00:00Z")?.with_timezone(&Utc);
        let (ack, answer) = ResponseTargets::new(60, 1440)?.due_times(at);
        assert_eq!(ack.to_rfc3339(), "2026-12-01T10:00:00+00:00");
        assert_eq!(answer.to_rfc3339(), "2026-12-02T09:00:00+00:00");
        Ok(())
    }

    #[test]
    fn coverage_is_cleaned_and_matched_regardless_of_case() -> Result<(), DomainError> {
        let list = coverage(&[
            " LaserJet ".into(),
            "laserjet".into(),
            "".into(),
            "打印机".into(),
        ])?;
        assert_eq!(list, vec!["LaserJet".to_owned(), "打印机".to_owned()]);
        let vendor = Vendor {
            id: VendorId::new(),
            name: "PrintCo".into(),
            kind: VendorKind::Oem,
            contacts: vec![],
            coverage: list,
            targets: ResponseTargets::default(),
            share_contact_by_default: false,
            active: true,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        assert_eq!(vendor.fit("My LASERJET M404 prints blank pages"), 1);
        assert_eq!(vendor.fit("我的打印机不工作, laserjet"), 2);
        assert_eq!(vendor.fit("Parcel lost"), 0);
        Ok(())
    }

    #[test]
    fn contacts_drop_duplicates() -> Result<(), DomainError> {
        let list = contacts(&[
            "Support@PrintCo.example".into(),
            "support@printco.example".into(),
        ])?;
        assert_eq!(list.len(), 1);
        assert!(contacts(&["not an address".into()]).is_err());
        Ok(())
    }
}
