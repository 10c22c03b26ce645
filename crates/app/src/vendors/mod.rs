//! Vendor organisations: admins manage them, agents pick one when escalating.

pub mod manage;
pub mod memberships;

use kefu_api_types::vendors::{ResponseTargetsBody, VendorResponse, VendorSummary};
use kefu_domain::vendor::Vendor;
use kefu_store::StoreError;

use crate::error::AppError;

/// The answer for a vendor with `portal_users` active users and `fit` to the ticket asked
/// about.
pub fn response(vendor: Vendor, portal_users: i64, fit: usize) -> VendorResponse {
    VendorResponse {
        id: vendor.id,
        name: vendor.name,
        kind: vendor.kind,
        contacts: vendor.contacts.iter().map(ToString::to_string).collect(),
        coverage: vendor.coverage,
        targets: ResponseTargetsBody {
            acknowledge_minutes: vendor.targets.acknowledge_minutes,
            answer_minutes: vendor.targets.answer_minutes,
        },
        share_contact_by_default: vendor.share_contact_by_default,
        active: vendor.active,
        portal_users,
        fit,
        created_at: vendor.created_at,
        updated_at: vendor.updated_at,
    }
}

/// A vendor as shown beside an escalation.
pub fn summary(vendor: &Vendor) -> VendorSummary {
    VendorSummary {
        id: vendor.id,
        name: vendor.name.clone(),
        kind: vendor.kind,
    }
}

fn name_taken(name: &str) -> impl Fn(StoreError) -> AppError + '_ {
    move |e| match e {
        StoreError::Conflict(_) => AppError::conflict(
            "vendor_name_taken",
            format!("a vendor named {name} already exists"),
        ),
        other => other.into(),
    }
}
