//! `dest_sink(sink)`: sending a flow's items into an asynchronous [`Sink`].
//!
//! The established system awaits the sink inside the tick, so one slow sink stalls the whole
//! flow, and it panics on a sink error. Here a [`DestSink`] queues items and [`DestSink::flush`]
//! sends as many as the sink accepts *now*, polling with the flow's waker: when the sink is
//! ready again the flow is woken, and the next tick sends the rest. A sink error is logged,
//! counted and costs one item; the flow keeps running.

use std::collections::VecDeque;
use std::fmt::Display;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use futures::Sink;

use crate::context::Context;

/// `dest_sink(sink)`: a queue in front of a [`Sink`], flushed without blocking.
pub struct DestSink<S, T> {
    sink: S,
    queue: VecDeque<T>,
    /// Items were sent since the sink last finished flushing.
    unflushed: bool,
    errors: u64,
}

impl<S, T> DestSink<S, T>
where
    S: Sink<T> + Unpin,
    S::Error: Display,
{
    /// A sink stage with an empty queue.
    pub fn new(sink: S) -> Self {
        Self {
            sink,
            queue: VecDeque::new(),
            unflushed: false,
            errors: 0,
        }
    }

    /// Queues `item`; it is sent by a later [`flush`](Self::flush).
    #[inline]
    pub fn push(&mut self, item: T) {
        self.queue.push_back(item);
    }

    /// Sends queued items, in order, while the sink is ready, then flushes the sink. Never
    /// blocks: where the sink is not ready, `context.waker()` is registered and the rest waits
    /// for a later call.
    ///
    /// A sink error is logged with `tracing::warn!` and counted in [`errors`](Self::errors); an
    /// error from `poll_ready` or `start_send` drops the item at the front of the queue.
    pub fn flush(&mut self, context: &Context) {
        let mut cx = TaskContext::from_waker(context.waker());
        while !self.queue.is_empty() {
            match Pin::new(&mut self.sink).poll_ready(&mut cx) {
                Poll::Ready(Ok(())) => {
                    let Some(item) = self.queue.pop_front() else {
                        break;
                    };
                    match Pin::new(&mut self.sink).start_send(item) {
                        Ok(()) => self.unflushed = true,
                        Err(error) => self.error("send", &error),
                    }
                }
                Poll::Ready(Err(error)) => {
                    self.error("poll_ready", &error);
                    self.queue.pop_front();
                }
                Poll::Pending => break,
            }
        }
        if self.unflushed {
            match Pin::new(&mut self.sink).poll_flush(&mut cx) {
                Poll::Ready(Ok(())) => self.unflushed = false,
                Poll::Ready(Err(error)) => {
                    self.unflushed = false;
                    self.error("flush", &error);
                }
                Poll::Pending => {}
            }
        }
    }

    fn error(&mut self, during: &str, error: &S::Error) {
        self.errors += 1;
        tracing::warn!(%error, during, "dest_sink: the sink failed; the item is dropped");
    }

    /// Whether there is work left: items queued or a flush not finished.
    pub fn needs_run(&self) -> bool {
        !self.queue.is_empty() || self.unflushed
    }

    /// How many items wait in the queue.
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// How many sink errors have happened.
    pub fn errors(&self) -> u64 {
        self.errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::collect_ready;

    #[test]
    fn sends_into_a_vec() {
        let context = Context::new(0, 0);
        let mut sink = DestSink::new(Vec::<u32>::new());
        sink.push(1);
        sink.push(2);
        assert_eq!(sink.queued(), 2);
        assert!(sink.needs_run());
        sink.flush(&context);
        assert_eq!(sink.sink, [1, 2]);
        assert_eq!((sink.queued(), sink.errors()), (0, 0));
        assert!(!sink.needs_run());
    }

    #[test]
    fn backpressure_waits_for_a_wake() {
        let context = Context::new(0, 0);
        // Capacity: buffer (1) + one slot per sender.
        let (sender, mut receiver) = futures::channel::mpsc::channel::<u32>(1);
        let mut sink = DestSink::new(sender);
        for i in 0..5 {
            sink.push(i);
        }
        sink.flush(&context);
        assert_eq!(sink.queued(), 3);
        assert!(sink.needs_run());
        let got: Vec<u32> = collect_ready(&mut receiver);
        assert_eq!(got, [0, 1]);
        assert!(context.take_wake(), "room in the channel wakes the flow");
        sink.flush(&context);
        assert_eq!(sink.queued(), 1);
        let got: Vec<u32> = collect_ready(&mut receiver);
        assert_eq!(got, [2, 3]);
        sink.flush(&context);
        let got: Vec<u32> = collect_ready(&mut receiver);
        assert_eq!(got, [4]);
        assert!(!sink.needs_run());
        assert_eq!(sink.errors(), 0);
    }

    /// Accepts items, but fails to send odd numbers and fails every third flush.
    #[derive(Default)]
    struct Picky {
        sent: Vec<u32>,
        flushes: u32,
    }

    impl Sink<u32> for Picky {
        type Error = String;
        fn poll_ready(self: Pin<&mut Self>, _: &mut TaskContext<'_>) -> Poll<Result<(), String>> {
            Poll::Ready(Ok(()))
        }
        fn start_send(mut self: Pin<&mut Self>, item: u32) -> Result<(), String> {
            if item % 2 == 1 {
                return Err(format!("odd {item}"));
            }
            self.sent.push(item);
            Ok(())
        }
        fn poll_flush(
            mut self: Pin<&mut Self>,
            _: &mut TaskContext<'_>,
        ) -> Poll<Result<(), String>> {
            self.flushes += 1;
            if self.flushes % 3 == 0 {
                Poll::Ready(Err("flush".into()))
            } else {
                Poll::Ready(Ok(()))
            }
        }
        fn poll_close(self: Pin<&mut Self>, _: &mut TaskContext<'_>) -> Poll<Result<(), String>> {
            Poll::Ready(Ok(()))
        }
    }

    #[test]
    fn errors_are_counted_and_flow_continues() {
        let context = Context::new(0, 0);
        let mut sink = DestSink::new(Picky::default());
        for i in 0..5 {
            sink.push(i);
        }
        sink.flush(&context);
        assert_eq!(sink.sink.sent, [0, 2, 4]);
        assert_eq!(sink.errors(), 2);
        sink.push(6);
        sink.flush(&context);
        sink.push(8);
        sink.flush(&context); // The third flush fails.
        assert_eq!(sink.sink.sent, [0, 2, 4, 6, 8]);
        assert_eq!(sink.errors(), 3);
        assert!(!sink.needs_run());
    }

    /// Never ready, always failing.
    struct Broken;

    impl Sink<u8> for Broken {
        type Error = &'static str;
        fn poll_ready(
            self: Pin<&mut Self>,
            _: &mut TaskContext<'_>,
        ) -> Poll<Result<(), Self::Error>> {
            Poll::Ready(Err("broken"))
        }
        fn start_send(self: Pin<&mut Self>, _: u8) -> Result<(), Self::Error> {
            Err("broken")
        }
        fn poll_flush(
            self: Pin<&mut Self>,
            _: &mut TaskContext<'_>,
        ) -> Poll<Result<(), Self::Error>> {
            Poll::Ready(Err("broken"))
        }
        fn poll_close(
            self: Pin<&mut Self>,
            _: &mut TaskContext<'_>,
        ) -> Poll<Result<(), Self::Error>> {
            Poll::Ready(Err("broken"))
        }
    }

    #[test]
    fn broken_sink_drops_items_without_panicking() {
        let context = Context::new(0, 0);
        let mut sink = DestSink::new(Broken);
        sink.push(1);
        sink.push(2);
        sink.flush(&context);
        assert_eq!((sink.queued(), sink.errors()), (0, 2));
        assert!(!sink.needs_run());
    }
}
