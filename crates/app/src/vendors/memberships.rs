//! The vendor each vendor user works for, remembered for a few seconds per node: a vendor
//! user's queue is read often, and who they work for never changes (a user's vendor is set
//! when the account is made). The vendor's name and kind may lag a change by that long.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use kefu_domain::ids::UserId;
use kefu_domain::vendor::Vendor;

/// How long a remembered vendor is used.
const FRESH: Duration = Duration::from_secs(10);

/// The most users remembered at once; past it, the memory starts again.
const MAX: usize = 10_000;

/// Vendor users' vendors, recently read.
#[derive(Debug, Default)]
pub struct Memberships {
    seen: Mutex<HashMap<UserId, (Vendor, Instant)>>,
}

impl Memberships {
    /// The vendor `user` works for, if read in the last few seconds.
    pub fn get(&self, user: UserId) -> Option<Vendor> {
        let seen = self.seen.lock().ok()?;
        seen.get(&user)
            .filter(|(_, at)| at.elapsed() < FRESH)
            .map(|(vendor, _)| vendor.clone())
    }

    /// Remembers that `user` works for `vendor`.
    pub fn put(&self, user: UserId, vendor: Vendor) {
        if let Ok(mut seen) = self.seen.lock() {
            if seen.len() >= MAX {
                seen.clear();
            }
            seen.insert(user, (vendor, Instant::now()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vendor_is_remembered_for_its_user_only() {
        let now = chrono::Utc::now();
        let vendor = Vendor {
            id: kefu_domain::ids::VendorId::new(),
            name: "PrintCo".into(),
            kind: kefu_domain::vendor::VendorKind::Oem,
            contacts: Vec::new(),
            coverage: Vec::new(),
            targets: kefu_domain::vendor::ResponseTargets::default(),
            share_contact_by_default: false,
            active: true,
            created_at: now,
            updated_at: now,
        };
        let memberships = Memberships::default();
        let (user, other) = (UserId::new(), UserId::new());
        assert_eq!(memberships.get(user), None);
        memberships.put(user, vendor.clone());
        assert_eq!(memberships.get(user), Some(vendor));
        assert_eq!(memberships.get(other), None);
    }
}
