//! Lattice operators: `lattice_fold`, `lattice_reduce`, `state` / `state_by` and
//! `lattice_bimorphism`, merging items with [`crate::lattices::Merge`].
//!
//! A lattice's merge is associative, commutative and idempotent, so these operators give the
//! same state whatever order and however many times items arrive: the building block of
//! replicated state. `'tick` state starts from bottom (or the initial value) every tick;
//! `'static` state keeps growing and is emitted every tick.

use crate::lattices::Merge;
use crate::ops::{Persistence, Ty};

/// Fixes `lattice_fold`'s initializer type: the accumulator `A` merges the input items `T`.
pub fn lattice_fold_fn<T, A: Merge<T>, I: FnMut() -> A>(_input: Ty<T>, init: I) -> (I, Ty<A>) {
    (init, Ty::new())
}

/// `lattice_fold(init)`: merges every item into an accumulator and emits it once every tick,
/// even with no input (`init()` then, for `'tick`).
pub struct LatticeFold<A> {
    accumulator: Option<A>,
    persistence: Persistence,
    retain: bool,
}

impl<A: Clone> LatticeFold<A> {
    /// An empty fold.
    pub fn new(persistence: Persistence) -> Self {
        Self {
            accumulator: None,
            persistence,
            retain: false,
        }
    }

    /// Keeps `'tick` state across several flushes within one tick (inside a nested loop).
    pub fn retaining(mut self) -> Self {
        self.retain = true;
        self
    }

    /// Merges `item` into the accumulator.
    pub fn push<T>(&mut self, item: T, init: &mut impl FnMut() -> A)
    where
        A: Merge<T>,
    {
        self.accumulator.get_or_insert_with(init).merge(item);
    }

    /// Emits the accumulator.
    pub fn flush(&mut self, init: &mut impl FnMut() -> A, mut emit: impl FnMut(A)) {
        let accumulator = self.accumulator.get_or_insert_with(init);
        if self.persistence == Persistence::Tick && !self.retain {
            if let Some(value) = self.accumulator.take() {
                emit(value);
            }
        } else {
            emit(accumulator.clone());
        }
    }

    /// End of tick: `'tick` starts over.
    pub fn end_tick(&mut self) {
        if self.persistence == Persistence::Tick {
            self.accumulator = None;
        }
    }
}

/// `lattice_reduce()`: merges all items into the first and emits the result, if any.
pub struct LatticeReduce<T> {
    accumulator: Option<T>,
    persistence: Persistence,
    retain: bool,
}

impl<T: Merge<T> + Clone> LatticeReduce<T> {
    /// An empty reduction.
    pub fn new(persistence: Persistence) -> Self {
        Self {
            accumulator: None,
            persistence,
            retain: false,
        }
    }

    /// Keeps `'tick` state across several flushes within one tick (inside a nested loop).
    pub fn retaining(mut self) -> Self {
        self.retain = true;
        self
    }

    /// Merges `item` into the accumulator (the first item becomes it).
    pub fn push(&mut self, item: T) {
        match &mut self.accumulator {
            Some(accumulator) => {
                accumulator.merge(item);
            }
            None => self.accumulator = Some(item),
        }
    }

    /// Emits the accumulator if there is one (`'static`: every tick).
    pub fn flush(&mut self, mut emit: impl FnMut(T)) {
        if self.persistence == Persistence::Tick && !self.retain {
            if let Some(value) = self.accumulator.take() {
                emit(value);
            }
        } else if let Some(value) = &self.accumulator {
            emit(value.clone());
        }
    }

    /// Whether a run without input emits (a `'static` value is re-emitted every tick).
    pub fn needs_run(&self) -> bool {
        self.persistence == Persistence::Static && self.accumulator.is_some()
    }

    /// End of tick: `'tick` starts over.
    pub fn end_tick(&mut self) {
        if self.persistence == Persistence::Tick {
            self.accumulator = None;
        }
    }
}

/// Fixes `state_by`'s function types: items `T` map to deltas `D` merged into a lattice `L`
/// made by `factory` (which must return bottom).
pub fn state_by_fns<T, D, L: Merge<D>, M: FnMut(T) -> D, F: FnMut() -> L>(
    _input: Ty<T>,
    map: M,
    factory: F,
) -> (M, F, Ty<L>) {
    (map, factory, Ty::new())
}

/// `state()`'s functions: each item is merged as it is into a lattice that starts as default.
pub type StateFunctions<L> = (fn(L) -> L, fn() -> L, Ty<L>);

/// Fixes `state`'s lattice type: the items are the lattice's own values.
pub fn state_fns<L: Merge<L> + Default>(_input: Ty<L>) -> StateFunctions<L> {
    (std::convert::identity, L::default, Ty::new())
}

/// `state()` / `state_by(map, factory)`: a lattice that items are merged into. `[items]`
/// emits each input item that changed the lattice (a delta stream); `[state]` emits the lattice
/// after all of the run's input.
pub struct State<L> {
    lattice: Option<L>,
    persistence: Persistence,
}

impl<L: Clone> State<L> {
    /// A state that starts as `factory()` (bottom) when first used.
    pub fn new(persistence: Persistence) -> Self {
        Self {
            lattice: None,
            persistence,
        }
    }

    /// Merges `map(item)` into the lattice and emits `item` if that changed it.
    pub fn push<T: Clone, D>(
        &mut self,
        item: T,
        map: &mut impl FnMut(T) -> D,
        factory: &mut impl FnMut() -> L,
        mut emit_changed: impl FnMut(T),
    ) where
        L: Merge<D>,
    {
        let lattice = self.lattice.get_or_insert_with(factory);
        if lattice.merge(map(item.clone())) {
            emit_changed(item);
        }
    }

    /// Emits the lattice.
    pub fn flush(&mut self, factory: &mut impl FnMut() -> L, mut emit: impl FnMut(L)) {
        emit(self.lattice.get_or_insert_with(factory).clone());
    }

    /// Whether a run without input emits: a `'static` state is emitted every tick.
    pub fn needs_run(&self) -> bool {
        self.persistence == Persistence::Static && self.lattice.is_some()
    }

    /// End of tick: `'tick` starts over from bottom.
    pub fn end_tick(&mut self) {
        if self.persistence == Persistence::Tick {
            self.lattice = None;
        }
    }
}

/// Fixes `lattice_bimorphism`'s function type from its inputs' witnesses.
pub fn bimorphism_fn<A, B, O: Merge<O>, F: FnMut(&A, &B) -> O>(
    _left: Ty<A>,
    _right: Ty<B>,
    f: F,
) -> (F, Ty<O>) {
    (f, Ty::new())
}

/// `lattice_bimorphism(f, #left_state, #right_state)`: for each left delta `a`, merges
/// `f(&a, right_state)`; for each right delta `b`, merges `f(left_state, &b)`; emits the merged
/// result once per run that had input.
pub struct Bimorphism<O> {
    output: Option<O>,
}

impl<O: Merge<O>> Bimorphism<O> {
    /// No output yet.
    pub fn new() -> Self {
        Self { output: None }
    }

    fn add(&mut self, delta: O) {
        match &mut self.output {
            Some(output) => {
                output.merge(delta);
            }
            None => self.output = Some(delta),
        }
    }

    /// A left delta against the right state.
    pub fn push_left<A, B>(&mut self, delta: A, right: &B, f: &mut impl FnMut(&A, &B) -> O) {
        self.add(f(&delta, right));
    }

    /// A right delta against the left state.
    pub fn push_right<A, B>(&mut self, left: &A, delta: B, f: &mut impl FnMut(&A, &B) -> O) {
        self.add(f(left, &delta));
    }

    /// Emits the merged output of this run's deltas, if there were any.
    pub fn flush(&mut self, mut emit: impl FnMut(O)) {
        if let Some(output) = self.output.take() {
            emit(output);
        }
    }
}

impl<O: Merge<O>> Default for Bimorphism<O> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lattices::{Max, SetUnionHashSet};

    #[test]
    fn lattice_fold_merges_and_emits_every_tick() {
        let mut fold = LatticeFold::new(Persistence::Static);
        let mut init = Max::<u32>::default;
        let mut out = Vec::new();
        fold.push(Max::new(3), &mut init);
        fold.push(Max::new(1), &mut init);
        fold.flush(&mut init, |m| out.push(m.into_value()));
        fold.end_tick();
        fold.flush(&mut init, |m| out.push(m.into_value()));
        assert_eq!(out, [3, 3]);
    }

    #[test]
    fn tick_lattice_fold_starts_over() {
        let mut fold = LatticeFold::new(Persistence::Tick);
        let mut init = Max::<u32>::default;
        let mut out = Vec::new();
        fold.push(Max::new(3), &mut init);
        fold.flush(&mut init, |m| out.push(m.into_value()));
        fold.end_tick();
        fold.flush(&mut init, |m| out.push(m.into_value()));
        assert_eq!(out, [3, 0]);
    }

    #[test]
    fn lattice_reduce_emits_only_with_a_value() {
        let mut reduce = LatticeReduce::new(Persistence::Tick);
        let mut out = Vec::new();
        reduce.flush(|m: Max<u32>| out.push(m.into_value()));
        reduce.push(Max::new(2));
        reduce.push(Max::new(5));
        reduce.flush(|m| out.push(m.into_value()));
        assert_eq!(out, [5]);
    }

    #[test]
    fn state_emits_only_changing_items_then_the_state() {
        let mut state = State::new(Persistence::Static);
        let (mut map, mut factory, _) = state_fns(Ty::<Max<u32>>::new());
        let mut changed = Vec::new();
        for value in [3, 1, 4, 4] {
            state.push(Max::new(value), &mut map, &mut factory, |m| {
                changed.push(m.into_value())
            });
        }
        let mut states = Vec::new();
        state.flush(&mut factory, |m| states.push(m.into_value()));
        assert_eq!(changed, [3, 4]);
        assert_eq!(states, [4]);
        assert!(state.needs_run());
    }

    #[test]
    fn state_by_maps_items_into_the_lattice() {
        let mut state = State::new(Persistence::Tick);
        let (mut map, mut factory, _) = state_by_fns(
            Ty::<u32>::new(),
            |x: u32| SetUnionHashSet::new(std::collections::HashSet::from([x % 3])),
            SetUnionHashSet::<u32>::default,
        );
        let mut changed = Vec::new();
        for value in [1, 4, 2, 5, 3] {
            state.push(value, &mut map, &mut factory, |x| changed.push(x));
        }
        assert_eq!(changed, [1, 2, 3]);
    }

    #[test]
    fn bimorphism_merges_both_directions() {
        let mut bimorphism = Bimorphism::new();
        let mut f = |a: &u32, b: &u32| Max::new(a + b);
        bimorphism.push_left(10, &1, &mut f);
        bimorphism.push_right(&2, 30, &mut f);
        let mut out = Vec::new();
        bimorphism.flush(|m| out.push(m.into_value()));
        bimorphism.flush(|m| out.push(m.into_value()));
        assert_eq!(out, [32]);
    }
}
