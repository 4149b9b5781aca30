//! The [`Context`]: what operator code can see of the running flow.
//!
//! A flow's [`Context`] tells the current tick, hands out the flow's [`Waker`] (asynchronous
//! sources register it so that a wake schedules a tick), and lets code ask for another tick. All
//! of it is `&self`, so many operators can hold the context at once inside one fused subgraph.
//!
//! Operator arguments are evaluated once, when the flow is built, before any tick runs; so the
//! name `context` in them is a [`CurrentContext`]: a handle that reads the context of the flow
//! whose tick is running. Closures that use it capture nothing, and capture everything else
//! exactly as plain Rust closures do.

use std::cell::Cell;
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use futures::task::AtomicWaker;
use std::task::{Wake, Waker};

use crate::metrics::Metrics;

/// Shared between the flow and every [`Waker`] it hands out.
#[derive(Default)]
pub(crate) struct WakeState {
    /// Set by a wake; cleared when a tick starts.
    pub(crate) woken: AtomicBool,
    /// The task running [`crate::Flow::run`], woken when the flow is.
    pub(crate) task: AtomicWaker,
}

impl Wake for WakeState {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.task.wake();
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
    woken_for_tick: Cell<bool>,
    /// Where the running tick stopped to wait for a blocking asynchronous operator: the index of
    /// the schedule step to continue from.
    suspended_at: Cell<Option<usize>>,
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
            woken_for_tick: Cell::new(false),
            suspended_at: Cell::new(None),
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

    /// Whether the flow's waker fired before this tick started (so polled sources may have
    /// items). Always true for the first tick.
    pub fn was_woken(&self) -> bool {
        self.woken_for_tick.get()
    }

    /// Whether the current tick is suspended, waiting for a blocking asynchronous operator
    /// (`resolve_futures_blocking`, ...). The next [`crate::Flow::run_tick_sync`] continues it.
    pub fn is_suspended(&self) -> bool {
        self.suspended_at.get().is_some()
    }

    /// Generated code: the tick stops at schedule step `step` until the flow is woken.
    #[doc(hidden)]
    pub fn suspend_at(&self, step: usize) {
        self.suspended_at.set(Some(step));
    }

    /// Generated code: the schedule step to continue from (0 for a fresh tick), clearing it.
    #[doc(hidden)]
    pub fn take_resume_step(&self) -> usize {
        self.suspended_at.take().unwrap_or(0)
    }

    /// Whether a waker was woken since the last call, clearing the flag.
    pub(crate) fn take_wake(&self) -> bool {
        self.wake_state.woken.swap(false, Ordering::AcqRel)
    }

    /// Starts a tick: records (and clears) whether the waker fired since the last tick.
    pub(crate) fn start_tick(&self) {
        let woken = self.take_wake();
        self.woken_for_tick.set(woken || self.tick.get() == 0);
    }

    pub(crate) fn wake_state(&self) -> &Arc<WakeState> {
        &self.wake_state
    }

    pub(crate) fn advance_tick(&self) {
        self.tick.set(self.tick.get() + 1);
    }
}

thread_local! {
    /// The context of the flow whose tick is running on this thread, if any.
    static CURRENT: Cell<*const Context> = const { Cell::new(ptr::null()) };
}

/// Makes `context` the current one until the guard is dropped (ticks of nested flows restore the
/// outer flow's context).
pub(crate) struct CurrentGuard {
    previous: *const Context,
}

impl CurrentGuard {
    pub(crate) fn enter(context: &Context) -> Self {
        let previous = CURRENT.with(|current| current.replace(context));
        Self { previous }
    }
}

impl Drop for CurrentGuard {
    fn drop(&mut self) {
        CURRENT.with(|current| current.set(self.previous));
    }
}

/// `context` in operator arguments: reads the [`Context`] of the flow whose tick is running.
///
/// Outside a tick (e.g. if a closure is called by hand) it reads as tick 0 with a no-op waker,
/// and [`CurrentContext::request_tick`] does nothing.
///
/// ```
/// use tideflow::util::{collect_ready, unbounded_channel};
///
/// let (send, recv) = unbounded_channel::<(u64, u32)>();
/// let mut flow = tideflow::flow! {
///     source_iter([1, 2]) -> defer_tick() -> map(|x| (context.current_tick(), x))
///         -> for_each(|pair| send.send(pair).unwrap());
/// };
/// flow.run_available_sync();
/// assert_eq!(collect_ready::<Vec<_>, _>(recv), [(1, 1), (1, 2)]);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct CurrentContext;

impl CurrentContext {
    fn with<R>(self, read: impl FnOnce(&Context) -> R, outside: impl FnOnce() -> R) -> R {
        let pointer = CURRENT.with(Cell::get);
        // SAFETY: `CURRENT` is non-null only while a `CurrentGuard` is alive, and a guard is only
        // created from a `&Context` that outlives it (for the duration of one tick); `Context`
        // is only ever used through shared references.
        match unsafe { pointer.as_ref() } {
            Some(context) => read(context),
            None => outside(),
        }
    }

    /// The number of the running tick.
    pub fn current_tick(self) -> u64 {
        self.with(Context::current_tick, || 0)
    }

    /// The running flow's waker: waking it schedules a tick of that flow.
    pub fn waker(self) -> Waker {
        self.with(|context| context.waker().clone(), || Waker::noop().clone())
    }

    /// Asks for another tick after this one.
    pub fn request_tick(self) {
        self.with(Context::request_tick, || ());
    }

    /// Whether the running flow's waker fired before this tick started.
    pub fn was_woken(self) -> bool {
        self.with(Context::was_woken, || false)
    }
}
