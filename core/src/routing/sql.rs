//! The storage the router works on: SQLite tables, reached through [`Sql`] so core itself
//! stays free of I/O. The edge hands it a Durable Object's SQL storage; tests and the bench
//! hand it an in-memory SQLite (`sqlite.rs`). Both run statements synchronously, so a router
//! command is still one call in, effects out.

use serde::de::{DeserializeOwned, IgnoredAny};

/// One bound parameter of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlValue {
    /// `NULL`.
    Null,
    /// An integer.
    Int(i64),
    /// Text.
    Text(String),
}

impl From<i64> for SqlValue {
    fn from(value: i64) -> Self {
        SqlValue::Int(value)
    }
}

impl From<&str> for SqlValue {
    fn from(value: &str) -> Self {
        SqlValue::Text(value.to_owned())
    }
}

impl From<String> for SqlValue {
    fn from(value: String) -> Self {
        SqlValue::Text(value)
    }
}

impl<T: Into<SqlValue>> From<Option<T>> for SqlValue {
    fn from(value: Option<T>) -> Self {
        value.map_or(SqlValue::Null, Into::into)
    }
}

/// A SQLite connection the router may run statements on.
pub trait Sql {
    /// Runs one statement with `params` bound to its `?`s, each result row read as a `T`
    /// (columns by name).
    fn query<T: DeserializeOwned>(&self, statement: &str, params: Vec<SqlValue>) -> Result<Vec<T>, String>;

    /// Runs one statement for its effect.
    fn execute(&self, statement: &str, params: Vec<SqlValue>) -> Result<(), String> {
        self.query::<IgnoredAny>(statement, params).map(drop)
    }
}
