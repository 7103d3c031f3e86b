//! Which events a subscriber sees.

/// Which events a subscriber sees: an optional namespace (events outside it
/// are dropped, the rest localised) and a group name or every group.
#[derive(Clone, Debug, Default)]
pub(crate) struct Filter {
    /// `namespace:` including the colon.
    pub namespace_prefix: Option<Vec<u8>>,
    /// `None` for `*`.
    pub group: Option<Vec<u8>>,
}

impl Filter {
    /// `*` means every group; anything else is an exact group name.
    pub fn new(namespace_prefix: Option<Vec<u8>>, group: &[u8]) -> Filter {
        Filter { namespace_prefix, group: if group == b"*" { None } else { Some(group.to_vec()) } }
    }

    pub(crate) fn matches(&self, group: &[u8]) -> Option<usize> {
        let start = match &self.namespace_prefix {
            Some(prefix) if group.starts_with(prefix) => prefix.len(),
            Some(_) => return None,
            None => 0,
        };
        match &self.group {
            Some(wanted) if &group[start..] != wanted.as_slice() => None,
            _ => Some(start),
        }
    }
}
