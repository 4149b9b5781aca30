//! `loop { }` blocks: a top-level loop runs once per tick when items enter it; a nested loop
//! iterates with `defer_tick()` feeding its next iteration; `all_iterations()` gathers every
//! iteration's items; `batch_lazy()` and `batch_eager()` change what makes a loop run.

mod common;

use common::ready;

use tideflow::util::unbounded_channel;

#[test]
fn a_top_level_loop_runs_once_per_tick_with_the_items_that_entered() {
    let (input, input_recv) = unbounded_channel::<u32>();
    let (send, mut recv) = unbounded_channel::<(u64, u32)>();
    let mut flow = tideflow::flow! {
        numbers = source_stream(input_recv);
        loop {
            numbers -> batch() -> map(|x| x + 100) -> out;
        };
        out = all_iterations() -> for_each(|x| send.send((context.current_tick(), x)).unwrap());
    };
    input.send(1).unwrap();
    input.send(2).unwrap();
    flow.run_tick_sync();
    flow.run_tick_sync();
    input.send(3).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [(0, 101), (0, 102), (2, 103)]);
}

#[test]
fn a_nested_loop_iterates_until_nothing_is_deferred() {
    let (send, mut recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        start = source_iter([1]);
        loop {
            outer = start -> batch();
            loop {
                outer -> batch() -> step;
                step = union() -> map(|x| x * 3) -> tee();
                step -> filter(|x| *x < 100) -> defer_tick() -> step;
                step -> inner_out;
            };
            inner_out = all_iterations() -> out;
        };
        out = all_iterations() -> for_each(|x| send.send(x).unwrap());
    };
    assert_eq!(
        flow.run_available_sync(),
        1,
        "all iterations happen within one tick"
    );
    assert_eq!(ready(&mut recv), [3, 9, 27, 81, 243]);
}

#[test]
fn tick_state_in_a_nested_loop_accumulates_across_iterations() {
    let (send, mut recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        start = source_iter([1]);
        loop {
            outer = start -> batch();
            loop {
                outer -> batch() -> step;
                step = union() -> tee();
                step -> filter(|x| *x < 100) -> map(|x| x * 10) -> defer_tick() -> step;
                step -> fold(|| 0, |sum: &mut u32, x| *sum += x) -> inner_out;
            };
            inner_out = all_iterations() -> out;
        };
        out = all_iterations() -> for_each(|x| send.send(x).unwrap());
    };
    flow.run_available_sync();
    // Iterations see 1, 10, 100: the 'tick fold keeps its sum through the tick.
    assert_eq!(ready(&mut recv), [1, 11, 111]);
}

#[test]
fn a_deferred_item_in_a_top_level_loop_makes_it_run_next_tick() {
    let (send, mut recv) = unbounded_channel::<(u64, u32)>();
    let mut flow = tideflow::flow! {
        start = source_iter([1]);
        loop {
            step = union() -> tee();
            start -> batch() -> step;
            step -> filter(|x| *x < 3) -> map(|x| x + 1) -> defer_tick() -> step;
            step -> out;
        };
        out = all_iterations() -> for_each(|x| send.send((context.current_tick(), x)).unwrap());
    };
    assert_eq!(flow.run_available_sync(), 3);
    assert_eq!(ready(&mut recv), [(0, 1), (1, 2), (2, 3)]);
}

#[test]
fn lazy_items_are_seen_only_when_the_loop_runs_anyway() {
    let (lazy_input, lazy_recv) = unbounded_channel::<&str>();
    let (trigger_input, trigger_recv) = unbounded_channel::<&str>();
    let (send, mut recv) = unbounded_channel::<&str>();
    let mut flow = tideflow::flow! {
        lazy = source_stream(lazy_recv);
        trigger = source_stream(trigger_recv);
        loop {
            both = union();
            lazy -> batch_lazy() -> both;
            trigger -> batch() -> both;
            both -> out;
        };
        out = all_iterations() -> for_each(|x| send.send(x).unwrap());
    };
    lazy_input.send("dropped").unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), Vec::<&str>::new());
    lazy_input.send("seen").unwrap();
    trigger_input.send("trigger").unwrap();
    flow.run_tick_sync();
    let mut got = ready(&mut recv);
    got.sort();
    assert_eq!(got, ["seen", "trigger"]);
}

#[test]
fn an_eager_loop_runs_every_tick_even_without_items() {
    let (send, mut recv) = unbounded_channel::<usize>();
    let mut flow = tideflow::flow! {
        nothing = null::<u32>();
        loop {
            nothing -> batch_eager() -> fold(|| 0, |count: &mut usize, _| *count += 1) -> out;
        };
        out = all_iterations() -> for_each(|n| send.send(n).unwrap());
    };
    for _ in 0..3 {
        flow.run_tick_sync();
    }
    assert_eq!(ready(&mut recv), [0, 0, 0]);
}

#[test]
fn an_idle_top_level_loop_does_not_run_its_aggregations() {
    let (input, input_recv) = unbounded_channel::<u32>();
    let (send, mut recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        numbers = source_stream(input_recv);
        loop {
            numbers -> batch() -> fold(|| 0, |sum: &mut u32, x| *sum += x) -> out;
        };
        out = all_iterations() -> for_each(|x| send.send(x).unwrap());
    };
    input.send(4).unwrap();
    input.send(5).unwrap();
    flow.run_tick_sync();
    flow.run_tick_sync();
    assert_eq!(
        ready(&mut recv),
        [9],
        "the loop (and its fold) only runs when items enter"
    );
}
