//! Futures and streams as items: `resolve_futures*` keep pending futures across ticks; the
//! blocking forms suspend the tick (not the thread) until their results are in.

mod common;

use common::ready;

use futures::channel::oneshot;
use tideflow::util::unbounded_channel;

#[test]
fn resolve_futures_emits_late_results_in_a_later_tick() {
    let (send, mut recv) = unbounded_channel::<(u64, u32)>();
    let (done, pending) = oneshot::channel::<u32>();
    let mut pending = Some(pending);
    let mut flow = tideflow::flow! {
        source_iter([1, 2])
            -> map(move |x| {
                let late = if x == 2 { pending.take() } else { None };
                async move {
                    match late {
                        Some(late) => late.await.unwrap_or(0),
                        None => x,
                    }
                }
            })
            -> resolve_futures()
            -> for_each(|x| send.send((context.current_tick(), x)).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [(0, 1)]);
    let next_tick = flow.current_tick();
    done.send(20).unwrap();
    assert_eq!(flow.run_available_sync(), 1);
    assert_eq!(ready(&mut recv), [(next_tick, 20)]);
}

#[test]
fn pending_futures_leave_the_flow_idle_until_they_wake_it() {
    let (send, mut recv) = unbounded_channel::<u32>();
    let (done, pending) = oneshot::channel::<u32>();
    let mut pending = Some(pending);
    let mut flow = tideflow::flow! {
        source_iter([()]) -> map(move |()| pending.take().unwrap()) -> resolve_futures_ordered()
            -> for_each(|x| send.send(x.unwrap_or(0)).unwrap());
    };
    // The futures set may wake the flow once after a first poll; after that it stays idle.
    assert!(flow.run_available_sync() <= 2);
    assert!(!flow.run_tick_sync(), "nothing woke the flow");
    assert_eq!(ready(&mut recv), Vec::<u32>::new());
    done.send(4).unwrap();
    assert!(flow.run_tick_sync());
    assert_eq!(ready(&mut recv), [4]);
}

#[test]
fn a_blocking_resolution_suspends_the_tick_until_results_are_in() {
    let (send, mut recv) = unbounded_channel::<(u64, u32)>();
    let (count_send, mut count_recv) = unbounded_channel::<usize>();
    let (done, pending) = oneshot::channel::<u32>();
    let mut pending = Some(pending);
    let mut flow = tideflow::flow! {
        results = source_iter([1, 2])
            -> map(move |x| {
                let late = if x == 2 { pending.take() } else { None };
                async move {
                    match late {
                        Some(late) => late.await.unwrap_or(0),
                        None => x,
                    }
                }
            })
            -> resolve_futures_blocking()
            -> tee();
        results -> for_each(|x| send.send((context.current_tick(), x)).unwrap());
        results -> fold(|| 0, |count: &mut usize, _| *count += 1) -> for_each(|n| count_send.send(n).unwrap());
    };
    assert_eq!(flow.run_available_sync(), 1);
    assert!(flow.is_tick_suspended());
    assert_eq!(flow.current_tick(), 0, "the tick is still open");
    assert_eq!(ready(&mut recv), [(0, 1)]);
    assert_eq!(
        ready(&mut count_recv),
        Vec::<usize>::new(),
        "the fold waits for the tick"
    );
    done.send(2).unwrap();
    flow.run_tick_sync();
    assert!(!flow.is_tick_suspended());
    assert_eq!(flow.current_tick(), 1);
    assert_eq!(ready(&mut recv), [(0, 2)]);
    assert_eq!(
        ready(&mut count_recv),
        [2],
        "both results counted in tick 0"
    );
}

#[test]
fn subgraphs_before_the_suspension_are_not_run_again_on_resume() {
    let (send, mut recv) = unbounded_channel::<&str>();
    let (done, pending) = oneshot::channel::<()>();
    let mut pending = Some(pending);
    let mut flow = tideflow::flow! {
        source_iter(["start"]) -> inspect(|s| send.send(s).unwrap())
            -> map(move |_| pending.take().unwrap()) -> resolve_futures_blocking_ordered()
            -> for_each(|_| ());
    };
    flow.run_tick_sync();
    assert!(flow.is_tick_suspended());
    flow.run_tick_sync();
    assert!(flow.is_tick_suspended(), "still pending: not woken");
    done.send(()).unwrap();
    flow.run_tick_sync();
    assert!(!flow.is_tick_suspended());
    assert_eq!(ready(&mut recv), ["start"]);
}

#[tideflow::test]
async fn run_tick_waits_for_a_suspended_tick_without_blocking_the_thread() {
    let (send, mut recv) = unbounded_channel::<u64>();
    let mut flow = tideflow::flow! {
        source_iter([5u64, 1])
            -> map(|ms| async move {
                tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
                ms
            })
            -> resolve_futures_blocking_ordered()
            -> for_each(|ms| send.send(ms).unwrap());
    };
    flow.run_tick().await;
    assert!(!flow.is_tick_suspended());
    assert_eq!(flow.current_tick(), 1);
    assert_eq!(ready(&mut recv), [5, 1]);
}

#[test]
fn flat_map_stream_blocking_emits_every_stream_in_order_and_waits_for_them() {
    let (send, mut recv) = unbounded_channel::<u32>();
    let (items, items_recv) = futures::channel::mpsc::unbounded::<u32>();
    let mut late = Some(items_recv);
    let mut flow = tideflow::flow! {
        source_iter([0, 1])
            -> flat_map_stream_blocking(move |x| {
                use futures::StreamExt;
                match if x == 1 { late.take() } else { None } {
                    Some(late) => late.boxed_local(),
                    None => futures::stream::iter(vec![10, 11]).boxed_local(),
                }
            })
            -> for_each(|x| send.send(x).unwrap());
    };
    items.unbounded_send(20).unwrap();
    flow.run_tick_sync();
    assert!(flow.is_tick_suspended());
    assert_eq!(ready(&mut recv), [10, 11, 20]);
    items.unbounded_send(21).unwrap();
    drop(items);
    flow.run_tick_sync();
    assert!(!flow.is_tick_suspended());
    assert_eq!(ready(&mut recv), [21]);
}

#[test]
fn flatten_stream_blocking_flattens_stream_items() {
    let (send, mut recv) = unbounded_channel::<u8>();
    let mut flow = tideflow::flow! {
        source_iter([futures::stream::iter(vec![1, 2]), futures::stream::iter(vec![3])])
            -> flatten_stream_blocking() -> for_each(|x| send.send(x).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [1, 2, 3]);
}

#[test]
fn scan_async_blocking_keeps_static_state_across_ticks_and_waits_for_its_futures() {
    let (input, input_recv) = unbounded_channel::<u32>();
    let (send, mut recv) = unbounded_channel::<(u64, u32)>();
    let (gate_send, gate_recv) = futures::channel::mpsc::unbounded::<()>();
    let mut gate = Some(gate_recv);
    let mut flow = tideflow::flow! {
        source_stream(input_recv)
            -> scan_async_blocking::<'static>(|| 0, move |sum: &mut u32, x: u32| {
                *sum += x;
                let total = *sum;
                let wait = if x == 10 { gate.take() } else { None };
                async move {
                    if let Some(mut wait) = wait {
                        use futures::StreamExt;
                        wait.next().await;
                    }
                    Some(total)
                }
            })
            -> for_each(|total| send.send((context.current_tick(), total)).unwrap());
    };
    input.send(1).unwrap();
    input.send(2).unwrap();
    flow.run_tick_sync();
    input.send(10).unwrap();
    flow.run_tick_sync();
    assert!(flow.is_tick_suspended());
    gate_send.unbounded_send(()).unwrap();
    flow.run_tick_sync();
    assert!(!flow.is_tick_suspended());
    assert_eq!(ready(&mut recv), [(0, 1), (0, 3), (1, 13)]);
}
