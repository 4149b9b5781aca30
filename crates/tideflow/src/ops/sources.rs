//! Sources: operators with no input that bring data into a flow.
//!
//! A source is run once per tick by its subgraph and emits what it has *now*; it never waits.
//! - [`SourceIter`] emits a whole iterator in the first tick, then nothing;
//! - [`SourceStream`] emits the items of a `Stream` that are ready, polling with the flow's
//!   waker so a later item schedules a tick;
//! - [`SourceInterval`] emits `()` when a tokio interval has ticked;
//! - [`Initialize`] emits one `()` in the first tick;
//! - [`Spin`] emits `()` every tick and asks for another tick.

use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use futures::Stream;
use tokio::time::{Interval, MissedTickBehavior};

use crate::context::Context;
use crate::ops::Ty;

/// `source_iter(iter)`: emits every item of an iterator in the first run, then nothing.
pub struct SourceIter<I: Iterator> {
    /// `None` once drained.
    iter: Option<I>,
}

impl<I: Iterator> SourceIter<I> {
    /// A source over `iter`.
    pub fn new(iter: impl IntoIterator<IntoIter = I>) -> Self {
        Self {
            iter: Some(iter.into_iter()),
        }
    }

    /// The output's type witness.
    pub fn output(&self) -> Ty<I::Item> {
        Ty::new()
    }

    /// Whether the iterator has not been drained yet (the next run emits something, or at least
    /// drains it).
    pub fn has_work(&self) -> bool {
        self.iter.is_some()
    }

    /// Emits every item of the iterator, then drops it; later runs emit nothing.
    pub fn run(&mut self, emit: impl FnMut(I::Item)) {
        if let Some(iter) = self.iter.take() {
            iter.for_each(emit);
        }
    }
}

/// `iter_ref(#buffer)`: the referenced `handoff()` buffer's items, borrowed for the run, and
/// their witness (`&T`).
pub fn iter_ref_items<T>(items: &[T]) -> (&[T], Ty<&T>) {
    (items, Ty::new())
}

/// `source_stream(stream)`: emits the items of a [`Stream`] that are ready now.
///
/// Each run polls the stream with the flow's waker until it returns `Pending` (the waker is then
/// registered, so a new item schedules a tick) or ends. Once the stream has ended it is never
/// polled again. A stream that is always ready keeps one run going forever; spread such input
/// over ticks with [`crate::util::iter_batches_stream`] or a stream that yields.
pub struct SourceStream<S: Stream + Unpin> {
    stream: S,
    ended: bool,
    polled: bool,
}

impl<S: Stream + Unpin> SourceStream<S> {
    /// A source over `stream`.
    pub fn new(stream: S) -> Self {
        Self {
            stream,
            ended: false,
            polled: false,
        }
    }

    /// Whether a run may find items: the stream has not ended, and it was never polled or the
    /// flow's waker fired since (a stream that returned `Pending` wakes the flow when it has
    /// more). So idle ticks do not poll streams at all.
    pub fn needs_run(&self, context: &Context) -> bool {
        !self.ended && (!self.polled || context.was_woken())
    }

    /// The output's type witness.
    pub fn output(&self) -> Ty<S::Item> {
        Ty::new()
    }

    /// Whether the stream has ended (it will never emit again).
    pub fn is_ended(&self) -> bool {
        self.ended
    }

    /// Emits every ready item, polling with `context.waker()` until `Pending` or the end of the
    /// stream.
    pub fn run(&mut self, context: &Context, mut emit: impl FnMut(S::Item)) {
        if self.ended {
            return;
        }
        self.polled = true;
        let mut cx = TaskContext::from_waker(context.waker());
        loop {
            match Pin::new(&mut self.stream).poll_next(&mut cx) {
                Poll::Ready(Some(item)) => emit(item),
                Poll::Ready(None) => {
                    self.ended = true;
                    return;
                }
                Poll::Pending => return,
            }
        }
    }
}

/// `source_interval(period)`: emits `()` each time a tokio interval ticks.
///
/// The first tick fires at once. The interval uses [`MissedTickBehavior::Skip`]: if the flow was
/// not run for several periods, the next run emits a single `()` and the schedule realigns to
/// the period, instead of the established system's burst of every missed tick. It needs a tokio
/// runtime with time enabled; without one it logs an error and emits nothing.
pub struct SourceInterval {
    period: Duration,
    interval: Option<Interval>,
    /// A missing runtime has already been reported.
    reported: bool,
}

impl SourceInterval {
    /// An interval source with the given period. A zero period is raised to one nanosecond
    /// (tokio rejects zero); in practice ticks are then limited by the timer's resolution.
    pub fn new(period: Duration) -> Self {
        Self {
            period: period.max(Duration::from_nanos(1)),
            interval: None,
            reported: false,
        }
    }

    /// The output's type witness.
    pub fn output(&self) -> Ty<()> {
        Ty::new()
    }

    /// Whether a run may emit: the interval is not started yet, or the flow's waker fired (the
    /// timer wakes it when the next period elapses).
    pub fn needs_run(&self, context: &Context) -> bool {
        self.interval.is_none() || context.was_woken()
    }

    /// Emits one `()` per interval tick that is ready now, registering `context.waker()` for the
    /// next one.
    ///
    /// The interval is created on the first run inside a tokio runtime. Outside one this logs a
    /// `tracing::error!` (once) and emits nothing; a later run inside a runtime starts it.
    pub fn run(&mut self, context: &Context, mut emit: impl FnMut(())) {
        let interval = match &mut self.interval {
            Some(interval) => interval,
            None => {
                if tokio::runtime::Handle::try_current().is_err() {
                    if !self.reported {
                        self.reported = true;
                        tracing::error!(
                            "source_interval needs a tokio runtime; it emits nothing until run \
                             inside one (use `run().await` or a `#[tokio::main]` function)"
                        );
                    }
                    return;
                }
                let mut interval = tokio::time::interval(self.period);
                interval.set_missed_tick_behavior(MissedTickBehavior::Skip);
                self.interval.insert(interval)
            }
        };
        let mut cx = TaskContext::from_waker(context.waker());
        while interval.poll_tick(&mut cx).is_ready() {
            emit(());
        }
    }
}

/// `initialize()`: emits a single `()` in the first run.
#[derive(Debug, Default)]
pub struct Initialize {
    done: bool,
}

impl Initialize {
    /// A source that has not fired yet.
    pub fn new() -> Self {
        Self { done: false }
    }

    /// The output's type witness.
    pub fn output(&self) -> Ty<()> {
        Ty::new()
    }

    /// Whether the `()` has not been emitted yet.
    pub fn has_work(&self) -> bool {
        !self.done
    }

    /// Emits `()` the first time only.
    pub fn run(&mut self, mut emit: impl FnMut(())) {
        if !self.done {
            self.done = true;
            emit(());
        }
    }
}

/// `spin()`: emits `()` every run and asks for another tick (a busy loop).
#[derive(Debug, Default)]
pub struct Spin {
    _private: (),
}

impl Spin {
    /// A spinning source.
    pub fn new() -> Self {
        Self { _private: () }
    }

    /// The output's type witness.
    pub fn output(&self) -> Ty<()> {
        Ty::new()
    }

    /// Emits `()` and calls [`Context::request_tick`].
    pub fn run(&mut self, context: &Context, mut emit: impl FnMut(())) {
        emit(());
        context.request_tick();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::unbounded_channel;

    fn collect<T>(run: impl FnOnce(&mut dyn FnMut(T))) -> Vec<T> {
        let mut out = Vec::new();
        run(&mut |x| out.push(x));
        out
    }

    #[test]
    fn source_iter_emits_once() {
        let mut source = SourceIter::new(vec![1, 2, 3]);
        let _: Ty<i32> = source.output();
        assert!(source.has_work());
        assert_eq!(collect(|e| source.run(e)), [1, 2, 3]);
        assert!(!source.has_work());
        assert_eq!(collect(|e| source.run(e)), Vec::<i32>::new());
    }

    #[test]
    fn source_stream_emits_ready_items_and_wakes() {
        let context = Context::new(0, 0);
        let (sender, receiver) = unbounded_channel::<&str>();
        let mut source = SourceStream::new(receiver);
        sender.send("a").unwrap();
        sender.send("b").unwrap();
        assert_eq!(collect(|e| source.run(&context, e)), ["a", "b"]);
        assert_eq!(collect(|e| source.run(&context, e)), Vec::<&str>::new());
        assert!(!context.take_wake());
        sender.send("c").unwrap();
        assert!(context.take_wake(), "a new item wakes the flow");
        assert_eq!(collect(|e| source.run(&context, e)), ["c"]);
        drop(sender);
        assert_eq!(collect(|e| source.run(&context, e)), Vec::<&str>::new());
        assert!(source.is_ended());
        assert_eq!(collect(|e| source.run(&context, e)), Vec::<&str>::new());
    }

    /// A stream that panics if polled after it ended.
    struct Strict(Vec<u8>, bool);
    impl Stream for Strict {
        type Item = u8;
        fn poll_next(mut self: Pin<&mut Self>, _: &mut TaskContext<'_>) -> Poll<Option<u8>> {
            assert!(!self.1, "polled after the end");
            if self.0.is_empty() {
                self.1 = true;
                Poll::Ready(None)
            } else {
                Poll::Ready(Some(self.0.remove(0)))
            }
        }
    }

    #[test]
    fn source_stream_never_polls_after_end() {
        let context = Context::new(0, 0);
        let mut source = SourceStream::new(Strict(vec![4, 5], false));
        assert_eq!(collect(|e| source.run(&context, e)), [4, 5]);
        assert_eq!(collect(|e| source.run(&context, e)), Vec::<u8>::new());
    }

    #[test]
    fn initialize_fires_once() {
        let mut init = Initialize::new();
        assert!(init.has_work());
        assert_eq!(collect(|e| init.run(e)), [()]);
        assert!(!init.has_work());
        assert_eq!(collect(|e| init.run(e)), Vec::<()>::new());
    }

    #[test]
    fn spin_requests_ticks() {
        let context = Context::new(0, 0);
        let mut spin = Spin::new();
        for _ in 0..3 {
            assert_eq!(collect(|e| spin.run(&context, e)), [()]);
            assert!(context.take_tick_request());
        }
    }

    #[test]
    fn interval_without_runtime_emits_nothing() {
        let context = Context::new(0, 0);
        let mut interval = SourceInterval::new(Duration::ZERO);
        assert_eq!(collect(|e| interval.run(&context, e)), Vec::<()>::new());
        assert_eq!(collect(|e| interval.run(&context, e)), Vec::<()>::new());
        assert!(interval.reported);
        assert!(interval.interval.is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn interval_ticks_and_skips_missed() {
        let context = Context::new(0, 0);
        let period = Duration::from_millis(100);
        let mut interval = SourceInterval::new(period);
        // The first tick fires at once.
        assert_eq!(collect(|e| interval.run(&context, e)), [()]);
        assert_eq!(collect(|e| interval.run(&context, e)), Vec::<()>::new());
        tokio::time::sleep(period).await;
        assert!(context.take_wake(), "the elapsed interval wakes the flow");
        assert_eq!(collect(|e| interval.run(&context, e)), [()]);
        // Miss several periods: one `()`, not a burst.
        tokio::time::sleep(period * 5 + period / 2).await;
        assert_eq!(collect(|e| interval.run(&context, e)), [()]);
        assert_eq!(collect(|e| interval.run(&context, e)), Vec::<()>::new());
    }
}
