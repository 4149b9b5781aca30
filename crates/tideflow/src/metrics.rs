//! Cheap counters kept by every flow, and per-subgraph timings kept only when asked for.
//!
//! Item counters are bumped once per buffer drain (by the batch length), not once per item, so
//! they cost nothing measurable. Timings read the clock twice per subgraph run, so they are off
//! until [`crate::Flow::set_timing`] turns them on.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// Counters of one flow. Indices are the buffer and subgraph numbers shown in its graph.
pub struct Metrics {
    buffer_items: Box<[Cell<u64>]>,
    subgraph_runs: Box<[Cell<u64>]>,
    subgraph_time: Box<[Cell<Duration>]>,
    timing: Cell<bool>,
}

impl Metrics {
    pub(crate) fn new(subgraphs: usize, buffers: usize) -> Self {
        Self {
            buffer_items: (0..buffers).map(|_| Cell::new(0)).collect(),
            subgraph_runs: (0..subgraphs).map(|_| Cell::new(0)).collect(),
            subgraph_time: (0..subgraphs).map(|_| Cell::new(Duration::ZERO)).collect(),
            timing: Cell::new(false),
        }
    }

    /// Total items that have passed through buffer `buffer` since the flow was built.
    pub fn buffer_items(&self, buffer: usize) -> u64 {
        self.buffer_items.get(buffer).map_or(0, Cell::get)
    }

    /// How many times subgraph `subgraph` has run.
    pub fn subgraph_runs(&self, subgraph: usize) -> u64 {
        self.subgraph_runs.get(subgraph).map_or(0, Cell::get)
    }

    /// Time spent running subgraph `subgraph` while timing was enabled.
    pub fn subgraph_time(&self, subgraph: usize) -> Duration {
        self.subgraph_time
            .get(subgraph)
            .map_or(Duration::ZERO, Cell::get)
    }

    /// Whether per-subgraph timing is on.
    pub fn timing_enabled(&self) -> bool {
        self.timing.get()
    }

    pub(crate) fn set_timing(&self, enabled: bool) {
        self.timing.set(enabled);
    }

    /// Generated code: `count` items were taken out of buffer `buffer`.
    #[doc(hidden)]
    #[inline(always)]
    pub fn count_buffer_items(&self, buffer: usize, count: usize) {
        if let Some(cell) = self.buffer_items.get(buffer) {
            cell.set(cell.get() + count as u64);
        }
    }

    /// Generated code: subgraph `subgraph` starts a run. Returns the start time when timing is on.
    #[doc(hidden)]
    #[inline(always)]
    pub fn start_subgraph(&self, subgraph: usize) -> Option<Instant> {
        if let Some(cell) = self.subgraph_runs.get(subgraph) {
            cell.set(cell.get() + 1);
        }
        if self.timing.get() {
            Some(Instant::now())
        } else {
            None
        }
    }

    /// Generated code: subgraph `subgraph` finished a run started at `started`.
    #[doc(hidden)]
    #[inline(always)]
    pub fn end_subgraph(&self, subgraph: usize, started: Option<Instant>) {
        if let (Some(started), Some(cell)) = (started, self.subgraph_time.get(subgraph)) {
            cell.set(cell.get() + started.elapsed());
        }
    }
}
