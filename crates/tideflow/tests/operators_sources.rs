//! Behaviour of the source operators: `source_iter`, `source_stream` (sync and under tokio),
//! `source_interval`, `initialize`, `spin`, and `null` as a source and as a sink.

mod common;

use common::ready;

use std::cell::RefCell;
use std::time::Duration;

use tideflow::util::{collect_ready_async, unbounded_channel};

// ----- source_iter -----

#[test]
fn source_iter_emits_all_items_in_tick_zero_and_nothing_after() {
    let (send, mut recv) = unbounded_channel::<(u64, u32)>();
    let mut flow = tideflow::flow! {
        source_iter(vec![1, 2, 3])
            -> map(|x| (context.current_tick(), x))
            -> for_each(|pair| send.send(pair).unwrap());
    };
    assert!(flow.run_tick_sync());
    assert_eq!(ready(&mut recv), [(0, 1), (0, 2), (0, 3)]);
    for _ in 0..3 {
        flow.run_tick_sync();
        assert_eq!(ready(&mut recv), Vec::<(u64, u32)>::new());
    }
}

#[test]
fn source_iter_alone_needs_a_single_tick() {
    let (send, mut recv) = unbounded_channel::<char>();
    let mut flow = tideflow::flow! {
        source_iter("abc".chars()) -> for_each(|c| send.send(c).unwrap());
    };
    assert_eq!(flow.run_available_sync(), 1);
    assert_eq!(ready(&mut recv), ['a', 'b', 'c']);
    assert_eq!(flow.run_available_sync(), 1);
    assert_eq!(ready(&mut recv), Vec::<char>::new());
}

#[test]
fn source_iter_takes_a_moved_collection_and_an_empty_one() {
    let words = vec![String::from("x"), String::from("yy")];
    let (send, mut recv) = unbounded_channel::<usize>();
    let mut flow = tideflow::flow! {
        source_iter(words) -> map(|w| w.len()) -> for_each(|n| send.send(n).unwrap());
        source_iter(Vec::<usize>::new()) -> for_each(|n| send.send(n + 100).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [1, 2]);
}

// ----- source_stream, synchronously -----

#[test]
fn source_stream_items_sent_between_ticks_arrive_in_the_next_tick() {
    let (input, input_recv) = unbounded_channel::<u32>();
    let (send, mut recv) = unbounded_channel::<(u64, u32)>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv)
            -> map(|x| (context.current_tick(), x))
            -> for_each(|pair| send.send(pair).unwrap());
    };
    input.send(1).unwrap();
    input.send(2).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [(0, 1), (0, 2)]);

    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), Vec::<(u64, u32)>::new());

    input.send(3).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [(2, 3)]);

    input.send(4).unwrap();
    input.send(5).unwrap();
    input.send(6).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [(3, 4), (3, 5), (3, 6)]);
}

#[test]
fn source_stream_run_available_sync_takes_what_is_ready_in_one_tick_and_returns() {
    let (input, input_recv) = unbounded_channel::<u32>();
    let (send, mut recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv) -> map(|x| x * 10) -> for_each(|x| send.send(x).unwrap());
    };
    // Nothing sent yet: one tick, nothing out, no blocking.
    assert_eq!(flow.run_available_sync(), 1);
    assert_eq!(ready(&mut recv), Vec::<u32>::new());

    for x in 1..=3 {
        input.send(x).unwrap();
    }
    assert_eq!(flow.run_available_sync(), 1);
    assert_eq!(ready(&mut recv), [10, 20, 30]);

    assert_eq!(flow.run_available_sync(), 1);
    assert_eq!(ready(&mut recv), Vec::<u32>::new());
}

#[test]
fn source_stream_ended_stream_emits_nothing_more_and_does_not_panic() {
    let (input, input_recv) = unbounded_channel::<u32>();
    let (send, mut recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv) -> for_each(|x| send.send(x).unwrap());
    };
    input.send(7).unwrap();
    drop(input);
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [7]);
    for _ in 0..3 {
        flow.run_tick_sync();
        assert_eq!(ready(&mut recv), Vec::<u32>::new());
    }
}

#[test]
fn source_stream_of_a_finite_futures_stream_emits_it_all_in_tick_zero() {
    let (send, mut recv) = unbounded_channel::<(u64, i32)>();
    let mut flow = tideflow::flow! {
        source_stream(futures::stream::iter([4, 5, 6]))
            -> map(|x| (context.current_tick(), x))
            -> for_each(|pair| send.send(pair).unwrap());
    };
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [(0, 4), (0, 5), (0, 6)]);
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), Vec::<(u64, i32)>::new());
}

#[test]
fn source_stream_of_iter_batches_stream_spreads_items_over_ticks() {
    let (send, mut recv) = unbounded_channel::<(u64, i32)>();
    let mut flow = tideflow::flow! {
        source_stream(tideflow::util::iter_batches_stream(0..5, 2))
            -> map(|x| (context.current_tick(), x))
            -> for_each(|pair| send.send(pair).unwrap());
    };
    // The stream wakes itself after each batch, so run_available_sync keeps ticking.
    let ticks = flow.run_available_sync();
    assert_eq!(ready(&mut recv), [(0, 0), (0, 1), (1, 2), (1, 3), (2, 4)]);
    assert_eq!(ticks, 3);
}

// ----- source_stream under tokio -----

#[tideflow::test]
async fn source_stream_under_tokio_run_available_delivers_items_sent_by_a_local_task() {
    let (input, input_recv) = unbounded_channel::<u32>();
    let (send, mut recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv) -> map(|x| x + 1) -> for_each(|x| send.send(x).unwrap());
    };
    input.send(0).unwrap();
    flow.run_available().await;
    assert_eq!(collect_ready_async::<Vec<_>, _>(&mut recv).await, [1]);

    let producer = tokio::task::spawn_local({
        let input = input.clone();
        async move {
            for x in 10..13 {
                input.send(x).unwrap();
            }
        }
    });
    producer.await.unwrap();
    flow.run_available().await;
    assert_eq!(
        collect_ready_async::<Vec<_>, _>(&mut recv).await,
        [11, 12, 13]
    );

    flow.run_available().await;
    assert_eq!(
        collect_ready_async::<Vec<_>, _>(&mut recv).await,
        Vec::<u32>::new()
    );
}

#[tideflow::test]
async fn source_stream_under_tokio_delivers_more_items_than_the_coop_budget() {
    // Tokio channels hand out items in budgets inside a task; the flow must still get all of
    // them, in order, from one `run_available`.
    let (input, input_recv) = unbounded_channel::<u32>();
    let (send, mut recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv) -> for_each(|x| send.send(x).unwrap());
    };
    for x in 0..1000 {
        input.send(x).unwrap();
    }
    flow.run_available().await;
    let got: Vec<u32> = collect_ready_async(&mut recv).await;
    assert_eq!(got.len(), 1000, "items delivered by one run_available");
    assert_eq!(got, (0..1000).collect::<Vec<_>>());
}

// ----- source_interval -----

// These tests start the tokio clock paused, so the interval's start and every `advance` fall on
// the timer's millisecond boundaries and each deadline fires exactly when the clock reaches it.

#[tokio::test(start_paused = true)]
async fn source_interval_fires_at_once_then_once_per_elapsed_period() {
    let period = Duration::from_millis(100);
    let (send, mut recv) = unbounded_channel::<u64>();
    let mut flow = tideflow::flow! {
        source_interval(period)
            -> map(|()| context.current_tick())
            -> for_each(|tick| send.send(tick).unwrap());
    };
    // The first interval tick fires at once.
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [0]);
    // No time has passed: nothing.
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), Vec::<u64>::new());
    // One period later: one `()`.
    tokio::time::advance(period).await;
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [2]);
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), Vec::<u64>::new());
    // Half a period: nothing yet.
    tokio::time::advance(period / 2).await;
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), Vec::<u64>::new());
    tokio::time::advance(period / 2).await;
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [5]);
}

#[tokio::test(start_paused = true)]
async fn source_interval_skips_missed_periods_instead_of_bursting() {
    let period = Duration::from_millis(100);
    let (send, mut recv) = unbounded_channel::<()>();
    let mut flow = tideflow::flow! {
        source_interval(period) -> for_each(|()| send.send(()).unwrap());
    };
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv).len(), 1);
    tokio::time::advance(period * 5 + period / 2).await;
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv).len(), 1);
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv).len(), 0);
    // The schedule realigned to the period: the next `()` comes at 600 ms.
    tokio::time::advance(period / 2).await;
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv).len(), 1);
}

#[tokio::test(start_paused = true)]
async fn source_interval_wakes_the_flow_so_run_available_picks_it_up() {
    let period = Duration::from_millis(100);
    let (send, mut recv) = unbounded_channel::<u64>();
    let mut flow = tideflow::flow! {
        source_interval(period)
            -> map(|()| context.current_tick())
            -> for_each(|tick| send.send(tick).unwrap());
    };
    assert_eq!(flow.run_available().await, 1);
    assert_eq!(ready(&mut recv), [0]);
    tokio::time::advance(period).await;
    assert_eq!(flow.run_available().await, 1);
    assert_eq!(ready(&mut recv), [1]);
}

#[tideflow::test]
async fn source_interval_drives_run_forever_once_per_period() {
    tokio::time::pause();
    let period = Duration::from_millis(100);
    let (send, mut recv) = unbounded_channel::<()>();
    let mut flow = tideflow::flow! {
        source_interval(period) -> for_each(|()| send.send(()).unwrap());
    };
    // Virtual time: interval ticks at 0, 100, 200 and 300 ms, then the timeout at 350 ms.
    let result = tokio::time::timeout(period * 3 + period / 2, flow.run()).await;
    assert!(result.is_err(), "run() never returns");
    assert_eq!(ready(&mut recv).len(), 4);
}

#[test]
fn source_interval_without_a_runtime_emits_nothing_and_does_not_panic() {
    let (send, mut recv) = unbounded_channel::<()>();
    let mut flow = tideflow::flow! {
        source_interval(Duration::from_millis(1)) -> for_each(|()| send.send(()).unwrap());
    };
    for _ in 0..3 {
        flow.run_tick_sync();
    }
    assert_eq!(ready(&mut recv).len(), 0);
}

// ----- initialize -----

#[test]
fn initialize_emits_one_unit_in_tick_zero_only() {
    let (send, mut recv) = unbounded_channel::<u64>();
    let mut flow = tideflow::flow! {
        initialize() -> map(|()| context.current_tick()) -> for_each(|t| send.send(t).unwrap());
    };
    assert_eq!(flow.run_available_sync(), 1);
    assert_eq!(ready(&mut recv), [0]);
    for _ in 0..3 {
        assert!(!flow.run_tick_sync());
    }
    assert_eq!(ready(&mut recv), Vec::<u64>::new());
}

// ----- spin -----

#[test]
fn spin_emits_one_unit_every_tick() {
    let (send, mut recv) = unbounded_channel::<u64>();
    let mut flow = tideflow::flow! {
        spin() -> map(|()| context.current_tick()) -> for_each(|t| send.send(t).unwrap());
    };
    for tick in 0..4 {
        assert!(flow.run_tick_sync());
        assert_eq!(ready(&mut recv), [tick]);
    }
    assert_eq!(flow.current_tick(), 4);
}

#[tideflow::test]
async fn spin_keeps_requesting_ticks_so_run_available_never_returns() {
    let (send, mut recv) = unbounded_channel::<u64>();
    let mut flow = tideflow::flow! {
        spin() -> map(|()| context.current_tick()) -> for_each(|t| send.send(t).unwrap());
    };
    // `run_available` yields between ticks, so the timeout can fire; it must, because spin
    // asks for another tick after every tick.
    let result = tokio::time::timeout(Duration::from_millis(20), flow.run_available()).await;
    assert!(
        result.is_err(),
        "run_available returned while spin() was running"
    );
    let ticks = flow.current_tick();
    assert!(ticks >= 1);
    let got: Vec<u64> = collect_ready_async(&mut recv).await;
    assert_eq!(got, (0..ticks).collect::<Vec<_>>());
}

// ----- null -----

#[test]
fn null_as_a_source_emits_nothing() {
    let (send, mut recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        null::<u32>() -> for_each(|x| send.send(x).unwrap());
    };
    assert_eq!(flow.run_available_sync(), 1);
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), Vec::<u32>::new());
}

#[test]
fn null_as_a_source_without_a_type_argument_takes_the_type_from_downstream() {
    let (send, mut recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        null() -> for_each(|x: u32| send.send(x).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), Vec::<u32>::new());
}

#[test]
fn null_as_a_union_input_contributes_nothing() {
    let (send, mut recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        u = union() -> for_each(|x| send.send(x).unwrap());
        source_iter([1, 2]) -> u;
        null() -> u;
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [1, 2]);
}

#[test]
fn null_as_a_sink_discards_everything() {
    let seen = RefCell::new(Vec::new());
    let mut flow = tideflow::flow! {
        source_iter([1, 2, 3]) -> inspect(|x| seen.borrow_mut().push(*x)) -> null();
    };
    assert_eq!(flow.run_available_sync(), 1);
    assert_eq!(*seen.borrow(), [1, 2, 3]);
}

#[test]
fn null_in_the_middle_passes_nothing_downstream() {
    let (send, mut recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        source_iter([1, 2, 3]) -> null() -> for_each(|x: u32| send.send(x).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), Vec::<u32>::new());
}
