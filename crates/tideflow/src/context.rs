//! The [`Context`]: what operator code can see of the running flow.
//!
//! Every operator argument that mentions `context` sees a `&Context`. It tells the current tick,
//! hands out the flow's [`Waker`] (asynchronous sources register it so that a wake schedules a
//! tick), and lets code ask for another tick. All of it is `&self`, so many operators can hold the
//! context at once inside one fused subgraph.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Wake, Waker};

use crate::metrics::Metrics;

/// Shared between the flow and every [`Waker`] it hands out.
#[derive(Default)]
pub(crate) struct WakeState {
    /// Set by a wake; cleared when a tick starts.
    pub(crate) woken: AtomicBool,
    /// The task running [`crate::Flow::run`], woken when the flow is.
    pub(crate) task: Mutex<Option<Waker>>,
}

impl Wake for WakeState {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        let task = match self.task.lock() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        if let Some(task) = task {
            task.wake();
        }
    }
}

/// The running flow as operator code sees it.
///
/// ```
/// let mut flow = tideflow::flow! {
///     source_iter([1, 2]) -> for_each(|x| println!("tick {}: {x}", context.current_tick()));
/// };
/// flow.run_available_sync();
/// ```
pub struct Context {
    tick: Cell<u64>,
    tick_requested: Cell<bool>,
    wake_state: Arc<WakeState>,
    waker: Waker,
    metrics: Metrics,
}

impl Context {
    /// A context at tick 0 with a fresh waker and metrics for `subgraphs` subgraphs and `buffers`
    /// buffers.
    pub fn new(subgraphs: usize, buffers: usize) -> Self {
        let wake_state = Arc::new(WakeState::default());
        let waker = Waker::from(Arc::clone(&wake_state));
        Self {
            tick: Cell::new(0),
            tick_requested: Cell::new(false),
            wake_state,
            waker,
            metrics: Metrics::new(subgraphs, buffers),
        }
    }

    /// The number of the tick being run (or, between ticks, of the next one). Starts at 0.
    pub fn current_tick(&self) -> u64 {
        self.tick.get()
    }

    /// The flow's waker: waking it schedules a tick of this flow.
    pub fn waker(&self) -> &Waker {
        &self.waker
    }

    /// Asks for another tick after this one, even if no new input arrives.
    pub fn request_tick(&self) {
        self.tick_requested.set(true);
    }

    /// Item counters per buffer and, when enabled, timings per subgraph.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Whether a tick was requested since the last call, clearing the request.
    pub(crate) fn take_tick_request(&self) -> bool {
        self.tick_requested.replace(false)
    }

    /// Whether a waker was woken since the last call, clearing the flag.
    pub(crate) fn take_wake(&self) -> bool {
        self.wake_state.woken.swap(false, Ordering::AcqRel)
    }

    pub(crate) fn wake_state(&self) -> &Arc<WakeState> {
        &self.wake_state
    }

    pub(crate) fn advance_tick(&self) {
        self.tick.set(self.tick.get() + 1);
    }
}
