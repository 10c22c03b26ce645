//! Credentials recently proven, kept in memory for a few seconds, so that a client sending
//! many requests is not looked up in the database for each of them.
//!
//! Whatever ends or narrows a credential (signing out, a new password, a role change,
//! deactivation, a revoked API token) is published as a [`Change::User`], and
//! [`App::publish`](crate::App::publish) forgets that user's entries at once on this node. Other
//! nodes forget them when the bus brings them the change, and in any case within [`TTL`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use kefu_domain::ids::UserId;

use super::authenticate::Authenticated;

/// How long a proven credential is trusted without asking the database again.
pub const TTL: Duration = Duration::from_secs(5);
/// The most credentials kept; beyond it the expired ones are dropped, then all.
const CAPACITY: usize = 10_000;

/// Proven credentials by the hash of their token.
#[derive(Debug, Default)]
pub struct CredentialCache {
    entries: Mutex<HashMap<String, (Instant, Authenticated)>>,
    /// Counts what was forgotten, so that a lookup that began before is not remembered after.
    forgotten: AtomicU64,
}

impl CredentialCache {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, Authenticated)>> {
        // A panic while holding the lock leaves at worst a stale entry, which TTL bounds.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Who the token hashed to `token_hash` proved to be less than [`TTL`] ago, if anyone.
    pub fn get(&self, token_hash: &str) -> Option<Authenticated> {
        let mut entries = self.entries();
        match entries.get(token_hash) {
            Some((at, found)) if at.elapsed() < TTL => Some(found.clone()),
            Some(_) => {
                entries.remove(token_hash);
                None
            }
            None => None,
        }
    }

    /// Where the cache stands, to pass to [`Self::put`] once the database answered.
    pub fn generation(&self) -> u64 {
        self.forgotten.load(Ordering::Acquire)
    }

    /// Remembers who the token hashed to `token_hash` proved to be, as of now, unless something
    /// was forgotten since the database was asked (at `generation`): its answer may be stale.
    pub fn put(&self, generation: u64, token_hash: String, found: Authenticated) {
        let mut entries = self.entries();
        if self.generation() != generation {
            return;
        }
        if entries.len() >= CAPACITY {
            entries.retain(|_, (at, _)| at.elapsed() < TTL);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(token_hash, (Instant::now(), found));
    }

    /// Forgets every credential of `user` (their account changed).
    pub fn forget_user(&self, user: UserId) {
        let mut entries = self.entries();
        self.forgotten.fetch_add(1, Ordering::AcqRel);
        entries.retain(|_, (_, found)| found.user.id != user);
    }

    /// Forgets every credential (when changes from other nodes may have been missed).
    pub fn clear(&self) {
        let mut entries = self.entries();
        self.forgotten.fetch_add(1, Ordering::AcqRel);
        entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::authenticate::Credential;
    use kefu_domain::access_token::{ApiToken, TokenScope};
    use kefu_domain::account::User;
    use kefu_domain::email::EmailAddress;
    use kefu_domain::ids::ApiTokenId;
    use kefu_domain::permissions::Actor;
    use kefu_domain::role::Role;

    fn user(email: &str, role: Role) -> Result<User, kefu_domain::DomainError> {
        Ok(User {
            id: UserId::new(),
            email: EmailAddress::parse(email)?,
            name: email.into(),
            role,
            active: true,
            locale: None,
            created_at: kefu_domain::time::now(),
        })
    }

    fn proven(user: &User) -> Authenticated {
        Authenticated {
            actor: Actor {
                user: user.id,
                role: user.role,
                customer: None,
            },
            user: user.clone(),
            credential: Credential::Token(ApiToken {
                id: ApiTokenId::new(),
                user: user.id,
                name: "script".into(),
                scope: TokenScope::Read,
                created_at: kefu_domain::time::now(),
                expires_at: None,
                last_used_at: None,
                revoked_at: None,
            }),
        }
    }

    #[test]
    fn a_changed_account_is_forgotten_and_a_lookup_from_before_is_not_kept()
    -> Result<(), kefu_domain::DomainError> {
        let cache = CredentialCache::default();
        let (ana, bo) = (
            user("ana@example.com", Role::Agent)?,
            user("bo@example.com", Role::Admin)?,
        );
        let before = cache.generation();
        cache.put(before, "a".into(), proven(&ana));
        cache.put(before, "b".into(), proven(&bo));
        assert!(cache.get("a").is_some());

        let started = cache.generation();
        cache.forget_user(ana.id);
        assert!(cache.get("a").is_none());
        assert!(cache.get("b").is_some(), "others stay");
        cache.put(started, "a".into(), proven(&ana));
        assert!(
            cache.get("a").is_none(),
            "asked before the change: not kept"
        );
        cache.put(cache.generation(), "a".into(), proven(&ana));
        assert!(cache.get("a").is_some());
        Ok(())
    }
}
