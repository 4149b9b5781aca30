//! Tideflow: write a transducer (one node of a distributed system) as a compact dataflow
//! program; the `flow!` macro compiles it into fused, statically scheduled Rust.
//!
//! ```
//! use tideflow::util::{collect_ready, unbounded_channel};
//!
//! let (output_send, output_recv) = unbounded_channel::<String>();
//! let mut flow = tideflow::flow! {
//!     words = source_iter(["apple", "banana", "cherry"]) -> tee();
//!     words -> filter(|word| word.len() > 5) -> map(|word| word.to_uppercase()) -> [long]out;
//!     words -> filter(|word| word.len() <= 5) -> map(String::from) -> [short]out;
//!     out = union() -> for_each(|word| output_send.send(word).unwrap());
//! };
//! flow.run_available_sync();
//! let mut words: Vec<String> = collect_ready(output_recv);
//! words.sort();
//! assert_eq!(words, ["BANANA", "CHERRY", "apple"]);
//! ```
//!
//! A flow runs in **ticks**: each tick takes the input available now, runs the graph to
//! completion (cycles to their fixpoint), resets `'tick` state and ends. See the README and
//! `ARCHITECTURE.md` for the language and the execution model; [`ops`] documents the operators'
//! runtime side.

pub mod context;
pub mod flow;
pub mod metrics;
pub mod net;
pub mod ops;
pub mod util;

pub use context::Context;
pub use flow::Flow;
pub use metrics::Metrics;
pub use ops::routing::DemuxEnum;
pub use tideflow_lang::{GraphFormat, GraphView};
/// Lattice types and the `Merge` family of traits (the `tideflow-lattices` crate).
pub use tideflow_lattices as lattices;
pub use tideflow_macro::{flow, main, test, DemuxEnum};

/// The README's example, compiled and run as a doc test so the front door stays true.
#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// The operator reference's examples, run as doc tests so every documented output stays true.
#[doc = include_str!("../../../docs/operators.md")]
#[cfg(doctest)]
pub struct OperatorReferenceDoctests;

/// The lattice guide's examples, compiled and run as doc tests.
#[doc = include_str!("../../../docs/lattices.md")]
#[cfg(doctest)]
pub struct LatticeGuideDoctests;

/// Support for generated code; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use tokio;

    /// A `#name` reference to a `singleton()` that holds no value this tick: the referencing
    /// subgraph's run is skipped and its input dropped.
    pub fn report_empty_singleton(name: &str) {
        tracing::error!(
            singleton = name,
            "`#{name}` was read while `{name}` held no value; the subgraph reading it skipped this run"
        );
    }
}
