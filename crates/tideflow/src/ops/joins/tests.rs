//! Unit tests of `joins`.
use super::*;
use Persistence::{Static, Tick};

#[derive(Clone, Copy, Debug)]
enum In {
    L(u32, char),
    R(u32, char),
}
use In::{L, R};

type Out = (u32, (char, char));

/// Persistence of the two inputs and the expected output of each of three ticks.
type Case<T> = (Persistence, Persistence, [Vec<T>; 3]);

/// The `pos` and `neg` input of each of three ticks.
type NegTicks<P, N> = [(&'static [P], &'static [N]); 3];

/// Where a tick calls `replay` relative to its pushes.
#[derive(Clone, Copy)]
enum ReplayAt {
    First,
    Last,
    Middle,
}

fn join_tick(j: &mut JoinState<u32, char, char>, at: ReplayAt, inputs: &[In]) -> Vec<Out> {
    let mut out = Vec::new();
    let mid = inputs.len() / 2;
    for (i, input) in inputs.iter().enumerate() {
        if matches!(at, ReplayAt::First) && i == 0 || matches!(at, ReplayAt::Middle) && i == mid {
            j.replay(|x| out.push(x));
        }
        match *input {
            L(k, v) => j.push_left((k, v), |x| out.push(x)),
            R(k, v) => j.push_right((k, v), |x| out.push(x)),
        }
    }
    j.replay(|x| out.push(x));
    j.replay(|x| out.push(x)); // A second replay in the same tick does nothing.
    j.end_tick();
    out.sort_unstable();
    out
}

fn ticks() -> [Vec<In>; 4] {
    [
        vec![
            L(1, 'a'),
            R(1, 'x'),
            L(1, 'b'),
            L(2, 'c'),
            R(3, 'z'),
            L(1, 'a'),
            R(1, 'x'),
        ],
        vec![R(1, 'y'), L(3, 'd'), L(1, 'a')],
        vec![R(2, 'w')],
        vec![],
    ]
}

fn expect(pairs: &[(u32, char, char)]) -> Vec<Out> {
    let mut out: Vec<Out> = pairs.iter().map(|&(k, l, r)| (k, (l, r))).collect();
    out.sort_unstable();
    out
}

fn check_matrix(left: Persistence, right: Persistence, expected: [Vec<Out>; 4]) {
    for at in [ReplayAt::First, ReplayAt::Middle, ReplayAt::Last] {
        let mut j = JoinState::new(left, right);
        for (tick, (inputs, expected)) in ticks().iter().zip(&expected).enumerate() {
            assert_eq!(&join_tick(&mut j, at, inputs), expected, "tick {tick}");
        }
    }
}

#[test]
fn join_tick_tick() {
    check_matrix(
        Tick,
        Tick,
        [
            expect(&[(1, 'a', 'x'), (1, 'b', 'x')]),
            expect(&[(1, 'a', 'y')]),
            expect(&[]),
            expect(&[]),
        ],
    );
}

#[test]
fn join_tick_static() {
    check_matrix(
        Tick,
        Static,
        [
            expect(&[(1, 'a', 'x'), (1, 'b', 'x')]),
            expect(&[(1, 'a', 'x'), (1, 'a', 'y'), (3, 'd', 'z')]),
            expect(&[]),
            expect(&[]),
        ],
    );
}

#[test]
fn join_static_tick() {
    check_matrix(
        Static,
        Tick,
        [
            expect(&[(1, 'a', 'x'), (1, 'b', 'x')]),
            expect(&[(1, 'a', 'y'), (1, 'b', 'y')]),
            expect(&[(2, 'c', 'w')]),
            expect(&[]),
        ],
    );
}

#[test]
fn join_static_static() {
    let all = [
        (1, 'a', 'x'),
        (1, 'a', 'y'),
        (1, 'b', 'x'),
        (1, 'b', 'y'),
        (3, 'd', 'z'),
    ];
    let mut with_w = all.to_vec();
    with_w.push((2, 'c', 'w'));
    check_matrix(
        Static,
        Static,
        [
            expect(&[(1, 'a', 'x'), (1, 'b', 'x')]),
            expect(&all),
            expect(&with_w),
            expect(&with_w),
        ],
    );
}

#[test]
fn join_streams_in_arrival_order() {
    let mut j = JoinState::new(Tick, Tick);
    let _: Ty<Out> = JoinState::output(Ty::new(), Ty::new());
    let mut out = Vec::new();
    j.push_left((1, 'a'), |x| out.push(x));
    assert_eq!(out, []);
    j.push_right((1, 'x'), |x| out.push(x));
    assert_eq!(out, [(1, ('a', 'x'))]);
    j.push_left((1, 'b'), |x| out.push(x));
    j.push_right((1, 'y'), |x| out.push(x));
    assert_eq!(
        out,
        [
            (1, ('a', 'x')),
            (1, ('b', 'x')),
            (1, ('a', 'y')),
            (1, ('b', 'y'))
        ]
    );
}

#[test]
fn join_needs_run_only_for_static_static_with_matches() {
    for (left, right) in [(Tick, Tick), (Tick, Static), (Static, Tick)] {
        let mut j = JoinState::new(left, right);
        j.push_left((1, 'a'), |_| {});
        j.push_right((1, 'x'), |_| {});
        j.end_tick();
        assert!(!j.needs_run());
    }
    let mut j = JoinState::new(Static, Static);
    assert!(!j.needs_run());
    j.push_left((1, 'a'), |_| {});
    j.push_right((2, 'x'), |_| {});
    j.end_tick();
    assert!(!j.needs_run(), "no key on both sides");
    j.push_right((1, 'y'), |_| {});
    j.end_tick();
    assert!(j.needs_run());
    let mut out = Vec::new();
    j.replay(|x| out.push(x));
    assert_eq!(out, [(1, ('a', 'y'))]);
    assert!(!j.needs_run());
}

#[test]
fn join_multiset_multiplies() {
    let mut j = JoinMultisetState::new(Static, Tick);
    let _: Ty<Out> = JoinMultisetState::output(Ty::new(), Ty::new());
    let mut out = Vec::new();
    j.push_left((1, 'a'), |x| out.push(x));
    j.push_right((1, 'x'), |x| out.push(x));
    j.push_left((1, 'a'), |x| out.push(x));
    j.push_right((1, 'x'), |x| out.push(x));
    j.push_right((2, 'z'), |x| out.push(x));
    assert_eq!(out, vec![(1, ('a', 'x')); 4]);
    j.end_tick();
    out.clear();
    j.replay(|x| out.push(x));
    j.push_right((1, 'y'), |x| out.push(x));
    assert_eq!(out, vec![(1, ('a', 'y')); 2]);
}

#[test]
fn join_multiset_static_static_replays_with_multiplicity() {
    let mut j = JoinMultisetState::new(Static, Static);
    let mut out = Vec::new();
    j.push_left((1, 'a'), |x| out.push(x));
    j.push_left((1, 'a'), |x| out.push(x));
    j.push_right((1, 'x'), |x| out.push(x));
    assert_eq!(out, vec![(1, ('a', 'x')); 2]);
    j.end_tick();
    assert!(j.needs_run());
    out.clear();
    j.push_right((1, 'x'), |x| out.push(x));
    j.replay(|x| out.push(x));
    assert_eq!(out, vec![(1, ('a', 'x')); 4]);
}

/// A small deterministic pseudo-random generator for the model checks.
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// Compares the streaming joins with a naive model: the tick's output is the product of
/// the two sides' (multi)sets of that tick.
#[test]
fn joins_match_naive_model() {
    let mut rng = Lcg(7);
    for round in 0..64 {
        let left_p = if round & 1 == 0 { Tick } else { Static };
        let right_p = if round & 2 == 0 { Tick } else { Static };
        let mut set_join = JoinState::new(left_p, right_p);
        let mut bag_join = JoinMultisetState::new(left_p, right_p);
        let mut left: Vec<(u32, u32)> = Vec::new();
        let mut right = left.clone();
        for _tick in 0..5 {
            if left_p == Tick {
                left.clear();
            }
            if right_p == Tick {
                right.clear();
            }
            let replay_at = rng.below(40) as usize;
            let (mut set_out, mut bag_out) = (Vec::new(), Vec::new());
            for i in 0..40 {
                if i == replay_at {
                    set_join.replay(|x| set_out.push(x));
                    bag_join.replay(|x| bag_out.push(x));
                }
                let item = (rng.below(3) as u32, rng.below(30) as u32);
                if rng.below(2) == 0 {
                    left.push(item);
                    set_join.push_left(item, |x| set_out.push(x));
                    bag_join.push_left(item, |x| bag_out.push(x));
                } else {
                    right.push(item);
                    set_join.push_right(item, |x| set_out.push(x));
                    bag_join.push_right(item, |x| bag_out.push(x));
                }
            }
            set_join.replay(|x| set_out.push(x));
            bag_join.replay(|x| bag_out.push(x));
            set_join.end_tick();
            bag_join.end_tick();

            let mut bag_expected = Vec::new();
            for &(lk, lv) in &left {
                for &(rk, rv) in &right {
                    if lk == rk {
                        bag_expected.push((lk, (lv, rv)));
                    }
                }
            }
            bag_expected.sort_unstable();
            bag_out.sort_unstable();
            assert_eq!(bag_out, bag_expected);

            let mut set_expected = bag_expected;
            set_expected.dedup();
            set_out.sort_unstable();
            assert_eq!(set_out, set_expected);
        }
    }
}

fn cross_tick(c: &mut CrossJoinState<u8, char>, inputs: &[(bool, u8, char)]) -> Vec<(u8, char)> {
    let mut out = Vec::new();
    c.replay(|x| out.push(x));
    for &(is_left, l, r) in inputs {
        if is_left {
            c.push_left(l, |x| out.push(x));
        } else {
            c.push_right(r, |x| out.push(x));
        }
    }
    c.end_tick();
    out.sort_unstable();
    out
}

#[test]
fn cross_join_matrix() {
    // (true, l, _) pushes l on the left; (false, _, r) pushes r on the right.
    let ticks: [&[(bool, u8, char)]; 3] = [
        &[
            (true, 1, '-'),
            (false, 0, 'x'),
            (true, 1, '-'),
            (true, 2, '-'),
            (false, 0, 'x'),
        ],
        &[(false, 0, 'y')],
        &[(true, 3, '-')],
    ];
    let cases: [Case<(u8, char)>; 4] = [
        (Tick, Tick, [vec![(1, 'x'), (2, 'x')], vec![], vec![]]),
        (
            Tick,
            Static,
            [vec![(1, 'x'), (2, 'x')], vec![], vec![(3, 'x'), (3, 'y')]],
        ),
        (
            Static,
            Tick,
            [vec![(1, 'x'), (2, 'x')], vec![(1, 'y'), (2, 'y')], vec![]],
        ),
        (
            Static,
            Static,
            [
                vec![(1, 'x'), (2, 'x')],
                vec![(1, 'x'), (1, 'y'), (2, 'x'), (2, 'y')],
                vec![(1, 'x'), (1, 'y'), (2, 'x'), (2, 'y'), (3, 'x'), (3, 'y')],
            ],
        ),
    ];
    for (left, right, expected) in cases {
        let mut c = CrossJoinState::new(left, right);
        let _: Ty<(u8, char)> = CrossJoinState::output(Ty::new(), Ty::new());
        for (tick, (inputs, expected)) in ticks.iter().zip(&expected).enumerate() {
            assert_eq!(
                &cross_tick(&mut c, inputs),
                expected,
                "{left:?}/{right:?} tick {tick}"
            );
        }
        assert_eq!(c.needs_run(), left == Static && right == Static);
    }
}

#[test]
fn join_indexes_long_buckets() {
    let mut j = JoinState::new(Static, Tick);
    let mut out = Vec::new();
    j.push_right((0, 1000), |x| out.push(x));
    for round in 0..3 {
        for v in 0..100u32 {
            j.push_left((0, v), |x| out.push(x));
        }
        assert_eq!(out.len(), 100, "round {round}");
    }
    assert_eq!(out, (0..100).map(|v| (0, (v, 1000))).collect::<Vec<_>>());
}

fn anti_tick(
    a: &mut AntiJoinState<u32, char>,
    pos: &[(u32, char)],
    neg: &[u32],
) -> Vec<(u32, char)> {
    let mut out = Vec::new();
    for &p in pos {
        a.push_pos(p);
    }
    for &n in neg {
        a.push_neg(n);
    }
    a.flush(|x| out.push(x));
    a.flush(|x| out.push(x)); // Nothing new: a second flush emits nothing.
    a.end_tick();
    out
}

#[test]
fn anti_join_matrix() {
    let ticks: NegTicks<(u32, char), u32> = [
        (&[(1, 'a'), (2, 'b'), (1, 'a'), (3, 'c')], &[3]),
        (&[(4, 'd')], &[1]),
        (&[], &[]),
    ];
    let cases: [Case<(u32, char)>; 4] = [
        (
            Tick,
            Tick,
            [vec![(1, 'a'), (2, 'b'), (1, 'a')], vec![(4, 'd')], vec![]],
        ),
        (
            Tick,
            Static,
            [vec![(1, 'a'), (2, 'b'), (1, 'a')], vec![(4, 'd')], vec![]],
        ),
        (
            Static,
            Tick,
            [
                vec![(1, 'a'), (2, 'b'), (1, 'a')],
                vec![(2, 'b'), (3, 'c'), (4, 'd')],
                vec![(1, 'a'), (2, 'b'), (1, 'a'), (3, 'c'), (4, 'd')],
            ],
        ),
        (
            Static,
            Static,
            [
                vec![(1, 'a'), (2, 'b'), (1, 'a')],
                vec![(2, 'b'), (4, 'd')],
                vec![(2, 'b'), (4, 'd')],
            ],
        ),
    ];
    for (pos, neg, expected) in cases {
        let mut a = AntiJoinState::new(pos, neg);
        let _: Ty<(u32, char)> = AntiJoinState::output(Ty::new());
        for (tick, ((p, n), expected)) in ticks.iter().zip(&expected).enumerate() {
            assert_eq!(
                a.needs_run(),
                pos == Static && tick > 0,
                "{pos:?}/{neg:?} tick {tick}"
            );
            assert_eq!(
                &anti_tick(&mut a, p, n),
                expected,
                "{pos:?}/{neg:?} tick {tick}"
            );
        }
    }
}

#[test]
fn anti_join_static_pos_flushes_new_items_only_once_per_tick() {
    let mut a = AntiJoinState::new(Static, Static);
    let mut out = Vec::new();
    a.push_neg(9);
    a.push_pos((1, 'a'));
    a.flush(|x| out.push(x));
    a.push_pos((2, 'b'));
    a.push_pos((9, 'z'));
    a.flush(|x| out.push(x));
    assert_eq!(out, [(1, 'a'), (2, 'b')]);
    a.end_tick();
    out.clear();
    a.flush(|x| out.push(x));
    assert_eq!(out, [(1, 'a'), (2, 'b')]);
}

fn diff_tick(d: &mut DifferenceState<u8>, pos: &[u8], neg: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for &p in pos {
        d.push_pos(p);
    }
    for &n in neg {
        d.push_neg(n);
    }
    d.flush(|x| out.push(x));
    d.end_tick();
    out
}

#[test]
fn difference_matrix() {
    let ticks: NegTicks<u8, u8> = [(&[1, 2, 2, 3], &[3, 3]), (&[4], &[2]), (&[], &[])];
    let cases: [Case<u8>; 4] = [
        (Tick, Tick, [vec![1, 2, 2], vec![4], vec![]]),
        (Tick, Static, [vec![1, 2, 2], vec![4], vec![]]),
        (
            Static,
            Tick,
            [vec![1, 2, 2], vec![1, 3, 4], vec![1, 2, 2, 3, 4]],
        ),
        (Static, Static, [vec![1, 2, 2], vec![1, 4], vec![1, 4]]),
    ];
    for (pos, neg, expected) in cases {
        let mut d = DifferenceState::new(pos, neg);
        let _: Ty<u8> = DifferenceState::output(Ty::new());
        for (tick, ((p, n), expected)) in ticks.iter().zip(&expected).enumerate() {
            assert_eq!(d.needs_run(), pos == Static && tick > 0);
            assert_eq!(
                &diff_tick(&mut d, p, n),
                expected,
                "{pos:?}/{neg:?} tick {tick}"
            );
        }
    }
}
