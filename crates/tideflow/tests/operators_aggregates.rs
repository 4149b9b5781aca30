//! Behaviour of the blocking aggregates `fold`, `reduce`, `fold_keyed`, `reduce_keyed` and `sort`
//! across ticks, with `'tick` and `'static` persistence.

mod common;

use common::{drive, drive_sorted};

use tideflow::util::{collect_ready, unbounded_channel};

// ----- fold -----

#[test]
fn fold_tick_emits_once_per_tick_and_init_when_there_is_no_input() {
    let (in_send, in_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv)
            -> fold(|| 0, |acc: &mut u32, x| *acc += x)
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive(
        &mut flow,
        &in_send,
        &mut out_recv,
        vec![vec![1, 2], vec![], vec![5], vec![]],
    );
    assert_eq!(got, vec![vec![3], vec![0], vec![5], vec![0]]);
}

#[test]
fn fold_explicit_tick_folds_items_in_arrival_order() {
    let (in_send, in_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv)
            -> fold::<'tick>(Vec::new, |acc: &mut Vec<u32>, x| acc.push(x))
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive(
        &mut flow,
        &in_send,
        &mut out_recv,
        vec![vec![3, 1, 2], vec![], vec![4]],
    );
    assert_eq!(got, vec![vec![vec![3, 1, 2]], vec![vec![]], vec![vec![4]]]);
}

#[test]
fn fold_static_emits_its_running_value_every_tick() {
    let (in_send, in_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv)
            -> fold::<'static>(|| 0, |acc: &mut u32, x| *acc += x)
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive(
        &mut flow,
        &in_send,
        &mut out_recv,
        vec![vec![], vec![1, 2], vec![], vec![5]],
    );
    assert_eq!(got, vec![vec![0], vec![3], vec![3], vec![8]]);
}

#[test]
fn fold_sees_the_whole_ticks_input_from_every_upstream_branch() {
    let (a_send, a_recv) = unbounded_channel::<u32>();
    let (b_send, b_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        both = union()
            -> fold(Vec::new, |acc: &mut Vec<u32>, x| acc.push(x))
            -> for_each(|x| out_send.send(x).unwrap());
        source_stream(a_recv) -> map(|x| x * 10) -> both;
        source_stream(b_recv) -> filter(|x| x % 2 == 1) -> both;
    };
    let mut got = Vec::new();
    for (a, b) in [
        (vec![1, 2], vec![3, 4, 5]),
        (vec![], vec![7]),
        (vec![], vec![]),
    ] {
        for x in a {
            a_send.send(x).unwrap();
        }
        for x in b {
            b_send.send(x).unwrap();
        }
        flow.run_tick_sync();
        let mut tick: Vec<Vec<u32>> = collect_ready(&mut out_recv);
        for folded in &mut tick {
            folded.sort();
        }
        got.push(tick);
    }
    assert_eq!(
        got,
        vec![vec![vec![3, 5, 10, 20]], vec![vec![7]], vec![vec![]]]
    );
}

#[test]
fn fold_without_an_output_compiles_and_runs() {
    let (seen_send, seen_recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        source_iter([1, 2, 3]) -> fold(|| 0, |acc: &mut u32, x: u32| {
            *acc += x;
            seen_send.send(*acc).unwrap();
        });
    };
    flow.run_tick_sync();
    assert_eq!(collect_ready::<Vec<_>, _>(seen_recv), vec![1, 3, 6]);
}

// ----- reduce -----

#[test]
fn reduce_tick_emits_only_in_ticks_with_input() {
    let (in_send, in_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv)
            -> reduce(|acc: &mut u32, x| *acc = (*acc).max(x))
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive(
        &mut flow,
        &in_send,
        &mut out_recv,
        vec![vec![], vec![3, 7, 5], vec![], vec![1]],
    );
    assert_eq!(got, vec![vec![], vec![7], vec![], vec![1]]);
}

#[test]
fn reduce_static_re_emits_its_value_every_tick_once_it_has_one() {
    let (in_send, in_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv)
            -> reduce::<'static>(|acc: &mut u32, x| *acc = (*acc).max(x))
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive(
        &mut flow,
        &in_send,
        &mut out_recv,
        vec![vec![], vec![3, 7, 5], vec![], vec![1], vec![9]],
    );
    assert_eq!(got, vec![vec![], vec![7], vec![7], vec![7], vec![9]]);
}

#[test]
fn reduce_combines_into_the_first_item_in_arrival_order() {
    let (in_send, in_recv) = unbounded_channel::<String>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv)
            -> reduce(|acc: &mut String, x: String| acc.push_str(&x))
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive(
        &mut flow,
        &in_send,
        &mut out_recv,
        vec![
            vec!["a".to_owned(), "b".to_owned(), "c".to_owned()],
            vec!["d".to_owned()],
        ],
    );
    assert_eq!(got, vec![vec!["abc".to_owned()], vec!["d".to_owned()]]);
}

#[test]
fn reduce_without_an_output_compiles_and_runs() {
    let (seen_send, seen_recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        source_iter([4, 9, 2]) -> reduce(|acc: &mut u32, x: u32| {
            *acc = (*acc).max(x);
            seen_send.send(*acc).unwrap();
        });
    };
    flow.run_tick_sync();
    assert_eq!(collect_ready::<Vec<_>, _>(seen_recv), vec![9, 9]);
}

// ----- fold_keyed -----

fn keyed_ticks() -> Vec<Vec<(char, u32)>> {
    vec![
        vec![('a', 1), ('b', 2), ('a', 3)],
        vec![],
        vec![('b', 5), ('c', 1)],
    ]
}

#[test]
fn fold_keyed_tick_emits_one_group_per_key_seen_this_tick() {
    let (in_send, in_recv) = unbounded_channel::<(char, u32)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv)
            -> fold_keyed(|| 0, |acc: &mut u32, v| *acc += v)
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_sorted(&mut flow, &in_send, &mut out_recv, keyed_ticks());
    assert_eq!(
        got,
        vec![vec![('a', 4), ('b', 2)], vec![], vec![('b', 5), ('c', 1)],]
    );
}

#[test]
fn fold_keyed_static_emits_every_group_ever_seen_every_tick() {
    let (in_send, in_recv) = unbounded_channel::<(char, u32)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv)
            -> fold_keyed::<'static>(|| 0, |acc: &mut u32, v| *acc += v)
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_sorted(&mut flow, &in_send, &mut out_recv, keyed_ticks());
    assert_eq!(
        got,
        vec![
            vec![('a', 4), ('b', 2)],
            vec![('a', 4), ('b', 2)],
            vec![('a', 4), ('b', 7), ('c', 1)],
        ]
    );
}

#[test]
fn fold_keyed_type_arguments_pin_key_and_accumulator() {
    let (in_send, in_recv) = unbounded_channel::<(char, u32)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv)
            -> fold_keyed::<char, Vec<u32>>(Vec::new, |acc, v| acc.push(v))
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_sorted(&mut flow, &in_send, &mut out_recv, keyed_ticks());
    assert_eq!(
        got,
        vec![
            vec![('a', vec![1, 3]), ('b', vec![2])],
            vec![],
            vec![('b', vec![5]), ('c', vec![1])],
        ]
    );
}

#[test]
fn fold_keyed_static_with_type_arguments_keeps_groups_across_ticks() {
    let (in_send, in_recv) = unbounded_channel::<(char, u32)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv)
            -> fold_keyed::<'static, char, Vec<u32>>(Vec::new, |acc, v| acc.push(v))
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_sorted(&mut flow, &in_send, &mut out_recv, keyed_ticks());
    assert_eq!(
        got,
        vec![
            vec![('a', vec![1, 3]), ('b', vec![2])],
            vec![('a', vec![1, 3]), ('b', vec![2])],
            vec![('a', vec![1, 3]), ('b', vec![2, 5]), ('c', vec![1])],
        ]
    );
}

#[test]
fn fold_keyed_with_only_a_key_type_argument() {
    let (in_send, in_recv) = unbounded_channel::<(char, u32)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv)
            -> fold_keyed::<'static, char>(|| 0u64, |acc: &mut u64, v: u32| *acc += u64::from(v))
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_sorted(&mut flow, &in_send, &mut out_recv, keyed_ticks());
    assert_eq!(
        got,
        vec![
            vec![('a', 4u64), ('b', 2)],
            vec![('a', 4), ('b', 2)],
            vec![('a', 4), ('b', 7), ('c', 1)],
        ]
    );
}

// ----- reduce_keyed -----

fn string_ticks() -> Vec<Vec<(char, String)>> {
    let owned = |items: &[(char, &str)]| -> Vec<(char, String)> {
        items.iter().map(|&(k, v)| (k, v.to_owned())).collect()
    };
    vec![
        owned(&[('a', "x"), ('b', "y"), ('a', "z")]),
        owned(&[]),
        owned(&[('b', "w"), ('c', "q")]),
    ]
}

fn strings(items: &[(char, &str)]) -> Vec<(char, String)> {
    items.iter().map(|&(k, v)| (k, v.to_owned())).collect()
}

#[test]
fn reduce_keyed_tick_reduces_each_group_of_this_tick() {
    let (in_send, in_recv) = unbounded_channel::<(char, String)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv)
            -> reduce_keyed(|acc: &mut String, v: String| acc.push_str(&v))
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_sorted(&mut flow, &in_send, &mut out_recv, string_ticks());
    assert_eq!(
        got,
        vec![
            strings(&[('a', "xz"), ('b', "y")]),
            vec![],
            strings(&[('b', "w"), ('c', "q")]),
        ]
    );
}

#[test]
fn reduce_keyed_static_keeps_and_re_emits_every_group() {
    let (in_send, in_recv) = unbounded_channel::<(char, String)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv)
            -> reduce_keyed::<'static>(|acc: &mut String, v: String| acc.push_str(&v))
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_sorted(&mut flow, &in_send, &mut out_recv, string_ticks());
    assert_eq!(
        got,
        vec![
            strings(&[('a', "xz"), ('b', "y")]),
            strings(&[('a', "xz"), ('b', "y")]),
            strings(&[('a', "xz"), ('b', "yw"), ('c', "q")]),
        ]
    );
}

#[test]
fn reduce_keyed_type_arguments_pin_key_and_value() {
    let (in_send, in_recv) = unbounded_channel::<(char, u32)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv)
            -> reduce_keyed::<'static, char, u32>(|acc, v| *acc = (*acc).max(v))
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_sorted(&mut flow, &in_send, &mut out_recv, keyed_ticks());
    assert_eq!(
        got,
        vec![
            vec![('a', 3), ('b', 2)],
            vec![('a', 3), ('b', 2)],
            vec![('a', 3), ('b', 5), ('c', 1)],
        ]
    );
}

// ----- sort -----

#[test]
fn sort_emits_each_ticks_items_in_order() {
    let (in_send, in_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv) -> sort() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive(
        &mut flow,
        &in_send,
        &mut out_recv,
        vec![vec![3, 1, 2, 1], vec![], vec![9, 0, 5]],
    );
    assert_eq!(got, vec![vec![1, 1, 2, 3], vec![], vec![0, 5, 9]]);
}

#[test]
fn sort_orders_items_merged_from_several_branches() {
    let (a_send, a_recv) = unbounded_channel::<u32>();
    let (b_send, b_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        both = union() -> sort() -> for_each(|x| out_send.send(x).unwrap());
        source_stream(a_recv) -> both;
        source_stream(b_recv) -> map(|x| x + 100) -> both;
    };
    for x in [50, 10, 30] {
        a_send.send(x).unwrap();
    }
    for x in [5, 0] {
        b_send.send(x).unwrap();
    }
    flow.run_tick_sync();
    assert_eq!(
        collect_ready::<Vec<_>, _>(&mut out_recv),
        vec![10, 30, 50, 100, 105]
    );
    b_send.send(1).unwrap();
    flow.run_tick_sync();
    assert_eq!(collect_ready::<Vec<_>, _>(&mut out_recv), vec![101]);
}

// ----- aggregates in a subgraph of their own -----

#[test]
fn fold_tick_behind_a_handoff_still_emits_init_in_idle_ticks() {
    let (in_send, in_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv)
            -> handoff()
            -> fold(|| 0, |acc: &mut u32, x| *acc += x)
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive(
        &mut flow,
        &in_send,
        &mut out_recv,
        vec![vec![1, 2], vec![], vec![4]],
    );
    assert_eq!(got, vec![vec![3], vec![0], vec![4]]);
}

#[test]
fn static_aggregates_behind_a_handoff_re_emit_in_idle_ticks() {
    let (in_send, in_recv) = unbounded_channel::<(char, u32)>();
    let (keyed_send, mut keyed_recv) = unbounded_channel();
    let (reduced_send, mut reduced_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        items = source_stream(in_recv) -> handoff() -> tee();
        items
            -> fold_keyed::<'static>(|| 0, |acc: &mut u32, v| *acc += v)
            -> for_each(|x| keyed_send.send(x).unwrap());
        items
            -> map(|(_, v)| v)
            -> reduce::<'static>(|acc: &mut u32, v| *acc += v)
            -> for_each(|x| reduced_send.send(x).unwrap());
    };
    let mut keyed = Vec::new();
    let mut reduced = Vec::new();
    for items in [vec![('a', 1), ('b', 2)], vec![], vec![('a', 4)], vec![]] {
        for item in items {
            in_send.send(item).unwrap();
        }
        flow.run_tick_sync();
        let mut tick: Vec<(char, u32)> = collect_ready(&mut keyed_recv);
        tick.sort();
        keyed.push(tick);
        reduced.push(collect_ready::<Vec<u32>, _>(&mut reduced_recv));
    }
    assert_eq!(
        keyed,
        vec![
            vec![('a', 1), ('b', 2)],
            vec![('a', 1), ('b', 2)],
            vec![('a', 5), ('b', 2)],
            vec![('a', 5), ('b', 2)],
        ]
    );
    assert_eq!(reduced, vec![vec![3], vec![3], vec![7], vec![7]]);
}

#[test]
fn aggregate_closure_parameter_types_are_inferred_from_the_input() {
    let (in_send, in_recv) = unbounded_channel::<(char, u32)>();
    let (sum_send, mut sum_recv) = unbounded_channel();
    let (max_send, mut max_recv) = unbounded_channel();
    let (keyed_send, mut keyed_recv) = unbounded_channel();
    let (reduced_send, mut reduced_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        items = source_stream(in_recv) -> tee();
        items
            -> map(|(_, v)| v)
            -> fold(|| 0, |acc, x| *acc += x)
            -> for_each(|x| sum_send.send(x).unwrap());
        items
            -> map(|(_, v)| v)
            -> reduce(|acc, x| *acc = std::cmp::max(*acc, x))
            -> for_each(|x| max_send.send(x).unwrap());
        items -> fold_keyed(|| 0, |acc, v| *acc += v) -> for_each(|x| keyed_send.send(x).unwrap());
        items -> reduce_keyed(|acc, v| *acc += v) -> for_each(|x| reduced_send.send(x).unwrap());
    };
    for item in [('a', 1), ('b', 5), ('a', 2)] {
        in_send.send(item).unwrap();
    }
    flow.run_tick_sync();
    assert_eq!(collect_ready::<Vec<u32>, _>(&mut sum_recv), vec![8]);
    assert_eq!(collect_ready::<Vec<u32>, _>(&mut max_recv), vec![5]);
    let mut keyed: Vec<(char, u32)> = collect_ready(&mut keyed_recv);
    keyed.sort();
    assert_eq!(keyed, vec![('a', 3), ('b', 5)]);
    let mut reduced: Vec<(char, u32)> = collect_ready(&mut reduced_recv);
    reduced.sort();
    assert_eq!(reduced, vec![('a', 3), ('b', 5)]);
}
