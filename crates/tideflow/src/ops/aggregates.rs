//! Aggregates: `fold`, `reduce`, `fold_keyed`, `reduce_keyed` and `sort`.
//!
//! Aggregates are *blocking*: `push` accumulates each item of the tick, and `flush` runs once
//! after the tick's whole input has been pushed and emits the result. The user's closures are
//! not stored here; they are passed to each call by `&mut` (the `*_fn`/`*_fns` argument shapers
//! fix their types from the input's [`Ty`]).
//!
//! Persistence follows the established semantics: a `'tick` aggregate starts fresh every tick;
//! a `'static` one keeps its accumulator(s) forever and re-emits them every tick (use
//! `needs_run` to run it in ticks without input).
//! - `fold` emits exactly one value per tick, `init()` if nothing was folded;
//! - `reduce` emits its accumulator if it has one, nothing before its first item;
//! - `fold_keyed` / `reduce_keyed` emit one `(key, accumulator)` per group;
//! - `sort` emits the tick's items in order.

use std::collections::hash_map::Entry;
use std::hash::Hash;

use rustc_hash::FxHashMap;

use crate::ops::{Persistence, Ty};

/// `fold(init, fold)`: fixes `init: FnMut() -> A` and `fold: FnMut(&mut A, T)` and returns the
/// output witness.
#[inline(always)]
pub fn fold_fns<T, A, I: FnMut() -> A, F: FnMut(&mut A, T)>(
    input: Ty<T>,
    init: I,
    fold: F,
) -> (I, F, Ty<A>) {
    let _ = input;
    (init, fold, Ty::new())
}

/// `fold(init, fold)`: folds the tick's items into one accumulator and emits it every tick.
#[derive(Debug, Clone)]
pub struct Fold<A> {
    persistence: Persistence,
    acc: Option<A>,
    retain: bool,
}

impl<A> Fold<A> {
    /// A fold with no accumulator yet.
    pub fn new(persistence: Persistence) -> Self {
        Self {
            persistence,
            acc: None,
            retain: false,
        }
    }

    /// Keeps `'tick` state across several flushes within one tick (the operator runs once per
    /// iteration of a nested loop): each flush emits a clone, and the state resets at tick end.
    pub fn retaining(mut self) -> Self {
        self.retain = true;
        self
    }

    /// Folds `item` into the accumulator, starting it with `init()` if there is none.
    #[inline]
    pub fn push<T>(
        &mut self,
        item: T,
        init: &mut impl FnMut() -> A,
        fold: &mut impl FnMut(&mut A, T),
    ) {
        fold(self.acc.get_or_insert_with(init), item);
    }

    /// Always true: a fold emits a value every tick, even without input.
    pub fn needs_run(&self) -> bool {
        true
    }

    /// End of tick: a `'tick` fold drops its accumulator.
    pub fn end_tick(&mut self) {
        if self.persistence == Persistence::Tick {
            self.acc = None;
        }
    }
}

impl<A: Clone> Fold<A> {
    /// Emits exactly one value: the accumulator, or `init()` if nothing was folded yet.
    ///
    /// A `'tick` fold moves its accumulator out (the next tick starts fresh); a `'static` fold
    /// emits a clone of its running value. Call once per tick, after the tick's input.
    pub fn flush(&mut self, init: &mut impl FnMut() -> A, mut emit: impl FnMut(A)) {
        if self.persistence == Persistence::Tick && !self.retain {
            emit(self.acc.take().unwrap_or_else(init));
        } else {
            emit(self.acc.get_or_insert_with(init).clone());
        }
    }
}

/// `reduce(f)`: fixes `f: FnMut(&mut T, T)`; the output is the input's type.
#[inline(always)]
pub fn reduce_fn<T, F: FnMut(&mut T, T)>(input: Ty<T>, f: F) -> F {
    let _ = input;
    f
}

/// `reduce(f)`: combines the items into the first one and emits it, if there is one.
#[derive(Debug, Clone)]
pub struct Reduce<T> {
    persistence: Persistence,
    acc: Option<T>,
    retain: bool,
}

impl<T> Reduce<T> {
    /// A reduce with no accumulator yet.
    pub fn new(persistence: Persistence) -> Self {
        Self {
            persistence,
            acc: None,
            retain: false,
        }
    }

    /// Keeps `'tick` state across several flushes within one tick (the operator runs once per
    /// iteration of a nested loop): each flush emits a clone, and the state resets at tick end.
    pub fn retaining(mut self) -> Self {
        self.retain = true;
        self
    }

    /// The first item becomes the accumulator; later ones are combined into it with `f`.
    #[inline]
    pub fn push(&mut self, item: T, f: &mut impl FnMut(&mut T, T)) {
        match &mut self.acc {
            Some(acc) => f(acc, item),
            None => self.acc = Some(item),
        }
    }

    /// Whether a flush would emit without new input: a `'static` reduce with a value
    /// re-emits it every tick.
    pub fn needs_run(&self) -> bool {
        self.persistence == Persistence::Static && self.acc.is_some()
    }

    /// End of tick: a `'tick` reduce drops its accumulator.
    pub fn end_tick(&mut self) {
        if self.persistence == Persistence::Tick {
            self.acc = None;
        }
    }
}

impl<T: Clone> Reduce<T> {
    /// Emits the accumulator if there is one: moved out for `'tick`, cloned for `'static`.
    pub fn flush(&mut self, mut emit: impl FnMut(T)) {
        if self.persistence == Persistence::Tick && !self.retain {
            if let Some(acc) = self.acc.take() {
                emit(acc);
            }
        } else if let Some(acc) = &self.acc {
            emit(acc.clone());
        }
    }
}

/// `fold_keyed(init, fold)`: fixes `init: FnMut() -> A` and `fold: FnMut(&mut A, V)` over
/// `(K, V)` items and returns the output witness `(K, A)`.
#[inline(always)]
pub fn fold_keyed_fns<K, V, A, I: FnMut() -> A, F: FnMut(&mut A, V)>(
    input: Ty<(K, V)>,
    init: I,
    fold: F,
) -> (I, F, Ty<(K, A)>) {
    let _ = input;
    (init, fold, Ty::new())
}

/// Emits every group of a keyed aggregate: drained for `'tick`, cloned for `'static`.
fn flush_groups<K: Clone, A: Clone>(
    persistence: Persistence,
    retain: bool,
    groups: &mut FxHashMap<K, A>,
    mut emit: impl FnMut((K, A)),
) {
    if persistence == Persistence::Tick && !retain {
        groups.drain().for_each(emit);
    } else {
        for (key, acc) in groups.iter() {
            emit((key.clone(), acc.clone()));
        }
    }
}

/// `fold_keyed(init, fold)`: GROUP BY key, folding each group's values.
///
/// Emits one `(key, accumulator)` per group, in no particular order. `'static` keeps every
/// group ever seen and emits all of them every tick.
#[derive(Debug, Clone)]
pub struct FoldKeyed<K, A> {
    persistence: Persistence,
    groups: FxHashMap<K, A>,
    retain: bool,
}

impl<K, A> FoldKeyed<K, A> {
    /// A keyed fold with no groups.
    pub fn new(persistence: Persistence) -> Self {
        Self {
            persistence,
            groups: FxHashMap::default(),
            retain: false,
        }
    }

    /// Keeps `'tick` groups across several flushes within one tick (the operator runs once per
    /// iteration of a nested loop): each flush emits clones, and the groups reset at tick end.
    pub fn retaining(mut self) -> Self {
        self.retain = true;
        self
    }
}

impl<K: Eq + Hash, A> FoldKeyed<K, A> {
    /// Folds `item`'s value into its key's accumulator, starting it with `init()`.
    #[inline]
    pub fn push<V>(
        &mut self,
        item: (K, V),
        init: &mut impl FnMut() -> A,
        fold: &mut impl FnMut(&mut A, V),
    ) {
        let (key, value) = item;
        fold(self.groups.entry(key).or_insert_with(init), value);
    }
}

impl<K: Clone + Eq + Hash, A: Clone> FoldKeyed<K, A> {
    /// Emits every group. `'tick` drains the groups without cloning (keeping the map's
    /// allocation); `'static` emits a clone of every group.
    pub fn flush(&mut self, emit: impl FnMut((K, A))) {
        flush_groups(self.persistence, self.retain, &mut self.groups, emit);
    }

    /// Whether a flush would emit without new input: a `'static` keyed fold with groups.
    pub fn needs_run(&self) -> bool {
        self.persistence == Persistence::Static && !self.groups.is_empty()
    }

    /// End of tick: a `'tick` keyed fold drops any groups left.
    pub fn end_tick(&mut self) {
        if self.persistence == Persistence::Tick {
            self.groups.clear();
        }
    }
}

/// `reduce_keyed(f)`: fixes `f: FnMut(&mut V, V)` over `(K, V)` items; the output is the
/// input's type.
#[inline(always)]
pub fn reduce_keyed_fn<K, V, F: FnMut(&mut V, V)>(input: Ty<(K, V)>, f: F) -> F {
    let _ = input;
    f
}

/// `reduce_keyed(f)`: GROUP BY key; each group's first value is its accumulator, later values
/// are combined into it.
///
/// Emits one `(key, accumulator)` per group, in no particular order. `'static` keeps every
/// group ever seen and emits all of them every tick.
#[derive(Debug, Clone)]
pub struct ReduceKeyed<K, V> {
    persistence: Persistence,
    groups: FxHashMap<K, V>,
    retain: bool,
}

impl<K, V> ReduceKeyed<K, V> {
    /// A keyed reduce with no groups.
    pub fn new(persistence: Persistence) -> Self {
        Self {
            persistence,
            groups: FxHashMap::default(),
            retain: false,
        }
    }

    /// Keeps `'tick` groups across several flushes within one tick (the operator runs once per
    /// iteration of a nested loop): each flush emits clones, and the groups reset at tick end.
    pub fn retaining(mut self) -> Self {
        self.retain = true;
        self
    }
}

impl<K: Eq + Hash, V> ReduceKeyed<K, V> {
    /// Combines `item`'s value into its key's accumulator (or makes it the accumulator).
    #[inline]
    pub fn push(&mut self, item: (K, V), f: &mut impl FnMut(&mut V, V)) {
        let (key, value) = item;
        match self.groups.entry(key) {
            Entry::Occupied(mut acc) => f(acc.get_mut(), value),
            Entry::Vacant(slot) => {
                slot.insert(value);
            }
        }
    }
}

impl<K: Clone + Eq + Hash, V: Clone> ReduceKeyed<K, V> {
    /// Emits every group. `'tick` drains the groups without cloning (keeping the map's
    /// allocation); `'static` emits a clone of every group.
    pub fn flush(&mut self, emit: impl FnMut((K, V))) {
        flush_groups(self.persistence, self.retain, &mut self.groups, emit);
    }

    /// Whether a flush would emit without new input: a `'static` keyed reduce with groups.
    pub fn needs_run(&self) -> bool {
        self.persistence == Persistence::Static && !self.groups.is_empty()
    }

    /// End of tick: a `'tick` keyed reduce drops any groups left.
    pub fn end_tick(&mut self) {
        if self.persistence == Persistence::Tick {
            self.groups.clear();
        }
    }
}

/// `sort()`: emits the tick's items in ascending order (unstable sort).
#[derive(Debug, Clone)]
pub struct Sort<T: Ord> {
    items: Vec<T>,
}

impl<T: Ord> Sort<T> {
    /// An empty sort buffer.
    pub fn new(input: Ty<T>) -> Self {
        let _ = input;
        Self { items: Vec::new() }
    }

    /// Buffers `item`.
    #[inline]
    pub fn push(&mut self, item: T) {
        self.items.push(item);
    }

    /// Sorts the buffered items and emits them in order, keeping the buffer's allocation.
    pub fn flush(&mut self, emit: impl FnMut(T)) {
        self.items.sort_unstable();
        self.items.drain(..).for_each(emit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Persistence::{Static, Tick};

    fn fold_tick(f: &mut Fold<Vec<u32>>, items: &[u32]) -> Vec<Vec<u32>> {
        let (mut init, mut fold, _) =
            fold_fns(Ty::<u32>::new(), Vec::new, |acc: &mut Vec<u32>, x| {
                acc.push(x)
            });
        for &item in items {
            f.push(item, &mut init, &mut fold);
        }
        let mut out = Vec::new();
        f.flush(&mut init, |x| out.push(x));
        f.end_tick();
        out
    }

    #[test]
    fn fold_tick_emits_every_tick() {
        let mut f = Fold::new(Tick);
        assert!(f.needs_run());
        assert_eq!(fold_tick(&mut f, &[1, 2]), [vec![1, 2]]);
        assert_eq!(fold_tick(&mut f, &[]), [Vec::<u32>::new()]);
        assert_eq!(fold_tick(&mut f, &[3]), [vec![3]]);
    }

    #[test]
    fn fold_static_keeps_running_value() {
        let mut f = Fold::new(Static);
        assert_eq!(fold_tick(&mut f, &[]), [Vec::<u32>::new()]);
        assert_eq!(fold_tick(&mut f, &[1, 2]), [vec![1, 2]]);
        assert_eq!(fold_tick(&mut f, &[]), [vec![1, 2]]);
        assert_eq!(fold_tick(&mut f, &[3]), [vec![1, 2, 3]]);
    }

    fn reduce_tick(r: &mut Reduce<u32>, items: &[u32]) -> Vec<u32> {
        let mut f = reduce_fn(Ty::<u32>::new(), |acc, x| *acc = (*acc).max(x));
        for &item in items {
            r.push(item, &mut f);
        }
        let mut out = Vec::new();
        r.flush(|x| out.push(x));
        r.end_tick();
        out
    }

    #[test]
    fn reduce_tick_emits_only_with_input() {
        let mut r = Reduce::new(Tick);
        assert!(reduce_tick(&mut r, &[]).is_empty());
        assert_eq!(reduce_tick(&mut r, &[3, 7, 5]), [7]);
        assert!(!r.needs_run());
        assert!(reduce_tick(&mut r, &[]).is_empty());
        assert_eq!(reduce_tick(&mut r, &[1]), [1]);
    }

    #[test]
    fn reduce_static_replays() {
        let mut r = Reduce::new(Static);
        assert!(!r.needs_run());
        assert!(reduce_tick(&mut r, &[]).is_empty());
        assert_eq!(reduce_tick(&mut r, &[3, 7, 5]), [7]);
        assert!(r.needs_run());
        assert_eq!(reduce_tick(&mut r, &[]), [7]);
        assert_eq!(reduce_tick(&mut r, &[1]), [7]);
        assert_eq!(reduce_tick(&mut r, &[9]), [9]);
    }

    fn run_fold_keyed(f: &mut FoldKeyed<char, u32>, items: &[(char, u32)]) -> Vec<(char, u32)> {
        let (mut init, mut fold, _) =
            fold_keyed_fns(Ty::<(char, u32)>::new(), || 0, |acc: &mut u32, v| *acc += v);
        for &item in items {
            f.push(item, &mut init, &mut fold);
        }
        let mut out = Vec::new();
        f.flush(|x| out.push(x));
        f.end_tick();
        out.sort_unstable();
        out
    }

    #[test]
    fn fold_keyed_tick_groups() {
        let mut f = FoldKeyed::new(Tick);
        assert_eq!(
            run_fold_keyed(&mut f, &[('a', 1), ('b', 2), ('a', 3)]),
            [('a', 4), ('b', 2)]
        );
        assert!(!f.needs_run());
        assert_eq!(run_fold_keyed(&mut f, &[]), []);
        assert_eq!(run_fold_keyed(&mut f, &[('b', 5)]), [('b', 5)]);
    }

    #[test]
    fn fold_keyed_static() {
        let mut f = FoldKeyed::new(Static);
        assert!(!f.needs_run());
        assert_eq!(
            run_fold_keyed(&mut f, &[('a', 1), ('b', 2), ('a', 3)]),
            [('a', 4), ('b', 2)]
        );
        assert!(f.needs_run());
        assert_eq!(run_fold_keyed(&mut f, &[]), [('a', 4), ('b', 2)]);
        assert_eq!(
            run_fold_keyed(&mut f, &[('b', 5), ('c', 1)]),
            [('a', 4), ('b', 7), ('c', 1)]
        );
    }

    fn run_reduce_keyed(
        r: &mut ReduceKeyed<char, String>,
        items: &[(char, &str)],
    ) -> Vec<(char, String)> {
        let mut f = reduce_keyed_fn(Ty::<(char, String)>::new(), |acc, v| acc.push_str(&v));
        for &(k, v) in items {
            r.push((k, v.to_owned()), &mut f);
        }
        let mut out = Vec::new();
        r.flush(|x| out.push(x));
        r.end_tick();
        out.sort_unstable();
        out
    }

    fn owned(items: &[(char, &str)]) -> Vec<(char, String)> {
        items.iter().map(|&(k, v)| (k, v.to_owned())).collect()
    }

    #[test]
    fn reduce_keyed_tick_groups() {
        let mut r = ReduceKeyed::new(Tick);
        assert_eq!(
            run_reduce_keyed(&mut r, &[('a', "x"), ('b', "y"), ('a', "z")]),
            owned(&[('a', "xz"), ('b', "y")])
        );
        assert!(!r.needs_run());
        assert_eq!(run_reduce_keyed(&mut r, &[]), []);
        assert_eq!(
            run_reduce_keyed(&mut r, &[('a', "q")]),
            owned(&[('a', "q")])
        );
    }

    #[test]
    fn reduce_keyed_static() {
        let mut r = ReduceKeyed::new(Static);
        assert_eq!(
            run_reduce_keyed(&mut r, &[('a', "x"), ('b', "y"), ('a', "z")]),
            owned(&[('a', "xz"), ('b', "y")])
        );
        assert!(r.needs_run());
        assert_eq!(
            run_reduce_keyed(&mut r, &[]),
            owned(&[('a', "xz"), ('b', "y")])
        );
        assert_eq!(
            run_reduce_keyed(&mut r, &[('b', "w")]),
            owned(&[('a', "xz"), ('b', "yw")])
        );
    }

    #[test]
    fn sort_each_tick() {
        let mut s = Sort::new(Ty::new());
        for x in [3, 1, 2, 1] {
            s.push(x);
        }
        let mut out = Vec::new();
        s.flush(|x| out.push(x));
        assert_eq!(out, [1, 1, 2, 3]);
        out.clear();
        s.push(0);
        s.flush(|x| out.push(x));
        assert_eq!(out, [0]);
        out.clear();
        s.flush(|x| out.push(x));
        assert_eq!(out, Vec::<i32>::new());
    }
}
