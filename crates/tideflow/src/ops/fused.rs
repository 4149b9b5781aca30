//! Joins fused with aggregation, asymmetric joins and products: `join_fused`,
//! `join_fused_lhs`, `join_fused_rhs`, `join_multiset_half`, `cross_join_multiset` and
//! `cross_singleton`.
//!
//! # Aggregators
//!
//! The `join_fused*` operators aggregate a side per key before joining. The aggregation is
//! written as one of three [`Aggregator`]s, constructed in the flow:
//!
//! - [`Fold::new(init, fold)`](Fold::new): the accumulator starts as `init()`, every value is
//!   folded in with `fold(&mut acc, value)`;
//! - [`Reduce::new(reduce)`](Reduce::new): the first value is the accumulator, later ones are
//!   combined into it with `reduce(&mut acc, value)`;
//! - [`FoldFrom::new(from, fold)`](FoldFrom::new): the first value becomes `from(value)`, later
//!   ones are folded in with `fold(&mut acc, value)`.
//!
//! Bring them into scope with a `use` statement inside the flow (`flow!` hoists it):
//!
//! ```
//! use tideflow::util::{collect_ready, unbounded_channel};
//!
//! let (send, recv) = unbounded_channel::<(&str, (u32, String))>();
//! let mut flow = tideflow::flow! {
//!     use tideflow::ops::fused::{Fold, Reduce};
//!     source_iter([("a", 1), ("b", 2), ("a", 3)]) -> [0]j;
//!     source_iter([("a", "x".to_string()), ("a", "y".to_string())]) -> [1]j;
//!     j = join_fused(Fold::new(|| 0, |acc, v| *acc += v), Reduce::new(|acc, v| acc.push_str(&v)))
//!         -> for_each(|item| send.send(item).unwrap());
//! };
//! flow.run_available_sync();
//! assert_eq!(collect_ready::<Vec<_>, _>(recv), [("a", (4, "xy".to_string()))]);
//! ```
//!
//! When the argument is written as `Fold::new(..)`, `Reduce::new(..)` or `FoldFrom::new(..)`,
//! the compiler passes the closures through a shaper ([`fold_aggregator`], ...) that fixes
//! their parameter types from the input, so they need no annotations. Any other expression of a
//! type implementing [`Aggregator`] works too, with annotated closures.
//!
//! # Order and persistence
//!
//! Outputs are deterministic: aggregated keys come out in the order they were first seen, and
//! the half joins (`join_multiset_half`, `join_fused_lhs`, `join_fused_rhs`) preserve the order
//! of their streaming (probe) side. A `'tick` side holds this tick's items; a `'static` side
//! keeps everything and is replayed every tick (the established "persist and replay").

use std::collections::hash_map::Entry;
use std::hash::Hash;

use rustc_hash::FxHashMap;

use crate::ops::joins::JoinMultisetState;
use crate::ops::{Persistence, Ty};

// ----- aggregators -----

/// A per-key aggregation for the `join_fused*` operators: how a key's first value starts its
/// accumulator and how later values are combined into it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a `join_fused` aggregator of `{V}` values",
    label = "not an aggregator",
    note = "write `Fold::new(init, fold)`, `Reduce::new(reduce)` or `FoldFrom::new(from, fold)` (from `tideflow::ops::fused`)"
)]
pub trait Aggregator<V> {
    /// The accumulator.
    type Acc;
    /// The accumulator for a key whose first value is `value`.
    fn start(&mut self, value: V) -> Self::Acc;
    /// Combines a later value into the accumulator.
    fn fold(&mut self, acc: &mut Self::Acc, value: V);
}

/// `Fold::new(init, fold)`: the accumulator starts as `init()`; every value (the first one
/// included) is folded in with `fold(&mut acc, value)`.
#[derive(Debug, Clone, Copy)]
pub struct Fold<I, F> {
    init: I,
    fold: F,
}

impl<I, F> Fold<I, F> {
    /// A fold from `init: FnMut() -> A` and `fold: FnMut(&mut A, V)`.
    pub fn new(init: I, fold: F) -> Self {
        Self { init, fold }
    }
}

impl<V, A, I: FnMut() -> A, F: FnMut(&mut A, V)> Aggregator<V> for Fold<I, F> {
    type Acc = A;

    #[inline]
    fn start(&mut self, value: V) -> A {
        let mut acc = (self.init)();
        (self.fold)(&mut acc, value);
        acc
    }

    #[inline]
    fn fold(&mut self, acc: &mut A, value: V) {
        (self.fold)(acc, value);
    }
}

/// `Reduce::new(reduce)`: a key's first value is its accumulator; later values are combined into
/// it with `reduce(&mut acc, value)`.
#[derive(Debug, Clone, Copy)]
pub struct Reduce<F> {
    reduce: F,
}

impl<F> Reduce<F> {
    /// A reduce from `reduce: FnMut(&mut V, V)`.
    pub fn new(reduce: F) -> Self {
        Self { reduce }
    }
}

impl<V, F: FnMut(&mut V, V)> Aggregator<V> for Reduce<F> {
    type Acc = V;

    #[inline]
    fn start(&mut self, value: V) -> V {
        value
    }

    #[inline]
    fn fold(&mut self, acc: &mut V, value: V) {
        (self.reduce)(acc, value);
    }
}

/// `FoldFrom::new(from, fold)`: a key's first value becomes the accumulator `from(value)`; later
/// values are folded in with `fold(&mut acc, value)`.
#[derive(Debug, Clone, Copy)]
pub struct FoldFrom<I, F> {
    from: I,
    fold: F,
}

impl<I, F> FoldFrom<I, F> {
    /// A fold from `from: FnMut(V) -> A` and `fold: FnMut(&mut A, V)`.
    pub fn new(from: I, fold: F) -> Self {
        Self { from, fold }
    }
}

impl<V, A, I: FnMut(V) -> A, F: FnMut(&mut A, V)> Aggregator<V> for FoldFrom<I, F> {
    type Acc = A;

    #[inline]
    fn start(&mut self, value: V) -> A {
        (self.from)(value)
    }

    #[inline]
    fn fold(&mut self, acc: &mut A, value: V) {
        (self.fold)(acc, value);
    }
}

/// Shaper for a `Fold::new(init, fold)` argument over `(K, V)` items: `new` is the user's
/// constructor path; fixes `init: FnMut() -> A` and `fold: FnMut(&mut A, V)` and returns the
/// accumulator's witness.
#[inline(always)]
pub fn fold_aggregator<K, V, A, I, F, N>(
    input: Ty<(K, V)>,
    new: N,
    init: I,
    fold: F,
) -> (Fold<I, F>, Ty<A>)
where
    I: FnMut() -> A,
    F: FnMut(&mut A, V),
    N: FnOnce(I, F) -> Fold<I, F>,
{
    let _ = input;
    (new(init, fold), Ty::new())
}

/// Shaper for a `Reduce::new(reduce)` argument over `(K, V)` items: fixes
/// `reduce: FnMut(&mut V, V)` and returns the accumulator's witness.
#[inline(always)]
pub fn reduce_aggregator<K, V, F, N>(input: Ty<(K, V)>, new: N, reduce: F) -> (Reduce<F>, Ty<V>)
where
    F: FnMut(&mut V, V),
    N: FnOnce(F) -> Reduce<F>,
{
    let _ = input;
    (new(reduce), Ty::new())
}

/// Shaper for a `FoldFrom::new(from, fold)` argument over `(K, V)` items: fixes
/// `from: FnMut(V) -> A` and `fold: FnMut(&mut A, V)` and returns the accumulator's witness.
#[inline(always)]
pub fn fold_from_aggregator<K, V, A, I, F, N>(
    input: Ty<(K, V)>,
    new: N,
    from: I,
    fold: F,
) -> (FoldFrom<I, F>, Ty<A>)
where
    I: FnMut(V) -> A,
    F: FnMut(&mut A, V),
    N: FnOnce(I, F) -> FoldFrom<I, F>,
{
    let _ = input;
    (new(from, fold), Ty::new())
}

/// Shaper for any other aggregator expression over `(K, V)` items.
#[inline(always)]
pub fn aggregator<K, V, G: Aggregator<V>>(input: Ty<(K, V)>, aggregator: G) -> (G, Ty<G::Acc>) {
    let _ = input;
    (aggregator, Ty::new())
}

// ----- shared sides -----

/// One aggregated side: an accumulator per key, in first-seen order.
struct Aggregated<K, A> {
    persistence: Persistence,
    index: FxHashMap<K, usize>,
    entries: Vec<(K, A)>,
}

impl<K: Clone + Eq + Hash, A> Aggregated<K, A> {
    fn new(persistence: Persistence) -> Self {
        Self {
            persistence,
            index: FxHashMap::default(),
            entries: Vec::new(),
        }
    }

    #[inline]
    fn push<V, G: Aggregator<V, Acc = A>>(&mut self, key: K, value: V, aggregator: &mut G) {
        match self.index.entry(key) {
            Entry::Occupied(slot) => aggregator.fold(&mut self.entries[*slot.get()].1, value),
            Entry::Vacant(slot) => {
                let key = slot.key().clone();
                slot.insert(self.entries.len());
                self.entries.push((key, aggregator.start(value)));
            }
        }
    }

    #[inline]
    fn get(&self, key: &K) -> Option<&A> {
        self.index.get(key).map(|&at| &self.entries[at].1)
    }

    fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn is_static(&self) -> bool {
        self.persistence == Persistence::Static
    }

    fn end_tick(&mut self) {
        if self.persistence == Persistence::Tick {
            self.index.clear();
            self.entries.clear();
        }
    }
}

/// The streaming (probe) side of a half join: items wait until the other side is complete
/// (its first flush in the tick), then stream. A `'static` probe side keeps its history and
/// replays it, in arrival order, at the first flush of every tick.
struct Probe<T> {
    persistence: Persistence,
    items: Vec<T>,
    /// How many of `items` were matched this tick.
    done: usize,
    /// The other side is complete for this tick.
    ready: bool,
}

impl<T> Probe<T> {
    fn new(persistence: Persistence) -> Self {
        Self {
            persistence,
            items: Vec::new(),
            done: 0,
            ready: false,
        }
    }

    /// A probe item: matched now if the other side is complete, held otherwise.
    #[inline]
    fn push(&mut self, item: T, visit: impl FnOnce(&T)) {
        if !self.ready {
            self.items.push(item);
            return;
        }
        visit(&item);
        if self.persistence == Persistence::Static {
            self.items.push(item);
            self.done = self.items.len();
        }
    }

    /// The other side is complete: matches every item not matched this tick, in order.
    fn flush(&mut self, visit: impl FnMut(&T)) {
        self.ready = true;
        self.items[self.done..].iter().for_each(visit);
        match self.persistence {
            Persistence::Tick => {
                self.items.clear();
                self.done = 0;
            }
            Persistence::Static => self.done = self.items.len(),
        }
    }

    /// Whether some item waits to be matched (a `'static` history due for replay).
    fn pending(&self) -> bool {
        self.done < self.items.len()
    }

    fn end_tick(&mut self) {
        self.ready = false;
        self.done = 0;
        if self.persistence == Persistence::Tick {
            self.items.clear();
        }
    }
}

// ----- join_fused -----

/// `join_fused(lhs, rhs)`: aggregates `[0]` `(K, V1)` and `[1]` `(K, V2)` per key with the two
/// [`Aggregator`]s and emits `(K, (A1, A2))` for every key present on both sides.
///
/// Both inputs are blocking: [`flush`](Self::flush) runs once per tick, after all input, and
/// emits the keys in the order `[0]` first saw them. A `'static` side keeps its accumulators;
/// when both are `'static` the whole join is replayed every tick, even without input.
pub struct JoinFusedState<K, A1, A2> {
    left: Aggregated<K, A1>,
    right: Aggregated<K, A2>,
    /// This tick's flush has run.
    flushed: bool,
}

impl<K: Clone + Eq + Hash, A1, A2> JoinFusedState<K, A1, A2> {
    /// An empty join with the given persistence for `[0]` and `[1]`.
    pub fn new(left: Persistence, right: Persistence) -> Self {
        Self {
            left: Aggregated::new(left),
            right: Aggregated::new(right),
            flushed: false,
        }
    }

    /// The output's witness: `(key, (left accumulator, right accumulator))`.
    #[inline(always)]
    pub fn output<V1, V2>(
        left: Ty<(K, V1)>,
        right: Ty<(K, V2)>,
        left_acc: Ty<A1>,
        right_acc: Ty<A2>,
    ) -> Ty<(K, (A1, A2))> {
        let _ = (left, right, left_acc, right_acc);
        Ty::new()
    }

    /// Aggregates a `[0]` item into its key's accumulator.
    #[inline]
    pub fn push_left<V1, G: Aggregator<V1, Acc = A1>>(
        &mut self,
        item: (K, V1),
        aggregator: &mut G,
    ) {
        self.left.push(item.0, item.1, aggregator);
    }

    /// Aggregates a `[1]` item into its key's accumulator.
    #[inline]
    pub fn push_right<V2, G: Aggregator<V2, Acc = A2>>(
        &mut self,
        item: (K, V2),
        aggregator: &mut G,
    ) {
        self.right.push(item.0, item.1, aggregator);
    }

    /// Whether a flush would emit without new input: both sides `'static` and non-empty, and
    /// this tick's flush has not run yet.
    pub fn needs_run(&self) -> bool {
        !self.flushed
            && self.left.is_static()
            && self.right.is_static()
            && !self.left.is_empty()
            && !self.right.is_empty()
    }

    /// End of tick: `'tick` sides forget their accumulators.
    pub fn end_tick(&mut self) {
        self.flushed = false;
        self.left.end_tick();
        self.right.end_tick();
    }
}

impl<K: Clone + Eq + Hash, A1: Clone, A2: Clone> JoinFusedState<K, A1, A2> {
    /// Emits `(key, (a1, a2))` for every key aggregated on both sides, in `[0]`'s first-seen
    /// order.
    pub fn flush(&mut self, mut emit: impl FnMut((K, (A1, A2)))) {
        self.flushed = true;
        let right = &self.right;
        for (key, left) in &self.left.entries {
            if let Some(right) = right.get(key) {
                emit((key.clone(), (left.clone(), right.clone())));
            }
        }
    }
}

/// The state both half-fused joins share: one side aggregated per key (blocking), the other
/// side's items held until the aggregation is complete, then each joined with its key's
/// accumulator in arrival order.
struct HalfFused<K, A, V> {
    aggregated: Aggregated<K, A>,
    probe: Probe<(K, V)>,
}

impl<K: Clone + Eq + Hash, A, V> HalfFused<K, A, V> {
    fn new(aggregated: Persistence, probe: Persistence) -> Self {
        Self {
            aggregated: Aggregated::new(aggregated),
            probe: Probe::new(probe),
        }
    }

    #[inline]
    fn aggregate<T, G: Aggregator<T, Acc = A>>(&mut self, item: (K, T), aggregator: &mut G) {
        self.aggregated.push(item.0, item.1, aggregator);
    }

    fn needs_run(&self) -> bool {
        self.probe.pending() && !self.aggregated.is_empty()
    }

    fn end_tick(&mut self) {
        self.aggregated.end_tick();
        self.probe.end_tick();
    }
}

impl<K: Clone + Eq + Hash, A: Clone, V: Clone> HalfFused<K, A, V> {
    /// A probe item: joined with its key's accumulator once the aggregated side is complete.
    #[inline]
    fn probe(&mut self, item: (K, V), mut emit: impl FnMut(K, A, V)) {
        let aggregated = &self.aggregated;
        self.probe.push(item, |(key, value)| {
            if let Some(acc) = aggregated.get(key) {
                emit(key.clone(), acc.clone(), value.clone());
            }
        });
    }

    /// The aggregated side is complete: joins every held (and, if `'static`, remembered) probe
    /// item, in order.
    fn flush(&mut self, mut emit: impl FnMut(K, A, V)) {
        let aggregated = &self.aggregated;
        self.probe.flush(|(key, value)| {
            if let Some(acc) = aggregated.get(key) {
                emit(key.clone(), acc.clone(), value.clone());
            }
        });
    }
}

/// `join_fused_lhs(lhs)`: aggregates `[0]` `(K, V1)` per key and joins each `[1]` `(K, V2)`
/// item with its key's accumulator: `(K, (A, V2))`, in `[1]`'s arrival order (multiset on
/// `[1]`).
///
/// `[0]` is blocking; `[1]` items are held until `[0]` is complete (the first flush of the
/// tick), then stream. A `'static` `[1]` keeps its items and replays them every tick.
pub struct JoinFusedLhsState<K, A, V> {
    state: HalfFused<K, A, V>,
}

impl<K: Clone + Eq + Hash, A, V> JoinFusedLhsState<K, A, V> {
    /// An empty join with the given persistence for `[0]` and `[1]`.
    pub fn new(left: Persistence, right: Persistence) -> Self {
        Self {
            state: HalfFused::new(left, right),
        }
    }

    /// The output's witness: `(key, (left accumulator, right value))`.
    #[inline(always)]
    pub fn output<V1>(left: Ty<(K, V1)>, right: Ty<(K, V)>, left_acc: Ty<A>) -> Ty<(K, (A, V))> {
        let _ = (left, right, left_acc);
        Ty::new()
    }

    /// Aggregates a `[0]` item into its key's accumulator.
    #[inline]
    pub fn push_left<V1, G: Aggregator<V1, Acc = A>>(&mut self, item: (K, V1), aggregator: &mut G) {
        self.state.aggregate(item, aggregator);
    }

    /// Whether a flush would emit without new input: a `'static` `[1]` history to replay
    /// against a non-empty `[0]`.
    pub fn needs_run(&self) -> bool {
        self.state.needs_run()
    }

    /// End of tick: `'tick` sides forget their state.
    pub fn end_tick(&mut self) {
        self.state.end_tick();
    }
}

impl<K: Clone + Eq + Hash, A: Clone, V: Clone> JoinFusedLhsState<K, A, V> {
    /// A `[1]` item: joined with its key's accumulator once `[0]` is complete.
    #[inline]
    pub fn push_right(&mut self, item: (K, V), mut emit: impl FnMut((K, (A, V)))) {
        self.state
            .probe(item, |key, acc, value| emit((key, (acc, value))));
    }

    /// `[0]` is complete: joins every held (and, if `'static`, remembered) `[1]` item, in order.
    pub fn flush(&mut self, mut emit: impl FnMut((K, (A, V)))) {
        self.state
            .flush(|key, acc, value| emit((key, (acc, value))));
    }
}

/// `join_fused_rhs(rhs)`: the mirror of [`JoinFusedLhsState`]: `[1]` `(K, V2)` is aggregated
/// and blocking, each `[0]` `(K, V1)` item is joined with its key's accumulator:
/// `(K, (V1, A))`, in `[0]`'s arrival order.
pub struct JoinFusedRhsState<K, V, A> {
    state: HalfFused<K, A, V>,
}

impl<K: Clone + Eq + Hash, V, A> JoinFusedRhsState<K, V, A> {
    /// An empty join with the given persistence for `[0]` and `[1]`.
    pub fn new(left: Persistence, right: Persistence) -> Self {
        Self {
            state: HalfFused::new(right, left),
        }
    }

    /// The output's witness: `(key, (left value, right accumulator))`.
    #[inline(always)]
    pub fn output<V2>(left: Ty<(K, V)>, right: Ty<(K, V2)>, right_acc: Ty<A>) -> Ty<(K, (V, A))> {
        let _ = (left, right, right_acc);
        Ty::new()
    }

    /// Aggregates a `[1]` item into its key's accumulator.
    #[inline]
    pub fn push_right<V2, G: Aggregator<V2, Acc = A>>(
        &mut self,
        item: (K, V2),
        aggregator: &mut G,
    ) {
        self.state.aggregate(item, aggregator);
    }

    /// Whether a flush would emit without new input: a `'static` `[0]` history to replay
    /// against a non-empty `[1]`.
    pub fn needs_run(&self) -> bool {
        self.state.needs_run()
    }

    /// End of tick: `'tick` sides forget their state.
    pub fn end_tick(&mut self) {
        self.state.end_tick();
    }
}

impl<K: Clone + Eq + Hash, V: Clone, A: Clone> JoinFusedRhsState<K, V, A> {
    /// A `[0]` item: joined with its key's accumulator once `[1]` is complete.
    #[inline]
    pub fn push_left(&mut self, item: (K, V), mut emit: impl FnMut((K, (V, A)))) {
        self.state
            .probe(item, |key, acc, value| emit((key, (value, acc))));
    }

    /// `[1]` is complete: joins every held (and, if `'static`, remembered) `[0]` item, in order.
    pub fn flush(&mut self, mut emit: impl FnMut((K, (V, A)))) {
        self.state
            .flush(|key, acc, value| emit((key, (value, acc))));
    }
}

// ----- join_multiset_half -----

/// `join_multiset_half()`: hash join of `[build]` `(K, VB)` and `[probe]` `(K, VP)` into
/// `(K, (VP, VB))`, preserving the probe order; multiset semantics on both sides.
///
/// `[build]` is blocking: probe items are held until the build side is complete (the first
/// flush of the tick), then stream. Each probe item emits one output per build value of its key,
/// in build arrival order. A `'static` build side keeps its table; a `'static` probe side keeps
/// its items and replays them (in order, against the whole table) every tick.
pub struct JoinMultisetHalfState<K, VB, VP> {
    build_persistence: Persistence,
    build: FxHashMap<K, Vec<VB>>,
    probe: Probe<(K, VP)>,
}

impl<K: Clone + Eq + Hash, VB, VP> JoinMultisetHalfState<K, VB, VP> {
    /// An empty join with the given persistence for `[build]` and `[probe]`.
    pub fn new(build: Persistence, probe: Persistence) -> Self {
        Self {
            build_persistence: build,
            build: FxHashMap::default(),
            probe: Probe::new(probe),
        }
    }

    /// The output's witness: `(key, (probe value, build value))`.
    #[inline(always)]
    pub fn output(build: Ty<(K, VB)>, probe: Ty<(K, VP)>) -> Ty<(K, (VP, VB))> {
        let _ = (build, probe);
        Ty::new()
    }

    /// Stores a `[build]` item.
    #[inline]
    pub fn push_build(&mut self, item: (K, VB)) {
        self.build.entry(item.0).or_default().push(item.1);
    }

    /// Whether a flush would emit without new input: a `'static` probe history to replay
    /// against a non-empty build table.
    pub fn needs_run(&self) -> bool {
        self.probe.pending() && !self.build.is_empty()
    }

    /// End of tick: `'tick` sides forget their items.
    pub fn end_tick(&mut self) {
        if self.build_persistence == Persistence::Tick {
            self.build.clear();
        }
        self.probe.end_tick();
    }
}

impl<K: Clone + Eq + Hash, VB: Clone, VP: Clone> JoinMultisetHalfState<K, VB, VP> {
    /// A `[probe]` item: joined with every build value of its key once the build side is
    /// complete.
    #[inline]
    pub fn push_probe(&mut self, item: (K, VP), mut emit: impl FnMut((K, (VP, VB)))) {
        let build = &self.build;
        self.probe
            .push(item, |item| probe_matches(build, item, &mut emit));
    }

    /// The build side is complete: joins every held (and, if `'static`, remembered) probe
    /// item, in order.
    pub fn flush(&mut self, mut emit: impl FnMut((K, (VP, VB)))) {
        let build = &self.build;
        self.probe
            .flush(|item| probe_matches(build, item, &mut emit));
    }
}

#[inline]
fn probe_matches<K: Clone + Eq + Hash, VB: Clone, VP: Clone>(
    build: &FxHashMap<K, Vec<VB>>,
    (key, value): &(K, VP),
    emit: &mut impl FnMut((K, (VP, VB))),
) {
    if let Some(built) = build.get(key) {
        for other in built {
            emit((key.clone(), (value.clone(), other.clone())));
        }
    }
}

// ----- cross_join_multiset -----

/// `cross_join_multiset()`: streaming cartesian product of `[0]` and `[1]` with multiset
/// semantics (duplicates multiply), with the persistence and replay of
/// [`JoinMultisetState`] (it is one, on a unit key).
pub struct CrossJoinMultisetState<S, T> {
    join: JoinMultisetState<(), S, T>,
}

impl<S, T> CrossJoinMultisetState<S, T> {
    /// An empty product with the given persistence for `[0]` and `[1]`.
    pub fn new(left: Persistence, right: Persistence) -> Self {
        Self {
            join: JoinMultisetState::new(left, right),
        }
    }

    /// The output's witness: `(left item, right item)`.
    #[inline(always)]
    pub fn output(left: Ty<S>, right: Ty<T>) -> Ty<(S, T)> {
        let _ = (left, right);
        Ty::new()
    }
}

impl<S: Clone, T: Clone> CrossJoinMultisetState<S, T> {
    /// A `[0]` item: emits it paired with every `[1]` item so far, then stores it.
    #[inline]
    pub fn push_left(&mut self, item: S, mut emit: impl FnMut((S, T))) {
        self.join.push_left(((), item), |((), pair)| emit(pair));
    }

    /// A `[1]` item: emits every `[0]` item so far paired with it, then stores it.
    #[inline]
    pub fn push_right(&mut self, item: T, mut emit: impl FnMut((S, T))) {
        self.join.push_right(((), item), |((), pair)| emit(pair));
    }

    /// Emits every pair of items stored in earlier ticks, once per tick. Only products with
    /// both sides `'static` have such pairs.
    pub fn replay(&mut self, mut emit: impl FnMut((S, T))) {
        self.join.replay(|((), pair)| emit(pair));
    }

    /// Whether a replay is due this tick and would emit something.
    pub fn needs_run(&self) -> bool {
        self.join.needs_run()
    }

    /// End of tick: clears `'tick` sides and arms the next tick's replay.
    pub fn end_tick(&mut self) {
        self.join.end_tick();
    }
}

// ----- cross_singleton -----

/// `cross_singleton()`: pairs every `[input]` item with the first `[single]` item: `(T, S)`.
///
/// Input items that arrive before the single value (earlier in the same run, or in a fused
/// upstream that emits it at its flush) are held and released, in order, when it arrives:
/// unlike the established operator, input is never lost because the single value came later.
/// Only in a tick that has no single value at all is the tick's input discarded (there is
/// nothing to pair it with). Items on `[single]` after the first are ignored. `'static` keeps
/// the first single value forever; `'tick` takes the first one of each tick.
pub struct CrossSingletonState<T, S> {
    persistence: Persistence,
    single: Option<S>,
    waiting: Vec<T>,
}

impl<T, S> CrossSingletonState<T, S> {
    /// An empty `cross_singleton` with the given persistence for `[single]`.
    pub fn new(persistence: Persistence) -> Self {
        Self {
            persistence,
            single: None,
            waiting: Vec::new(),
        }
    }

    /// The output's witness: `(input item, single value)`.
    #[inline(always)]
    pub fn output(input: Ty<T>, single: Ty<S>) -> Ty<(T, S)> {
        let _ = (input, single);
        Ty::new()
    }

    /// The single value, if one arrived (this tick for `'tick`, ever for `'static`).
    pub fn single(&self) -> Option<&S> {
        self.single.as_ref()
    }

    /// End of tick: input still waiting (no single value this tick) is dropped; a `'tick`
    /// single value is forgotten.
    pub fn end_tick(&mut self) {
        self.waiting.clear();
        if self.persistence == Persistence::Tick {
            self.single = None;
        }
    }
}

impl<T, S: Clone> CrossSingletonState<T, S> {
    /// An `[input]` item: paired with the single value, or held until it arrives.
    #[inline]
    pub fn push_input(&mut self, item: T, mut emit: impl FnMut((T, S))) {
        match &self.single {
            Some(single) => emit((item, single.clone())),
            None => self.waiting.push(item),
        }
    }

    /// A `[single]` item: the first one becomes the single value and releases the held input;
    /// later ones are ignored.
    #[inline]
    pub fn push_single(&mut self, single: S, mut emit: impl FnMut((T, S))) {
        if self.single.is_some() {
            return;
        }
        for item in self.waiting.drain(..) {
            emit((item, single.clone()));
        }
        self.single = Some(single);
    }
}

#[cfg(test)]
mod tests;
