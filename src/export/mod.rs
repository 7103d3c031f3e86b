//! Ways for data to leave the store in formats other engines read (the
//! scale-out exit): journal rows as InfluxDB line protocol.

pub mod line_protocol;
