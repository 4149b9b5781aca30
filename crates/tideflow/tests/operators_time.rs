//! Behaviour of the operators about time: `defer_tick` (including a cross-tick feedback loop),
//! `defer_tick_lazy`, `persist::<'static>` replay, and reading the tick number through
//! `context.current_tick()`.

mod common;

use common::{ready, ready_sorted};

use std::cell::RefCell;

use tideflow::util::unbounded_channel;

// ----- defer_tick -----

#[test]
fn defer_tick_items_appear_in_the_next_tick() {
    let (send, mut recv) = unbounded_channel::<(u64, i32)>();
    let mut flow = tideflow::flow! {
        source_iter([1, 2])
            -> defer_tick()
            -> map(|x| (context.current_tick(), x))
            -> for_each(|pair| send.send(pair).unwrap());
    };
    assert!(flow.run_tick_sync());
    assert_eq!(ready(&mut recv), Vec::<(u64, i32)>::new());
    assert!(flow.run_tick_sync());
    assert_eq!(ready(&mut recv), [(1, 1), (1, 2)]);
    assert!(!flow.run_tick_sync());
    assert_eq!(ready(&mut recv), Vec::<(u64, i32)>::new());
}

#[test]
fn defer_tick_makes_run_available_run_the_next_tick() {
    let (send, mut recv) = unbounded_channel::<(u64, i32)>();
    let mut flow = tideflow::flow! {
        source_iter([1, 2])
            -> defer_tick()
            -> map(|x| (context.current_tick(), x))
            -> for_each(|pair| send.send(pair).unwrap());
    };
    assert_eq!(flow.run_available_sync(), 2);
    assert_eq!(ready(&mut recv), [(1, 1), (1, 2)]);
    assert_eq!(flow.current_tick(), 2);
}

#[test]
fn defer_tick_chained_twice_delays_two_ticks() {
    let (send, mut recv) = unbounded_channel::<(u64, char)>();
    let mut flow = tideflow::flow! {
        source_iter(['z'])
            -> defer_tick()
            -> defer_tick()
            -> map(|x| (context.current_tick(), x))
            -> for_each(|pair| send.send(pair).unwrap());
    };
    assert_eq!(flow.run_available_sync(), 3);
    assert_eq!(ready(&mut recv), [(2, 'z')]);
}

#[test]
fn defer_tick_with_a_type_argument() {
    let (send, mut recv) = unbounded_channel::<u8>();
    let mut flow = tideflow::flow! {
        source_iter(vec![3, 4]) -> defer_tick::<u8>() -> map(|x| x.pow(2)) -> for_each(|x| send.send(x).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [9, 16]);
}

#[test]
fn defer_tick_delays_each_ticks_stream_items_by_one_tick() {
    let (input, input_recv) = unbounded_channel::<u32>();
    let (send, mut recv) = unbounded_channel::<(u64, u32)>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv)
            -> defer_tick()
            -> map(|x| (context.current_tick(), x))
            -> for_each(|pair| send.send(pair).unwrap());
    };
    input.send(1).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), Vec::<(u64, u32)>::new());
    input.send(2).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [(1, 1)]);
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [(2, 2)]);
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), Vec::<(u64, u32)>::new());
}

#[test]
fn defer_tick_feedback_loop_runs_ticks_zero_one_two_and_run_available_stops() {
    let (send, mut recv) = unbounded_channel::<(u64, i32)>();
    let mut flow = tideflow::flow! {
        u = union() -> tee();
        source_iter([1]) -> u;
        u -> map(|x| (context.current_tick(), x)) -> for_each(|pair| send.send(pair).unwrap());
        u -> map(|x| x + 1) -> filter(|x| *x < 4) -> defer_tick() -> u;
    };
    assert_eq!(flow.run_available_sync(), 3);
    assert_eq!(ready(&mut recv), [(0, 1), (1, 2), (2, 3)]);
    assert_eq!(flow.current_tick(), 3);
    // Nothing is left in the loop.
    assert!(!flow.run_tick_sync());
    assert_eq!(ready(&mut recv), Vec::<(u64, i32)>::new());
}

#[test]
fn defer_tick_feedback_loop_without_a_tee_counts_down() {
    let seen = RefCell::new(Vec::new());
    let mut flow = tideflow::flow! {
        u = union()
            -> map(|x| (context.current_tick(), x))
            -> inspect(|pair| seen.borrow_mut().push(*pair))
            -> map(|(_, x)| x - 1)
            -> filter(|x| *x >= 0)
            -> defer_tick()
            -> u;
        source_iter([3]) -> u;
    };
    assert_eq!(flow.run_available_sync(), 4);
    assert_eq!(*seen.borrow(), [(0, 3), (1, 2), (2, 1), (3, 0)]);
}

// ----- defer_tick_lazy -----

#[test]
fn defer_tick_lazy_does_not_cause_a_tick() {
    let (send, mut recv) = unbounded_channel::<(u64, i32)>();
    let mut flow = tideflow::flow! {
        source_iter([1, 2])
            -> defer_tick_lazy()
            -> map(|x| (context.current_tick(), x))
            -> for_each(|pair| send.send(pair).unwrap());
    };
    assert_eq!(flow.run_available_sync(), 1);
    assert_eq!(ready(&mut recv), Vec::<(u64, i32)>::new());
    // The data shows up in the next tick that runs anyway.
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [(1, 1), (1, 2)]);
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), Vec::<(u64, i32)>::new());
}

#[test]
fn defer_tick_lazy_data_waits_for_a_tick_caused_by_new_input() {
    let (input, input_recv) = unbounded_channel::<u32>();
    let (send, mut recv) = unbounded_channel::<(u64, &'static str, u32)>();
    let mut flow = tideflow::flow! {
        inp = source_stream(input_recv) -> tee();
        inp -> map(|x| (context.current_tick(), "now", x)) -> [now]out;
        inp -> defer_tick_lazy() -> map(|x| (context.current_tick(), "lazy", x)) -> [lazy]out;
        out = union() -> for_each(|x| send.send(x).unwrap());
    };
    input.send(1).unwrap();
    assert_eq!(flow.run_available_sync(), 1);
    assert_eq!(ready_sorted(&mut recv), [(0, "now", 1)]);
    input.send(2).unwrap();
    assert_eq!(flow.run_available_sync(), 1);
    assert_eq!(ready_sorted(&mut recv), [(1, "lazy", 1), (1, "now", 2)]);
    flow.run_tick_sync();
    assert_eq!(ready_sorted(&mut recv), [(2, "lazy", 2)]);
}

#[test]
fn defer_tick_lazy_feedback_loop_advances_only_when_ticks_are_run() {
    let seen = RefCell::new(Vec::new());
    let mut flow = tideflow::flow! {
        u = union()
            -> map(|x| (context.current_tick(), x))
            -> inspect(|pair| seen.borrow_mut().push(*pair))
            -> map(|(_, x)| x + 1)
            -> defer_tick_lazy()
            -> u;
        source_iter([0]) -> u;
    };
    assert_eq!(flow.run_available_sync(), 1);
    assert_eq!(*seen.borrow(), [(0, 0)]);
    assert_eq!(flow.run_available_sync(), 1);
    assert_eq!(flow.run_available_sync(), 1);
    assert_eq!(*seen.borrow(), [(0, 0), (1, 1), (2, 2)]);
}

// ----- persist -----

#[test]
fn persist_static_replays_the_whole_history_every_tick() {
    let (input, input_recv) = unbounded_channel::<char>();
    let (send, mut recv) = unbounded_channel::<char>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv) -> persist::<'static>() -> for_each(|x| send.send(x).unwrap());
    };
    input.send('a').unwrap();
    input.send('b').unwrap();
    flow.run_tick_sync();
    assert_eq!(ready_sorted(&mut recv), ['a', 'b']);
    input.send('c').unwrap();
    flow.run_tick_sync();
    assert_eq!(ready_sorted(&mut recv), ['a', 'b', 'c']);
    flow.run_tick_sync();
    assert_eq!(ready_sorted(&mut recv), ['a', 'b', 'c']);
    input.send('a').unwrap();
    flow.run_tick_sync();
    assert_eq!(ready_sorted(&mut recv), ['a', 'a', 'b', 'c']);
}

#[test]
fn persist_static_replays_a_source_iter_in_every_later_tick() {
    let (send, mut recv) = unbounded_channel::<(u64, i32)>();
    let mut flow = tideflow::flow! {
        source_iter([1, 2, 3])
            -> persist::<'static>()
            -> map(|x| (context.current_tick(), x))
            -> for_each(|pair| send.send(pair).unwrap());
    };
    for tick in 0..4 {
        flow.run_tick_sync();
        assert_eq!(ready_sorted(&mut recv), [(tick, 1), (tick, 2), (tick, 3)]);
    }
}

#[test]
fn persist_static_with_a_type_argument_replays() {
    let (send, mut recv) = unbounded_channel::<u16>();
    let mut flow = tideflow::flow! {
        source_iter(vec![7]) -> persist::<'static, u16>() -> map(|x| x.swap_bytes()) -> for_each(|x| send.send(x).unwrap());
    };
    flow.run_tick_sync();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [0x0700, 0x0700]);
}

#[test]
fn persist_static_behind_a_handoff_still_replays_in_ticks_without_input() {
    let (send, mut recv) = unbounded_channel::<(u64, i32)>();
    let mut flow = tideflow::flow! {
        h = source_iter([1, 2]) -> handoff();
        h -> persist::<'static>()
            -> map(|x| (context.current_tick(), x))
            -> for_each(|pair| send.send(pair).unwrap());
    };
    for tick in 0..3 {
        flow.run_tick_sync();
        assert_eq!(ready_sorted(&mut recv), [(tick, 1), (tick, 2)]);
    }
}

#[test]
fn persist_static_feeding_a_tick_fold_sums_the_history_every_tick() {
    let (input, input_recv) = unbounded_channel::<u32>();
    let (send, mut recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv)
            -> persist::<'static>()
            -> fold(|| 0, |acc: &mut u32, x| *acc += x)
            -> for_each(|x| send.send(x).unwrap());
    };
    input.send(1).unwrap();
    flow.run_tick_sync();
    input.send(10).unwrap();
    flow.run_tick_sync();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [1, 11, 11]);
}

// ----- context.current_tick() -----

#[test]
fn current_tick_in_a_map_argument_counts_ticks() {
    let (input, input_recv) = unbounded_channel::<()>();
    let (send, mut recv) = unbounded_channel::<u64>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv) -> map(|()| context.current_tick()) -> for_each(|t| send.send(t).unwrap());
    };
    for tick in 0..5 {
        input.send(()).unwrap();
        flow.run_tick_sync();
        assert_eq!(ready(&mut recv), [tick]);
        assert_eq!(flow.current_tick(), tick + 1);
    }
    // Idle ticks still advance the counter.
    flow.run_tick_sync();
    flow.run_tick_sync();
    input.send(()).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [7]);
}

#[test]
fn current_tick_in_a_non_move_closure_updates_the_callers_variable() {
    // A closure that is not `move` borrows what it captures, as in plain Rust, even though an
    // argument that mentions `context` is evaluated at every run.
    let mut total = 0u64;
    {
        let mut flow = tideflow::flow! {
            source_iter([(), ()]) -> defer_tick() -> for_each(|()| total += context.current_tick());
        };
        assert_eq!(flow.run_available_sync(), 2);
    }
    assert_eq!(total, 2);
}

#[test]
fn current_tick_matches_in_every_operator_of_a_tick() {
    let (send, mut recv) = unbounded_channel::<(u64, u64)>();
    let mut flow = tideflow::flow! {
        spin()
            -> map(|()| context.current_tick())
            -> filter(|t| *t % 2 == context.current_tick() % 2)
            -> map(|t| (t, context.current_tick()))
            -> for_each(|pair| send.send(pair).unwrap());
    };
    for _ in 0..3 {
        flow.run_tick_sync();
    }
    assert_eq!(ready(&mut recv), [(0, 0), (1, 1), (2, 2)]);
}
