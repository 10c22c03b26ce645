//! Accounts, sessions, known devices and throttle buckets.

use chrono::Duration;
use kefu_domain::account::User;
use kefu_domain::email::EmailAddress;
use kefu_domain::ids::{SessionId, UserId};
use kefu_domain::role::Role;
use kefu_domain::throttle::Bucket;
use kefu_store::sessions::{self, NewSession, Session};
use kefu_store::{StoreError, devices, throttle, users};
use kefu_testkit::test_both;

fn agent(email: &str) -> User {
    User {
        id: UserId::new(),
        email: EmailAddress::parse(email).unwrap(),
        name: "Emma Walker".into(),
        role: Role::Agent,
        active: true,
        locale: Some("en".into()),
        created_at: kefu_domain::time::now(),
    }
}

test_both! {
    async fn emails_are_unique_regardless_of_case(db: TestDb) {
        db.store.write(|conn| users::insert(conn, &agent("emma@example.com"), Some("$argon2id$hash")))
            .await.unwrap();
        let again = db.store.write(|conn| users::insert(conn, &agent("EMMA@example.com"), None)).await;
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
        db.store.read(|conn| {
            let found = users::credentials(conn, &EmailAddress::parse("Emma@Example.com").unwrap())?;
            assert_eq!(found.and_then(|c| c.password_hash).as_deref(), Some("$argon2id$hash"));
            Ok::<_, StoreError>(())
        }).await.unwrap();
    }
}

test_both! {
    async fn sessions_are_found_by_token_hash_and_end(db: TestDb) {
        db.store.write(|conn| {
            let user = agent("li@example.com");
            users::insert(conn, &user, None)?;
            let now = kefu_domain::time::now();
            let make = |hash: &str, conn: &mut kefu_store::DbConnection| {
                let session = Session {
                    id: SessionId::new(),
                    user: user.id,
                    csrf_token: format!("csrf-{hash}"),
                    created_at: now,
                    last_seen_at: now,
                    expires_at: now + Duration::hours(1),
                };
                sessions::insert(conn, NewSession { session: &session, token_hash: hash, ip: Some("127.0.0.1"), user_agent: None }).unwrap();
                session
            };
            let first = make("hash-1", conn);
            let second = make("hash-2", conn);
            let (found, who, customer) = sessions::find_by_token_hash(conn, "hash-1")?.unwrap();
            assert_eq!((found, who.id, customer), (first.clone(), user.id, None), "an agent speaks for no customer");
            assert!(sessions::find_by_token_hash(conn, "nope")?.is_none());
            assert_eq!(sessions::delete_for_user(conn, user.id, Some(first.id))?, 1);
            assert!(sessions::find_by_token_hash(conn, "hash-2")?.is_none());
            assert!(sessions::find_by_token_hash(conn, "hash-1")?.is_some());
            let _ = second;
            let removed = sessions::delete_expired(conn, now + Duration::hours(2), now)?;
            assert_eq!(removed, 1);
            Ok::<_, StoreError>(())
        }).await.unwrap();
    }
}

test_both! {
    async fn devices_and_throttle_buckets_persist(db: TestDb) {
        db.store.write(|conn| {
            let user = agent("grace@example.com");
            users::insert(conn, &user, None)?;
            let now = kefu_domain::time::now();
            devices::remember(conn, "device-hash", user.id, now)?;
            assert_eq!(devices::owner(conn, "device-hash")?, Some(user.id));
            devices::forget_all(conn, user.id)?;
            assert_eq!(devices::owner(conn, "device-hash")?, None);
            assert_eq!(throttle::load(conn, "account:x")?, None);
            let bucket = Bucket { allowance: 3.5, checked_at: now };
            throttle::save(conn, "account:x", bucket)?;
            throttle::save(conn, "account:x", Bucket { allowance: 2.5, ..bucket })?;
            assert_eq!(throttle::load(conn, "account:x")?, Some(Bucket { allowance: 2.5, checked_at: now }));
            Ok::<_, StoreError>(())
        }).await.unwrap();
    }
}
