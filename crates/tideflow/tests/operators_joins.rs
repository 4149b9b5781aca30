//! Behaviour of the binary operators `join`, `join_multiset`, `cross_join`, `anti_join` and
//! `difference` across ticks, for every persistence combination.

mod common;

use common::{drive_pair_sorted, TickInput};

use tideflow::util::unbounded_channel;

/// Sorted `(key, (left, right))` join outputs.
fn joined(items: &[(u32, char, char)]) -> Vec<(u32, (char, char))> {
    let mut out: Vec<_> = items.iter().map(|&(k, l, r)| (k, (l, r))).collect();
    out.sort();
    out
}

// ----- join -----

/// Three ticks of join input, with duplicates on both sides in tick 0 and a re-sent left item in
/// tick 1.
fn join_ticks() -> Vec<TickInput<(u32, char), (u32, char)>> {
    vec![
        (
            vec![(1, 'a'), (1, 'b'), (2, 'c'), (1, 'a')],
            vec![(1, 'x'), (3, 'z'), (1, 'x')],
        ),
        (vec![(3, 'd'), (1, 'a')], vec![(1, 'y')]),
        (vec![], vec![(2, 'w')]),
    ]
}

#[test]
fn join_tick_tick_matches_only_items_of_the_same_tick() {
    let (l_send, l_recv) = unbounded_channel::<(u32, char)>();
    let (r_send, r_recv) = unbounded_channel::<(u32, char)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(l_recv) -> [0]j;
        source_stream(r_recv) -> [1]j;
        j = join::<'tick, 'tick>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(&mut flow, &l_send, &r_send, &mut out_recv, join_ticks());
    assert_eq!(
        got,
        vec![
            joined(&[(1, 'a', 'x'), (1, 'b', 'x')]),
            joined(&[(1, 'a', 'y')]),
            joined(&[]),
        ]
    );
}

#[test]
fn join_default_persistence_is_tick_tick() {
    let (l_send, l_recv) = unbounded_channel::<(u32, char)>();
    let (r_send, r_recv) = unbounded_channel::<(u32, char)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(l_recv) -> [0]j;
        source_stream(r_recv) -> [1]j;
        j = join() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(&mut flow, &l_send, &r_send, &mut out_recv, join_ticks());
    assert_eq!(
        got,
        vec![
            joined(&[(1, 'a', 'x'), (1, 'b', 'x')]),
            joined(&[(1, 'a', 'y')]),
            joined(&[]),
        ]
    );
}

#[test]
fn join_tick_static_matches_this_ticks_left_against_all_right_items_ever() {
    let (l_send, l_recv) = unbounded_channel::<(u32, char)>();
    let (r_send, r_recv) = unbounded_channel::<(u32, char)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(l_recv) -> [0]j;
        source_stream(r_recv) -> [1]j;
        j = join::<'tick, 'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(&mut flow, &l_send, &r_send, &mut out_recv, join_ticks());
    assert_eq!(
        got,
        vec![
            joined(&[(1, 'a', 'x'), (1, 'b', 'x')]),
            joined(&[(1, 'a', 'x'), (1, 'a', 'y'), (3, 'd', 'z')]),
            joined(&[]),
        ]
    );
}

#[test]
fn join_static_tick_matches_all_left_items_ever_against_this_ticks_right() {
    let (l_send, l_recv) = unbounded_channel::<(u32, char)>();
    let (r_send, r_recv) = unbounded_channel::<(u32, char)>();
    let (out_send, mut out_recv) = unbounded_channel();
    // The `[1]` edge is written first: persistence follows the port, not statement order.
    let mut flow = tideflow::flow! {
        source_stream(r_recv) -> [1]j;
        source_stream(l_recv) -> [0]j;
        j = join::<'static, 'tick>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(&mut flow, &l_send, &r_send, &mut out_recv, join_ticks());
    assert_eq!(
        got,
        vec![
            joined(&[(1, 'a', 'x'), (1, 'b', 'x')]),
            joined(&[(1, 'a', 'y'), (1, 'b', 'y')]),
            joined(&[(2, 'c', 'w')]),
        ]
    );
}

/// What a both-`'static` join emits for [`join_ticks`]: every match so far, in every tick.
fn static_static_join_ticks_output() -> Vec<Vec<(u32, (char, char))>> {
    vec![
        joined(&[(1, 'a', 'x'), (1, 'b', 'x')]),
        joined(&[
            (1, 'a', 'x'),
            (1, 'a', 'y'),
            (1, 'b', 'x'),
            (1, 'b', 'y'),
            (3, 'd', 'z'),
        ]),
        joined(&[
            (1, 'a', 'x'),
            (1, 'a', 'y'),
            (1, 'b', 'x'),
            (1, 'b', 'y'),
            (2, 'c', 'w'),
            (3, 'd', 'z'),
        ]),
    ]
}

#[test]
fn join_static_static_replays_the_whole_join_result_every_tick() {
    let (l_send, l_recv) = unbounded_channel::<(u32, char)>();
    let (r_send, r_recv) = unbounded_channel::<(u32, char)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(l_recv) -> [0]j;
        source_stream(r_recv) -> [1]j;
        j = join::<'static, 'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(&mut flow, &l_send, &r_send, &mut out_recv, join_ticks());
    assert_eq!(got, static_static_join_ticks_output());
}

#[test]
fn join_single_static_lifetime_applies_to_both_sides() {
    let (l_send, l_recv) = unbounded_channel::<(u32, char)>();
    let (r_send, r_recv) = unbounded_channel::<(u32, char)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(l_recv) -> [0]j;
        source_stream(r_recv) -> [1]j;
        j = join::<'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(&mut flow, &l_send, &r_send, &mut out_recv, join_ticks());
    assert_eq!(got, static_static_join_ticks_output());
}

#[test]
fn join_static_static_replays_in_ticks_without_any_input() {
    let (l_send, l_recv) = unbounded_channel::<(u32, char)>();
    let (r_send, r_recv) = unbounded_channel::<(u32, char)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(l_recv) -> [0]j;
        source_stream(r_recv) -> [1]j;
        j = join::<'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(
        &mut flow,
        &l_send,
        &r_send,
        &mut out_recv,
        vec![
            (vec![(1, 'a')], vec![(1, 'x'), (2, 'y')]),
            (vec![], vec![]),
            (vec![], vec![]),
        ],
    );
    assert_eq!(
        got,
        vec![
            joined(&[(1, 'a', 'x')]),
            joined(&[(1, 'a', 'x')]),
            joined(&[(1, 'a', 'x')]),
        ]
    );
}

#[test]
fn join_has_set_semantics_per_side() {
    let (l_send, l_recv) = unbounded_channel::<(u32, char)>();
    let (r_send, r_recv) = unbounded_channel::<(u32, char)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(l_recv) -> [0]j;
        source_stream(r_recv) -> [1]j;
        j = join() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(
        &mut flow,
        &l_send,
        &r_send,
        &mut out_recv,
        vec![
            (vec![(1, 'a'), (1, 'a'), (1, 'a')], vec![(1, 'x'), (1, 'x')]),
            // 'tick: the same items in the next tick match again, once.
            (vec![(1, 'a'), (1, 'a')], vec![(1, 'x'), (1, 'x'), (1, 'x')]),
            (vec![(1, 'a')], vec![]),
        ],
    );
    assert_eq!(
        got,
        vec![
            joined(&[(1, 'a', 'x')]),
            joined(&[(1, 'a', 'x')]),
            joined(&[])
        ]
    );
}

#[test]
fn join_static_ignores_items_resent_in_later_ticks() {
    let (l_send, l_recv) = unbounded_channel::<(u32, char)>();
    let (r_send, r_recv) = unbounded_channel::<(u32, char)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(l_recv) -> [0]j;
        source_stream(r_recv) -> [1]j;
        j = join::<'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(
        &mut flow,
        &l_send,
        &r_send,
        &mut out_recv,
        vec![
            (vec![(1, 'a')], vec![(1, 'x')]),
            (vec![(1, 'a'), (1, 'a')], vec![(1, 'x')]),
            (vec![(1, 'a')], vec![(1, 'x'), (1, 'x')]),
        ],
    );
    assert_eq!(
        got,
        vec![
            joined(&[(1, 'a', 'x')]),
            joined(&[(1, 'a', 'x')]),
            joined(&[(1, 'a', 'x')]),
        ]
    );
}

#[test]
fn join_of_a_stream_with_itself_through_a_tee() {
    let (e_send, e_recv) = unbounded_channel::<(u32, u32)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        edges = source_stream(e_recv) -> tee();
        edges -> map(|(a, b)| (b, a)) -> [0]two_hops;
        edges -> [1]two_hops;
        two_hops = join::<'static>()
            -> map(|(_mid, (a, c))| (a, c))
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let (unused_send, _) = unbounded_channel::<()>();
    let got = drive_pair_sorted(
        &mut flow,
        &e_send,
        &unused_send,
        &mut out_recv,
        vec![
            (vec![(1, 2), (2, 3)], vec![]),
            (vec![(3, 4)], vec![]),
            (vec![], vec![]),
        ],
    );
    assert_eq!(
        got,
        vec![vec![(1, 3)], vec![(1, 3), (2, 4)], vec![(1, 3), (2, 4)]]
    );
}

// ----- join_multiset -----

#[test]
fn join_multiset_tick_multiplies_duplicates() {
    let (l_send, l_recv) = unbounded_channel::<(u32, char)>();
    let (r_send, r_recv) = unbounded_channel::<(u32, char)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(l_recv) -> [0]j;
        source_stream(r_recv) -> [1]j;
        j = join_multiset() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(
        &mut flow,
        &l_send,
        &r_send,
        &mut out_recv,
        vec![
            (
                vec![(1, 'a'), (1, 'a'), (2, 'b')],
                vec![(1, 'x'), (1, 'x'), (1, 'x'), (2, 'y')],
            ),
            (vec![(1, 'a')], vec![(1, 'x'), (1, 'x')]),
            (vec![(1, 'a')], vec![]),
        ],
    );
    assert_eq!(
        got,
        vec![
            joined(&[
                (1, 'a', 'x'),
                (1, 'a', 'x'),
                (1, 'a', 'x'),
                (1, 'a', 'x'),
                (1, 'a', 'x'),
                (1, 'a', 'x'),
                (2, 'b', 'y'),
            ]),
            joined(&[(1, 'a', 'x'), (1, 'a', 'x')]),
            joined(&[]),
        ]
    );
}

#[test]
fn join_multiset_static_keeps_duplicates_across_ticks_and_replays_them() {
    let (l_send, l_recv) = unbounded_channel::<(u32, char)>();
    let (r_send, r_recv) = unbounded_channel::<(u32, char)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(l_recv) -> [0]j;
        source_stream(r_recv) -> [1]j;
        j = join_multiset::<'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(
        &mut flow,
        &l_send,
        &r_send,
        &mut out_recv,
        vec![
            (vec![(1, 'a'), (1, 'a')], vec![(1, 'x')]),
            (vec![], vec![(1, 'x')]),
            (vec![], vec![]),
        ],
    );
    let ax = (1, ('a', 'x'));
    assert_eq!(
        got,
        vec![vec![ax; 2], vec![ax; 4], vec![ax; 4]],
        "2 left copies x 1 right copy, then x 2 right copies, replayed"
    );
}

#[test]
fn join_multiset_tick_static_keeps_right_duplicates_only() {
    let (l_send, l_recv) = unbounded_channel::<(u32, char)>();
    let (r_send, r_recv) = unbounded_channel::<(u32, char)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(l_recv) -> [0]j;
        source_stream(r_recv) -> [1]j;
        j = join_multiset::<'tick, 'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(
        &mut flow,
        &l_send,
        &r_send,
        &mut out_recv,
        vec![
            (vec![(1, 'a'), (1, 'a')], vec![(1, 'x')]),
            (vec![(1, 'a')], vec![(1, 'x')]),
            (vec![], vec![(1, 'x')]),
        ],
    );
    let ax = (1, ('a', 'x'));
    assert_eq!(got, vec![vec![ax; 2], vec![ax; 2], vec![]]);
}

// ----- cross_join -----

fn cross_ticks() -> Vec<TickInput<u32, char>> {
    vec![
        (vec![1, 2, 1], vec!['a', 'a']),
        (vec![3], vec!['b']),
        (vec![], vec!['c']),
    ]
}

fn product(left: &[u32], right: &[char]) -> Vec<(u32, char)> {
    let mut out: Vec<_> = left
        .iter()
        .flat_map(|&l| right.iter().map(move |&r| (l, r)))
        .collect();
    out.sort();
    out
}

#[test]
fn cross_join_tick_tick_pairs_items_of_the_same_tick_once() {
    let (l_send, l_recv) = unbounded_channel::<u32>();
    let (r_send, r_recv) = unbounded_channel::<char>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(l_recv) -> [0]c;
        source_stream(r_recv) -> [1]c;
        c = cross_join::<'tick, 'tick>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(&mut flow, &l_send, &r_send, &mut out_recv, cross_ticks());
    assert_eq!(
        got,
        vec![product(&[1, 2], &['a']), product(&[3], &['b']), vec![]]
    );
}

#[test]
fn cross_join_tick_static_pairs_this_ticks_left_with_all_right_items() {
    let (l_send, l_recv) = unbounded_channel::<u32>();
    let (r_send, r_recv) = unbounded_channel::<char>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(l_recv) -> [0]c;
        source_stream(r_recv) -> [1]c;
        c = cross_join::<'tick, 'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(&mut flow, &l_send, &r_send, &mut out_recv, cross_ticks());
    assert_eq!(
        got,
        vec![product(&[1, 2], &['a']), product(&[3], &['a', 'b']), vec![]]
    );
}

#[test]
fn cross_join_static_tick_pairs_all_left_items_with_this_ticks_right() {
    let (l_send, l_recv) = unbounded_channel::<u32>();
    let (r_send, r_recv) = unbounded_channel::<char>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(l_recv) -> [0]c;
        source_stream(r_recv) -> [1]c;
        c = cross_join::<'static, 'tick>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(&mut flow, &l_send, &r_send, &mut out_recv, cross_ticks());
    assert_eq!(
        got,
        vec![
            product(&[1, 2], &['a']),
            product(&[1, 2, 3], &['b']),
            product(&[1, 2, 3], &['c']),
        ]
    );
}

#[test]
fn cross_join_static_static_replays_the_whole_product_every_tick() {
    let (l_send, l_recv) = unbounded_channel::<u32>();
    let (r_send, r_recv) = unbounded_channel::<char>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(l_recv) -> [0]c;
        source_stream(r_recv) -> [1]c;
        c = cross_join::<'static, 'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(&mut flow, &l_send, &r_send, &mut out_recv, cross_ticks());
    assert_eq!(
        got,
        vec![
            product(&[1, 2], &['a']),
            product(&[1, 2, 3], &['a', 'b']),
            product(&[1, 2, 3], &['a', 'b', 'c']),
        ]
    );
}

#[test]
fn cross_join_single_static_lifetime_applies_to_both_sides() {
    let (l_send, l_recv) = unbounded_channel::<u32>();
    let (r_send, r_recv) = unbounded_channel::<char>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(l_recv) -> [0]c;
        source_stream(r_recv) -> [1]c;
        c = cross_join::<'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let mut ticks = cross_ticks();
    ticks.push((vec![], vec![]));
    let got = drive_pair_sorted(&mut flow, &l_send, &r_send, &mut out_recv, ticks);
    assert_eq!(
        got,
        vec![
            product(&[1, 2], &['a']),
            product(&[1, 2, 3], &['a', 'b']),
            product(&[1, 2, 3], &['a', 'b', 'c']),
            product(&[1, 2, 3], &['a', 'b', 'c']),
        ]
    );
}

// ----- anti_join -----

/// Three ticks of `[pos]` pairs and `[neg]` keys: a duplicate pos pair `(3, 'c')` and a
/// duplicate neg key `2` in tick 0; no neg at all in tick 2.
fn anti_join_ticks() -> Vec<TickInput<(u32, char), u32>> {
    vec![
        (vec![(1, 'a'), (2, 'b'), (3, 'c'), (3, 'c')], vec![2, 2]),
        (vec![(1, 'd'), (4, 'e'), (2, 'h')], vec![1]),
        (vec![(3, 'f'), (2, 'g')], vec![]),
    ]
}

fn pairs(items: &[(u32, char)]) -> Vec<(u32, char)> {
    let mut out = items.to_vec();
    out.sort();
    out
}

#[test]
fn anti_join_tick_tick_filters_by_this_ticks_keys_and_keeps_pos_duplicates() {
    let (p_send, p_recv) = unbounded_channel::<(u32, char)>();
    let (n_send, n_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(p_recv) -> [pos]aj;
        source_stream(n_recv) -> [neg]aj;
        aj = anti_join::<'tick, 'tick>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(
        &mut flow,
        &p_send,
        &n_send,
        &mut out_recv,
        anti_join_ticks(),
    );
    assert_eq!(
        got,
        vec![
            pairs(&[(1, 'a'), (3, 'c'), (3, 'c')]),
            pairs(&[(2, 'h'), (4, 'e')]),
            pairs(&[(2, 'g'), (3, 'f')]),
        ]
    );
}

#[test]
fn anti_join_default_persistence_is_tick_tick() {
    let (p_send, p_recv) = unbounded_channel::<(u32, char)>();
    let (n_send, n_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(p_recv) -> [pos]aj;
        source_stream(n_recv) -> [neg]aj;
        aj = anti_join() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(
        &mut flow,
        &p_send,
        &n_send,
        &mut out_recv,
        anti_join_ticks(),
    );
    assert_eq!(
        got,
        vec![
            pairs(&[(1, 'a'), (3, 'c'), (3, 'c')]),
            pairs(&[(2, 'h'), (4, 'e')]),
            pairs(&[(2, 'g'), (3, 'f')]),
        ]
    );
}

#[test]
fn anti_join_tick_static_remembers_neg_keys_forever() {
    let (p_send, p_recv) = unbounded_channel::<(u32, char)>();
    let (n_send, n_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(p_recv) -> [pos]aj;
        source_stream(n_recv) -> [neg]aj;
        aj = anti_join::<'tick, 'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(
        &mut flow,
        &p_send,
        &n_send,
        &mut out_recv,
        anti_join_ticks(),
    );
    assert_eq!(
        got,
        vec![
            pairs(&[(1, 'a'), (3, 'c'), (3, 'c')]),
            pairs(&[(4, 'e')]),
            pairs(&[(3, 'f')]),
        ]
    );
}

#[test]
fn anti_join_static_tick_refilters_the_whole_pos_history_every_tick() {
    let (p_send, p_recv) = unbounded_channel::<(u32, char)>();
    let (n_send, n_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    // The `[neg]` edge is written first: persistence follows the port, not statement order.
    let mut flow = tideflow::flow! {
        source_stream(n_recv) -> [neg]aj;
        source_stream(p_recv) -> [pos]aj;
        aj = anti_join::<'static, 'tick>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(
        &mut flow,
        &p_send,
        &n_send,
        &mut out_recv,
        anti_join_ticks(),
    );
    assert_eq!(
        got,
        vec![
            pairs(&[(1, 'a'), (3, 'c'), (3, 'c')]),
            pairs(&[(2, 'b'), (2, 'h'), (3, 'c'), (3, 'c'), (4, 'e')]),
            pairs(&[
                (1, 'a'),
                (1, 'd'),
                (2, 'b'),
                (2, 'g'),
                (2, 'h'),
                (3, 'c'),
                (3, 'c'),
                (3, 'f'),
                (4, 'e'),
            ]),
        ]
    );
}

#[test]
fn anti_join_static_static_refilters_all_pos_against_all_neg_keys() {
    let (p_send, p_recv) = unbounded_channel::<(u32, char)>();
    let (n_send, n_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(p_recv) -> [pos]aj;
        source_stream(n_recv) -> [neg]aj;
        aj = anti_join::<'static, 'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(
        &mut flow,
        &p_send,
        &n_send,
        &mut out_recv,
        anti_join_ticks(),
    );
    assert_eq!(
        got,
        vec![
            pairs(&[(1, 'a'), (3, 'c'), (3, 'c')]),
            pairs(&[(3, 'c'), (3, 'c'), (4, 'e')]),
            pairs(&[(3, 'c'), (3, 'c'), (3, 'f'), (4, 'e')]),
        ]
    );
}

#[test]
fn anti_join_single_static_lifetime_applies_to_both_sides() {
    let (p_send, p_recv) = unbounded_channel::<(u32, char)>();
    let (n_send, n_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(p_recv) -> [pos]aj;
        source_stream(n_recv) -> [neg]aj;
        aj = anti_join::<'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(
        &mut flow,
        &p_send,
        &n_send,
        &mut out_recv,
        anti_join_ticks(),
    );
    assert_eq!(
        got,
        vec![
            pairs(&[(1, 'a'), (3, 'c'), (3, 'c')]),
            pairs(&[(3, 'c'), (3, 'c'), (4, 'e')]),
            pairs(&[(3, 'c'), (3, 'c'), (3, 'f'), (4, 'e')]),
        ]
    );
}

#[test]
fn anti_join_sees_neg_keys_that_arrive_after_the_pos_items_in_the_same_tick() {
    let (p_send, p_recv) = unbounded_channel::<(u32, char)>();
    let (out_send, mut out_recv) = unbounded_channel();
    // `neg` is derived from the same stream, downstream of `pos`'s branch: the anti-join must
    // still wait for all of it.
    let mut flow = tideflow::flow! {
        items = source_stream(p_recv) -> tee();
        items -> [pos]aj;
        items -> filter(|(_, v)| *v == 'x') -> map(|(k, _)| k) -> [neg]aj;
        aj = anti_join() -> for_each(|x| out_send.send(x).unwrap());
    };
    let (unused_send, _) = unbounded_channel::<()>();
    let got = drive_pair_sorted(
        &mut flow,
        &p_send,
        &unused_send,
        &mut out_recv,
        vec![
            (vec![(1, 'a'), (2, 'b'), (1, 'x'), (3, 'c')], vec![]),
            (vec![(1, 'a'), (2, 'x')], vec![]),
            (vec![], vec![]),
        ],
    );
    assert_eq!(
        got,
        vec![pairs(&[(2, 'b'), (3, 'c')]), pairs(&[(1, 'a')]), vec![]]
    );
}

// ----- difference -----

/// The anti-join scenario without values.
fn difference_ticks() -> Vec<TickInput<u32, u32>> {
    vec![
        (vec![1, 2, 3, 3], vec![2, 2]),
        (vec![1, 4, 2], vec![1]),
        (vec![3, 2], vec![]),
    ]
}

#[test]
fn difference_tick_tick_removes_this_ticks_neg_items_and_keeps_pos_duplicates() {
    let (p_send, p_recv) = unbounded_channel::<u32>();
    let (n_send, n_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(p_recv) -> [pos]d;
        source_stream(n_recv) -> [neg]d;
        d = difference::<'tick, 'tick>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(
        &mut flow,
        &p_send,
        &n_send,
        &mut out_recv,
        difference_ticks(),
    );
    assert_eq!(got, vec![vec![1, 3, 3], vec![2, 4], vec![2, 3]]);
}

#[test]
fn difference_default_persistence_is_tick_tick() {
    let (p_send, p_recv) = unbounded_channel::<u32>();
    let (n_send, n_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(p_recv) -> [pos]d;
        source_stream(n_recv) -> [neg]d;
        d = difference() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(
        &mut flow,
        &p_send,
        &n_send,
        &mut out_recv,
        difference_ticks(),
    );
    assert_eq!(got, vec![vec![1, 3, 3], vec![2, 4], vec![2, 3]]);
}

#[test]
fn difference_tick_static_remembers_neg_items_forever() {
    let (p_send, p_recv) = unbounded_channel::<u32>();
    let (n_send, n_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(p_recv) -> [pos]d;
        source_stream(n_recv) -> [neg]d;
        d = difference::<'tick, 'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(
        &mut flow,
        &p_send,
        &n_send,
        &mut out_recv,
        difference_ticks(),
    );
    assert_eq!(got, vec![vec![1, 3, 3], vec![4], vec![3]]);
}

#[test]
fn difference_static_tick_refilters_the_whole_pos_history_every_tick() {
    let (p_send, p_recv) = unbounded_channel::<u32>();
    let (n_send, n_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(p_recv) -> [pos]d;
        source_stream(n_recv) -> [neg]d;
        d = difference::<'static, 'tick>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(
        &mut flow,
        &p_send,
        &n_send,
        &mut out_recv,
        difference_ticks(),
    );
    assert_eq!(
        got,
        vec![
            vec![1, 3, 3],
            vec![2, 2, 3, 3, 4],
            vec![1, 1, 2, 2, 2, 3, 3, 3, 4],
        ]
    );
}

#[test]
fn difference_static_static_refilters_all_pos_against_all_neg_items() {
    let (p_send, p_recv) = unbounded_channel::<u32>();
    let (n_send, n_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(p_recv) -> [pos]d;
        source_stream(n_recv) -> [neg]d;
        d = difference::<'static, 'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(
        &mut flow,
        &p_send,
        &n_send,
        &mut out_recv,
        difference_ticks(),
    );
    assert_eq!(got, vec![vec![1, 3, 3], vec![3, 3, 4], vec![3, 3, 3, 4]]);
}

#[test]
fn difference_single_static_lifetime_applies_to_both_sides() {
    let (p_send, p_recv) = unbounded_channel::<u32>();
    let (n_send, n_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(p_recv) -> [pos]d;
        source_stream(n_recv) -> [neg]d;
        d = difference::<'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(
        &mut flow,
        &p_send,
        &n_send,
        &mut out_recv,
        difference_ticks(),
    );
    assert_eq!(got, vec![vec![1, 3, 3], vec![3, 3, 4], vec![3, 3, 3, 4]]);
}

#[test]
fn join_set_semantics_hold_for_keys_with_many_values() {
    let (l_send, l_recv) = unbounded_channel::<(u32, u32)>();
    let (r_send, r_recv) = unbounded_channel::<(u32, char)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(l_recv) -> [0]j;
        source_stream(r_recv) -> [1]j;
        j = join::<'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let twice: Vec<(u32, u32)> = (0..40).chain(0..40).map(|v| (1, v)).collect();
    let got = drive_pair_sorted(
        &mut flow,
        &l_send,
        &r_send,
        &mut out_recv,
        vec![
            (twice.clone(), vec![(1, 'x')]),
            (twice, vec![(1, 'x')]),
            (vec![], vec![]),
        ],
    );
    let expected: Vec<(u32, (u32, char))> = (0..40).map(|v| (1, (v, 'x'))).collect();
    assert_eq!(got, vec![expected.clone(), expected.clone(), expected]);
}

#[test]
fn join_static_static_replays_when_its_inputs_come_through_handoffs() {
    let (l_send, l_recv) = unbounded_channel::<(u32, char)>();
    let (r_send, r_recv) = unbounded_channel::<(u32, char)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(l_recv) -> handoff() -> [0]j;
        source_stream(r_recv) -> handoff() -> [1]j;
        j = join::<'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(
        &mut flow,
        &l_send,
        &r_send,
        &mut out_recv,
        vec![
            (vec![(1, 'a')], vec![(1, 'x'), (2, 'y')]),
            (vec![(2, 'b')], vec![]),
            (vec![], vec![]),
        ],
    );
    assert_eq!(
        got,
        vec![
            joined(&[(1, 'a', 'x')]),
            joined(&[(1, 'a', 'x'), (2, 'b', 'y')]),
            joined(&[(1, 'a', 'x'), (2, 'b', 'y')]),
        ]
    );
}

#[test]
fn cross_join_static_static_replays_when_its_inputs_come_through_handoffs() {
    let (l_send, l_recv) = unbounded_channel::<u32>();
    let (r_send, r_recv) = unbounded_channel::<char>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(l_recv) -> handoff() -> [0]c;
        source_stream(r_recv) -> handoff() -> [1]c;
        c = cross_join::<'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let mut ticks = cross_ticks();
    ticks.push((vec![], vec![]));
    let got = drive_pair_sorted(&mut flow, &l_send, &r_send, &mut out_recv, ticks);
    assert_eq!(
        got,
        vec![
            product(&[1, 2], &['a']),
            product(&[1, 2, 3], &['a', 'b']),
            product(&[1, 2, 3], &['a', 'b', 'c']),
            product(&[1, 2, 3], &['a', 'b', 'c']),
        ]
    );
}

#[test]
fn anti_join_static_pos_replays_when_its_inputs_come_through_handoffs() {
    let (p_send, p_recv) = unbounded_channel::<(u32, char)>();
    let (n_send, n_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(p_recv) -> handoff() -> [pos]aj;
        source_stream(n_recv) -> handoff() -> [neg]aj;
        aj = anti_join::<'static, 'tick>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive_pair_sorted(
        &mut flow,
        &p_send,
        &n_send,
        &mut out_recv,
        vec![
            (vec![(1, 'a'), (2, 'b')], vec![2]),
            (vec![], vec![1]),
            (vec![], vec![]),
        ],
    );
    assert_eq!(
        got,
        vec![
            pairs(&[(1, 'a')]),
            pairs(&[(2, 'b')]),
            pairs(&[(1, 'a'), (2, 'b')]),
        ]
    );
}

#[test]
fn join_static_static_replays_buckets_that_grew_over_several_ticks() {
    let (l_send, l_recv) = unbounded_channel::<(u32, u32)>();
    let (r_send, r_recv) = unbounded_channel::<(u32, char)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(l_recv) -> [0]j;
        source_stream(r_recv) -> [1]j;
        j = join::<'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let values =
        |range: std::ops::Range<u32>| -> Vec<(u32, u32)> { range.map(|v| (1, v)).collect() };
    let mut tick1 = values(10..25);
    tick1.extend(values(0..10));
    let got = drive_pair_sorted(
        &mut flow,
        &l_send,
        &r_send,
        &mut out_recv,
        vec![
            (values(0..10), vec![(1, 'x')]),
            (tick1, vec![(2, 'y')]),
            (vec![(2, 7)], vec![(1, 'z')]),
            (vec![], vec![]),
        ],
    );
    let with = |range: std::ops::Range<u32>, r: char| -> Vec<(u32, (u32, char))> {
        range.map(|v| (1, (v, r))).collect()
    };
    let mut all = with(0..25, 'x');
    all.extend(with(0..25, 'z'));
    all.push((2, (7, 'y')));
    all.sort();
    assert_eq!(
        got,
        vec![with(0..10, 'x'), with(0..25, 'x'), all.clone(), all]
    );
}
