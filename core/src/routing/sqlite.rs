//! [`Sql`] over `rusqlite`: an in-memory SQLite for the property tests and the bench, the
//! same engine a Durable Object stores in.

use std::rc::Rc;

use rusqlite::types::ValueRef;
use serde::de::DeserializeOwned;

use super::sql::{Sql, SqlValue};

/// An in-memory SQLite database; clones share it (as two routers opened on one object would).
#[derive(Clone)]
pub struct MemorySql(Rc<rusqlite::Connection>);

impl MemorySql {
    /// A new, empty database.
    pub fn new() -> Result<Self, String> {
        rusqlite::Connection::open_in_memory().map(|c| Self(Rc::new(c))).map_err(|e| e.to_string())
    }

    /// A new database with the routing tables made.
    pub fn with_routing_tables() -> Result<Self, String> {
        let sql = Self::new()?;
        super::Router::create_tables(&sql).map_err(|e| e.to_string())?;
        Ok(sql)
    }
}

impl Sql for MemorySql {
    fn query<T: DeserializeOwned>(&self, statement: &str, params: Vec<SqlValue>) -> Result<Vec<T>, String> {
        let fail = |e: rusqlite::Error| e.to_string();
        let mut prepared = self.0.prepare_cached(statement).map_err(fail)?;
        let names: Vec<String> = prepared.column_names().into_iter().map(str::to_owned).collect();
        let params = params.into_iter().map(|value| match value {
            SqlValue::Null => rusqlite::types::Value::Null,
            SqlValue::Int(n) => rusqlite::types::Value::Integer(n),
            SqlValue::Text(text) => rusqlite::types::Value::Text(text),
        });
        let mut rows = prepared.query(rusqlite::params_from_iter(params)).map_err(fail)?;
        let mut read = Vec::new();
        while let Some(row) = rows.next().map_err(fail)? {
            let mut object = serde_json::Map::new();
            for (index, name) in names.iter().enumerate() {
                let value = match row.get_ref(index).map_err(fail)? {
                    ValueRef::Null | ValueRef::Blob(_) => serde_json::Value::Null,
                    ValueRef::Integer(n) => n.into(),
                    ValueRef::Real(x) => x.into(),
                    ValueRef::Text(text) => String::from_utf8_lossy(text).into_owned().into(),
                };
                object.insert(name.clone(), value);
            }
            read.push(serde_json::from_value(object.into()).map_err(|e| e.to_string())?);
        }
        Ok(read)
    }
}
