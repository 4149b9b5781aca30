//! Joins: `join`, `join_multiset`, `cross_join`, `anti_join` and `difference`.
//!
//! **Equi-joins are streaming symmetric hash joins.** Each side keeps a hash table from key to
//! values. Pushing an item that is new on its side emits it joined with every value of the same
//! key on the *other* side, then stores it. So the result of a tick is, as a set, every match
//! between the two sides' state of that tick, each match emitted exactly once, and output flows
//! as soon as both halves of a match have arrived. That is what lets joins sit inside the
//! fixpoint loops Tideflow compiles cycles into (transitive closure in one tick).
//!
//! A side's persistence says what its state is: `'tick` holds this tick's items (cleared at the
//! end of the tick), `'static` holds every item ever. When *both* sides are `'static`, matches
//! between items kept from earlier ticks are not produced by this tick's pushes; [`replay`]
//! emits them once per tick (the established `'static` "persist and replay" semantics). With a
//! `'tick` side there are no such matches: every state item of that side arrived this tick.
//!
//! [`JoinState`] and [`CrossJoinState`] have set semantics per side (a duplicate item on a side
//! is ignored); [`JoinMultisetState`] keeps duplicates, so they multiply.
//!
//! **Negation is blocking.** [`AntiJoinState`] and [`DifferenceState`] buffer the positive input
//! and emit it in `flush`, after the whole negative input of the tick has been pushed: `pos`
//! items whose key (or value) is not in the negative set. `pos` is a multiset, `neg` a set.
//!
//! [`replay`]: JoinState::replay

use std::hash::Hash;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::ops::{Persistence, Ty};

/// Past this many values, a set-semantics bucket builds a hash index for duplicate checks.
const INDEX_AT: usize = 16;

/// A long set-semantics bucket: its values in arrival order plus a hash index over them.
struct Indexed<V> {
    vals: Vec<V>,
    index: FxHashSet<V>,
}

/// The values of one key on one side of a join, in arrival order. The first value is stored
/// inline, so a key with one value (the common 1:1 case) allocates nothing; a long
/// set-semantics bucket moves to the heap together with its duplicate index.
enum Vals<V> {
    One(V),
    Many(Vec<V>),
    Indexed(Box<Indexed<V>>),
}

impl<V> Vals<V> {
    #[inline(always)]
    fn as_slice(&self) -> &[V] {
        match self {
            Vals::One(v) => std::slice::from_ref(v),
            Vals::Many(vals) => vals,
            Vals::Indexed(indexed) => &indexed.vals,
        }
    }
}

/// The values of one key on one side of a join. (How many of them are from earlier ticks is
/// kept out of the bucket, in [`Side::old`], as only both-`'static` joins need it.)
struct Bucket<V> {
    vals: Vals<V>,
}

impl<V> Bucket<V> {
    #[inline(always)]
    fn new(v: V) -> Self {
        Self { vals: Vals::One(v) }
    }

    #[inline(always)]
    fn vals(&self) -> &[V] {
        self.vals.as_slice()
    }

    #[inline(always)]
    fn len(&self) -> usize {
        match &self.vals {
            Vals::One(_) => 1,
            Vals::Many(vals) => vals.len(),
            Vals::Indexed(indexed) => indexed.vals.len(),
        }
    }

    /// Appends `v` without any index upkeep.
    #[inline]
    fn push_plain(&mut self, v: V) {
        match &mut self.vals {
            Vals::One(_) => {
                let Vals::One(first) = std::mem::replace(&mut self.vals, Vals::Many(Vec::new()))
                else {
                    unreachable!()
                };
                let mut vals = Vec::with_capacity(4);
                vals.push(first);
                vals.push(v);
                self.vals = Vals::Many(vals);
            }
            Vals::Many(vals) => vals.push(v),
            Vals::Indexed(indexed) => indexed.vals.push(v),
        }
    }
}

/// Set or multiset semantics for one side.
trait Semantics<V> {
    /// Whether `v` must be ignored because the bucket already has it.
    fn is_duplicate(bucket: &Bucket<V>, v: &V) -> bool;
    /// Stores `v` in the bucket.
    fn store(bucket: &mut Bucket<V>, v: V);
}

/// Duplicates on a side are ignored.
struct SetSemantics;

/// Duplicates on a side are kept.
struct BagSemantics;

impl<V: Clone + Eq + Hash> Semantics<V> for SetSemantics {
    #[inline]
    fn is_duplicate(bucket: &Bucket<V>, v: &V) -> bool {
        match &bucket.vals {
            Vals::One(first) => first == v,
            Vals::Many(vals) => vals.contains(v),
            Vals::Indexed(indexed) => indexed.index.contains(v),
        }
    }

    #[inline]
    fn store(bucket: &mut Bucket<V>, v: V) {
        match &mut bucket.vals {
            Vals::Indexed(indexed) => {
                indexed.index.insert(v.clone());
                indexed.vals.push(v);
            }
            Vals::Many(vals) if vals.len() >= INDEX_AT => {
                let vals = std::mem::take(vals);
                let mut index: FxHashSet<V> = vals.iter().cloned().collect();
                index.insert(v.clone());
                let mut indexed = Box::new(Indexed { vals, index });
                indexed.vals.push(v);
                bucket.vals = Vals::Indexed(indexed);
            }
            _ => bucket.push_plain(v),
        }
    }
}

impl<V> Semantics<V> for BagSemantics {
    #[inline]
    fn is_duplicate(_bucket: &Bucket<V>, _v: &V) -> bool {
        false
    }

    #[inline]
    fn store(bucket: &mut Bucket<V>, v: V) {
        bucket.push_plain(v);
    }
}

/// One side of a join.
struct Side<K, V> {
    persistence: Persistence,
    table: FxHashMap<K, Bucket<V>>,
    /// Per key, how many of its values were stored in earlier ticks (kept only when replay is
    /// possible, i.e. both sides `'static`; a missing key has none).
    old: FxHashMap<K, usize>,
    /// Keys that got their first new value this tick (tracked only when replay is possible).
    touched: Vec<K>,
}

impl<K: Eq + Hash, V> Side<K, V> {
    fn new(persistence: Persistence) -> Self {
        Self {
            persistence,
            table: FxHashMap::default(),
            old: FxHashMap::default(),
            touched: Vec::new(),
        }
    }

    #[inline(always)]
    fn values(&self, key: &K) -> &[V] {
        if self.table.is_empty() {
            // Nothing to probe (e.g. the other side has not produced anything yet).
            return &[];
        }
        self.table.get(key).map_or(&[], Bucket::vals)
    }

    fn old_len(&self, key: &K) -> usize {
        self.old.get(key).copied().unwrap_or(0)
    }

    /// The values of `key` stored in earlier ticks.
    fn old_vals(&self, key: &K) -> &[V] {
        match self.table.get(key) {
            Some(bucket) => &bucket.vals()[..self.old_len(key)],
            None => &[],
        }
    }

    /// Marks every value of `key` as stored in an earlier tick.
    fn commit(&mut self, key: &K)
    where
        K: Clone,
    {
        if let Some(bucket) = self.table.get(key) {
            let len = bucket.len();
            match self.old.get_mut(key) {
                Some(old) => *old = len,
                None => {
                    self.old.insert(key.clone(), len);
                }
            }
        }
    }
}

/// Stores `value` under `key` in `this` unless it is a duplicate there; if stored, first calls
/// `emit(key, value, other_value)` for every value of `key` in `other`.
#[inline]
fn push_side<K, A, B, D>(
    this: &mut Side<K, A>,
    other: &Side<K, B>,
    track: bool,
    key: K,
    value: A,
    mut emit: impl FnMut(&K, &A, &B),
) where
    K: Clone + Eq + Hash,
    D: Semantics<A>,
{
    let others = other.values(&key);
    match this.table.get_mut(&key) {
        Some(bucket) => {
            if D::is_duplicate(bucket, &value) {
                return;
            }
            for other_value in others {
                emit(&key, &value, other_value);
            }
            if track && bucket.len() == this.old.get(&key).copied().unwrap_or(0) {
                this.touched.push(key);
            }
            D::store(bucket, value);
        }
        None => {
            for other_value in others {
                emit(&key, &value, other_value);
            }
            if track {
                this.touched.push(key.clone());
            }
            this.table.insert(key, Bucket::new(value));
        }
    }
}

/// The state shared by every equi-join flavour.
struct JoinCore<K, V1, V2> {
    left: Side<K, V1>,
    right: Side<K, V2>,
    /// A replay is due this tick (set at the end of a tick when both sides are `'static`).
    replay_armed: bool,
    /// Keys with old values on both sides, in the order they became so.
    matched: Vec<K>,
}

impl<K: Clone + Eq + Hash, V1, V2> JoinCore<K, V1, V2> {
    fn new(left: Persistence, right: Persistence) -> Self {
        Self {
            left: Side::new(left),
            right: Side::new(right),
            replay_armed: false,
            matched: Vec::new(),
        }
    }

    /// Whether matches between earlier ticks' items exist at all: both sides `'static`.
    fn replays(&self) -> bool {
        self.left.persistence == Persistence::Static
            && self.right.persistence == Persistence::Static
    }

    #[inline]
    fn push_left<D: Semantics<V1>>(&mut self, key: K, value: V1, emit: impl FnMut(&K, &V1, &V2)) {
        let track = self.replays();
        push_side::<K, V1, V2, D>(&mut self.left, &self.right, track, key, value, emit);
    }

    #[inline]
    fn push_right<D: Semantics<V2>>(
        &mut self,
        key: K,
        value: V2,
        mut emit: impl FnMut(&K, &V1, &V2),
    ) {
        let track = self.replays();
        push_side::<K, V2, V1, D>(&mut self.right, &self.left, track, key, value, |k, r, l| {
            emit(k, l, r)
        });
    }

    fn replay(&mut self, mut emit: impl FnMut(&K, &V1, &V2)) {
        if !std::mem::take(&mut self.replay_armed) {
            return;
        }
        for key in &self.matched {
            let rights = self.right.old_vals(key);
            for l in self.left.old_vals(key) {
                for r in rights {
                    emit(key, l, r);
                }
            }
        }
    }

    fn needs_run(&self) -> bool {
        self.replay_armed && !self.matched.is_empty()
    }

    fn end_tick(&mut self) {
        if self.replays() {
            let mut touched = std::mem::take(&mut self.left.touched);
            touched.append(&mut self.right.touched);
            for key in touched.drain(..) {
                let before = self.left.old_len(&key) > 0 && self.right.old_len(&key) > 0;
                self.left.commit(&key);
                self.right.commit(&key);
                let after = self.left.old_len(&key) > 0 && self.right.old_len(&key) > 0;
                if after && !before {
                    self.matched.push(key);
                }
            }
            // Keep the allocation for the next tick.
            self.left.touched = touched;
            self.replay_armed = true;
        } else {
            if self.left.persistence == Persistence::Tick {
                self.left.table.clear();
            }
            if self.right.persistence == Persistence::Tick {
                self.right.table.clear();
            }
        }
    }
}

/// `join()`: streaming equi-join of `(K, V1)` and `(K, V2)` into `(K, (V1, V2))`, with set
/// semantics per side (see the [module docs](self)).
pub struct JoinState<K, V1, V2> {
    core: JoinCore<K, V1, V2>,
}

impl<K: Clone + Eq + Hash, V1, V2> JoinState<K, V1, V2> {
    /// An empty join with the given persistence for the left (`[0]`) and right (`[1]`) sides.
    pub fn new(left: Persistence, right: Persistence) -> Self {
        Self {
            core: JoinCore::new(left, right),
        }
    }
}

impl<K, V1, V2> JoinState<K, V1, V2> {
    /// The output's witness: `(key, (left value, right value))`.
    #[inline(always)]
    pub fn output(left: Ty<(K, V1)>, right: Ty<(K, V2)>) -> Ty<(K, (V1, V2))> {
        let _ = (left, right);
        Ty::new()
    }
}

impl<K, V1, V2> JoinState<K, V1, V2>
where
    K: Clone + Eq + Hash,
    V1: Clone + Eq + Hash,
    V2: Clone + Eq + Hash,
{
    /// A left item: if it is new on the left, emits it joined with every right value of its
    /// key, then stores it.
    #[inline]
    pub fn push_left(&mut self, item: (K, V1), mut emit: impl FnMut((K, (V1, V2)))) {
        let (key, value) = item;
        self.core.push_left::<SetSemantics>(key, value, |k, l, r| {
            emit((k.clone(), (l.clone(), r.clone())))
        });
    }

    /// A right item: if it is new on the right, emits every left value of its key joined with
    /// it, then stores it.
    #[inline]
    pub fn push_right(&mut self, item: (K, V2), mut emit: impl FnMut((K, (V1, V2)))) {
        let (key, value) = item;
        self.core.push_right::<SetSemantics>(key, value, |k, l, r| {
            emit((k.clone(), (l.clone(), r.clone())))
        });
    }

    /// Emits every match between items stored in earlier ticks, once per tick (later calls in
    /// the same tick do nothing). Only both-`'static` joins have such matches.
    pub fn replay(&mut self, mut emit: impl FnMut((K, (V1, V2)))) {
        self.core
            .replay(|k, l, r| emit((k.clone(), (l.clone(), r.clone()))));
    }

    /// Whether a replay is due this tick and would emit something.
    pub fn needs_run(&self) -> bool {
        self.core.needs_run()
    }

    /// End of tick: clears `'tick` sides and arms the next tick's replay.
    pub fn end_tick(&mut self) {
        self.core.end_tick();
    }
}

/// `join_multiset()`: like [`JoinState`], but duplicates on a side are kept, so matches
/// multiply (two equal left items and three equal right items of one key give six outputs).
pub struct JoinMultisetState<K, V1, V2> {
    core: JoinCore<K, V1, V2>,
}

impl<K: Clone + Eq + Hash, V1, V2> JoinMultisetState<K, V1, V2> {
    /// An empty join with the given persistence for the left (`[0]`) and right (`[1]`) sides.
    pub fn new(left: Persistence, right: Persistence) -> Self {
        Self {
            core: JoinCore::new(left, right),
        }
    }
}

impl<K, V1, V2> JoinMultisetState<K, V1, V2> {
    /// The output's witness: `(key, (left value, right value))`.
    #[inline(always)]
    pub fn output(left: Ty<(K, V1)>, right: Ty<(K, V2)>) -> Ty<(K, (V1, V2))> {
        let _ = (left, right);
        Ty::new()
    }
}

impl<K, V1, V2> JoinMultisetState<K, V1, V2>
where
    K: Clone + Eq + Hash,
    V1: Clone,
    V2: Clone,
{
    /// A left item: emits it joined with every right value of its key, then stores it.
    #[inline]
    pub fn push_left(&mut self, item: (K, V1), mut emit: impl FnMut((K, (V1, V2)))) {
        let (key, value) = item;
        self.core.push_left::<BagSemantics>(key, value, |k, l, r| {
            emit((k.clone(), (l.clone(), r.clone())))
        });
    }

    /// A right item: emits every left value of its key joined with it, then stores it.
    #[inline]
    pub fn push_right(&mut self, item: (K, V2), mut emit: impl FnMut((K, (V1, V2)))) {
        let (key, value) = item;
        self.core.push_right::<BagSemantics>(key, value, |k, l, r| {
            emit((k.clone(), (l.clone(), r.clone())))
        });
    }

    /// Emits every match between items stored in earlier ticks, once per tick (later calls in
    /// the same tick do nothing). Only both-`'static` joins have such matches.
    pub fn replay(&mut self, mut emit: impl FnMut((K, (V1, V2)))) {
        self.core
            .replay(|k, l, r| emit((k.clone(), (l.clone(), r.clone()))));
    }

    /// Whether a replay is due this tick and would emit something.
    pub fn needs_run(&self) -> bool {
        self.core.needs_run()
    }

    /// End of tick: clears `'tick` sides and arms the next tick's replay.
    pub fn end_tick(&mut self) {
        self.core.end_tick();
    }
}

/// `cross_join()`: streaming cartesian product of `S` and `T` into `(S, T)`, with set
/// semantics per side; persistence and replay as for [`JoinState`] (it is a join on a unit
/// key).
pub struct CrossJoinState<S, T> {
    core: JoinCore<(), S, T>,
}

impl<S, T> CrossJoinState<S, T> {
    /// An empty product with the given persistence for the left (`[0]`) and right (`[1]`)
    /// sides.
    pub fn new(left: Persistence, right: Persistence) -> Self {
        Self {
            core: JoinCore::new(left, right),
        }
    }

    /// The output's witness: `(left item, right item)`.
    #[inline(always)]
    pub fn output(left: Ty<S>, right: Ty<T>) -> Ty<(S, T)> {
        let _ = (left, right);
        Ty::new()
    }
}

impl<S, T> CrossJoinState<S, T>
where
    S: Clone + Eq + Hash,
    T: Clone + Eq + Hash,
{
    /// A left item: if it is new on the left, emits it paired with every right item, then
    /// stores it.
    #[inline]
    pub fn push_left(&mut self, item: S, mut emit: impl FnMut((S, T))) {
        self.core
            .push_left::<SetSemantics>((), item, |_, l, r| emit((l.clone(), r.clone())));
    }

    /// A right item: if it is new on the right, emits every left item paired with it, then
    /// stores it.
    #[inline]
    pub fn push_right(&mut self, item: T, mut emit: impl FnMut((S, T))) {
        self.core
            .push_right::<SetSemantics>((), item, |_, l, r| emit((l.clone(), r.clone())));
    }

    /// Emits every pair of items stored in earlier ticks, once per tick (later calls in the
    /// same tick do nothing). Only both-`'static` products have such pairs.
    pub fn replay(&mut self, mut emit: impl FnMut((S, T))) {
        self.core.replay(|_, l, r| emit((l.clone(), r.clone())));
    }

    /// Whether a replay is due this tick and would emit something.
    pub fn needs_run(&self) -> bool {
        self.core.needs_run()
    }

    /// End of tick: clears `'tick` sides and arms the next tick's replay.
    pub fn end_tick(&mut self) {
        self.core.end_tick();
    }
}

/// The buffered positive input of a negation.
struct Positive<T> {
    persistence: Persistence,
    items: Vec<T>,
    /// `'static`: how many of `items` were already flushed this tick.
    flushed: usize,
}

impl<T: Clone> Positive<T> {
    fn new(persistence: Persistence) -> Self {
        Self {
            persistence,
            items: Vec::new(),
            flushed: 0,
        }
    }

    /// Emits the items not flushed yet this tick that `keep` accepts. `'tick` items are moved
    /// out; `'static` items are cloned and kept.
    fn flush(&mut self, mut keep: impl FnMut(&T) -> bool, mut emit: impl FnMut(T)) {
        match self.persistence {
            Persistence::Tick => {
                for item in self.items.drain(..) {
                    if keep(&item) {
                        emit(item);
                    }
                }
            }
            Persistence::Static => {
                for item in self.items.iter().skip(self.flushed) {
                    if keep(item) {
                        emit(item.clone());
                    }
                }
                self.flushed = self.items.len();
            }
        }
    }

    fn needs_run(&self) -> bool {
        self.flushed < self.items.len()
    }

    fn end_tick(&mut self) {
        match self.persistence {
            Persistence::Tick => self.items.clear(),
            Persistence::Static => self.flushed = 0,
        }
    }
}

/// `anti_join()`: the `[pos]` pairs `(K, V)` whose key is not among the `[neg]` keys.
///
/// `pos` is a multiset (duplicates pass through), `neg` a set. A `'static` `pos` keeps every
/// item ever and re-filters all of it each tick (replay); a `'tick` `pos` holds this tick's
/// items. A `'static` `neg` remembers keys forever; a `'tick` `neg` forgets them at the end of
/// the tick. Push all of the tick's `neg` before calling [`flush`](Self::flush).
pub struct AntiJoinState<K, V> {
    pos: Positive<(K, V)>,
    neg: FxHashSet<K>,
    neg_persistence: Persistence,
}

impl<K, V> AntiJoinState<K, V> {
    /// The output's witness: the `pos` pairs.
    #[inline(always)]
    pub fn output(pos: Ty<(K, V)>) -> Ty<(K, V)> {
        pos
    }
}

impl<K: Clone + Eq + Hash, V: Clone> AntiJoinState<K, V> {
    /// An empty anti-join with the given persistence for `[pos]` and `[neg]`.
    pub fn new(pos: Persistence, neg: Persistence) -> Self {
        Self {
            pos: Positive::new(pos),
            neg: FxHashSet::default(),
            neg_persistence: neg,
        }
    }

    /// Buffers a `pos` pair until [`flush`](Self::flush).
    #[inline]
    pub fn push_pos(&mut self, item: (K, V)) {
        self.pos.items.push(item);
    }

    /// Adds a key to the `neg` set.
    #[inline]
    pub fn push_neg(&mut self, key: K) {
        self.neg.insert(key);
    }

    /// Emits the buffered `pos` pairs whose key is not in the `neg` set. `'tick` `pos` is
    /// emptied; `'static` `pos` emits its whole history at the first flush of a tick and only
    /// newer items at later flushes of the same tick.
    pub fn flush(&mut self, emit: impl FnMut((K, V))) {
        let neg = &self.neg;
        self.pos.flush(|(key, _)| !neg.contains(key), emit);
    }

    /// Whether a flush would look at some `pos` item: a `'static` `pos` with history not yet
    /// flushed this tick (or buffered `'tick` items).
    pub fn needs_run(&self) -> bool {
        self.pos.needs_run()
    }

    /// End of tick: a `'tick` `neg` forgets its keys, a `'tick` `pos` drops anything left, and
    /// a `'static` `pos` is due for replay.
    pub fn end_tick(&mut self) {
        self.pos.end_tick();
        if self.neg_persistence == Persistence::Tick {
            self.neg.clear();
        }
    }
}

/// `difference()`: the `[pos]` items that are not in the `[neg]` set.
///
/// Same persistence rules as [`AntiJoinState`]: multiset on `pos`, set on `neg`. Push all of
/// the tick's `neg` before calling [`flush`](Self::flush).
pub struct DifferenceState<T> {
    pos: Positive<T>,
    neg: FxHashSet<T>,
    neg_persistence: Persistence,
}

impl<T> DifferenceState<T> {
    /// The output's witness: the `pos` items.
    #[inline(always)]
    pub fn output(pos: Ty<T>) -> Ty<T> {
        pos
    }
}

impl<T: Clone + Eq + Hash> DifferenceState<T> {
    /// An empty difference with the given persistence for `[pos]` and `[neg]`.
    pub fn new(pos: Persistence, neg: Persistence) -> Self {
        Self {
            pos: Positive::new(pos),
            neg: FxHashSet::default(),
            neg_persistence: neg,
        }
    }

    /// Buffers a `pos` item until [`flush`](Self::flush).
    #[inline]
    pub fn push_pos(&mut self, item: T) {
        self.pos.items.push(item);
    }

    /// Adds an item to the `neg` set.
    #[inline]
    pub fn push_neg(&mut self, item: T) {
        self.neg.insert(item);
    }

    /// Emits the buffered `pos` items that are not in the `neg` set. `'tick` `pos` is emptied;
    /// `'static` `pos` emits its whole history at the first flush of a tick and only newer
    /// items at later flushes of the same tick.
    pub fn flush(&mut self, emit: impl FnMut(T)) {
        let neg = &self.neg;
        self.pos.flush(|item| !neg.contains(item), emit);
    }

    /// Whether a flush would look at some `pos` item: a `'static` `pos` with history not yet
    /// flushed this tick (or buffered `'tick` items).
    pub fn needs_run(&self) -> bool {
        self.pos.needs_run()
    }

    /// End of tick: a `'tick` `neg` forgets its items, a `'tick` `pos` drops anything left,
    /// and a `'static` `pos` is due for replay.
    pub fn end_tick(&mut self) {
        self.pos.end_tick();
        if self.neg_persistence == Persistence::Tick {
            self.neg.clear();
        }
    }
}

#[cfg(test)]
mod tests;
