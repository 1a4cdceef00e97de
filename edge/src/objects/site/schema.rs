//! The site object's tables (made with the site: [`crate::objects::tables`]).

use super::{
    answers, canned, contacts, digest, email, labels, retention, search, sessions, signed_out, webhooks,
};
use switchboard_core::routing;

use crate::objects::tables::Schema;

pub(super) static SCHEMA: Schema = Schema {
    marker: "config",
    create: &[
        "CREATE TABLE IF NOT EXISTS config (only INTEGER PRIMARY KEY CHECK (only = 1), json TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS conversations (
            id TEXT PRIMARY KEY,
            visitor_id TEXT NOT NULL,
            visitor_name TEXT,
            last_message TEXT,
            last_seq INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            state TEXT,
            assignee TEXT,
            queue TEXT,
            waiting_since INTEGER,
            contact TEXT)",
        "CREATE INDEX IF NOT EXISTS conversations_by_visitor ON conversations (visitor_id, updated_at)",
        // The list's order, and its cursor's.
        "CREATE INDEX IF NOT EXISTS conversations_by_activity ON conversations (updated_at, id)",
        routing::SCHEMA[0],
        routing::SCHEMA[1],
        routing::SCHEMA[2],
        routing::SCHEMA[3],
        routing::SCHEMA[4],
        routing::SCHEMA[5],
        routing::SCHEMA[6],
        routing::SCHEMA[7],
        canned::SCHEMA,
        search::SCHEMA,
        sessions::SCHEMA,
        signed_out::SCHEMA,
        webhooks::SCHEMA,
        contacts::SCHEMA[0],
        contacts::SCHEMA[1],
        contacts::SCHEMA[2],
        contacts::SCHEMA[3],
        contacts::SCHEMA[4],
        contacts::SCHEMA[5],
        contacts::SCHEMA[6],
        labels::SCHEMA[0],
        labels::SCHEMA[1],
        retention::SCHEMA,
        answers::SCHEMA[0],
        answers::SCHEMA[1],
        email::SCHEMA,
        digest::SCHEMA[0],
        digest::SCHEMA[1],
        digest::SCHEMA[2],
        digest::SCHEMA[3],
    ],
    added_columns: &[
        ("conversations", "state TEXT"),
        ("conversations", "assignee TEXT"),
        ("conversations", "queue TEXT"),
        ("conversations", "waiting_since INTEGER"),
        ("conversations", "contact TEXT"),
        ("conversations", "attributes TEXT"),
        ("conversations", "channel TEXT"),
        ("conversations", "language TEXT"),
        ("conversations", "priority TEXT"),
    ],
};
