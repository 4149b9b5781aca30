//! The [`Flow`] handle: a compiled transducer and the loop that runs it in ticks.
//!
//! A *tick* takes the input available now, runs every subgraph that has work in the compiled
//! order (strongly connected components until their fixpoint), and ends: `'tick` state is reset,
//! `defer_tick()` data moves to the next tick. [`Flow::run_tick_sync`] runs one tick;
//! [`Flow::run_available_sync`] runs ticks while there is work; [`Flow::run`] runs forever,
//! sleeping until a source wakes the flow.

use std::convert::Infallible;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::OnceLock;
use std::task::{Context as TaskContext, Poll};

use tideflow_lang::GraphView;

use crate::context::{Context, CurrentGuard};
use crate::metrics::Metrics;

/// One compiled tick: runs the schedule once and reports whether any subgraph did work.
type TickFn<'a> = Box<dyn FnMut(&Context) -> bool + 'a>;

/// A compiled flow, produced by [`crate::flow!`].
///
/// ```
/// let mut flow = tideflow::flow! {
///     source_iter(1..=3) -> map(|x| x * 10) -> for_each(|x| println!("{x}"));
/// };
/// flow.run_available_sync();
/// assert_eq!(flow.current_tick(), 1);
/// ```
pub struct Flow<'a> {
    tick: TickFn<'a>,
    context: Context,
    /// Operator arguments read `context`, so ticks make this flow's context current.
    reads_context: bool,
    graph_json: &'static str,
    graph: OnceLock<GraphView>,
}

impl<'a> Flow<'a> {
    /// Generated code: wraps a compiled tick function. `graph_json` is the serialized
    /// [`GraphView`] of the partitioned graph; `reads_context` says whether operator arguments
    /// use `context`.
    #[doc(hidden)]
    pub fn from_compiled(
        graph_json: &'static str,
        subgraphs: usize,
        buffers: usize,
        reads_context: bool,
        tick: impl FnMut(&Context) -> bool + 'a,
    ) -> Self {
        Self {
            tick: Box::new(tick),
            context: Context::new(subgraphs, buffers),
            reads_context,
            graph_json,
            graph: OnceLock::new(),
        }
    }

    /// Runs one tick now and returns whether any subgraph did work in it.
    ///
    /// Asynchronous sources and sinks never hold a tick up: they are polled with the flow's
    /// waker and pick up where they left off in a later tick, so this never blocks and never
    /// panics on a pending sink. The exception is a *blocking* asynchronous operator
    /// (`resolve_futures_blocking`, ...), whose downstream must see its results in the same
    /// tick: if its futures are not done, the tick is suspended at that operator
    /// ([`Flow::is_tick_suspended`]) and the next call continues it from there.
    pub fn run_tick_sync(&mut self) -> bool {
        let _current = self
            .reads_context
            .then(|| CurrentGuard::enter(&self.context));
        self.context.start_tick();
        // Inside a tokio task, channel polls spend tokio's cooperative budget and, once it is
        // spent, report `Pending` with a deferred wake that this synchronous tick would never
        // see. A tick takes what is ready now, so it runs with an unconstrained budget. Only a
        // woken flow polls anything asynchronous, so an idle tick skips the budget guard.
        let did_work = if self.context.was_woken() {
            run_unconstrained(|| (self.tick)(&self.context))
        } else {
            (self.tick)(&self.context)
        };
        if !self.context.is_suspended() {
            self.context.advance_tick();
        }
        did_work
    }

    /// Runs one whole tick, waiting (without blocking the thread) while it is suspended on a
    /// blocking asynchronous operator; the async form of [`Flow::run_tick_sync`].
    pub async fn run_tick(&mut self) -> bool {
        let mut did_work = self.run_tick_sync();
        while self.context.is_suspended() {
            self.wait_for_wake().await;
            did_work |= self.run_tick_sync();
        }
        did_work
    }

    /// Whether the last tick stopped early to wait for a blocking asynchronous operator; the
    /// next [`Flow::run_tick_sync`] continues it.
    pub fn is_tick_suspended(&self) -> bool {
        self.context.is_suspended()
    }

    /// Runs ticks until no more work is pending: at least one tick, then more while a tick was
    /// requested (by `defer_tick()` data, `spin()`, or [`Context::request_tick`]) or a source woke
    /// the flow. Returns the number of ticks started. Stops early if a tick suspends on a
    /// blocking asynchronous operator (see [`Flow::run_tick_sync`]); use
    /// [`Flow::run_available`] to wait for those.
    pub fn run_available_sync(&mut self) -> u64 {
        let mut ticks = 0;
        loop {
            self.run_tick_sync();
            ticks += 1;
            if self.context.is_suspended() || !self.more_work_pending() {
                return ticks;
            }
        }
    }

    /// The async form of [`Flow::run_available_sync`]: waits for suspended ticks to finish and
    /// yields to other tasks between ticks.
    pub async fn run_available(&mut self) -> u64 {
        let mut ticks = 0;
        loop {
            self.run_tick().await;
            ticks += 1;
            if !self.more_work_pending() {
                return ticks;
            }
            YieldNow(false).await;
        }
    }

    /// Runs the flow forever: ticks while there is work, then sleeps until a source wakes it.
    pub async fn run(&mut self) -> Infallible {
        loop {
            self.run_available().await;
            self.wait_for_wake().await;
        }
    }

    /// The number of the next tick to run; the number of ticks run so far.
    pub fn current_tick(&self) -> u64 {
        self.context.current_tick()
    }

    /// The flow's context, as operator code sees it.
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// Item counters per buffer and (if enabled) timings per subgraph.
    pub fn metrics(&self) -> &Metrics {
        self.context.metrics()
    }

    /// Turns per-subgraph timing on or off. Off by default: it reads the clock twice per run.
    pub fn set_timing(&mut self, enabled: bool) {
        self.context.metrics().set_timing(enabled);
    }

    /// The compiled graph: operators, subgraphs, buffers and fixpoint components, renderable as
    /// Mermaid, DOT or JSON.
    ///
    /// ```
    /// let flow = tideflow::flow! { source_iter([1]) -> for_each(|x: i32| println!("{x}")); };
    /// let mermaid = flow.graph().to_mermaid();
    /// assert!(mermaid.contains("source_iter"));
    /// ```
    pub fn graph(&self) -> &GraphView {
        self.graph.get_or_init(|| {
            serde_json::from_str(self.graph_json).unwrap_or_else(|error| {
                tracing::error!(%error, "the embedded flow graph does not parse");
                GraphView::default()
            })
        })
    }

    fn more_work_pending(&self) -> bool {
        let requested = self.context.take_tick_request();
        let woken = self.context.wake_state().woken.load(Ordering::Acquire);
        requested || woken
    }

    async fn wait_for_wake(&self) {
        let wake_state = self.context.wake_state();
        poll_fn(|cx| {
            wake_state.task.register(cx.waker());
            if wake_state.woken.load(Ordering::Acquire) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
    }
}

/// Runs a tick with tokio's cooperative budget unconstrained (outside tokio, just runs it).
fn run_unconstrained(tick: impl FnOnce() -> bool) -> bool {
    let mut tick = Some(tick);
    let mut did_work = false;
    let future = tokio::task::unconstrained(std::future::poll_fn(|_| {
        if let Some(tick) = tick.take() {
            did_work = tick();
        }
        Poll::Ready(())
    }));
    // `Unconstrained` polls its inner future at once, which is ready on its first poll.
    let _ = std::pin::pin!(future).poll(&mut TaskContext::from_waker(std::task::Waker::noop()));
    did_work
}

/// Yields once to the executor, runtime-agnostic.
struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}
