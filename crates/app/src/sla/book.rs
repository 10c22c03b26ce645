//! The policies, calendars, routing rules, triggers and integration webhooks, remembered for a few seconds per node: every
//! new ticket and every change of status reads them, and they change rarely. A change made on this node is
//! seen at once; one made on another node within [`FRESH`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kefu_domain::calendar::BusinessCalendar;
use kefu_domain::ids::{CalendarId, SlaPolicyId};
use kefu_domain::integration::Integration;
use kefu_domain::routing::RoutingRule;
use kefu_domain::sla::SlaPolicy;
use kefu_domain::triggers::Trigger;
use kefu_store::routing::rules;
use kefu_store::sla::{calendars, policies};
use kefu_store::{DbConnection, StoreError};

/// How long the remembered book is used.
pub const FRESH: Duration = Duration::from_secs(10);

/// Every policy (in order, inactive ones too: open tickets may still run under them), every
/// calendar and every routing rule.
#[derive(Debug, Default)]
pub struct Book {
    /// In the order they are tried.
    pub policies: Vec<SlaPolicy>,
    /// By id.
    pub calendars: HashMap<CalendarId, BusinessCalendar>,
    /// In the order they are tried, inactive ones too.
    pub rules: Vec<RoutingRule>,
    /// Every trigger, inactive ones too.
    pub triggers: Vec<Trigger>,
    /// Every integration webhook, paused ones too (without their secrets).
    pub integrations: Vec<Integration>,
}

impl Book {
    /// Reads the book from the database.
    pub fn read(conn: &mut DbConnection) -> Result<Self, StoreError> {
        Ok(Self {
            policies: policies::list(conn)?
                .into_iter()
                .map(|r| r.policy)
                .collect(),
            calendars: calendars::list(conn)?
                .into_iter()
                .map(|r| (r.id, r.calendar))
                .collect(),
            rules: rules::list(conn)?.into_iter().map(|r| r.rule).collect(),
            triggers: kefu_store::triggers::list(conn)?
                .into_iter()
                .map(|t| t.trigger)
                .collect(),
            integrations: kefu_store::integrations::list(conn)?
                .into_iter()
                .map(|i| i.integration)
                .collect(),
        })
    }

    /// The calendar `id`, or round the clock if it has gone (it cannot while a policy or a
    /// clock names it).
    pub fn calendar(&self, id: CalendarId) -> BusinessCalendar {
        self.calendars
            .get(&id)
            .cloned()
            .unwrap_or_else(BusinessCalendar::always_open)
    }

    /// The policy `id`.
    pub fn policy(&self, id: SlaPolicyId) -> Option<&SlaPolicy> {
        self.policies.iter().find(|p| p.id == id)
    }
}

/// The book as last read, per node.
#[derive(Debug, Default)]
pub struct BookCache {
    held: Mutex<Option<(Instant, Arc<Book>)>>,
}

impl BookCache {
    /// The book, read again if it is older than [`FRESH`] or was dropped.
    pub fn get(&self, conn: &mut DbConnection) -> Result<Arc<Book>, StoreError> {
        if let Ok(held) = self.held.lock()
            && let Some((at, book)) = held.as_ref()
            && at.elapsed() < FRESH
        {
            return Ok(book.clone());
        }
        let book = Arc::new(Book::read(conn)?);
        if let Ok(mut held) = self.held.lock() {
            *held = Some((Instant::now(), book.clone()));
        }
        Ok(book)
    }

    /// Forgets the book: a policy, calendar, rule, trigger or integration changed.
    pub fn drop_book(&self) {
        if let Ok(mut held) = self.held.lock() {
            *held = None;
        }
    }
}
