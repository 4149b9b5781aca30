//! Behaviour of `#name` references to `singleton()`, `optional()` and `handoff()` nodes,
//! including a singleton that is empty in some tick and `#mut name`.

mod common;

use common::ready;

use std::cell::RefCell;

use tideflow::util::unbounded_channel;

// ----- singleton() -----

#[test]
fn singleton_reference_reads_the_reduced_value_in_a_filter() {
    // The flow-notes example: keep the items above the maximum of another stream.
    let (send, mut recv) = unbounded_channel::<i32>();
    let mut flow = tideflow::flow! {
        max = source_iter([3, 9, 4]) -> reduce(|a: &mut i32, b| *a = (*a).max(b)) -> singleton();
        source_iter(1..=12) -> filter(|x| x > #max) -> for_each(|x| send.send(x).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [10, 11, 12]);
}

#[test]
fn singleton_reference_sees_this_ticks_value_in_every_tick() {
    let (limits, limits_recv) = unbounded_channel::<u32>();
    let (items, items_recv) = unbounded_channel::<u32>();
    let (send, mut recv) = unbounded_channel::<(u32, u32)>();
    let mut flow = tideflow::flow! {
        limit = source_stream(limits_recv) -> fold(|| 0, |acc: &mut u32, x| *acc += x) -> singleton();
        source_stream(items_recv) -> map(|x| (x, *#limit)) -> for_each(|pair| send.send(pair).unwrap());
    };
    limits.send(5).unwrap();
    limits.send(2).unwrap();
    items.send(1).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [(1, 7)]);
    // A 'tick fold emits 0 in a tick without input.
    items.send(2).unwrap();
    items.send(3).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [(2, 0), (3, 0)]);
    limits.send(4).unwrap();
    items.send(4).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [(4, 4)]);
}

#[test]
fn singleton_of_a_static_fold_keeps_the_running_value() {
    let (limits, limits_recv) = unbounded_channel::<u32>();
    let (items, items_recv) = unbounded_channel::<u32>();
    let (send, mut recv) = unbounded_channel::<(u32, u32)>();
    let mut flow = tideflow::flow! {
        total = source_stream(limits_recv) -> fold::<'static>(|| 0, |acc: &mut u32, x| *acc += x) -> singleton();
        source_stream(items_recv) -> map(|x| (x, *#total)) -> for_each(|pair| send.send(pair).unwrap());
    };
    limits.send(5).unwrap();
    items.send(1).unwrap();
    flow.run_tick_sync();
    items.send(2).unwrap();
    flow.run_tick_sync();
    limits.send(1).unwrap();
    items.send(3).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [(1, 5), (2, 5), (3, 6)]);
}

#[test]
fn singleton_reference_and_pipe_consumer_both_see_the_value() {
    let (send, mut recv) = unbounded_channel::<String>();
    let mut flow = tideflow::flow! {
        m = source_iter([4, 8]) -> reduce(|a: &mut i32, b| *a += b) -> singleton();
        m -> map(|v| format!("piped {v}")) -> [0]out;
        source_iter([1]) -> map(|x| format!("ref {}", x + #m)) -> [1]out;
        out = union() -> for_each(|s| send.send(s).unwrap());
    };
    flow.run_available_sync();
    let mut got = ready(&mut recv);
    got.sort();
    assert_eq!(got, ["piped 12", "ref 13"]);
}

#[test]
fn singleton_empty_in_a_tick_skips_the_referencing_run_without_panicking() {
    let (send, mut recv) = unbounded_channel::<i32>();
    let mut flow = tideflow::flow! {
        max = source_iter(Vec::<i32>::new()) -> reduce(|a: &mut i32, b| *a = (*a).max(b)) -> singleton();
        source_iter(1..=10) -> filter(|x| x > #max) -> for_each(|x| send.send(x).unwrap());
    };
    flow.run_available_sync();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), Vec::<i32>::new());
}

#[test]
fn singleton_empty_in_tick_zero_drops_that_runs_source_iter_items() {
    // `source_iter` emits in tick 0 only; when tick 0's run is skipped because `#max` is empty,
    // its items are dropped with the run, not emitted in a later tick.
    let (send, mut recv) = unbounded_channel::<(u64, i32)>();
    let mut flow = tideflow::flow! {
        max = source_iter([0, 5]) -> defer_tick() -> reduce(|a: &mut i32, b| *a = (*a).max(b)) -> singleton();
        source_iter(1..=10)
            -> filter(|x| x > #max)
            -> map(|x| (context.current_tick(), x))
            -> for_each(|pair| send.send(pair).unwrap());
    };
    assert_eq!(flow.run_available_sync(), 2);
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), Vec::<(u64, i32)>::new());
}

#[test]
fn singleton_empty_in_one_tick_then_present_in_the_next() {
    // The referencing subgraph's input comes through a handoff; in the tick where the singleton
    // is empty its run is skipped (and that tick's input dropped), and later ticks work again.
    let (maxes, maxes_recv) = unbounded_channel::<i32>();
    let (items, items_recv) = unbounded_channel::<i32>();
    let (send, mut recv) = unbounded_channel::<i32>();
    let mut flow = tideflow::flow! {
        max = source_stream(maxes_recv) -> reduce(|a: &mut i32, b| *a = (*a).max(b)) -> singleton();
        pending = source_stream(items_recv) -> handoff();
        pending -> filter(|x| *x > *#max) -> for_each(|x| send.send(x).unwrap());
    };
    maxes.send(2).unwrap();
    items.send(1).unwrap();
    items.send(3).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [3]);

    // No max this tick: the run is skipped, nothing comes out, nothing panics.
    items.send(5).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), Vec::<i32>::new());

    // The skipped tick's 5 is gone; only this tick's items are filtered.
    maxes.send(4).unwrap();
    items.send(3).unwrap();
    items.send(7).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [7]);
}

// ----- optional() -----

#[test]
fn optional_reference_is_some_when_a_value_arrived_and_none_otherwise() {
    let (maxes, maxes_recv) = unbounded_channel::<i32>();
    let (items, items_recv) = unbounded_channel::<i32>();
    let (send, mut recv) = unbounded_channel::<(i32, Option<i32>)>();
    let mut flow = tideflow::flow! {
        max = source_stream(maxes_recv) -> reduce(|a: &mut i32, b| *a = (*a).max(b)) -> optional();
        source_stream(items_recv) -> map(|x| (x, *#max)) -> for_each(|pair| send.send(pair).unwrap());
    };
    maxes.send(3).unwrap();
    maxes.send(5).unwrap();
    items.send(1).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [(1, Some(5))]);

    items.send(2).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [(2, None)]);

    maxes.send(-1).unwrap();
    items.send(3).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [(3, Some(-1))]);
}

#[test]
fn optional_reference_type_is_a_reference_to_an_option() {
    let (send, mut recv) = unbounded_channel::<bool>();
    let mut flow = tideflow::flow! {
        nothing = source_iter(Vec::<String>::new()) -> reduce(|a: &mut String, b| a.push_str(&b)) -> optional();
        source_iter([()]) -> map(|()| {
            let value: &Option<String> = #nothing;
            value.is_none()
        }) -> for_each(|b| send.send(b).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [true]);
}

// ----- handoff() -----

#[test]
fn handoff_reference_is_a_vec_of_the_ticks_items() {
    let (send, mut recv) = unbounded_channel::<i32>();
    let mut flow = tideflow::flow! {
        h = source_iter([1, 2, 3]) -> handoff();
        source_iter([10, 20]) -> map(|x| {
            let items: &Vec<i32> = #h;
            x * items.iter().sum::<i32>()
        }) -> for_each(|x| send.send(x).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [60, 120]);
}

#[test]
fn handoff_referenced_and_consumed_gives_the_items_to_both() {
    let consumed = RefCell::new(Vec::new());
    let (send, mut recv) = unbounded_channel::<usize>();
    let mut flow = tideflow::flow! {
        h = source_iter(["a", "b", "c"]) -> handoff();
        h -> for_each(|s| consumed.borrow_mut().push(s));
        source_iter([0]) -> map(|_| #h.len()) -> for_each(|n| send.send(n).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [3]);
    assert_eq!(*consumed.borrow(), ["a", "b", "c"]);
}

#[test]
fn handoff_reference_sees_only_this_ticks_items() {
    let (input, input_recv) = unbounded_channel::<u32>();
    let (send, mut recv) = unbounded_channel::<Vec<u32>>();
    let mut flow = tideflow::flow! {
        h = source_stream(input_recv) -> handoff();
        spin() -> map(|()| #h.clone()) -> for_each(|v| send.send(v).unwrap());
    };
    input.send(1).unwrap();
    input.send(2).unwrap();
    flow.run_tick_sync();
    flow.run_tick_sync();
    input.send(3).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [vec![1, 2], vec![], vec![3]]);
}

// ----- #mut -----

#[test]
fn mut_reference_to_a_singleton_updates_it_in_place() {
    let (send, mut recv) = unbounded_channel::<i32>();
    let mut flow = tideflow::flow! {
        acc = source_iter([1]) -> singleton();
        source_iter([10, 20]) -> map(|x| {
            let value: &mut i32 = #mut acc;
            *value += x;
            *value
        }) -> for_each(|x| send.send(x).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [11, 31]);
}

#[test]
fn mut_reference_to_a_singleton_is_seen_by_its_pipe_consumer() {
    let (send, mut recv) = unbounded_channel::<i32>();
    let mut flow = tideflow::flow! {
        acc = source_iter([1]) -> singleton();
        acc -> for_each(|x| send.send(x).unwrap());
        source_iter([10, 20]) -> for_each(|x| *#mut acc += x);
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [31]);
}

#[test]
fn mut_reference_to_a_handoff_can_drain_it() {
    let consumed = RefCell::new(Vec::new());
    let (send, mut recv) = unbounded_channel::<Vec<i32>>();
    let mut flow = tideflow::flow! {
        h = source_iter([1, 2, 3]) -> handoff();
        h -> for_each(|x| consumed.borrow_mut().push(x));
        initialize() -> map(|()| #mut h.drain(..).rev().collect::<Vec<_>>()) -> for_each(|v| send.send(v).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [vec![3, 2, 1]]);
    assert_eq!(*consumed.borrow(), Vec::<i32>::new());
}

#[test]
fn mut_reference_to_an_optional_can_fill_it() {
    let (send, mut recv) = unbounded_channel::<Option<i32>>();
    let mut flow = tideflow::flow! {
        slot = source_iter(Vec::<i32>::new()) -> optional();
        slot -> map(Some) -> [piped]out;
        initialize() -> map(|()| {
            let slot: &mut Option<i32> = #mut slot;
            let before = *slot;
            *slot = Some(42);
            before
        }) -> [before]out;
        out = union() -> for_each(|x| send.send(x).unwrap());
    };
    flow.run_available_sync();
    let mut got = ready(&mut recv);
    got.sort();
    assert_eq!(got, [None, Some(42)]);
}
