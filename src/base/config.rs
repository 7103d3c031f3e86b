//! Store configuration: go-store's `StoreConfig` plus the durability and
//! locking choices it left to the driver.

use crate::base::error::{Error, Result};
use std::path::PathBuf;
use std::time::Duration;

/// Default interval between background purges of expired rows.
pub const DEFAULT_PURGE_INTERVAL: Duration = Duration::from_secs(60);
/// Default directory for workspace state files.
pub const DEFAULT_WORKSPACE_STATE_DIRECTORY: &str = ".core/state";
/// How long a write waits for another handle's transaction (and SQLite for
/// another process's lock) before failing with `Busy`.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Default template fuel: roughly the number of template instructions one
/// render may execute before it fails.
pub const DEFAULT_TEMPLATE_FUEL: u64 = 1_000_000;
/// Default bound on one render's output.
pub const DEFAULT_TEMPLATE_MAX_OUTPUT: usize = 16 << 20;
/// Path that opens a private in-memory database.
pub const MEMORY_PATH: &str = ":memory:";

/// SQLite's `synchronous` setting: how many fsyncs a commit pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Synchronous {
    /// No fsync; fastest, loses data on power failure.
    Off,
    /// WAL is synced at checkpoints only; consistent after a crash but the latest commits may roll back.
    Normal,
    /// One fsync per commit (go-store's effective default).
    #[default]
    Full,
    /// Like `Full`, plus a directory sync.
    Extra,
}

impl Synchronous {
    pub(crate) fn pragma_value(self) -> &'static str {
        match self {
            Synchronous::Off => "OFF",
            Synchronous::Normal => "NORMAL",
            Synchronous::Full => "FULL",
            Synchronous::Extra => "EXTRA",
        }
    }
}

/// go-store's `JournalConfiguration`: validated and kept for the journal layer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JournalConfig {
    /// Endpoint URL, e.g. `http://127.0.0.1:8086`.
    pub endpoint_url: String,
    /// Organisation, e.g. `core`.
    pub organisation: String,
    /// Bucket name, e.g. `events`.
    pub bucket_name: String,
}

impl JournalConfig {
    /// True when no field is set (the journal is not configured).
    pub fn is_empty(&self) -> bool {
        self.endpoint_url.is_empty() && self.organisation.is_empty() && self.bucket_name.is_empty()
    }

    /// True only when all three fields are set.
    pub fn is_complete(&self) -> bool {
        !self.endpoint_url.is_empty() && !self.organisation.is_empty() && !self.bucket_name.is_empty()
    }

    /// go-store's `JournalConfiguration.Validate`: the first missing field wins.
    pub fn validate(&self) -> Result<()> {
        const OP: &str = "store.JournalConfiguration.Validate";
        if self.endpoint_url.is_empty() {
            return Err(Error::invalid(format!(
                "{OP}: endpoint URL is empty; use values like \"http://127.0.0.1:8086\""
            )));
        }
        if self.organisation.is_empty() {
            return Err(Error::invalid(format!("{OP}: organisation is empty; use values like \"core\"")));
        }
        if self.bucket_name.is_empty() {
            return Err(Error::invalid(format!("{OP}: bucket name is empty; use values like \"events\"")));
        }
        Ok(())
    }
}

/// Everything needed to open a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Database file, or `:memory:`. A leading `~/` expands to the home directory.
    pub database_path: String,
    /// Journal settings (validated when any field is set).
    pub journal: JournalConfig,
    /// Interval of the background purge; zero means the default (60 s); negative is invalid.
    pub purge_interval: Option<Duration>,
    /// True when the caller asked for a negative purge interval (rejected by `validate`).
    pub purge_interval_negative: bool,
    /// Where workspace files live; empty means `.core/state`.
    pub workspace_state_directory: String,
    /// Commit durability.
    pub synchronous: Synchronous,
    /// Take SQLite's exclusive lock for the life of the store: reads skip two
    /// `fcntl` calls each, but no other process can open the file meanwhile.
    pub exclusive_locking: bool,
    /// Reader connections for file databases (0 = default of 4). Ignored for
    /// `:memory:` and with exclusive locking, where the writer also reads.
    pub reader_connections: usize,
    /// How long a write waits for another handle's transaction or another
    /// process's lock; zero means the default ([`DEFAULT_BUSY_TIMEOUT`]).
    pub busy_timeout: Duration,
    /// Template fuel per render; zero means the default ([`DEFAULT_TEMPLATE_FUEL`]).
    pub template_fuel: u64,
    /// Largest output of one render in bytes; zero means the default ([`DEFAULT_TEMPLATE_MAX_OUTPUT`]).
    pub template_max_output: usize,
    /// Where the database file lives (go-store `WithMedium`): copied in at
    /// open, written back at close. `None` (or `:memory:`) uses the path directly.
    pub medium: Option<crate::SharedMedium>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_path: String::new(),
            journal: JournalConfig::default(),
            purge_interval: None,
            purge_interval_negative: false,
            workspace_state_directory: String::new(),
            synchronous: Synchronous::default(),
            exclusive_locking: false,
            reader_connections: 0,
            busy_timeout: Duration::ZERO,
            template_fuel: 0,
            template_max_output: 0,
            medium: None,
        }
    }
}

impl Config {
    /// A configuration for `path` with every other setting at its default.
    pub fn new(path: impl Into<String>) -> Self {
        Config { database_path: path.into(), ..Config::default() }
    }

    /// Sets the purge interval.
    pub fn purge_interval(mut self, interval: Duration) -> Self {
        self.purge_interval = Some(interval);
        self
    }

    /// Sets commit durability.
    pub fn synchronous(mut self, synchronous: Synchronous) -> Self {
        self.synchronous = synchronous;
        self
    }

    /// Sets how long writes wait for another handle's transaction.
    pub fn busy_timeout(mut self, timeout: Duration) -> Self {
        self.busy_timeout = timeout;
        self
    }

    /// Keeps the database on `medium` (go-store `WithMedium`).
    pub fn medium(mut self, medium: crate::SharedMedium) -> Self {
        self.medium = Some(medium);
        self
    }

    /// go-store's `StoreConfig.Normalised`: default purge interval and state
    /// directory, trailing slashes stripped from the directory; zero limits
    /// replaced by their defaults.
    pub fn normalised(&self) -> Config {
        let mut out = self.clone();
        if out.busy_timeout.is_zero() {
            out.busy_timeout = DEFAULT_BUSY_TIMEOUT;
        }
        if out.template_fuel == 0 {
            out.template_fuel = DEFAULT_TEMPLATE_FUEL;
        }
        if out.template_max_output == 0 {
            out.template_max_output = DEFAULT_TEMPLATE_MAX_OUTPUT;
        }
        if out.purge_interval.map_or(true, |d| d.is_zero()) && !out.purge_interval_negative {
            out.purge_interval = Some(DEFAULT_PURGE_INTERVAL);
        }
        out.workspace_state_directory = normalise_directory(&self.workspace_state_directory).to_string();
        out
    }

    /// go-store's `StoreConfig.Validate`.
    pub fn validate(&self) -> Result<()> {
        const OP: &str = "store.StoreConfig.Validate";
        if self.database_path.is_empty() {
            return Err(Error::invalid(format!("{OP}: database path is empty")));
        }
        if !self.journal.is_empty() {
            self.journal.validate().map_err(|e| e.wrap(format!("{OP}: journal config")))?;
        }
        if self.purge_interval_negative {
            return Err(Error::invalid(format!("{OP}: purge interval must be zero or positive")));
        }
        Ok(())
    }

    /// True for `:memory:` (and SQLite's other in-memory forms).
    pub fn is_memory(&self) -> bool {
        self.database_path == MEMORY_PATH || self.database_path.starts_with("file::memory:")
    }

    /// The filesystem path after `~/` expansion.
    pub fn resolved_path(&self) -> PathBuf {
        expand_home(&self.database_path)
    }
}

/// `.core/state///` → `.core/state`; empty (or all slashes) → the default.
/// Borrows from the input (or is the static default), so the C ABI can
/// normalise in place.
pub fn normalise_directory(directory: &str) -> &str {
    let trimmed = directory.trim_end_matches('/');
    if trimmed.is_empty() {
        DEFAULT_WORKSPACE_STATE_DIRECTORY
    } else {
        trimmed
    }
}

fn expand_home(path: &str) -> PathBuf {
    if let Some(rest) = path.strip_prefix("~/") {
        if let Some(home) = std::env::var_os("HOME") {
            return PathBuf::from(home).join(rest);
        }
    }
    PathBuf::from(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalised_fills_defaults_and_strips_slashes() {
        let c = Config { workspace_state_directory: ".core/state///".into(), ..Config::new("x") };
        let n = c.normalised();
        assert_eq!(n.purge_interval, Some(DEFAULT_PURGE_INTERVAL));
        assert_eq!(n.workspace_state_directory, ".core/state");
        assert_eq!(Config::new("x").normalised().workspace_state_directory, ".core/state");
        assert_eq!(normalise_directory("/"), ".core/state");
    }

    #[test]
    fn validate_reports_go_store_messages() {
        let e = Config::new("").validate().unwrap_err();
        assert_eq!(e.message(), "store.StoreConfig.Validate: database path is empty");
        let mut c = Config::new("x");
        c.purge_interval_negative = true;
        assert!(c.validate().unwrap_err().message().contains("purge interval must be zero or positive"));
        let mut c = Config::new("x");
        c.journal.endpoint_url = "http://127.0.0.1:8086".into();
        c.journal.organisation = "core".into();
        let e = c.validate().unwrap_err();
        assert!(e.message().contains("journal config"), "{e}");
        assert!(e.message().contains("bucket name is empty"), "{e}");
    }

    #[test]
    fn journal_validation_order() {
        let j = JournalConfig::default();
        assert!(j.validate().unwrap_err().message().contains("endpoint URL is empty"));
        let j = JournalConfig { endpoint_url: "u".into(), ..Default::default() };
        assert!(j.validate().unwrap_err().message().contains("organisation is empty"));
        assert!(!j.is_complete());
    }

    #[test]
    fn home_expansion() {
        std::env::set_var("HOME", "/home/tester");
        assert_eq!(Config::new("~/a.db").resolved_path(), PathBuf::from("/home/tester/a.db"));
        assert_eq!(Config::new("/x/~/a.db").resolved_path(), PathBuf::from("/x/~/a.db"));
    }
}
