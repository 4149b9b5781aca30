//! Unit tests of `streams`.
use super::*;
use Persistence::{Static, Tick};

#[test]
fn chain_holds_second_until_flush() {
    let mut c = Chain::new(Ty::new());
    let mut out = Vec::new();
    c.push_second('x');
    out.push('a'); // [0] passes straight through
    c.push_second('y');
    out.push('b');
    c.flush(|x| out.push(x));
    c.end_tick();
    assert_eq!(out, ['a', 'b', 'x', 'y']);
    c.flush(|x| out.push(x));
    assert_eq!(out.len(), 4);
}

#[test]
fn chain_first_n_limits_each_tick() {
    let mut c = ChainFirstN::new(Ty::new());
    let mut out = Vec::new();
    // [1] arrives first but must follow [0].
    c.push_second(10, 3);
    c.push_first(1, 3, |x| out.push(x));
    c.push_second(11, 3);
    c.push_second(12, 3);
    c.flush(3, |x| out.push(x));
    assert_eq!(out, [1, 10, 11]);
    c.end_tick();
    out.clear();
    for x in [1, 2, 3, 4] {
        c.push_first(x, 3, |x| out.push(x));
    }
    c.push_second(10, 3);
    c.flush(3, |x| out.push(x));
    assert_eq!(out, [1, 2, 3]);
    c.end_tick();
    out.clear();
    c.push_second(10, 2);
    c.flush(2, |x| out.push(x));
    c.push_second(11, 2);
    c.push_second(12, 2);
    c.flush(2, |x| out.push(x));
    assert_eq!(out, [10, 11]);
}

#[test]
fn chain_first_n_holds_at_most_n() {
    let mut c = ChainFirstN::new(Ty::new());
    for x in 0..100 {
        c.push_second(x, 2);
    }
    assert_eq!(c.second.len(), 2);
    let mut out = Vec::new();
    c.push_first(7, 2, |x| out.push(x));
    c.flush(2, |x| out.push(x));
    assert_eq!(out, [7, 0]);
}

fn zip_tick(z: &mut Zip<u32, char>, items: &[Result<u32, char>]) -> Vec<(u32, char)> {
    let mut out = Vec::new();
    for item in items {
        match *item {
            Ok(l) => z.push_left(l, |x| out.push(x)),
            Err(r) => z.push_right(r, |x| out.push(x)),
        }
    }
    z.end_tick();
    out
}

#[test]
fn zip_tick_pairs_in_order_and_drops_leftovers() {
    let mut z = Zip::new(Tick, Tick);
    let _: Ty<(u32, char)> = Zip::output(Ty::new(), Ty::new());
    assert_eq!(
        zip_tick(&mut z, &[Ok(1), Ok(2), Err('a'), Ok(3), Err('b')]),
        [(1, 'a'), (2, 'b')]
    );
    assert_eq!(z.buffered(), (0, 0));
    assert!(zip_tick(&mut z, &[Err('c')]).is_empty());
}

#[test]
fn zip_static_keeps_leftovers() {
    let mut z = Zip::new(Static, Tick);
    assert_eq!(
        zip_tick(&mut z, &[Ok(1), Ok(2), Ok(3), Err('a')]),
        [(1, 'a')]
    );
    assert_eq!(z.buffered(), (2, 0));
    assert_eq!(zip_tick(&mut z, &[Err('b')]), [(2, 'b')]);
    // The right side is 'tick: its leftover is dropped.
    assert_eq!(zip_tick(&mut z, &[Err('c'), Err('d')]), [(3, 'c')]);
    assert_eq!(z.buffered(), (0, 0));
    assert!(zip_tick(&mut z, &[Ok(4)]).is_empty());
}

#[test]
fn growth_warning_doubles() {
    let mut w = GrowthWarning::new("test");
    w.grew(WARN_AT - 1);
    assert_eq!(w.next, WARN_AT);
    w.grew(WARN_AT);
    assert_eq!(w.next, 2 * WARN_AT);
    w.grew(WARN_AT + 1);
    assert_eq!(w.next, 2 * WARN_AT);
    w.emptied();
    assert_eq!(w.next, WARN_AT);
}

#[test]
fn zip_longest_pairs_then_rest() {
    let mut z = ZipLongest::new(Ty::<u32>::new(), Ty::<char>::new());
    let mut out = Vec::new();
    z.push_left(1, |x| out.push(x));
    z.push_left(2, |x| out.push(x));
    z.push_right('a', |x| out.push(x));
    z.push_left(3, |x| out.push(x));
    z.flush(|x| out.push(x));
    z.end_tick();
    use EitherOrBoth::{Both, Left, Right};
    assert_eq!(out, [Both(1, 'a'), Left(2), Left(3)]);
    out.clear();
    z.push_right('b', |x| out.push(x));
    z.push_right('c', |x| out.push(x));
    z.push_left(4, |x| out.push(x));
    z.flush(|x| out.push(x));
    assert_eq!(out, [Both(4, 'b'), Right('c')]);
}

#[test]
fn either_or_both_accessors() {
    let both: EitherOrBoth<u8, char> = EitherOrBoth::Both(1, 'a');
    assert_eq!((both.left(), both.right()), (Some(1), Some('a')));
    assert!(both.is_both());
    let left: EitherOrBoth<u8, char> = EitherOrBoth::Left(2);
    assert_eq!(left.into_options(), (Some(2), None));
    assert_eq!(left.right(), None);
    let right: EitherOrBoth<u8, char> = EitherOrBoth::Right('b');
    assert_eq!(right.into_options(), (None, Some('b')));
    assert!(!right.is_both());
}

#[test]
fn unzip_types() {
    let (_a, _b): (Ty<u8>, Ty<String>) = unzip_ty(Ty::<(u8, String)>::new());
}

fn scan_tick(s: &mut Scan<u32>, items: &[u32]) -> Vec<u32> {
    let (mut init, mut f, _) = scan_fns(
        Ty::<u32>::new(),
        || 0,
        |acc: &mut u32, x| {
            *acc += x;
            (*acc < 10).then_some(*acc)
        },
    );
    let mut out = Vec::new();
    for &item in items {
        s.push(item, &mut init, &mut f, |x| out.push(x));
    }
    s.end_tick();
    out
}

#[test]
fn scan_tick_stops_until_the_tick_ends() {
    let mut s = Scan::new(Tick);
    assert_eq!(scan_tick(&mut s, &[1, 2, 3, 5, 1]), [1, 3, 6]);
    assert!(!s.is_stopped());
    assert_eq!(scan_tick(&mut s, &[4, 4]), [4, 8]);
}

#[test]
fn scan_static_stops_forever() {
    let mut s = Scan::new(Static);
    assert_eq!(scan_tick(&mut s, &[1, 2]), [1, 3]);
    assert_eq!(scan_tick(&mut s, &[3, 5, 0]), [6]);
    assert!(s.is_stopped());
    assert!(scan_tick(&mut s, &[0]).is_empty());
}

#[test]
fn sort_by_key_is_stable() {
    let mut s = SortByKey::new(Ty::new());
    let mut key = sort_by_key_fn(Ty::<(u32, char)>::new(), |x| x.0);
    for item in [(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd')] {
        s.push(item);
    }
    let mut out = Vec::new();
    s.flush(&mut key, |x| out.push(x));
    assert_eq!(out, [(1, 'b'), (1, 'd'), (2, 'a'), (2, 'c')]);
    out.clear();
    s.flush(&mut key, |x| out.push(x));
    assert!(out.is_empty());
}

fn fold_tick(f: &mut FoldNoReplay<u32>, items: &[u32]) -> Vec<u32> {
    let (mut init, mut fold, _) =
        crate::ops::aggregates::fold_fns(Ty::<u32>::new(), || 0, |acc: &mut u32, x| *acc += x);
    for &item in items {
        f.push(item, &mut init, &mut fold);
    }
    let mut out = Vec::new();
    f.flush(&mut init, |x| out.push(x));
    f.end_tick();
    out
}

#[test]
fn fold_no_replay_tick() {
    let mut f = FoldNoReplay::new(Tick);
    assert!(f.needs_run());
    assert_eq!(fold_tick(&mut f, &[]), [0]);
    assert!(!f.needs_run());
    assert!(fold_tick(&mut f, &[]).is_empty());
    assert_eq!(fold_tick(&mut f, &[1, 2]), [3]);
    assert!(fold_tick(&mut f, &[]).is_empty());
    assert_eq!(fold_tick(&mut f, &[4]), [4]);
}

#[test]
fn fold_no_replay_static() {
    let mut f = FoldNoReplay::new(Static);
    assert_eq!(fold_tick(&mut f, &[1]), [1]);
    assert!(fold_tick(&mut f, &[]).is_empty());
    assert_eq!(fold_tick(&mut f, &[2, 3]), [6]);
    assert!(fold_tick(&mut f, &[]).is_empty());
}

fn reduce_tick(r: &mut ReduceNoReplay<u32>, items: &[u32]) -> Vec<u32> {
    let mut f = crate::ops::aggregates::reduce_fn(Ty::<u32>::new(), |acc, x| *acc += x);
    for &item in items {
        r.push(item, &mut f);
    }
    let mut out = Vec::new();
    r.flush(|x| out.push(x));
    r.end_tick();
    out
}

#[test]
fn reduce_no_replay_tick() {
    let mut r = ReduceNoReplay::new(Tick);
    assert!(reduce_tick(&mut r, &[]).is_empty());
    assert_eq!(reduce_tick(&mut r, &[1, 2]), [3]);
    assert!(reduce_tick(&mut r, &[]).is_empty());
    assert_eq!(reduce_tick(&mut r, &[5]), [5]);
}

#[test]
fn reduce_no_replay_static() {
    let mut r = ReduceNoReplay::new(Static);
    assert_eq!(reduce_tick(&mut r, &[1, 2]), [3]);
    assert!(reduce_tick(&mut r, &[]).is_empty());
    assert_eq!(reduce_tick(&mut r, &[5]), [8]);
}

#[test]
fn defer_signal_holds_until_signal() {
    let mut d = DeferSignal::new(Ty::new());
    let mut out = Vec::new();
    d.push_input('a', |x| out.push(x));
    d.end_tick();
    d.push_input('b', |x| out.push(x));
    assert_eq!(d.buffered(), 2);
    d.end_tick();
    assert!(out.is_empty());
    d.push_input('c', |x| out.push(x));
    d.push_signal((), |x| out.push(x));
    d.push_input('d', |x| out.push(x));
    d.push_signal((), |x| out.push(x));
    d.end_tick();
    assert_eq!(out, ['a', 'b', 'c', 'd']);
    out.clear();
    d.push_input('e', |x| out.push(x));
    d.end_tick();
    assert!(out.is_empty());
    assert_eq!(d.buffered(), 1);
}
