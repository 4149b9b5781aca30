//! Behaviour of `join_fused`, `join_fused_lhs`, `join_fused_rhs`, `join_multiset_half`,
//! `cross_join_multiset` and `cross_singleton` across ticks: exact outputs (order included where
//! the operator defines it), every persistence combination, the three aggregator forms, fused
//! upstreams that emit at their flush, and cycles.

mod common;

use common::{drive_pair, drive_pair_sorted, TickInput};

use futures::Stream;
use tideflow::util::{collect_ready, unbounded_channel};
use tideflow::Flow;
use tokio::sync::mpsc::UnboundedSender;

// ----- join_fused -----

/// Three ticks of `(key, count)` on both sides; key 'c' only ever appears on the left.
fn fused_ticks() -> Vec<TickInput<(char, u32), (char, u32)>> {
    vec![
        (
            vec![('b', 1), ('a', 2), ('b', 3), ('c', 1)],
            vec![('a', 10), ('b', 20), ('a', 30)],
        ),
        (vec![('a', 1)], vec![]),
        (vec![], vec![('b', 5)]),
        (vec![], vec![]),
    ]
}

#[test]
fn join_fused_tick_tick_aggregates_and_joins_each_tick() {
    let (l_send, l_recv) = unbounded_channel::<(char, u32)>();
    let (r_send, r_recv) = unbounded_channel::<(char, u32)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        use tideflow::ops::fused::{Fold, Reduce};
        source_stream(l_recv) -> [0]j;
        source_stream(r_recv) -> [1]j;
        j = join_fused(Fold::new(|| 0, |sum, x| *sum += x), Reduce::new(|max, x| *max = std::cmp::max(*max, x)))
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair(&mut flow, &l_send, &r_send, &mut out_recv, fused_ticks());
    assert_eq!(
        got,
        vec![
            // keys in the order `[0]` first saw them
            vec![('b', (4, 20)), ('a', (2, 30))],
            vec![],
            vec![],
            vec![]
        ]
    );
}

#[test]
fn join_fused_static_tick_keeps_the_left_accumulators() {
    let (l_send, l_recv) = unbounded_channel::<(char, u32)>();
    let (r_send, r_recv) = unbounded_channel::<(char, u32)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        use tideflow::ops::fused::{Fold, Reduce};
        source_stream(l_recv) -> [0]j;
        source_stream(r_recv) -> [1]j;
        j = join_fused::<'static, 'tick>(Fold::new(|| 0, |sum, x| *sum += x), Reduce::new(|max, x| *max = std::cmp::max(*max, x)))
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair(&mut flow, &l_send, &r_send, &mut out_recv, fused_ticks());
    assert_eq!(
        got,
        vec![
            vec![('b', (4, 20)), ('a', (2, 30))],
            vec![],
            vec![('b', (4, 5))],
            vec![]
        ]
    );
}

#[test]
fn join_fused_tick_static_keeps_the_right_accumulators() {
    let (l_send, l_recv) = unbounded_channel::<(char, u32)>();
    let (r_send, r_recv) = unbounded_channel::<(char, u32)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        use tideflow::ops::fused::{Fold, Reduce};
        source_stream(l_recv) -> [0]j;
        source_stream(r_recv) -> [1]j;
        j = join_fused::<'tick, 'static>(Fold::new(|| 0, |sum, x| *sum += x), Reduce::new(|max, x| *max = std::cmp::max(*max, x)))
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair(&mut flow, &l_send, &r_send, &mut out_recv, fused_ticks());
    assert_eq!(
        got,
        vec![
            vec![('b', (4, 20)), ('a', (2, 30))],
            vec![('a', (1, 30))],
            vec![],
            vec![]
        ]
    );
}

#[test]
fn join_fused_static_replays_every_key_every_tick() {
    let (l_send, l_recv) = unbounded_channel::<(char, u32)>();
    let (r_send, r_recv) = unbounded_channel::<(char, u32)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        use tideflow::ops::fused::{Fold, Reduce};
        source_stream(l_recv) -> [0]j;
        source_stream(r_recv) -> [1]j;
        j = join_fused::<'static>(Fold::new(|| 0, |sum, x| *sum += x), Reduce::new(|max, x| *max = std::cmp::max(*max, x)))
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair(&mut flow, &l_send, &r_send, &mut out_recv, fused_ticks());
    assert_eq!(
        got,
        vec![
            vec![('b', (4, 20)), ('a', (2, 30))],
            vec![('b', (4, 20)), ('a', (3, 30))],
            vec![('b', (4, 20)), ('a', (3, 30))],
            vec![('b', (4, 20)), ('a', (3, 30))]
        ]
    );
}

#[test]
fn join_fused_with_fold_from_a_qualified_path_and_a_prebuilt_aggregator() {
    let (out_send, mut out_recv) = unbounded_channel();
    // Any expression of an `Aggregator` type works; its closures need their types written.
    let count = tideflow::ops::fused::Fold::new(|| 0usize, |n: &mut usize, _: &str| *n += 1);
    let mut flow = tideflow::flow! {
        source_iter([(1, 'x'), (2, 'y'), (1, 'z')]) -> [0]j;
        source_iter([(1, "a"), (1, "b"), (2, "c")]) -> [1]j;
        j = join_fused(
            tideflow::ops::fused::FoldFrom::new(|c| c.to_string(), |s, c| s.push(c)),
            count,
        ) -> for_each(|x| out_send.send(x).unwrap());
    };
    flow.run_tick_sync();
    assert_eq!(
        collect_ready::<Vec<(i32, (String, usize))>, _>(&mut out_recv),
        [(1, ("xz".to_string(), 2)), (2, ("y".to_string(), 1))]
    );
}

#[test]
fn join_fused_aggregators_may_read_a_singleton_reference() {
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        use tideflow::ops::fused::{Fold, Reduce};
        scale = source_iter([10]) -> singleton();
        source_iter([('a', 1), ('a', 2)]) -> [0]j;
        source_iter([('a', 5)]) -> [1]j;
        j = join_fused(Fold::new(|| 0, |sum, x| *sum += x * #scale), Reduce::new(|a, b| *a += b))
            -> for_each(|x| out_send.send(x).unwrap());
    };
    flow.run_tick_sync();
    assert_eq!(
        collect_ready::<Vec<(char, (i32, i32))>, _>(&mut out_recv),
        [('a', (30, 5))]
    );
}

// ----- join_fused_lhs / join_fused_rhs -----

/// Ticks of `(key, count)` for `[0]` and `(key, tag)` for `[1]`.
type LhsTicks = Vec<TickInput<(char, u32), (char, &'static str)>>;

/// `[0]` is aggregated (a sum), `[1]` streams.
fn lhs_ticks() -> LhsTicks {
    vec![
        (
            vec![('a', 1), ('b', 10), ('a', 2)],
            vec![('b', "x"), ('a', "y"), ('c', "z"), ('a', "w")],
        ),
        (vec![('a', 5)], vec![]),
        (vec![], vec![('a', "v")]),
        (vec![], vec![]),
    ]
}

#[test]
fn join_fused_lhs_tick_tick_preserves_the_right_order() {
    let (l_send, l_recv) = unbounded_channel::<(char, u32)>();
    let (r_send, r_recv) = unbounded_channel::<(char, &str)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        use tideflow::ops::fused::Fold;
        source_stream(l_recv) -> [0]j;
        source_stream(r_recv) -> [1]j;
        j = join_fused_lhs(Fold::new(|| 0, |sum, x| *sum += x)) -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair(&mut flow, &l_send, &r_send, &mut out_recv, lhs_ticks());
    assert_eq!(
        got,
        vec![
            vec![('b', (10, "x")), ('a', (3, "y")), ('a', (3, "w"))],
            vec![],
            vec![],
            vec![]
        ]
    );
}

#[test]
fn join_fused_lhs_static_tick_keeps_the_aggregates() {
    let (l_send, l_recv) = unbounded_channel::<(char, u32)>();
    let (r_send, r_recv) = unbounded_channel::<(char, &str)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        use tideflow::ops::fused::Fold;
        source_stream(l_recv) -> [0]j;
        source_stream(r_recv) -> [1]j;
        j = join_fused_lhs::<'static, 'tick>(Fold::new(|| 0, |sum, x| *sum += x))
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair(&mut flow, &l_send, &r_send, &mut out_recv, lhs_ticks());
    assert_eq!(
        got,
        vec![
            vec![('b', (10, "x")), ('a', (3, "y")), ('a', (3, "w"))],
            vec![],
            vec![('a', (8, "v"))],
            vec![]
        ]
    );
}

#[test]
fn join_fused_lhs_tick_static_replays_the_right_history() {
    let (l_send, l_recv) = unbounded_channel::<(char, u32)>();
    let (r_send, r_recv) = unbounded_channel::<(char, &str)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        use tideflow::ops::fused::Fold;
        source_stream(l_recv) -> [0]j;
        source_stream(r_recv) -> [1]j;
        j = join_fused_lhs::<'tick, 'static>(Fold::new(|| 0, |sum, x| *sum += x))
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair(&mut flow, &l_send, &r_send, &mut out_recv, lhs_ticks());
    assert_eq!(
        got,
        vec![
            vec![('b', (10, "x")), ('a', (3, "y")), ('a', (3, "w"))],
            // This tick's `[0]` against every `[1]` item so far, in arrival order.
            vec![('a', (5, "y")), ('a', (5, "w"))],
            vec![],
            vec![]
        ]
    );
}

#[test]
fn join_fused_lhs_static_static_replays_everything_every_tick() {
    let (l_send, l_recv) = unbounded_channel::<(char, u32)>();
    let (r_send, r_recv) = unbounded_channel::<(char, &str)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        use tideflow::ops::fused::Fold;
        source_stream(l_recv) -> [0]j;
        source_stream(r_recv) -> [1]j;
        j = join_fused_lhs::<'static>(Fold::new(|| 0, |sum, x| *sum += x))
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair(&mut flow, &l_send, &r_send, &mut out_recv, lhs_ticks());
    let all = |a: u32| vec![('b', (10, "x")), ('a', (a, "y")), ('a', (a, "w"))];
    let mut third = all(8);
    third.push(('a', (8, "v")));
    assert_eq!(got, vec![all(3), all(8), third.clone(), third]);
}

#[test]
fn join_fused_lhs_right_input_may_sit_on_a_cycle() {
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        use tideflow::ops::fused::Fold;
        source_iter([(1, 4), (1, 6)]) -> [0]j;
        probes = union() -> [1]j;
        source_iter([(1, 0)]) -> probes;
        j = join_fused_lhs(Fold::new(|| 0, |sum, x| *sum += x)) -> tee();
        j -> filter(|(_, (_, step))| *step < 2) -> map(|(key, (_, step))| (key, step + 1)) -> probes;
        j -> for_each(|x| out_send.send(x).unwrap());
    };
    flow.run_tick_sync();
    assert_eq!(
        collect_ready::<Vec<(i32, (i32, i32))>, _>(&mut out_recv),
        [(1, (10, 0)), (1, (10, 1)), (1, (10, 2))]
    );
}

#[test]
fn join_fused_rhs_aggregates_the_right_side() {
    let (l_send, l_recv) = unbounded_channel::<(char, &str)>();
    let (r_send, r_recv) = unbounded_channel::<(char, u32)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        use tideflow::ops::fused::Reduce;
        source_stream(l_recv) -> [0]j;
        source_stream(r_recv) -> [1]j;
        j = join_fused_rhs::<'tick, 'static>(Reduce::new(|max, x| *max = std::cmp::max(*max, x)))
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair(
        &mut flow,
        &l_send,
        &r_send,
        &mut out_recv,
        vec![
            (
                vec![('a', "p"), ('b', "q"), ('a', "r")],
                vec![('a', 3), ('a', 7)],
            ),
            (vec![('a', "s")], vec![('a', 5), ('b', 1)]),
            (vec![('b', "t")], vec![]),
        ],
    );
    assert_eq!(
        got,
        vec![
            vec![('a', ("p", 7)), ('a', ("r", 7))],
            vec![('a', ("s", 7))],
            vec![('b', ("t", 1))]
        ]
    );
}

// ----- join_multiset_half -----

/// Ticks of `(key, name)` for `[build]` and `(key, tag)` for `[probe]`.
type HalfTicks = Vec<TickInput<(u32, &'static str), (u32, char)>>;

/// Build and probe items, with duplicates on both sides.
fn half_ticks() -> HalfTicks {
    vec![
        (
            vec![(1, "one"), (2, "two"), (1, "uno"), (2, "two")],
            vec![(2, 'x'), (1, 'y'), (3, 'z'), (2, 'x')],
        ),
        (vec![(3, "three")], vec![]),
        (vec![], vec![(1, 'w')]),
    ]
}

#[test]
fn join_multiset_half_tick_tick_preserves_the_probe_order() {
    let (b_send, b_recv) = unbounded_channel::<(u32, &str)>();
    let (p_send, p_recv) = unbounded_channel::<(u32, char)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(p_recv) -> [probe]j;
        source_stream(b_recv) -> [build]j;
        j = join_multiset_half() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair(&mut flow, &b_send, &p_send, &mut out_recv, half_ticks());
    assert_eq!(
        got,
        vec![
            vec![
                (2, ('x', "two")),
                (2, ('x', "two")),
                (1, ('y', "one")),
                (1, ('y', "uno")),
                (2, ('x', "two")),
                (2, ('x', "two")),
            ],
            vec![],
            vec![]
        ]
    );
}

#[test]
fn join_multiset_half_static_build_keeps_the_table() {
    let (b_send, b_recv) = unbounded_channel::<(u32, &str)>();
    let (p_send, p_recv) = unbounded_channel::<(u32, char)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(b_recv) -> [build]j;
        source_stream(p_recv) -> [probe]j;
        j = join_multiset_half::<'static, 'tick>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair(&mut flow, &b_send, &p_send, &mut out_recv, half_ticks());
    assert_eq!(got[1], vec![]);
    assert_eq!(got[2], vec![(1, ('w', "one")), (1, ('w', "uno"))]);
}

#[test]
fn join_multiset_half_tick_static_replays_the_probe_history() {
    let (b_send, b_recv) = unbounded_channel::<(u32, &str)>();
    let (p_send, p_recv) = unbounded_channel::<(u32, char)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(b_recv) -> [build]j;
        source_stream(p_recv) -> [probe]j;
        j = join_multiset_half::<'tick, 'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair(&mut flow, &b_send, &p_send, &mut out_recv, half_ticks());
    assert_eq!(got[1], vec![(3, ('z', "three"))]);
    assert_eq!(got[2], vec![]);
}

#[test]
fn join_multiset_half_static_static_replays_the_whole_join() {
    let (b_send, b_recv) = unbounded_channel::<(u32, &str)>();
    let (p_send, p_recv) = unbounded_channel::<(u32, char)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(b_recv) -> [build]j;
        source_stream(p_recv) -> [probe]j;
        j = join_multiset_half::<'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair(&mut flow, &b_send, &p_send, &mut out_recv, half_ticks());
    let mut second = got[0].clone();
    second.insert(4, (3, ('z', "three")));
    let mut third = second.clone();
    third.extend([(1, ('w', "one")), (1, ('w', "uno"))]);
    assert_eq!(got[1], second);
    assert_eq!(got[2], third);
    flow.run_tick_sync();
    assert_eq!(collect_ready::<Vec<_>, _>(&mut out_recv), third);
}

#[test]
fn join_multiset_half_probe_may_sit_on_a_cycle() {
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        // Follow `next` links from 1: 1 -> 2 -> 3 -> (none).
        source_iter([(1, 2), (2, 3)]) -> [build]next;
        probes = union() -> [probe]next;
        source_iter([(1, ())]) -> probes;
        next = join_multiset_half() -> map(|(_, ((), to))| to) -> tee();
        next -> map(|to| (to, ())) -> probes;
        next -> for_each(|x| out_send.send(x).unwrap());
    };
    flow.run_tick_sync();
    assert_eq!(collect_ready::<Vec<i32>, _>(&mut out_recv), [2, 3]);
}

// ----- cross_join_multiset -----

/// Duplicates on `[0]` in tick 0, then one new item per side.
fn cross_ticks() -> Vec<TickInput<char, u32>> {
    vec![
        (vec!['a', 'a'], vec![1, 2]),
        (vec!['b'], vec![]),
        (vec![], vec![3]),
        (vec![], vec![]),
    ]
}

/// One tick's `cross_join_multiset` output, sorted.
type Pairs = Vec<(char, u32)>;

/// Runs [`cross_ticks`] and compares each tick's sorted output.
fn check_cross(
    flow: &mut Flow<'_>,
    l: &UnboundedSender<char>,
    r: &UnboundedSender<u32>,
    out: &mut (impl Stream<Item = (char, u32)> + Unpin),
    expected: [Pairs; 4],
) {
    let got = drive_pair_sorted(flow, l, r, out, cross_ticks());
    assert_eq!(got, expected);
}

#[test]
fn cross_join_multiset_tick_tick_multiplies_duplicates() {
    let (l_send, l_recv) = unbounded_channel::<char>();
    let (r_send, r_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(l_recv) -> [0]c;
        source_stream(r_recv) -> [1]c;
        c = cross_join_multiset() -> for_each(|x| out_send.send(x).unwrap());
    };
    check_cross(
        &mut flow,
        &l_send,
        &r_send,
        &mut out_recv,
        [
            vec![('a', 1), ('a', 1), ('a', 2), ('a', 2)],
            vec![],
            vec![],
            vec![],
        ],
    );
}

#[test]
fn cross_join_multiset_tick_static_pairs_new_left_items_with_every_right_item() {
    let (l_send, l_recv) = unbounded_channel::<char>();
    let (r_send, r_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(l_recv) -> [0]c;
        source_stream(r_recv) -> [1]c;
        c = cross_join_multiset::<'tick, 'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    check_cross(
        &mut flow,
        &l_send,
        &r_send,
        &mut out_recv,
        [
            vec![('a', 1), ('a', 1), ('a', 2), ('a', 2)],
            vec![('b', 1), ('b', 2)],
            vec![],
            vec![],
        ],
    );
}

#[test]
fn cross_join_multiset_static_tick_pairs_new_right_items_with_every_left_item() {
    let (l_send, l_recv) = unbounded_channel::<char>();
    let (r_send, r_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(l_recv) -> [0]c;
        source_stream(r_recv) -> [1]c;
        c = cross_join_multiset::<'static, 'tick>() -> for_each(|x| out_send.send(x).unwrap());
    };
    check_cross(
        &mut flow,
        &l_send,
        &r_send,
        &mut out_recv,
        [
            vec![('a', 1), ('a', 1), ('a', 2), ('a', 2)],
            vec![],
            vec![('a', 3), ('a', 3), ('b', 3)],
            vec![],
        ],
    );
}

#[test]
fn cross_join_multiset_static_static_replays_the_whole_product() {
    let (l_send, l_recv) = unbounded_channel::<char>();
    let (r_send, r_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(l_recv) -> [0]c;
        source_stream(r_recv) -> [1]c;
        c = cross_join_multiset::<'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let first = vec![('a', 1), ('a', 1), ('a', 2), ('a', 2)];
    let second = vec![('a', 1), ('a', 1), ('a', 2), ('a', 2), ('b', 1), ('b', 2)];
    let third = vec![
        ('a', 1),
        ('a', 1),
        ('a', 2),
        ('a', 2),
        ('a', 3),
        ('a', 3),
        ('b', 1),
        ('b', 2),
        ('b', 3),
    ];
    check_cross(
        &mut flow,
        &l_send,
        &r_send,
        &mut out_recv,
        [first, second, third.clone(), third],
    );
}

// ----- cross_singleton -----

#[test]
fn cross_singleton_holds_input_that_arrives_before_the_single_value() {
    let (in_send, in_recv) = unbounded_channel::<char>();
    let (n_send, n_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv) -> [input]c;
        // The fold is fused with the input's source and emits only at its flush, after every
        // input item was pushed.
        source_stream(n_recv) -> fold(|| 0, |sum: &mut u32, x| *sum += x) -> [single]c;
        c = cross_singleton() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair(
        &mut flow,
        &in_send,
        &n_send,
        &mut out_recv,
        vec![
            (vec!['a', 'b'], vec![1, 2]),
            (vec!['c'], vec![]),
            (vec![], vec![5]),
        ],
    );
    assert_eq!(got, vec![vec![('a', 3), ('b', 3)], vec![('c', 0)], vec![]]);
}

#[test]
fn cross_singleton_tick_pairs_with_the_first_single_of_each_tick() {
    let (in_send, in_recv) = unbounded_channel::<char>();
    let (s_send, s_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv) -> [input]c;
        source_stream(s_recv) -> [single]c;
        c = cross_singleton() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair(
        &mut flow,
        &in_send,
        &s_send,
        &mut out_recv,
        vec![
            (vec!['a', 'b'], vec![1, 2]),
            (vec!['c'], vec![]),
            (vec!['d'], vec![3]),
            (vec![], vec![4]),
        ],
    );
    // Tick 1 has no single value: its input is discarded.
    assert_eq!(
        got,
        vec![vec![('a', 1), ('b', 1)], vec![], vec![('d', 3)], vec![]]
    );
}

#[test]
fn cross_singleton_static_keeps_the_first_single_forever() {
    let (in_send, in_recv) = unbounded_channel::<char>();
    let (s_send, s_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv) -> [input]c;
        source_stream(s_recv) -> [single]c;
        c = cross_singleton::<'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair(
        &mut flow,
        &in_send,
        &s_send,
        &mut out_recv,
        vec![
            (vec!['a'], vec![]),
            (vec!['b'], vec![7, 8]),
            (vec!['c'], vec![]),
            (vec!['d'], vec![9]),
        ],
    );
    assert_eq!(
        got,
        vec![vec![], vec![('b', 7)], vec![('c', 7)], vec![('d', 7)]]
    );
}

#[test]
fn cross_singleton_input_may_sit_on_a_cycle() {
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        items = union() -> [input]c;
        source_iter([1]) -> items;
        source_iter([10, 20]) -> [single]c;
        c = cross_singleton() -> tee();
        c -> filter(|(x, limit)| x * 4 < *limit) -> map(|(x, _)| x * 2) -> items;
        c -> for_each(|x| out_send.send(x).unwrap());
    };
    flow.run_tick_sync();
    assert_eq!(
        collect_ready::<Vec<(i32, i32)>, _>(&mut out_recv),
        [(1, 10), (2, 10), (4, 10)]
    );
}
