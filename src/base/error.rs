//! Errors carry a kind (their identity, mapped to a C status code) and a
//! go-store style text that reads `op: message: cause` from the outermost
//! operation inwards.

use super::quote::Quoted;
use std::fmt;

/// What went wrong, independent of the wording. Bindings map these to their
/// own error types (`NotFoundError`, `StoreQuotaExceededException`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The key is absent or has expired.
    NotFound,
    /// A namespace quota would be exceeded by the write.
    QuotaExceeded,
    /// The store (or the transaction, watch or subscription) is closed.
    Closed,
    /// The caller passed something unusable: empty path, bad namespace, bad UTF-8, negative limits.
    InvalidArgument,
    /// A transaction on another handle (or another process's lock) outlasted the busy timeout, or a store write was made inside its own transaction's body.
    Busy,
    /// The operating system refused a file operation.
    Io,
    /// The file is not a database, or is damaged.
    Corrupt,
    /// The database rejected a statement.
    Query,
    /// A template failed to parse or render.
    Template,
    /// A bug: a caught panic or an impossible state.
    Internal,
}

/// An error from the store. `Display` gives the full chain, for example
/// `store.Get: config/colour: store: not found`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    text: String,
}

/// The result type used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Text of go-store's `NotFoundError` sentinel.
pub const NOT_FOUND_TEXT: &str = "store: not found";
/// Text of go-store's `QuotaExceededError` sentinel.
pub const QUOTA_EXCEEDED_TEXT: &str = "store: quota exceeded";

impl Error {
    /// Builds an error of `kind` whose whole text is `text`.
    pub fn new(kind: ErrorKind, text: impl Into<String>) -> Self {
        Error { kind, text: text.into() }
    }

    /// `message: store: not found`.
    pub fn not_found(message: impl fmt::Display) -> Self {
        Error::new(ErrorKind::NotFound, format!("{message}: {NOT_FOUND_TEXT}"))
    }

    /// `op: group/key: store: not found`, built in one allocation (a miss is
    /// a common outcome, not a rare failure).
    pub(crate) fn not_found_at(op: Op, group: &[u8], key: &[u8]) -> Self {
        use std::fmt::Write;
        let shown = |b: &[u8]| b.len().min(super::quote::SHOWN_BYTES + 16);
        let mut text = String::with_capacity(op.base.len() + op.method.len() + shown(group) + shown(key) + 24);
        let _ = write!(
            text,
            "{op}: {}/{}: {NOT_FOUND_TEXT}",
            Quoted(group),
            Quoted(key)
        );
        Error { kind: ErrorKind::NotFound, text }
    }

    /// `message: store: quota exceeded`.
    pub fn quota_exceeded(message: impl fmt::Display) -> Self {
        Error::new(ErrorKind::QuotaExceeded, format!("{message}: {QUOTA_EXCEEDED_TEXT}"))
    }

    /// An invalid-argument error with the given text.
    pub fn invalid(text: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidArgument, text)
    }

    /// The error's identity.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The full text, outermost operation first.
    pub fn message(&self) -> &str {
        &self.text
    }

    /// Prefixes `context: ` to the text, keeping the kind (go-store's wrapping).
    pub fn wrap(mut self, context: impl fmt::Display) -> Self {
        self.text = format!("{context}: {}", self.text);
        self
    }

    /// Appends `: reason` to the text, keeping the kind: the innermost cause,
    /// when the error's own text does not say it (e.g. which directory is missing).
    pub(crate) fn because(mut self, reason: impl fmt::Display) -> Self {
        use std::fmt::Write;
        let _ = write!(self.text, ": {reason}");
        self
    }

    /// Converts an SQLite error met while doing `stage` (e.g. `execute upsert`).
    pub(crate) fn sqlite(stage: &str, err: rusqlite::Error) -> Self {
        let kind = sqlite_kind(&err);
        Error::new(kind, format!("{stage}: {err}"))
    }
}

fn sqlite_kind(err: &rusqlite::Error) -> ErrorKind {
    use rusqlite::ffi::ErrorCode as C;
    match err {
        rusqlite::Error::SqliteFailure(e, _) => match e.code {
            C::DatabaseBusy | C::DatabaseLocked => ErrorKind::Busy,
            C::DatabaseCorrupt | C::NotADatabase => ErrorKind::Corrupt,
            C::CannotOpen | C::SystemIoFailure | C::ReadOnly | C::DiskFull | C::PermissionDenied
            | C::NoLargeFileSupport => ErrorKind::Io,
            C::TooBig | C::ConstraintViolation | C::TypeMismatch => ErrorKind::InvalidArgument,
            _ => ErrorKind::Query,
        },
        rusqlite::Error::InvalidPath(_) | rusqlite::Error::NulError(_) => ErrorKind::InvalidArgument,
        _ => ErrorKind::Query,
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for Error {}

/// Attaches a stage name to SQLite results: `stmt.execute(..).stage("execute upsert")?`.
pub(crate) trait Stage<T> {
    fn stage(self, stage: &str) -> Result<T>;
}

impl<T> Stage<T> for rusqlite::Result<T> {
    fn stage(self, stage: &str) -> Result<T> {
        self.map_err(|e| Error::sqlite(stage, e))
    }
}

/// The operation a public method reports in its errors, e.g. `store.Get` or
/// `store.Transaction.Set`. Kept as two static parts so the happy path never formats.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Op {
    pub base: &'static str,
    pub method: &'static str,
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.method.is_empty() {
            f.write_str(self.base)
        } else {
            write!(f, "{}.{}", self.base, self.method)
        }
    }
}

impl Op {
    pub(crate) fn closed(self) -> Error {
        Error::new(ErrorKind::Closed, format!("{self}: store is closed"))
    }
}
