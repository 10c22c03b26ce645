//! Both backends' migrations define the same schema.

use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use kefu_store::{DbConnection, Store, StoreError};
use kefu_testkit::{TestDb, test_both};

#[derive(QueryableByName, Debug, PartialEq, Eq, PartialOrd, Ord, Clone)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Bool)]
    nullable: bool,
}

#[derive(QueryableByName, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Index {
    #[diesel(sql_type = Text)]
    name: String,
}

// The search index is the one deliberate difference: an FTS5 virtual table (`search_terms`)
// beside `search_entries` on SQLite, a tsvector column with a GIN index on PostgreSQL. The
// journal of its changes (`search_changes`) is the same on both.

async fn schema(store: &Store) -> (Vec<Column>, Vec<Index>) {
    store
        .read(|conn| {
            let (mut columns, mut indexes): (Vec<Column>, Vec<Index>) = match conn {
                DbConnection::Sqlite(c) => (
                    diesel::sql_query(
                        "SELECT m.name AS table_name, p.name AS column_name,
                                (p.\"notnull\" = 0 AND p.pk = 0) AS nullable
                         FROM sqlite_master m JOIN pragma_table_xinfo(m.name) p
                         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
                           AND m.name NOT LIKE '__diesel%' AND m.name NOT LIKE 'search_terms%'
                           AND m.name <> 'search_entries'",
                    )
                    .load(c)?,
                    diesel::sql_query(
                        "SELECT name FROM sqlite_master
                         WHERE type = 'index' AND sql IS NOT NULL
                           AND tbl_name NOT LIKE 'search_terms%' AND tbl_name <> 'search_entries'",
                    )
                    .load(c)?,
                ),
                DbConnection::Postgres(c) => (
                    diesel::sql_query(
                        "SELECT table_name::text AS table_name, column_name::text AS column_name,
                                (is_nullable = 'YES') AS nullable
                         FROM information_schema.columns
                         WHERE table_schema = current_schema()
                           AND table_name NOT LIKE '__diesel%' AND table_name <> 'search_entries'",
                    )
                    .load(c)?,
                    diesel::sql_query(
                        "SELECT indexname::text AS name FROM pg_indexes
                         WHERE schemaname = current_schema() AND tablename <> 'search_entries'
                           AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'",
                    )
                    .load(c)?,
                ),
            };
            columns.sort();
            indexes.sort();
            Ok::<_, StoreError>((columns, indexes))
        })
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_backends_define_the_same_tables_columns_and_indexes() {
    let Some(postgres) = TestDb::postgres().await else {
        return;
    };
    let sqlite = TestDb::sqlite().await;
    let (pg_columns, pg_indexes) = schema(&postgres.store).await;
    let (sqlite_columns, sqlite_indexes) = schema(&sqlite.store).await;
    assert!(pg_columns.len() > 50, "the schema was read: {pg_columns:?}");
    let only_pg: Vec<_> = pg_columns
        .iter()
        .filter(|c| !sqlite_columns.contains(c))
        .collect();
    let only_sqlite: Vec<_> = sqlite_columns
        .iter()
        .filter(|c| !pg_columns.contains(c))
        .collect();
    assert!(
        only_pg.is_empty() && only_sqlite.is_empty(),
        "columns differ\nonly on PostgreSQL: {only_pg:#?}\nonly on SQLite: {only_sqlite:#?}"
    );
    assert_eq!(pg_indexes, sqlite_indexes, "indexes differ");
}

test_both! {
    async fn migrating_again_changes_nothing(db: TestDb) {
        let applied = db.store.migrate().await.unwrap();
        assert!(applied.is_empty(), "nothing left to apply, got {applied:?}");
    }
}
