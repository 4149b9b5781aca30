//! Element-wise operators: one item in, zero or more items out, right away.
//!
//! Stateless operators (`map`, `filter`, `flat_map`, ...) need no state type: the generated code
//! calls the user's closure directly. What it needs from this module are *argument shapers*:
//! functions that take the input's [`Ty`] witness and the closure and hand the closure back
//! unchanged, so that Rust infers the closure's parameter types from the input's item type (and
//! the output's witness from its return type), and a type error points at the closure.
//!
//! The stateful streaming operators are here too: [`Enumerate`], [`Unique`] and
//! [`MultisetDelta`].

use std::hash::Hash;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::ops::{Persistence, Ty};

/// `map(f)`: fixes `f: FnMut(T) -> U` and returns the output witness.
#[inline(always)]
pub fn map_fn<T, U, F: FnMut(T) -> U>(input: Ty<T>, f: F) -> (F, Ty<U>) {
    let _ = input;
    (f, Ty::new())
}

/// `filter(f)`: fixes `f: FnMut(&T) -> bool`; the output is the input's type.
#[inline(always)]
pub fn filter_fn<T, F: FnMut(&T) -> bool>(input: Ty<T>, f: F) -> F {
    let _ = input;
    f
}

/// `filter_map(f)`: fixes `f: FnMut(T) -> Option<U>` and returns the output witness.
#[inline(always)]
pub fn filter_map_fn<T, U, F: FnMut(T) -> Option<U>>(input: Ty<T>, f: F) -> (F, Ty<U>) {
    let _ = input;
    (f, Ty::new())
}

/// `flat_map(f)`: fixes `f: FnMut(T) -> I` for an iterable `I` and returns the witness of `I`'s
/// items.
#[inline(always)]
pub fn flat_map_fn<T, I: IntoIterator, F: FnMut(T) -> I>(input: Ty<T>, f: F) -> (F, Ty<I::Item>) {
    let _ = input;
    (f, Ty::new())
}

/// `flatten()`: the witness of the items of iterable items `T`.
#[inline(always)]
pub fn flatten_ty<T: IntoIterator>(input: Ty<T>) -> Ty<T::Item> {
    let _ = input;
    Ty::new()
}

/// `inspect(f)`: fixes `f: FnMut(&T)`; the output is the input's type.
#[inline(always)]
pub fn inspect_fn<T, F: FnMut(&T)>(input: Ty<T>, f: F) -> F {
    let _ = input;
    f
}

/// `for_each(f)`: fixes `f: FnMut(T)`.
#[inline(always)]
pub fn for_each_fn<T, F: FnMut(T)>(input: Ty<T>, f: F) -> F {
    let _ = input;
    f
}

/// `enumerate()`: pairs each item with a running index.
///
/// `'tick` restarts the index at 0 every tick; `'static` counts across the flow's lifetime.
#[derive(Debug, Clone)]
pub struct Enumerate {
    persistence: Persistence,
    next: usize,
}

impl Enumerate {
    /// An enumerator starting at 0.
    pub fn new(persistence: Persistence) -> Self {
        Self {
            persistence,
            next: 0,
        }
    }

    /// The output's witness: `(index, item)`.
    #[inline(always)]
    pub fn output<T>(input: Ty<T>) -> Ty<(usize, T)> {
        let _ = input;
        Ty::new()
    }

    /// Pairs `item` with the next index.
    #[inline]
    pub fn next<T>(&mut self, item: T) -> (usize, T) {
        let index = self.next;
        self.next += 1;
        (index, item)
    }

    /// End of tick: a `'tick` enumerator restarts at 0.
    pub fn end_tick(&mut self) {
        if self.persistence == Persistence::Tick {
            self.next = 0;
        }
    }
}

/// `unique()`: passes each distinct item once.
///
/// `'tick` forgets what it saw at the end of every tick; `'static` remembers forever.
#[derive(Debug, Clone)]
pub struct Unique<T> {
    persistence: Persistence,
    seen: FxHashSet<T>,
}

impl<T> Unique<T> {
    /// An empty `unique` for items of type `T`.
    pub fn new(persistence: Persistence, input: Ty<T>) -> Self {
        let _ = input;
        Self {
            persistence,
            seen: FxHashSet::default(),
        }
    }
}

impl<T: Clone + Eq + Hash> Unique<T> {
    /// Whether `item` is seen for the first time in the persistence scope (then a clone of it is
    /// remembered and the item should be passed on).
    #[inline]
    pub fn insert(&mut self, item: &T) -> bool {
        if self.seen.contains(item) {
            false
        } else {
            self.seen.insert(item.clone());
            true
        }
    }

    /// End of tick: a `'tick` unique forgets everything (keeping its allocation).
    pub fn end_tick(&mut self) {
        if self.persistence == Persistence::Tick {
            self.seen.clear();
        }
    }
}

/// `multiset_delta()`: emits only the occurrences of each item beyond the number of times it
/// appeared in the previous tick.
///
/// If the previous tick saw `x` twice, this tick's first two `x` are swallowed and a third is
/// emitted. Turns a `'static` replay (the same multiset every tick, plus additions) into a
/// stream of additions.
#[derive(Debug, Clone)]
pub struct MultisetDelta<T> {
    previous: FxHashMap<T, usize>,
    current: FxHashMap<T, usize>,
}

impl<T> MultisetDelta<T> {
    /// A delta with an empty previous tick.
    pub fn new(input: Ty<T>) -> Self {
        let _ = input;
        Self {
            previous: FxHashMap::default(),
            current: FxHashMap::default(),
        }
    }
}

impl<T: Clone + Eq + Hash> MultisetDelta<T> {
    /// Counts `item` in this tick and emits it if the count now exceeds the previous tick's.
    #[inline]
    pub fn step(&mut self, item: T, mut emit: impl FnMut(T)) {
        let count = match self.current.get_mut(&item) {
            Some(count) => {
                *count += 1;
                *count
            }
            None => {
                self.current.insert(item.clone(), 1);
                1
            }
        };
        if count > self.previous.get(&item).copied().unwrap_or(0) {
            emit(item);
        }
    }

    /// End of tick: this tick's counts become the previous tick's (the maps swap, keeping their
    /// allocations).
    pub fn end_tick(&mut self) {
        std::mem::swap(&mut self.previous, &mut self.current);
        self.current.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapers_infer_types() {
        let input = Ty::<i32>::new();
        let (mut f, out) = map_fn(input, |x| x.to_string());
        let _: Ty<String> = out;
        assert_eq!(f(4), "4");
        let mut g = filter_fn(input, |x| *x > 1);
        assert!(g(&2) && !g(&1));
        let (mut h, out) = filter_map_fn(input, |x| (x > 0).then_some(x as u8));
        let _: Ty<u8> = out;
        assert_eq!((h(3), h(-1)), (Some(3), None));
        let (mut k, out) = flat_map_fn(input, |x| vec![x; 2]);
        let _: Ty<i32> = out;
        assert_eq!(k(5), [5, 5]);
        let _: Ty<char> = flatten_ty(Ty::<Vec<char>>::new());
        let mut seen = Vec::new();
        inspect_fn(input, |x| seen.push(*x))(&9);
        for_each_fn(input, |x| seen.push(x))(10);
        assert_eq!(seen, [9, 10]);
    }

    #[test]
    fn enumerate_tick_restarts() {
        let mut e = Enumerate::new(Persistence::Tick);
        let _: Ty<(usize, char)> = Enumerate::output(Ty::<char>::new());
        assert_eq!([e.next('a'), e.next('b')], [(0, 'a'), (1, 'b')]);
        e.end_tick();
        assert_eq!(e.next('c'), (0, 'c'));
    }

    #[test]
    fn enumerate_static_continues() {
        let mut e = Enumerate::new(Persistence::Static);
        assert_eq!([e.next('a'), e.next('b')], [(0, 'a'), (1, 'b')]);
        e.end_tick();
        assert_eq!(e.next('c'), (2, 'c'));
    }

    fn unique_run(u: &mut Unique<i32>, items: &[i32]) -> Vec<i32> {
        items.iter().copied().filter(|x| u.insert(x)).collect()
    }

    #[test]
    fn unique_tick() {
        let mut u = Unique::new(Persistence::Tick, Ty::new());
        assert_eq!(unique_run(&mut u, &[1, 2, 1, 3, 2]), [1, 2, 3]);
        u.end_tick();
        assert_eq!(unique_run(&mut u, &[2, 2, 4]), [2, 4]);
    }

    #[test]
    fn unique_static() {
        let mut u = Unique::new(Persistence::Static, Ty::new());
        assert_eq!(unique_run(&mut u, &[1, 2, 1, 3, 2]), [1, 2, 3]);
        u.end_tick();
        assert_eq!(unique_run(&mut u, &[2, 2, 4, 1]), [4]);
    }

    fn delta_run(d: &mut MultisetDelta<&'static str>, items: &[&'static str]) -> Vec<&'static str> {
        let mut out = Vec::new();
        for &item in items {
            d.step(item, |x| out.push(x));
        }
        d.end_tick();
        out
    }

    #[test]
    fn multiset_delta_emits_growth_only() {
        let mut d = MultisetDelta::new(Ty::new());
        assert_eq!(delta_run(&mut d, &["a", "b", "a"]), ["a", "b", "a"]);
        assert_eq!(delta_run(&mut d, &["a", "b", "a", "c"]), ["c"]);
        assert_eq!(delta_run(&mut d, &["a", "a", "a", "c", "b"]), ["a"]);
        // Compared with the previous tick only: "b" dropped out in between.
        assert_eq!(delta_run(&mut d, &["c"]), Vec::<&str>::new());
        assert_eq!(delta_run(&mut d, &["b", "c", "c"]), ["b", "c"]);
        assert_eq!(delta_run(&mut d, &[]), Vec::<&str>::new());
        assert_eq!(delta_run(&mut d, &["c"]), ["c"]);
    }
}
