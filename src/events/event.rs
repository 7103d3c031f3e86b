//! One committed change and its kind.

use crate::base::clock::now_ms;
use std::sync::Arc;

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum EventKind {
    /// A key was written (`Set`, `SetWithTTL`).
    Set = 0,
    /// A key was removed (`Delete`, lazy expiry on `Get`, purge).
    Delete = 1,
    /// A whole group was removed (`DeleteGroup`, `DeletePrefix`).
    DeleteGroup = 2,
}

impl EventKind {
    /// `set`, `delete` or `delete_group`, as go-store's `EventType.String`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Set => "set",
            EventKind::Delete => "delete",
            EventKind::DeleteGroup => "delete_group",
        }
    }
}

struct EventData {
    kind: EventKind,
    group: Box<[u8]>,
    key: Box<[u8]>,
    value: Box<[u8]>,
    timestamp_ms: i64,
}

/// One committed change. Cheap to clone; a scoped subscriber sees the group
/// with its `namespace:` prefix removed.
#[derive(Clone)]
pub struct Event {
    data: Arc<EventData>,
    group_start: usize,
    seq: u64,
}

impl Event {
    pub(crate) fn new(kind: EventKind, group: &[u8], key: &[u8], value: &[u8]) -> Event {
        Event {
            data: Arc::new(EventData {
                kind,
                group: group.into(),
                key: key.into(),
                value: value.into(),
                timestamp_ms: now_ms(),
            }),
            group_start: 0,
            seq: 0,
        }
    }

    /// The kind of change.
    pub fn kind(&self) -> EventKind {
        self.data.kind
    }
    /// The group (namespace-local for scoped subscribers).
    pub fn group(&self) -> &[u8] {
        &self.data.group[self.group_start..]
    }
    /// The key; empty for `DeleteGroup`.
    pub fn key(&self) -> &[u8] {
        &self.data.key
    }
    /// The new value for `Set`; empty otherwise.
    pub fn value(&self) -> &[u8] {
        &self.data.value
    }
    /// When the change was made (staged, for transactions), Unix milliseconds.
    pub fn timestamp_ms(&self) -> i64 {
        self.data.timestamp_ms
    }

    /// The commit-order sequence number: assigned under the writer lock when
    /// the change commits, strictly increasing per store (from 1), so every
    /// subscriber and queue sees events in this order.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    pub(crate) fn set_seq(&mut self, seq: u64) {
        self.seq = seq;
    }

    pub(crate) fn localised(&self, start: usize) -> Event {
        Event { data: self.data.clone(), group_start: start, seq: self.seq }
    }
}

impl std::fmt::Debug for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Event")
            .field("kind", &self.kind())
            .field("group", &String::from_utf8_lossy(self.group()))
            .field("key", &String::from_utf8_lossy(self.key()))
            .field("value", &String::from_utf8_lossy(self.value()))
            .field("timestamp_ms", &self.timestamp_ms())
            .field("seq", &self.seq)
            .finish()
    }
}
