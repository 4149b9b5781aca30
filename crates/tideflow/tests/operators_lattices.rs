//! Lattice operators: `lattice_fold`, `lattice_reduce`, `state`, `state_by` and
//! `lattice_bimorphism`, with their persistence.

mod common;

use common::ready;

use std::collections::{HashMap, HashSet};

use tideflow::lattices::{DomPair, MapUnion, Max, SetUnionHashSet};
use tideflow::util::unbounded_channel;

#[test]
fn lattice_fold_tick_emits_each_ticks_merge_and_init_without_input() {
    let (input, input_recv) = unbounded_channel::<u32>();
    let (send, mut recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv) -> map(Max::new) -> lattice_fold(Max::<u32>::default)
            -> for_each(|max| send.send(max.into_value()).unwrap());
    };
    input.send(3).unwrap();
    input.send(7).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [7]);
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [0]);
    input.send(2).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [2]);
}

#[test]
fn lattice_fold_static_keeps_the_merged_value_across_ticks() {
    let (input, input_recv) = unbounded_channel::<u32>();
    let (send, mut recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv) -> map(Max::new) -> lattice_fold::<'static>(Max::<u32>::default)
            -> for_each(|max| send.send(max.into_value()).unwrap());
    };
    input.send(3).unwrap();
    flow.run_tick_sync();
    input.send(1).unwrap();
    flow.run_tick_sync();
    flow.run_tick_sync();
    input.send(9).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [3, 3, 3, 9]);
}

#[test]
fn lattice_reduce_tick_and_static() {
    let (input, input_recv) = unbounded_channel::<u32>();
    let (tick_send, mut tick_recv) = unbounded_channel::<u32>();
    let (static_send, mut static_recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        numbers = source_stream(input_recv) -> map(Max::new) -> tee();
        numbers -> lattice_reduce() -> for_each(|m: Max<u32>| tick_send.send(m.into_value()).unwrap());
        numbers -> lattice_reduce::<'static>() -> for_each(|m: Max<u32>| static_send.send(m.into_value()).unwrap());
    };
    input.send(4).unwrap();
    input.send(2).unwrap();
    flow.run_tick_sync();
    flow.run_tick_sync();
    input.send(3).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut tick_recv), [4, 3]);
    assert_eq!(ready(&mut static_recv), [4, 4, 4]);
}

#[test]
fn state_items_are_the_deltas_and_state_is_the_merged_lattice() {
    let (input, input_recv) = unbounded_channel::<u32>();
    let (items_send, mut items_recv) = unbounded_channel::<u32>();
    let (state_send, mut state_recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        max = source_stream(input_recv) -> map(Max::new) -> state::<'static, Max<u32>>();
        max[items] -> for_each(|m| items_send.send(m.into_value()).unwrap());
        max[state] -> for_each(|m| state_send.send(m.into_value()).unwrap());
    };
    for x in [3, 1, 5] {
        input.send(x).unwrap();
    }
    flow.run_tick_sync();
    assert_eq!(ready(&mut items_recv), [3, 5]);
    assert_eq!(ready(&mut state_recv), [5]);
    input.send(4).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut items_recv), Vec::<u32>::new());
    assert_eq!(ready(&mut state_recv), [5]);
}

#[test]
fn tick_state_starts_from_bottom_every_tick() {
    let (input, input_recv) = unbounded_channel::<u32>();
    let (items_send, mut items_recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        max = source_stream(input_recv) -> map(Max::new) -> state();
        max[items] -> for_each(|m: Max<u32>| items_send.send(m.into_value()).unwrap());
    };
    input.send(5).unwrap();
    flow.run_tick_sync();
    input.send(4).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut items_recv), [5, 4]);
}

#[test]
fn state_with_only_the_state_port_connected() {
    let (send, mut recv) = unbounded_channel::<usize>();
    let mut flow = tideflow::flow! {
        words = source_iter(["a", "b", "a"])
            -> state_by(|w: &'static str| SetUnionHashSet::new(HashSet::from([w])), SetUnionHashSet::default);
        words[state] -> for_each(|set: SetUnionHashSet<&str>| send.send(set.into_set().len()).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [2]);
}

#[test]
fn a_last_writer_wins_map_converges_whatever_the_order() {
    type Register = DomPair<Max<u64>, Max<&'static str>>;
    let writes = [
        ("x", 1, "old"),
        ("y", 5, "why"),
        ("x", 3, "new"),
        ("x", 2, "mid"),
    ];
    let mut results = Vec::new();
    for order in [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]] {
        let (send, mut recv) = unbounded_channel::<Vec<(&str, &str)>>();
        let ordered: Vec<_> = order.iter().map(|&i| writes[i]).collect();
        let mut flow = tideflow::flow! {
            source_iter(ordered)
                -> map(|(key, time, value)| MapUnion::new(HashMap::from([(key, Register::new(Max::new(time), Max::new(value)))])))
                -> lattice_fold(MapUnion::<HashMap<&str, Register>>::default)
                -> for_each(|map| {
                    let mut entries: Vec<(&str, &str)> = map
                        .into_map()
                        .into_iter()
                        .map(|(key, register)| (key, register.into_parts().1.into_value()))
                        .collect();
                    entries.sort();
                    send.send(entries).unwrap();
                });
        };
        flow.run_available_sync();
        results.push(ready(&mut recv));
    }
    assert_eq!(results[0], [vec![("x", "new"), ("y", "why")]]);
    assert_eq!(results[0], results[1]);
    assert_eq!(results[0], results[2]);
}

#[test]
fn bimorphism_combines_new_deltas_with_the_other_sides_state() {
    let (send, mut recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        left = source_iter([Max::new(2)]) -> tee();
        right = source_iter([Max::new(10)]) -> tee();
        left_state = left -> lattice_reduce::<'static>() -> singleton();
        right_state = right -> lattice_reduce::<'static>() -> singleton();
        left -> defer_tick() -> [0]sum;
        right -> defer_tick() -> [1]sum;
        sum = lattice_bimorphism(|a: &Max<u32>, b: &Max<u32>| Max::new(a.value() + b.value()), #left_state, #right_state)
            -> for_each(|m: Max<u32>| send.send(m.into_value()).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [12]);
}

#[test]
fn a_static_state_without_its_state_port_does_not_run_in_idle_ticks() {
    let (input, input_recv) = unbounded_channel::<u32>();
    let (items_send, mut items_recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        max = source_stream(input_recv) -> map(Max::new) -> state::<'static, Max<u32>>();
        max[items] -> for_each(|m| items_send.send(m.into_value()).unwrap());
    };
    input.send(3).unwrap();
    assert!(flow.run_tick_sync());
    assert!(!flow.run_tick_sync(), "no input and no [state] to re-emit");
    input.send(2).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut items_recv), [3]);
}
