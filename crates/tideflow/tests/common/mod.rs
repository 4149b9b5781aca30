//! Helpers shared by the behaviour tests: reading what a flow emitted, and driving a flow tick by
//! tick from channels. Not every test file uses every helper.
#![allow(dead_code)]

use futures::Stream;
use tideflow::util::collect_ready;
use tideflow::Flow;
use tokio::sync::mpsc::UnboundedSender;

/// The items of `stream` that are ready now.
pub fn ready<T>(stream: &mut (impl Stream<Item = T> + Unpin)) -> Vec<T> {
    collect_ready(stream)
}

/// The items of `stream` that are ready now, sorted.
pub fn ready_sorted<T: Ord>(stream: &mut (impl Stream<Item = T> + Unpin)) -> Vec<T> {
    let mut items = ready(stream);
    items.sort();
    items
}

/// Feeds each tick's items, runs exactly one tick, and returns every tick's output in the order
/// it was emitted.
pub fn drive<I, O, S>(
    flow: &mut Flow<'_>,
    input: &UnboundedSender<I>,
    out: &mut S,
    ticks: Vec<Vec<I>>,
) -> Vec<Vec<O>>
where
    S: Stream<Item = O> + Unpin,
{
    ticks
        .into_iter()
        .map(|items| {
            for item in items {
                input.send(item).unwrap();
            }
            flow.run_tick_sync();
            collect_ready(&mut *out)
        })
        .collect()
}

/// [`drive`], with each tick's output sorted (where the order within a tick is unspecified).
pub fn drive_sorted<I, O: Ord, S>(
    flow: &mut Flow<'_>,
    input: &UnboundedSender<I>,
    out: &mut S,
    ticks: Vec<Vec<I>>,
) -> Vec<Vec<O>>
where
    S: Stream<Item = O> + Unpin,
{
    let mut got = drive(flow, input, out, ticks);
    for tick in &mut got {
        tick.sort();
    }
    got
}

/// One tick's items for a two-input flow: what goes to the first input and to the second.
pub type TickInput<A, B> = (Vec<A>, Vec<B>);

/// Like [`drive`] for a flow with two inputs: each tick sends its first items, then its second
/// items, and runs one tick.
pub fn drive_pair<A, B, O, S>(
    flow: &mut Flow<'_>,
    first: &UnboundedSender<A>,
    second: &UnboundedSender<B>,
    out: &mut S,
    ticks: Vec<TickInput<A, B>>,
) -> Vec<Vec<O>>
where
    S: Stream<Item = O> + Unpin,
{
    ticks
        .into_iter()
        .map(|(a, b)| {
            for item in a {
                first.send(item).unwrap();
            }
            for item in b {
                second.send(item).unwrap();
            }
            flow.run_tick_sync();
            collect_ready(&mut *out)
        })
        .collect()
}

/// [`drive_pair`], with each tick's output sorted.
pub fn drive_pair_sorted<A, B, O: Ord, S>(
    flow: &mut Flow<'_>,
    first: &UnboundedSender<A>,
    second: &UnboundedSender<B>,
    out: &mut S,
    ticks: Vec<TickInput<A, B>>,
) -> Vec<Vec<O>>
where
    S: Stream<Item = O> + Unpin,
{
    let mut got = drive_pair(flow, first, second, out, ticks);
    for tick in &mut got {
        tick.sort();
    }
    got
}
