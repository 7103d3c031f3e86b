//! Foundations every other area uses: errors, the clock, configuration and
//! Go-compatible text helpers.

pub(crate) mod clock;
pub(crate) mod config;
pub(crate) mod error;
pub(crate) mod quote;
pub(crate) mod text;
