//! Behaviour of the element-wise operators: `map`, `filter`, `filter_map`, `flat_map`, `flatten`,
//! `inspect`, `identity`, `for_each`, `tee`, `union`, and the stateful streaming ones `enumerate`,
//! `unique` and `multiset_delta` with every persistence across ticks.

mod common;

use common::{ready, ready_sorted};

use std::cell::RefCell;
use std::rc::Rc;

use futures::Stream;
use tideflow::util::unbounded_channel;

// ----- map -----

#[test]
fn map_applies_the_function_to_every_item_in_order() {
    let (send, mut recv) = unbounded_channel::<i32>();
    let mut flow = tideflow::flow! {
        source_iter(0..5) -> map(|x| x * 10) -> for_each(|x| send.send(x).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [0, 10, 20, 30, 40]);
}

#[test]
fn map_can_change_the_item_type() {
    let (send, mut recv) = unbounded_channel::<String>();
    let mut flow = tideflow::flow! {
        source_iter([1, 22, 333]) -> map(|x: u32| x.to_string()) -> map(|s| s + "!") -> for_each(|s| send.send(s).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), ["1!", "22!", "333!"]);
}

#[test]
fn map_move_closure_is_built_once_so_its_state_survives_across_ticks() {
    let (input, input_recv) = unbounded_channel::<char>();
    let (send, mut recv) = unbounded_channel::<(u32, char)>();
    let mut count = 0;
    let mut flow = tideflow::flow! {
        source_stream(input_recv)
            -> map(move |c| {
                count += 1;
                (count, c)
            })
            -> for_each(|pair| send.send(pair).unwrap());
    };
    input.send('a').unwrap();
    input.send('b').unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [(1, 'a'), (2, 'b')]);
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), Vec::<(u32, char)>::new());
    input.send('c').unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [(3, 'c')]);
}

#[test]
fn map_moving_a_non_copy_value_into_the_closure_works() {
    let (send, mut recv) = unbounded_channel::<String>();
    let prefix = String::from("item-");
    let mut flow = tideflow::flow! {
        source_iter([1, 2]) -> map(move |x| format!("{prefix}{x}")) -> for_each(|s| send.send(s).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), ["item-1", "item-2"]);
}

// ----- filter -----

#[test]
fn filter_keeps_items_for_which_the_predicate_holds() {
    let (send, mut recv) = unbounded_channel::<i32>();
    let mut flow = tideflow::flow! {
        source_iter(0..10) -> filter(|x| x % 3 == 0) -> for_each(|x| send.send(x).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [0, 3, 6, 9]);
}

#[test]
fn filter_predicate_sees_a_reference_and_the_item_passes_unchanged() {
    let (send, mut recv) = unbounded_channel::<String>();
    let mut flow = tideflow::flow! {
        source_iter(["apple", "kiwi", "banana"])
            -> map(String::from)
            -> filter(|s: &String| s.len() > 4)
            -> for_each(|s| send.send(s).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), ["apple", "banana"]);
}

#[test]
fn filter_with_context_is_evaluated_at_each_run() {
    let (input, input_recv) = unbounded_channel::<u64>();
    let (send, mut recv) = unbounded_channel::<u64>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv)
            -> filter(|x| *x == context.current_tick())
            -> for_each(|x| send.send(x).unwrap());
    };
    for tick in 0..3 {
        for x in 0..3 {
            input.send(x).unwrap();
        }
        flow.run_tick_sync();
        assert_eq!(ready(&mut recv), [tick]);
    }
}

// ----- filter_map -----

#[test]
fn filter_map_keeps_the_some_values() {
    let (send, mut recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        source_iter(["1", "x", "3", "", "40"])
            -> filter_map(|s| s.parse::<u32>().ok())
            -> for_each(|x| send.send(x).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [1, 3, 40]);
}

// ----- flat_map / flatten -----

#[test]
fn flat_map_emits_every_element_of_each_result_in_order() {
    let (send, mut recv) = unbounded_channel::<(u32, u32)>();
    let mut flow = tideflow::flow! {
        source_iter([0, 1, 2, 3])
            -> flat_map(|n| (0..n).map(move |i| (n, i)))
            -> for_each(|pair| send.send(pair).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(
        ready(&mut recv),
        [(1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2)]
    );
}

#[test]
#[deny(for_loops_over_fallibles)]
fn flat_map_to_a_vec_and_to_an_option() {
    let (send, mut recv) = unbounded_channel::<char>();
    let mut flow = tideflow::flow! {
        source_iter(["ab", "", "c"])
            -> flat_map(|s: &str| s.chars().collect::<Vec<_>>())
            -> flat_map(|c| (c != 'b').then_some(c))
            -> for_each(|c| send.send(c).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), ['a', 'c']);
}

#[test]
fn flatten_emits_the_elements_of_iterable_items() {
    let (send, mut recv) = unbounded_channel::<i32>();
    let mut flow = tideflow::flow! {
        source_iter(vec![vec![1, 2], vec![], vec![3]]) -> flatten() -> for_each(|x| send.send(x).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [1, 2, 3]);
}

#[test]
#[deny(for_loops_over_fallibles)]
fn flatten_of_options_drops_the_nones() {
    let (send, mut recv) = unbounded_channel::<i32>();
    let mut flow = tideflow::flow! {
        source_iter([Some(1), None, Some(3)]) -> flatten() -> for_each(|x| send.send(x).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [1, 3]);
}

// ----- inspect -----

#[test]
fn inspect_sees_every_item_and_passes_it_on() {
    let seen = RefCell::new(Vec::new());
    let (send, mut recv) = unbounded_channel::<i32>();
    let mut flow = tideflow::flow! {
        source_iter([5, 6, 7])
            -> inspect(|x| seen.borrow_mut().push(*x))
            -> map(|x| x * 2)
            -> for_each(|x| send.send(x).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(*seen.borrow(), [5, 6, 7]);
    assert_eq!(ready(&mut recv), [10, 12, 14]);
}

#[test]
fn inspect_without_output_ends_a_pipeline() {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let mut flow = tideflow::flow! {
        source_iter(["a", "b"]) -> inspect({
            let seen = Rc::clone(&seen);
            move |s: &&str| seen.borrow_mut().push(s.to_string())
        });
    };
    assert_eq!(flow.run_available_sync(), 1);
    assert_eq!(*seen.borrow(), ["a", "b"]);
}

// ----- identity -----

#[test]
fn identity_passes_items_unchanged() {
    let (send, mut recv) = unbounded_channel::<&str>();
    let mut flow = tideflow::flow! {
        source_iter(["x", "y"]) -> identity() -> identity() -> for_each(|s| send.send(s).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), ["x", "y"]);
}

#[test]
fn identity_with_a_type_argument_pins_the_item_type() {
    // Without `::<u8>` the literals are `{integer}` and `leading_zeros` is ambiguous.
    let (send, mut recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        source_iter(vec![1, 2, 255])
            -> identity::<u8>()
            -> map(|x| x.leading_zeros())
            -> for_each(|x| send.send(x).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [7, 6, 0]);
}

// ----- for_each -----

#[test]
fn for_each_calls_the_function_once_per_item_in_order() {
    let seen = RefCell::new(Vec::new());
    let mut flow = tideflow::flow! {
        source_iter('a'..='e') -> for_each(|c| seen.borrow_mut().push(c));
    };
    flow.run_available_sync();
    assert_eq!(*seen.borrow(), ['a', 'b', 'c', 'd', 'e']);
}

#[test]
fn for_each_move_closure_keeps_its_state_across_ticks() {
    let (input, input_recv) = unbounded_channel::<u32>();
    let (send, mut recv) = unbounded_channel::<u32>();
    let mut total = 0;
    let mut flow = tideflow::flow! {
        source_stream(input_recv) -> for_each(move |x| {
            total += x;
            send.send(total).unwrap();
        });
    };
    input.send(1).unwrap();
    input.send(2).unwrap();
    flow.run_tick_sync();
    input.send(10).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [1, 3, 13]);
}

// ----- tee -----

#[test]
fn tee_sends_every_item_to_each_of_three_outputs() {
    let (a_send, mut a_recv) = unbounded_channel::<i32>();
    let (b_send, mut b_recv) = unbounded_channel::<i32>();
    let (c_send, mut c_recv) = unbounded_channel::<i32>();
    let mut flow = tideflow::flow! {
        t = source_iter([1, 2, 3]) -> tee();
        t -> for_each(|x| a_send.send(x).unwrap());
        t -> map(|x| x * 10) -> for_each(|x| b_send.send(x).unwrap());
        t -> filter(|x| *x != 2) -> for_each(|x| c_send.send(x).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut a_recv), [1, 2, 3]);
    assert_eq!(ready(&mut b_recv), [10, 20, 30]);
    assert_eq!(ready(&mut c_recv), [1, 3]);
}

#[test]
fn tee_clones_non_copy_items_for_each_output() {
    let (send, mut recv) = unbounded_channel::<(u8, String)>();
    let mut flow = tideflow::flow! {
        t = source_iter(["p", "q"]) -> map(String::from) -> tee();
        t -> map(|s| (0, s)) -> [0]out;
        t -> map(|s| (1, s + "!")) -> [1]out;
        t -> map(|s| (2, s.to_uppercase())) -> [2]out;
        out = union() -> for_each(|pair| send.send(pair).unwrap());
    };
    flow.run_available_sync();
    let expected: Vec<(u8, String)> = vec![
        (0, "p".into()),
        (0, "q".into()),
        (1, "p!".into()),
        (1, "q!".into()),
        (2, "P".into()),
        (2, "Q".into()),
    ];
    assert_eq!(ready_sorted(&mut recv), expected);
}

// ----- union -----

#[test]
fn union_merges_three_named_inputs() {
    let (send, mut recv) = unbounded_channel::<i32>();
    let mut flow = tideflow::flow! {
        u = union() -> for_each(|x| send.send(x).unwrap());
        source_iter([1, 2]) -> [a]u;
        source_iter([10]) -> [b]u;
        source_iter([100, 200]) -> [c]u;
    };
    flow.run_available_sync();
    assert_eq!(ready_sorted(&mut recv), [1, 2, 10, 100, 200]);
}

#[test]
fn union_keeps_each_inputs_order() {
    let (send, mut recv) = unbounded_channel::<(char, i32)>();
    let mut flow = tideflow::flow! {
        u = union() -> for_each(|x| send.send(x).unwrap());
        source_iter([3, 1, 2]) -> map(|x| ('a', x)) -> [0]u;
        source_iter([9, 8]) -> map(|x| ('b', x)) -> [1]u;
        source_iter([5, 4, 6]) -> map(|x| ('c', x)) -> [2]u;
    };
    flow.run_available_sync();
    let got = ready(&mut recv);
    let of = |tag: char| -> Vec<i32> {
        got.iter()
            .filter(|(t, _)| *t == tag)
            .map(|(_, x)| *x)
            .collect()
    };
    assert_eq!(of('a'), [3, 1, 2]);
    assert_eq!(of('b'), [9, 8]);
    assert_eq!(of('c'), [5, 4, 6]);
    assert_eq!(got.len(), 8);
}

#[test]
fn union_of_a_tee_diamond_gets_both_copies() {
    let (send, mut recv) = unbounded_channel::<i32>();
    let mut flow = tideflow::flow! {
        t = source_iter([1, 2]) -> tee();
        t -> [x]u;
        t -> map(|x| -x) -> [y]u;
        u = union() -> for_each(|x| send.send(x).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready_sorted(&mut recv), [-2, -1, 1, 2]);
}

#[test]
fn union_of_streams_merges_per_tick() {
    let (a, a_recv) = unbounded_channel::<u32>();
    let (b, b_recv) = unbounded_channel::<u32>();
    let (c, c_recv) = unbounded_channel::<u32>();
    let (send, mut recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        u = union() -> for_each(|x| send.send(x).unwrap());
        source_stream(a_recv) -> [first]u;
        source_stream(b_recv) -> [second]u;
        source_stream(c_recv) -> [third]u;
    };
    a.send(1).unwrap();
    c.send(3).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready_sorted(&mut recv), [1, 3]);
    b.send(2).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready_sorted(&mut recv), [2]);
    flow.run_tick_sync();
    assert_eq!(ready_sorted(&mut recv), Vec::<u32>::new());
}

// ----- enumerate -----

/// Runs `flow` over ticks fed with `batches` through `input`, returning each tick's output.
fn per_tick<T, U>(
    flow: &mut tideflow::Flow<'_>,
    input: &tokio::sync::mpsc::UnboundedSender<T>,
    output: &mut (impl Stream<Item = U> + Unpin),
    batches: Vec<Vec<T>>,
) -> Vec<Vec<U>> {
    batches
        .into_iter()
        .map(|batch| {
            for item in batch {
                input.send(item).unwrap();
            }
            flow.run_tick_sync();
            ready(output)
        })
        .collect()
}

#[test]
fn enumerate_default_restarts_at_zero_every_tick() {
    let (input, input_recv) = unbounded_channel::<char>();
    let (send, mut recv) = unbounded_channel::<(usize, char)>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv) -> enumerate() -> for_each(|x| send.send(x).unwrap());
    };
    let got = per_tick(
        &mut flow,
        &input,
        &mut recv,
        vec![vec!['a', 'b'], vec![], vec!['c', 'd', 'e']],
    );
    assert_eq!(
        got,
        [
            vec![(0, 'a'), (1, 'b')],
            vec![],
            vec![(0, 'c'), (1, 'd'), (2, 'e')]
        ]
    );
}

#[test]
fn enumerate_tick_restarts_at_zero_every_tick() {
    let (input, input_recv) = unbounded_channel::<char>();
    let (send, mut recv) = unbounded_channel::<(usize, char)>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv) -> enumerate::<'tick>() -> for_each(|x| send.send(x).unwrap());
    };
    let got = per_tick(
        &mut flow,
        &input,
        &mut recv,
        vec![vec!['a', 'b'], vec!['c']],
    );
    assert_eq!(got, [vec![(0, 'a'), (1, 'b')], vec![(0, 'c')]]);
}

#[test]
fn enumerate_static_continues_counting_across_ticks() {
    let (input, input_recv) = unbounded_channel::<char>();
    let (send, mut recv) = unbounded_channel::<(usize, char)>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv) -> enumerate::<'static>() -> for_each(|x| send.send(x).unwrap());
    };
    let got = per_tick(
        &mut flow,
        &input,
        &mut recv,
        vec![vec!['a', 'b'], vec![], vec!['c'], vec!['d', 'e']],
    );
    assert_eq!(
        got,
        [
            vec![(0, 'a'), (1, 'b')],
            vec![],
            vec![(2, 'c')],
            vec![(3, 'd'), (4, 'e')]
        ]
    );
}

// ----- unique -----

#[test]
fn unique_default_forgets_at_the_end_of_each_tick() {
    let (input, input_recv) = unbounded_channel::<i32>();
    let (send, mut recv) = unbounded_channel::<i32>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv) -> unique() -> for_each(|x| send.send(x).unwrap());
    };
    let got = per_tick(
        &mut flow,
        &input,
        &mut recv,
        vec![vec![1, 2, 1, 3, 2], vec![2, 2, 4], vec![], vec![1]],
    );
    assert_eq!(got, [vec![1, 2, 3], vec![2, 4], vec![], vec![1]]);
}

#[test]
fn unique_tick_forgets_at_the_end_of_each_tick() {
    let (input, input_recv) = unbounded_channel::<i32>();
    let (send, mut recv) = unbounded_channel::<i32>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv) -> unique::<'tick>() -> for_each(|x| send.send(x).unwrap());
    };
    let got = per_tick(
        &mut flow,
        &input,
        &mut recv,
        vec![vec![1, 2, 1, 3, 2], vec![2, 2, 4]],
    );
    assert_eq!(got, [vec![1, 2, 3], vec![2, 4]]);
}

#[test]
fn unique_static_remembers_across_ticks() {
    let (input, input_recv) = unbounded_channel::<i32>();
    let (send, mut recv) = unbounded_channel::<i32>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv) -> unique::<'static>() -> for_each(|x| send.send(x).unwrap());
    };
    let got = per_tick(
        &mut flow,
        &input,
        &mut recv,
        vec![vec![1, 2, 1, 3, 2], vec![2, 2, 4], vec![], vec![1, 5, 4]],
    );
    assert_eq!(got, [vec![1, 2, 3], vec![4], vec![], vec![5]]);
}

#[test]
fn unique_of_non_copy_items() {
    let (send, mut recv) = unbounded_channel::<String>();
    let mut flow = tideflow::flow! {
        source_iter(["a", "b", "a", "c", "b"]) -> map(String::from) -> unique() -> for_each(|s| send.send(s).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), ["a", "b", "c"]);
}

// ----- multiset_delta -----

#[test]
fn multiset_delta_emits_only_growth_over_the_previous_tick() {
    let (input, input_recv) = unbounded_channel::<&'static str>();
    let (send, mut recv) = unbounded_channel::<&'static str>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv) -> multiset_delta() -> for_each(|x| send.send(x).unwrap());
    };
    let got = per_tick(
        &mut flow,
        &input,
        &mut recv,
        vec![
            vec!["a", "b", "a"],
            vec!["a", "b", "a", "c"],
            vec!["a", "a", "a", "c", "b"],
            vec!["c"],
            vec!["b", "c", "c"],
            vec![],
            vec!["c"],
        ],
    );
    let sorted: Vec<Vec<&str>> = got
        .into_iter()
        .map(|mut tick| {
            tick.sort();
            tick
        })
        .collect();
    assert_eq!(
        sorted,
        [
            vec!["a", "a", "b"],
            vec!["c"],
            vec!["a"],
            vec![],
            vec!["b", "c"],
            vec![],
            vec!["c"],
        ]
    );
}

#[test]
fn multiset_delta_turns_a_static_replay_into_additions() {
    let (input, input_recv) = unbounded_channel::<u32>();
    let (send, mut recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv)
            -> persist::<'static>()
            -> multiset_delta()
            -> for_each(|x| send.send(x).unwrap());
    };
    let got = per_tick(
        &mut flow,
        &input,
        &mut recv,
        vec![vec![1, 2], vec![3], vec![], vec![1], vec![]],
    );
    let sorted: Vec<Vec<u32>> = got
        .into_iter()
        .map(|mut tick| {
            tick.sort();
            tick
        })
        .collect();
    assert_eq!(sorted, [vec![1, 2], vec![3], vec![], vec![1], vec![]]);
}
