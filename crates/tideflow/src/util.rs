//! Small helpers for feeding flows from Rust code and for reading their output.
//!
//! A flow talks to the rest of the program through ordinary [`Stream`]s and `Sink`s:
//! [`unbounded_channel`] gives a sender to push input with and a stream for `source_stream`
//! (or, the other way round, a stream to collect a flow's output from). [`ready_iter`],
//! [`collect_ready`] and [`collect_ready_async`] take the items that are ready *now* without
//! waiting for more, which is what tests usually want after running a flow.
//! [`iter_batches_stream`] spreads an iterator over several ticks.
//!
//! Names and behaviour follow the established system's `util` module so code carries over.

/// The receiving half [`unbounded_channel`] returns: a `Stream` of the sent items.
pub use tokio_stream::wrappers::UnboundedReceiverStream;

use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use futures::Stream;
use tokio::sync::mpsc::UnboundedSender;

/// An unbounded tokio channel whose receiving half is a [`Stream`].
///
/// The usual way to feed a flow from Rust code (`source_stream(receiver)`) or to collect its
/// output (`for_each(move |x| sender.send(x))`, then read the stream).
///
/// ```
/// use tideflow::util::{collect_ready, unbounded_channel};
///
/// let (sender, receiver) = unbounded_channel::<u32>();
/// sender.send(1).unwrap();
/// sender.send(2).unwrap();
/// let items: Vec<u32> = collect_ready(receiver);
/// assert_eq!(items, [1, 2]);
/// ```
pub fn unbounded_channel<T>() -> (UnboundedSender<T>, UnboundedReceiverStream<T>) {
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    (sender, UnboundedReceiverStream::new(receiver))
}

/// Polls `stream` once with a no-op waker: `Some(item)` if an item is ready now.
fn poll_now<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    let mut cx = TaskContext::from_waker(futures::task::noop_waker_ref());
    match Pin::new(stream).poll_next(&mut cx) {
        Poll::Ready(item) => item,
        Poll::Pending => None,
    }
}

/// The items of `stream` that are ready now, polled with a no-op waker.
///
/// The iterator ends at the first `Pending` or at the end of the stream. Pass `&mut stream` to
/// keep using the stream afterwards. Inside a tokio task, tokio's channels hand out items in
/// budgets (128 at a time), so prefer [`collect_ready_async`] there.
///
/// ```
/// use tideflow::util::ready_iter;
///
/// let mut stream = futures::stream::iter([1, 2, 3]);
/// let doubled: Vec<i32> = ready_iter(&mut stream).map(|x| x * 2).collect();
/// assert_eq!(doubled, [2, 4, 6]);
/// ```
pub fn ready_iter<S: Stream + Unpin>(stream: S) -> impl Iterator<Item = S::Item> {
    let mut stream = stream;
    std::iter::from_fn(move || poll_now(&mut stream)).fuse()
}

/// Collects the items of `stream` that are ready now (see [`ready_iter`]).
///
/// Works with `&mut stream` too, to collect again later.
///
/// ```
/// use tideflow::util::{collect_ready, unbounded_channel};
///
/// let (sender, mut receiver) = unbounded_channel::<&str>();
/// sender.send("a").unwrap();
/// let first: Vec<&str> = collect_ready(&mut receiver);
/// assert_eq!(first, ["a"]);
/// sender.send("b").unwrap();
/// let second: Vec<&str> = collect_ready(&mut receiver);
/// assert_eq!(second, ["b"]);
/// ```
pub fn collect_ready<C: FromIterator<S::Item>, S: Stream + Unpin>(stream: S) -> C {
    ready_iter(stream).collect()
}

/// Collects the items of `stream` that are ready now, yielding to the runtime between passes.
///
/// Yields first (so background tasks can send), then repeatedly takes every ready item and
/// yields again, until a pass finds nothing. The repetition matters because tokio channels hand
/// out items in budgets: a single pass inside a tokio task may stop early.
///
/// ```
/// use tideflow::util::{collect_ready_async, unbounded_channel};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (sender, mut receiver) = unbounded_channel::<usize>();
/// for i in 0..1000 {
///     sender.send(i).unwrap();
/// }
/// let items: Vec<usize> = collect_ready_async(&mut receiver).await;
/// assert_eq!(items, (0..1000).collect::<Vec<_>>());
/// # }
/// ```
pub async fn collect_ready_async<C: Default + Extend<S::Item>, S: Stream + Unpin>(stream: S) -> C {
    let mut stream = stream;
    let mut out = C::default();
    loop {
        tokio::task::yield_now().await;
        let mut got_any = false;
        out.extend(std::iter::from_fn(|| poll_now(&mut stream)).inspect(|_| got_any = true));
        if !got_any {
            return out;
        }
    }
}

/// A stream over `iter` that yields `n` items, then wakes itself and returns `Pending` once,
/// then yields the next `n`, and so on until the iterator ends.
///
/// Feeding it to `source_stream` spreads the iterator over several ticks, `n` items per tick
/// (tests and benchmarks). `n == 0` is treated as `1`.
///
/// ```
/// use tideflow::util::{collect_ready, iter_batches_stream};
///
/// let mut stream = iter_batches_stream(0..5, 2);
/// let batches: Vec<Vec<i32>> = (0..4).map(|_| collect_ready(&mut stream)).collect();
/// assert_eq!(batches, [vec![0, 1], vec![2, 3], vec![4], vec![]]);
/// ```
pub fn iter_batches_stream<I: IntoIterator>(
    iter: I,
    n: usize,
) -> impl Stream<Item = I::Item> + Unpin {
    IterBatches {
        iter: iter.into_iter().fuse(),
        batch: n.max(1),
        yielded: 0,
    }
}

/// The stream behind [`iter_batches_stream`].
struct IterBatches<I> {
    iter: std::iter::Fuse<I>,
    batch: usize,
    yielded: usize,
}

// The iterator is never pinned (no pin projection), so the stream can move freely.
impl<I> Unpin for IterBatches<I> {}

impl<I: Iterator> Stream for IterBatches<I> {
    type Item = I::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<I::Item>> {
        let this = self.get_mut();
        if this.yielded >= this.batch {
            this.yielded = 0;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        this.yielded += 1;
        Poll::Ready(this.iter.next())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.iter.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_then_collect_ready() {
        let (sender, mut receiver) = unbounded_channel::<i32>();
        for i in 0..3 {
            sender.send(i).unwrap();
        }
        let got: Vec<i32> = collect_ready(&mut receiver);
        assert_eq!(got, [0, 1, 2]);
        let empty: Vec<i32> = collect_ready(&mut receiver);
        assert_eq!(empty, Vec::<i32>::new());
        drop(sender);
        let after_close: Vec<i32> = collect_ready(&mut receiver);
        assert_eq!(after_close, Vec::<i32>::new());
    }

    #[test]
    fn ready_iter_stops_at_pending() {
        let mut stream = iter_batches_stream(0..10, 3);
        let got: Vec<i32> = ready_iter(&mut stream).collect();
        assert_eq!(got, [0, 1, 2]);
        let got: Vec<i32> = ready_iter(&mut stream).collect();
        assert_eq!(got, [3, 4, 5]);
    }

    #[test]
    fn batches_wake_themselves_and_zero_means_one() {
        let mut stream = iter_batches_stream(vec!['a', 'b'], 0);
        let waker = futures::task::noop_waker();
        let mut cx = TaskContext::from_waker(&waker);
        assert_eq!(
            Pin::new(&mut stream).poll_next(&mut cx),
            Poll::Ready(Some('a'))
        );
        assert_eq!(Pin::new(&mut stream).poll_next(&mut cx), Poll::Pending);
        assert_eq!(
            Pin::new(&mut stream).poll_next(&mut cx),
            Poll::Ready(Some('b'))
        );
        assert_eq!(Pin::new(&mut stream).poll_next(&mut cx), Poll::Pending);
        assert_eq!(Pin::new(&mut stream).poll_next(&mut cx), Poll::Ready(None));
    }

    #[test]
    fn batches_self_wake() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        struct Count(AtomicUsize);
        impl std::task::Wake for Count {
            fn wake(self: Arc<Self>) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let count = Arc::new(Count(AtomicUsize::new(0)));
        let waker = std::task::Waker::from(Arc::clone(&count));
        let mut cx = TaskContext::from_waker(&waker);
        let mut stream = iter_batches_stream([1, 2, 3], 2);
        let mut got = Vec::new();
        while let Poll::Ready(Some(x)) = Pin::new(&mut stream).poll_next(&mut cx) {
            got.push(x);
        }
        assert_eq!(got, [1, 2]);
        assert_eq!(count.0.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn collect_ready_async_gets_past_the_budget() {
        let (sender, mut receiver) = unbounded_channel::<usize>();
        for i in 0..1000 {
            sender.send(i).unwrap();
        }
        let got: Vec<usize> = collect_ready_async(&mut receiver).await;
        assert_eq!(got, (0..1000).collect::<Vec<_>>());
        sender.send(7).unwrap();
        let got: Vec<usize> = collect_ready_async(&mut receiver).await;
        assert_eq!(got, [7]);
    }
}
