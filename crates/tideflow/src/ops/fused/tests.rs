//! Unit tests of `fused`.
use super::*;
use Persistence::{Static, Tick};

#[test]
fn aggregators_start_and_fold() {
    let (mut fold, _) = fold_aggregator(
        Ty::<(char, u32)>::new(),
        Fold::new,
        || 10,
        |acc, v| *acc += v,
    );
    let mut acc = fold.start(1);
    fold.fold(&mut acc, 2);
    assert_eq!(acc, 13);
    let (mut reduce, _) = reduce_aggregator(Ty::<(char, u32)>::new(), Reduce::new, |a, v| {
        *a = (*a).max(v)
    });
    let mut acc = reduce.start(4);
    reduce.fold(&mut acc, 2);
    assert_eq!(acc, 4);
    let (mut from, _) = fold_from_aggregator(
        Ty::<(char, u32)>::new(),
        FoldFrom::new,
        |v| vec![v],
        |acc, v| acc.push(v),
    );
    let mut acc = from.start(1);
    from.fold(&mut acc, 2);
    assert_eq!(acc, [1, 2]);
    let (mut any, _) = aggregator(
        Ty::<(char, u32)>::new(),
        Fold::new(String::new, |acc: &mut String, v: u32| {
            acc.push_str(&v.to_string())
        }),
    );
    let mut acc = any.start(1);
    any.fold(&mut acc, 2);
    assert_eq!(acc, "12");
}

type Sum = Fold<fn() -> u32, fn(&mut u32, u32)>;

fn sum() -> Sum {
    Fold::new(|| 0, |acc, v| *acc += v)
}

fn join_fused_tick(
    j: &mut JoinFusedState<char, u32, u32>,
    left: &[(char, u32)],
    right: &[(char, u32)],
) -> Vec<(char, (u32, u32))> {
    let (mut l, mut r) = (sum(), sum());
    for &item in right {
        j.push_right(item, &mut r);
    }
    for &item in left {
        j.push_left(item, &mut l);
    }
    let mut out = Vec::new();
    j.flush(|x| out.push(x));
    j.end_tick();
    out
}

#[test]
fn join_fused_tick_tick() {
    let mut j = JoinFusedState::new(Tick, Tick);
    assert_eq!(
        join_fused_tick(
            &mut j,
            &[('b', 1), ('a', 2), ('b', 3), ('c', 1)],
            &[('a', 10), ('b', 20), ('a', 30)]
        ),
        [('b', (4, 20)), ('a', (2, 40))]
    );
    assert!(!j.needs_run());
    assert!(join_fused_tick(&mut j, &[('a', 1)], &[]).is_empty());
}

#[test]
fn join_fused_static_replays() {
    let mut j = JoinFusedState::new(Static, Static);
    assert_eq!(
        join_fused_tick(&mut j, &[('a', 1)], &[('a', 10)]),
        [('a', (1, 10))]
    );
    assert!(j.needs_run());
    j.flush(|_| {});
    assert!(!j.needs_run(), "a replay runs once per tick");
    j.end_tick();
    assert_eq!(join_fused_tick(&mut j, &[], &[]), [('a', (1, 10))]);
    assert_eq!(
        join_fused_tick(&mut j, &[('b', 1), ('a', 1)], &[('b', 2)]),
        [('a', (2, 10)), ('b', (1, 2))]
    );
}

#[test]
fn join_fused_static_tick() {
    let mut j = JoinFusedState::new(Static, Tick);
    assert_eq!(
        join_fused_tick(&mut j, &[('a', 1)], &[('a', 10)]),
        [('a', (1, 10))]
    );
    assert!(!j.needs_run());
    assert!(join_fused_tick(&mut j, &[], &[]).is_empty());
    assert_eq!(
        join_fused_tick(&mut j, &[('a', 1)], &[('a', 5)]),
        [('a', (2, 5))]
    );
}

#[test]
fn join_fused_lhs_preserves_probe_order() {
    let mut j = JoinFusedLhsState::new(Tick, Tick);
    let mut agg = sum();
    let mut out = Vec::new();
    // A probe item before the aggregated side is complete is held.
    j.push_right(('a', 'x'), |x| out.push(x));
    j.push_left(('a', 1), &mut agg);
    j.push_right(('b', 'y'), |x| out.push(x));
    j.push_left(('a', 2), &mut agg);
    j.push_left(('b', 5), &mut agg);
    j.push_right(('a', 'z'), |x| out.push(x));
    assert!(out.is_empty());
    j.flush(|x| out.push(x));
    assert_eq!(out, [('a', (3, 'x')), ('b', (5, 'y')), ('a', (3, 'z'))]);
    // After the flush, probe items stream.
    j.push_right(('b', 'w'), |x| out.push(x));
    assert_eq!(out[3], ('b', (5, 'w')));
    j.end_tick();
    out.clear();
    j.push_right(('a', 'q'), |x| out.push(x));
    j.flush(|x| out.push(x));
    assert!(out.is_empty());
}

#[test]
fn join_fused_lhs_static_probe_replays() {
    let mut j = JoinFusedLhsState::new(Static, Static);
    let mut agg = sum();
    let mut out = Vec::new();
    j.push_left(('a', 1), &mut agg);
    j.push_right(('a', 'x'), |x| out.push(x));
    j.flush(|x| out.push(x));
    j.end_tick();
    assert_eq!(out, [('a', (1, 'x'))]);
    assert!(j.needs_run());
    out.clear();
    j.push_right(('a', 'y'), |x| out.push(x));
    j.push_left(('a', 1), &mut agg);
    j.flush(|x| out.push(x));
    j.flush(|x| out.push(x));
    j.end_tick();
    assert_eq!(out, [('a', (2, 'x')), ('a', (2, 'y'))]);
}

#[test]
fn join_fused_rhs_mirrors() {
    let mut j = JoinFusedRhsState::new(Tick, Tick);
    let mut agg = sum();
    let mut out = Vec::new();
    j.push_left(('a', 'x'), |x| out.push(x));
    j.push_right(('a', 4), &mut agg);
    j.push_right(('a', 4), &mut agg);
    j.flush(|x| out.push(x));
    j.push_left(('a', 'y'), |x| out.push(x));
    j.push_left(('c', 'y'), |x| out.push(x));
    assert_eq!(out, [('a', ('x', 8)), ('a', ('y', 8))]);
    assert!(!j.needs_run());
}

fn half_tick(
    j: &mut JoinMultisetHalfState<u32, char, char>,
    build: &[(u32, char)],
    probe: &[(u32, char)],
) -> Vec<(u32, (char, char))> {
    let mut out = Vec::new();
    for &item in probe {
        j.push_probe(item, |x| out.push(x));
    }
    for &item in build {
        j.push_build(item);
    }
    j.flush(|x| out.push(x));
    j.end_tick();
    out
}

#[test]
fn join_multiset_half_tick_tick() {
    let mut j = JoinMultisetHalfState::new(Tick, Tick);
    assert_eq!(
        half_tick(
            &mut j,
            &[(1, 'a'), (1, 'b'), (2, 'c'), (1, 'a')],
            &[(2, 'x'), (1, 'y'), (3, 'z'), (2, 'x')]
        ),
        [
            (2, ('x', 'c')),
            (1, ('y', 'a')),
            (1, ('y', 'b')),
            (1, ('y', 'a')),
            (2, ('x', 'c'))
        ]
    );
    assert!(half_tick(&mut j, &[], &[(1, 'y')]).is_empty());
    assert!(!j.needs_run());
}

#[test]
fn join_multiset_half_static_build() {
    let mut j = JoinMultisetHalfState::new(Static, Tick);
    assert!(half_tick(&mut j, &[(1, 'a')], &[]).is_empty());
    assert!(!j.needs_run());
    assert_eq!(
        half_tick(&mut j, &[(1, 'b')], &[(1, 'y')]),
        [(1, ('y', 'a')), (1, ('y', 'b'))]
    );
}

#[test]
fn join_multiset_half_static_probe() {
    let mut j = JoinMultisetHalfState::new(Tick, Static);
    assert!(half_tick(&mut j, &[], &[(1, 'y'), (2, 'z')]).is_empty());
    assert!(!j.needs_run()); // no build values to replay against
    assert_eq!(
        half_tick(&mut j, &[(2, 'b'), (1, 'a')], &[(1, 'w')]),
        [(1, ('y', 'a')), (2, ('z', 'b')), (1, ('w', 'a'))]
    );
}

fn cross_tick(
    c: &mut CrossJoinMultisetState<char, u32>,
    left: &[char],
    right: &[u32],
) -> Vec<(char, u32)> {
    let mut out = Vec::new();
    c.replay(|x| out.push(x));
    for &l in left {
        c.push_left(l, |x| out.push(x));
    }
    for &r in right {
        c.push_right(r, |x| out.push(x));
    }
    c.end_tick();
    out.sort_unstable();
    out
}

#[test]
fn cross_join_multiset_keeps_duplicates() {
    let mut c = CrossJoinMultisetState::new(Tick, Tick);
    let _: Ty<(char, u32)> = CrossJoinMultisetState::output(Ty::new(), Ty::new());
    assert_eq!(
        cross_tick(&mut c, &['a', 'a'], &[1, 2]),
        [('a', 1), ('a', 1), ('a', 2), ('a', 2)]
    );
    assert!(cross_tick(&mut c, &['b'], &[]).is_empty());
}

#[test]
fn cross_join_multiset_static_replays() {
    let mut c = CrossJoinMultisetState::new(Static, Static);
    assert_eq!(cross_tick(&mut c, &['a'], &[1, 1]), [('a', 1), ('a', 1)]);
    assert!(c.needs_run());
    assert_eq!(cross_tick(&mut c, &[], &[]), [('a', 1), ('a', 1)]);
    assert_eq!(
        cross_tick(&mut c, &['b'], &[]),
        [('a', 1), ('a', 1), ('b', 1), ('b', 1)]
    );
}

#[test]
fn cross_singleton_holds_input_until_single() {
    let mut c = CrossSingletonState::new(Tick);
    let mut out = Vec::new();
    c.push_input('a', |x| out.push(x));
    c.push_input('b', |x| out.push(x));
    c.push_single(1, |x| out.push(x));
    c.push_input('c', |x| out.push(x));
    c.push_single(2, |x| out.push(x));
    assert_eq!(out, [('a', 1), ('b', 1), ('c', 1)]);
    c.end_tick();
    assert_eq!(c.single(), None);
    out.clear();
    // No single in this tick: the input is dropped at the end of it.
    c.push_input('d', |x| out.push(x));
    c.end_tick();
    c.push_single(3, |x| out.push(x));
    assert!(out.is_empty());
}

#[test]
fn cross_singleton_static_keeps_first() {
    let mut c = CrossSingletonState::new(Static);
    let mut out = Vec::new();
    c.push_single(1, |x| out.push(x));
    c.end_tick();
    c.push_single(2, |x| out.push(x));
    c.push_input('a', |x| out.push(x));
    c.end_tick();
    c.push_input('b', |x| out.push(x));
    assert_eq!(out, [('a', 1), ('b', 1)]);
    assert_eq!(c.single(), Some(&1));
}
