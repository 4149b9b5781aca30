//! Example transducers for Tideflow: real multi-process systems built from `tideflow::flow!`
//! programs and `tideflow::net` sockets.
//!
//! - [`kvs`]: a key-value store, single-server or replicated by gossiping last-writer-wins
//!   lattice state (the `kvs` binary).
//! - [`two_pc`]: two-phase commit between a coordinator and its subordinates (the `two-pc`
//!   binary).
//! - [`single_node`]: graph reachability and word count over files (the `single-node` binary).
//!
//! Each binary takes `--role`, `--address HOST:PORT` and `--graph mermaid|dot`; servers print
//! `<role> live on <address>` once bound (port 0 picks a free port). The README's "Examples"
//! section shows how to run them by hand; `tests/` runs them as real processes.

pub mod common;
pub mod kvs;
pub mod single_node;
pub mod two_pc;
