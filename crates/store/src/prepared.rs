//! Statements diesel may keep prepared on each connection.
//!
//! Diesel prepares anew, on every run, any statement that holds raw SQL (`dsl::sql`,
//! `sql_query`) or an `IN` list on SQLite, since it cannot know that the text stays the same:
//! PostgreSQL then parses and plans the statement each time, SQLite compiles it each time. The
//! hot paths build their statements here instead ([`Statement`], and [`Predicate`] for a
//! filter), from the code's own text with values bound between its pieces; a list of values is
//! bound as one value ([`among`]), so that neither the values nor how many there are change the
//! text.

use std::borrow::Cow;
use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::expression::{
    AppearsOnTable, Expression, SelectableExpression, ValidGrouping, is_aggregate,
};
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{Bool, HasSqlType, Text, Untyped};
use diesel::{QueryResult, RunQueryDsl};

use crate::Backend as Database;
use crate::connection::Db;

/// A hand-written statement: SQL text with values bound between its pieces (each value
/// becomes the backend's placeholder, `$n` or `?`). Its rows load as `QueryableByName`.
pub struct Statement<'a, DB: Backend> {
    parts: Vec<Part<'a, DB>>,
}

enum Part<'a, DB: Backend> {
    Sql(Cow<'static, str>),
    /// A bound value, or a query of its own with its values.
    Fragment(Box<dyn QueryFragment<DB> + Send + 'a>),
}

/// One bound value of SQL type `ST`.
struct Value<ST, T> {
    value: T,
    sql_type: PhantomData<fn() -> ST>,
}

impl<ST, T, DB> QueryFragment<DB> for Value<ST, T>
where
    DB: Backend + HasSqlType<ST>,
    T: ToSql<ST, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_bind_param::<ST, T>(&self.value)
    }
}

impl<'a, DB: Backend> Statement<'a, DB> {
    /// A statement starting with `sql`. The text is the code's own: values are bound.
    pub fn new(sql: &'static str) -> Self {
        Self {
            parts: vec![Part::Sql(Cow::Borrowed(sql))],
        }
    }

    /// A statement of text built at run time, which the caller runs again unchanged (the
    /// benchmark's baseline): it is kept prepared for as long as the connection lives, so it
    /// must never carry values.
    pub fn of_fixed_text(sql: String) -> Self {
        Self {
            parts: vec![Part::Sql(Cow::Owned(sql))],
        }
    }

    /// Appends SQL text.
    pub fn sql(mut self, sql: &'static str) -> Self {
        self.parts.push(Part::Sql(Cow::Borrowed(sql)));
        self
    }

    /// Appends a count written into the text, e.g. a page's `LIMIT`: the planner then knows it,
    /// where a bound `LIMIT` makes PostgreSQL's generic plan guess a tenth of the rows (and
    /// re-plan each run, or plan joins for thousands). Each count is a statement of its own,
    /// so counts must come from a small set (page sizes).
    pub fn count(mut self, n: u32) -> Self {
        self.parts.push(Part::Sql(Cow::Owned(n.to_string())));
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn bind<ST, T>(mut self, value: T) -> Self
    where
        ST: 'static,
        DB: HasSqlType<ST>,
        T: ToSql<ST, DB> + Send + 'a,
    {
        self.parts.push(Part::Fragment(Box::new(Value {
            value,
            sql_type: PhantomData::<fn() -> ST>,
        })));
        self
    }

    /// Appends a diesel query's SQL and values (a subquery of the code's own building).
    pub fn fragment(mut self, query: impl QueryFragment<DB> + Send + 'a) -> Self {
        self.parts.push(Part::Fragment(Box::new(query)));
        self
    }

    /// Appends another statement's SQL and values.
    pub fn sql_of(mut self, other: Statement<'a, DB>) -> Self {
        self.parts.extend(other.parts);
        self
    }
}

impl<DB: Backend> QueryFragment<DB> for Statement<'_, DB> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        for part in &self.parts {
            match part {
                Part::Sql(sql) => out.push_sql(sql),
                Part::Fragment(value) => value.walk_ast(out.reborrow())?,
            }
        }
        Ok(())
    }
}

impl<DB: Backend> QueryId for Statement<'_, DB> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<DB: Backend> Query for Statement<'_, DB> {
    type SqlType = Untyped;
}

impl<DB: Backend, Conn> RunQueryDsl<Conn> for Statement<'_, DB> {}

/// A condition, usable in a diesel query's `filter`.
pub struct Predicate<'a, DB: Backend>(Statement<'a, DB>);

/// A fixed SQL condition holding no values.
pub fn condition(sql: &'static str) -> Predicate<'static, Db> {
    Predicate(Statement::new(sql))
}

impl<DB: Backend> Expression for Predicate<'_, DB> {
    type SqlType = Bool;
}

impl<QS, DB: Backend> AppearsOnTable<QS> for Predicate<'_, DB> {}

impl<QS, DB: Backend> SelectableExpression<QS> for Predicate<'_, DB> {}

impl<GB, DB: Backend> ValidGrouping<GB> for Predicate<'_, DB> {
    type IsAggregate = is_aggregate::Never;
}

impl<DB: Backend> QueryId for Predicate<'_, DB> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<DB: Backend> QueryFragment<DB> for Predicate<'_, DB> {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(out)
    }
}

/// A value a list is made of, as it is written in a bound list.
pub trait Listed {
    /// How PostgreSQL names an array of such values.
    const ARRAY_TYPE: &'static str;
    /// Appends the value to an array literal (PostgreSQL's `{…}`).
    fn write_array_item(&self, out: &mut String);
    /// The value as JSON (SQLite's `json_each`).
    fn json(&self) -> serde_json::Value;
}

/// Integers are written as themselves in either list.
macro_rules! listed_integer {
    ($type:ty, $array:literal) => {
        impl Listed for $type {
            const ARRAY_TYPE: &'static str = $array;
            fn write_array_item(&self, out: &mut String) {
                out.push_str(&self.to_string());
            }
            fn json(&self) -> serde_json::Value {
                serde_json::Value::from(*self)
            }
        }
    };
}

listed_integer!(i64, "bigint[]");
listed_integer!(i16, "smallint[]");

impl Listed for &str {
    const ARRAY_TYPE: &'static str = "text[]";
    fn write_array_item(&self, out: &mut String) {
        out.push('"');
        for c in self.chars() {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
    }
    fn json(&self) -> serde_json::Value {
        serde_json::Value::from(*self)
    }
}

impl Listed for String {
    const ARRAY_TYPE: &'static str = "text[]";
    fn write_array_item(&self, out: &mut String) {
        self.as_str().write_array_item(out);
    }
    fn json(&self) -> serde_json::Value {
        self.as_str().json()
    }
}

/// The list `values` as one bound text: an array literal on PostgreSQL, JSON on SQLite.
fn list_text<T: Listed>(backend: Database, values: &[T]) -> String {
    match backend {
        Database::Postgres => {
            let mut out = String::from("{");
            for (i, value) in values.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                value.write_array_item(&mut out);
            }
            out.push('}');
            out
        }
        Database::Sqlite => {
            serde_json::Value::Array(values.iter().map(Listed::json).collect()).to_string()
        }
    }
}

/// SQL and one bound value saying that `column` (as SQL, e.g. `tickets.number`) is one of
/// `values`, however many there are, written for `backend` (which must be `DB`'s).
pub fn among<'a, DB, T>(backend: Database, column: &'static str, values: &[T]) -> Statement<'a, DB>
where
    DB: Backend + HasSqlType<Text>,
    String: ToSql<Text, DB>,
    T: Listed,
{
    let list = list_text(backend, values);
    match backend {
        Database::Postgres => Statement::new(column)
            .sql(" = ANY(CAST(")
            .bind::<Text, _>(list)
            .sql(" AS ")
            .sql(T::ARRAY_TYPE)
            .sql("))"),
        Database::Sqlite => Statement::new(column)
            .sql(" IN (SELECT value FROM json_each(")
            .bind::<Text, _>(list)
            .sql("))"),
    }
}

/// A filter keeping the rows whose `column` is one of `values` (see [`among`]).
pub fn among_filter<T: Listed>(
    backend: Database,
    column: &'static str,
    values: &[T],
) -> Predicate<'static, Db> {
    Predicate(among(backend, column, values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_is_one_value_either_backend_reads_back() {
        let numbers = [3_i64, -1, 42];
        assert_eq!(list_text(Database::Postgres, &numbers), "{3,-1,42}");
        assert_eq!(list_text(Database::Sqlite, &numbers), "[3,-1,42]");
        let texts = ["a\"b".to_owned(), "c\\d".to_owned(), "退货, ok".to_owned()];
        assert_eq!(
            list_text(Database::Postgres, &texts),
            r#"{"a\"b","c\\d","退货, ok"}"#
        );
        assert_eq!(
            list_text(Database::Sqlite, &texts),
            r#"["a\"b","c\\d","退货, ok"]"#
        );
        assert_eq!(
            list_text(Database::Postgres, &["open", "new"]),
            r#"{"open","new"}"#
        );
        assert_eq!(list_text(Database::Sqlite, &[1_i16, 4]), "[1,4]");
        assert_eq!(list_text::<i64>(Database::Postgres, &[]), "{}");
        assert_eq!(list_text::<i64>(Database::Sqlite, &[]), "[]");
    }
}
