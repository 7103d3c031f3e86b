//! SQLite: connections (one writer behind a gate, a pool of WAL readers),
//! prepared statements, the SQL they run, and go-store's schema.

pub(crate) mod database;
pub(crate) mod open_failure;
pub(crate) mod prefix;
pub(crate) mod schema;
pub(crate) mod sql;
pub(crate) mod statement;
