//! S12: loopback TCP through `tideflow::net` (a: 20,000 ping-pongs; b: 1,000,000 one-way
//! messages; baseline: blocking std threads with buffered sockets).
//!
//! `tideflow::net` does not exist yet, so the workload reports itself as skipped.

use crate::{Config, Workload};

pub const S12_TITLE: &str =
    "loopback TCP through tideflow::net: a) 20,000 ping-pongs; b) 1,000,000 one-way messages";

pub fn s12(_config: &Config) -> Result<Workload, String> {
    Err("tideflow::net not available".to_string())
}
