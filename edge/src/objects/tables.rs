//! An object's tables, made before its first write — never for an id nobody made.
//!
//! Durable Objects start for any id they are addressed by, and a table once created is kept
//! forever. So an object looks for its tables when it wakes (a read) and makes them only when
//! it is about to write: a request naming an invented site or conversation leaves nothing
//! behind.

use std::cell::Cell;

use worker::SqlStorage;

/// What an object's storage holds: its `CREATE` statements, which make the newest tables, and
/// the columns added to a table after its first version (`(table, "name TYPE")`), which
/// tables made by an older version are given when the object wakes.
pub(crate) struct Schema {
    /// The table whose presence says the tables were made.
    pub marker: &'static str,
    /// `CREATE … IF NOT EXISTS` statements, in order, with every column of today.
    pub create: &'static [&'static str],
    /// Columns added since the first version (each also in its `CREATE`).
    pub added_columns: &'static [(&'static str, &'static str)],
}

/// An object's storage and whether its tables exist yet.
pub(crate) struct Tables {
    sql: SqlStorage,
    schema: &'static Schema,
    made: Cell<bool>,
}

impl Tables {
    /// Looks for the tables; when they exist, brings them up to date.
    pub(crate) fn open(sql: SqlStorage, schema: &'static Schema) -> Self {
        let tables = Tables { sql, schema, made: Cell::new(false) };
        if exists(&tables.sql, schema.marker) {
            tables.upgrade();
        }
        tables
    }

    /// Whether the tables exist.
    pub(crate) fn made(&self) -> bool {
        self.made.get()
    }

    /// The storage was deleted: the tables no longer exist.
    pub(crate) fn forget(&self) {
        self.made.set(false);
    }

    /// Makes the tables unless done already: new tables have every column, so nothing is
    /// probed or altered — a conversation's first write used to spend most of its CPU on
    /// the probes and `ALTER TABLE`s (schema changes) of columns added over time.
    pub(crate) fn make(&self) {
        if self.made.replace(true) {
            return;
        }
        self.create();
    }

    /// Tables made by an older version: the tables added since, then the columns.
    fn upgrade(&self) {
        self.made.set(true);
        self.create();
        for (table, column) in self.schema.added_columns {
            let name = column.split(' ').next().unwrap_or_default();
            if self.sql.exec(&format!("SELECT {name} FROM {table} LIMIT 0"), None).is_err() {
                if let Err(error) = self.sql.exec(&format!("ALTER TABLE {table} ADD COLUMN {column}"), None) {
                    worker::console_error!("schema upgrade: {error}");
                }
            }
        }
    }

    fn create(&self) {
        for statement in self.schema.create {
            if let Err(error) = self.sql.exec(statement, None) {
                worker::console_error!("schema: {error}");
            }
        }
    }
}

/// Whether the table `name` exists (reads the schema; writes nothing).
fn exists(sql: &SqlStorage, name: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Row {}
    sql.exec("SELECT 1 AS one FROM sqlite_master WHERE type = 'table' AND name = ?", vec![name.into()])
        .and_then(|cursor| cursor.to_array::<Row>())
        .is_ok_and(|rows| !rows.is_empty())
}
