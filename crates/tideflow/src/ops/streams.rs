//! Stream-shaping operators: `chain`, `chain_first_n`, `zip`, `zip_longest`, `unzip`, `scan`,
//! `sort_by_key`, `fold_no_replay`, `reduce_no_replay` and `defer_signal`.
//!
//! Most of them stream: an item is emitted as soon as its output is decided. Where the output
//! depends on a whole input having been seen, the operator holds items until `flush` (which runs
//! after all of a subgraph run's inputs were pushed) and the compiler marks that input blocking,
//! so it cannot sit on a cycle:
//! - [`Chain`] and [`ChainFirstN`] emit `[0]` as it arrives and hold `[1]` until `flush`; `[0]`
//!   is the blocking input, because `[1]` may only follow once `[0]` is complete;
//! - [`ZipLongest`] pairs items as they arrive and emits the unpaired rest at `flush`;
//! - [`SortByKey`], [`FoldNoReplay`] and [`ReduceNoReplay`] aggregate their input.
//!
//! **Buffers that the semantics leave unbounded are never capped silently.** `zip::<'static>`
//! keeps unpaired items across ticks and `defer_signal()` keeps its input until a signal comes;
//! both log a `tracing::warn!` each time their buffer doubles past 65 536 items and report its
//! length (`buffered()`), instead of growing without a word (the established system says
//! nothing) or dropping items.

use std::collections::VecDeque;

use crate::ops::{Persistence, Ty};

/// The first buffer length at which [`GrowthWarning`] speaks up.
const WARN_AT: usize = 1 << 16;

/// Logs a warning each time a buffer the operator cannot bound doubles past [`WARN_AT`] items.
#[derive(Debug, Clone)]
struct GrowthWarning {
    operator: &'static str,
    next: usize,
}

impl GrowthWarning {
    fn new(operator: &'static str) -> Self {
        Self {
            operator,
            next: WARN_AT,
        }
    }

    /// Called after the buffer grew to `len` items.
    #[inline]
    fn grew(&mut self, len: usize) {
        if len >= self.next {
            self.next = self.next.saturating_mul(2);
            tracing::warn!(
                operator = self.operator,
                buffered = len,
                "`{}` holds {len} items that are waiting for their partner or signal; its buffer has no bound",
                self.operator
            );
        }
    }

    /// Called after the buffer was emptied: warn again from the first threshold.
    fn emptied(&mut self) {
        self.next = WARN_AT;
    }
}

// ----- chain -----

/// `chain()`: all of `[0]`'s items, then all of `[1]`'s.
///
/// `[0]` passes straight through (the generated code emits it without calling this state);
/// `[1]` is held by [`push_second`](Self::push_second) and released by [`flush`](Self::flush),
/// after the whole run's input. The compiler declares `[0]` blocking, so `[0]` is complete when
/// `flush` runs and the order holds for the whole tick.
#[derive(Debug, Clone)]
pub struct Chain<T> {
    second: Vec<T>,
}

impl<T> Chain<T> {
    /// An empty chain for items of the witnessed type.
    pub fn new(input: Ty<T>) -> Self {
        let _ = input;
        Self { second: Vec::new() }
    }

    /// Holds an item of `[1]` until [`flush`](Self::flush).
    #[inline]
    pub fn push_second(&mut self, item: T) {
        self.second.push(item);
    }

    /// Emits the held `[1]` items in arrival order (keeping the buffer's allocation).
    pub fn flush(&mut self, emit: impl FnMut(T)) {
        self.second.drain(..).for_each(emit);
    }

    /// End of tick: drops anything still held (nothing, after a flush).
    pub fn end_tick(&mut self) {
        self.second.clear();
    }
}

/// `chain_first_n(n)`: like [`Chain`], but emits at most `n` items per tick, `[0]`'s first.
///
/// Items past the `n`-th of a tick are consumed and discarded (that is the operator's purpose);
/// `[1]` items are held only while they could still be among the first `n`, so the buffer never
/// exceeds `n` items.
#[derive(Debug, Clone)]
pub struct ChainFirstN<T> {
    emitted: usize,
    second: Vec<T>,
}

impl<T> ChainFirstN<T> {
    /// An empty `chain_first_n` for items of the witnessed type.
    pub fn new(input: Ty<T>) -> Self {
        let _ = input;
        Self {
            emitted: 0,
            second: Vec::new(),
        }
    }

    /// A `[0]` item: emitted if fewer than `n` items were emitted this tick.
    #[inline]
    pub fn push_first(&mut self, item: T, n: usize, mut emit: impl FnMut(T)) {
        if self.emitted < n {
            self.emitted += 1;
            emit(item);
        }
    }

    /// A `[1]` item: held if it can still be among the tick's first `n` items.
    #[inline]
    pub fn push_second(&mut self, item: T, n: usize) {
        if self.emitted + self.second.len() < n {
            self.second.push(item);
        }
    }

    /// Emits held `[1]` items, in arrival order, up to `n` items in the tick.
    pub fn flush(&mut self, n: usize, emit: impl FnMut(T)) {
        let take = n.saturating_sub(self.emitted).min(self.second.len());
        self.emitted += take;
        self.second.drain(..take).for_each(emit);
        self.second.clear();
    }

    /// End of tick: the count restarts.
    pub fn end_tick(&mut self) {
        self.emitted = 0;
        self.second.clear();
    }
}

// ----- zip -----

/// `zip()`: pairs the `i`-th item of `[0]` with the `i`-th item of `[1]`, streaming.
///
/// An item is emitted in a pair as soon as its partner has arrived; unpaired items wait in a
/// queue. At the end of a tick a `'tick` side drops its unpaired items; a `'static` side keeps
/// them for later ticks. That queue is unbounded (the semantics need it): it is reported by
/// [`buffered`](Self::buffered) and logged with `tracing::warn!` each time it doubles past
/// 65 536 items.
#[derive(Debug, Clone)]
pub struct Zip<A, B> {
    left: VecDeque<A>,
    right: VecDeque<B>,
    left_persistence: Persistence,
    right_persistence: Persistence,
    warning: GrowthWarning,
}

impl<A, B> Zip<A, B> {
    /// An empty zip with the given persistence for `[0]` and `[1]`.
    pub fn new(left: Persistence, right: Persistence) -> Self {
        Self {
            left: VecDeque::new(),
            right: VecDeque::new(),
            left_persistence: left,
            right_persistence: right,
            warning: GrowthWarning::new("zip"),
        }
    }

    /// The output's witness: `(left, right)` pairs.
    #[inline(always)]
    pub fn output(left: Ty<A>, right: Ty<B>) -> Ty<(A, B)> {
        let _ = (left, right);
        Ty::new()
    }

    /// A `[0]` item: paired with the oldest waiting `[1]` item, or queued.
    #[inline]
    pub fn push_left(&mut self, item: A, mut emit: impl FnMut((A, B))) {
        match self.right.pop_front() {
            Some(right) => emit((item, right)),
            None => {
                self.left.push_back(item);
                self.warning.grew(self.left.len());
            }
        }
    }

    /// A `[1]` item: paired with the oldest waiting `[0]` item, or queued.
    #[inline]
    pub fn push_right(&mut self, item: B, mut emit: impl FnMut((A, B))) {
        match self.left.pop_front() {
            Some(left) => emit((left, item)),
            None => {
                self.right.push_back(item);
                self.warning.grew(self.right.len());
            }
        }
    }

    /// How many `[0]` and `[1]` items wait for a partner (at most one side is non-zero).
    pub fn buffered(&self) -> (usize, usize) {
        (self.left.len(), self.right.len())
    }

    /// End of tick: `'tick` sides drop their unpaired items.
    pub fn end_tick(&mut self) {
        if self.left_persistence == Persistence::Tick {
            self.left.clear();
        }
        if self.right_persistence == Persistence::Tick {
            self.right.clear();
        }
        if self.left.is_empty() && self.right.is_empty() {
            self.warning.emptied();
        }
    }
}

/// An item of `zip_longest()`: a pair, or the leftover of the longer input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EitherOrBoth<A, B> {
    /// The `i`-th items of both inputs.
    Both(A, B),
    /// An item of `[0]` beyond the length of `[1]`.
    Left(A),
    /// An item of `[1]` beyond the length of `[0]`.
    Right(B),
}

impl<A, B> EitherOrBoth<A, B> {
    /// The `[0]` item, if there is one.
    pub fn left(self) -> Option<A> {
        match self {
            Self::Both(left, _) | Self::Left(left) => Some(left),
            Self::Right(_) => None,
        }
    }

    /// The `[1]` item, if there is one.
    pub fn right(self) -> Option<B> {
        match self {
            Self::Both(_, right) | Self::Right(right) => Some(right),
            Self::Left(_) => None,
        }
    }

    /// Both items as options.
    pub fn into_options(self) -> (Option<A>, Option<B>) {
        match self {
            Self::Both(left, right) => (Some(left), Some(right)),
            Self::Left(left) => (Some(left), None),
            Self::Right(right) => (None, Some(right)),
        }
    }

    /// Whether this is a pair.
    pub fn is_both(&self) -> bool {
        matches!(self, Self::Both(..))
    }
}

/// `zip_longest()`: like [`Zip`] within one tick, and the unpaired rest of the longer input
/// becomes [`EitherOrBoth::Left`] / [`EitherOrBoth::Right`] items at [`flush`](Self::flush).
///
/// `'tick` only: nothing is kept across ticks. Both inputs are blocking (the rest is known only
/// once both are complete).
#[derive(Debug, Clone)]
pub struct ZipLongest<A, B> {
    left: VecDeque<A>,
    right: VecDeque<B>,
}

impl<A, B> ZipLongest<A, B> {
    /// An empty `zip_longest` over the witnessed item types.
    pub fn new(left: Ty<A>, right: Ty<B>) -> Self {
        let _ = (left, right);
        Self {
            left: VecDeque::new(),
            right: VecDeque::new(),
        }
    }

    /// The output's witness.
    #[inline(always)]
    pub fn output(left: Ty<A>, right: Ty<B>) -> Ty<EitherOrBoth<A, B>> {
        let _ = (left, right);
        Ty::new()
    }

    /// A `[0]` item: paired with the oldest waiting `[1]` item, or queued.
    #[inline]
    pub fn push_left(&mut self, item: A, mut emit: impl FnMut(EitherOrBoth<A, B>)) {
        match self.right.pop_front() {
            Some(right) => emit(EitherOrBoth::Both(item, right)),
            None => self.left.push_back(item),
        }
    }

    /// A `[1]` item: paired with the oldest waiting `[0]` item, or queued.
    #[inline]
    pub fn push_right(&mut self, item: B, mut emit: impl FnMut(EitherOrBoth<A, B>)) {
        match self.left.pop_front() {
            Some(left) => emit(EitherOrBoth::Both(left, item)),
            None => self.right.push_back(item),
        }
    }

    /// Emits the unpaired items of the longer input, in arrival order.
    pub fn flush(&mut self, mut emit: impl FnMut(EitherOrBoth<A, B>)) {
        self.left
            .drain(..)
            .for_each(|left| emit(EitherOrBoth::Left(left)));
        self.right
            .drain(..)
            .for_each(|right| emit(EitherOrBoth::Right(right)));
    }

    /// End of tick: drops anything left (nothing, after a flush).
    pub fn end_tick(&mut self) {
        self.left.clear();
        self.right.clear();
    }
}

// ----- unzip -----

/// `unzip()`: the witnesses of the two outputs of a stream of pairs.
#[inline(always)]
pub fn unzip_ty<A, B>(input: Ty<(A, B)>) -> (Ty<A>, Ty<B>) {
    let _ = input;
    (Ty::new(), Ty::new())
}

// ----- scan -----

/// `scan(init, f)`: fixes `init: FnMut() -> A` and `f: FnMut(&mut A, T) -> Option<O>` and
/// returns the output witness.
#[inline(always)]
pub fn scan_fns<T, A, O, I: FnMut() -> A, F: FnMut(&mut A, T) -> Option<O>>(
    input: Ty<T>,
    init: I,
    f: F,
) -> (I, F, Ty<O>) {
    let _ = input;
    (init, f, Ty::new())
}

/// `scan(init, f)`: threads a state through the items, emitting what `f` returns.
///
/// The state starts as `init()`. The first `None` from `f` ends the scan: that item and every
/// later one are discarded without calling `f`, until the state resets: at the end of the tick
/// for `'tick`, never for `'static`.
#[derive(Debug, Clone)]
pub struct Scan<A> {
    persistence: Persistence,
    acc: Option<A>,
    stopped: bool,
}

impl<A> Scan<A> {
    /// A scan whose state is created by `init()` at its first item.
    pub fn new(persistence: Persistence) -> Self {
        Self {
            persistence,
            acc: None,
            stopped: false,
        }
    }

    /// Feeds `item` to `f` and emits the result; `None` stops the scan.
    #[inline]
    pub fn push<T, O>(
        &mut self,
        item: T,
        init: &mut impl FnMut() -> A,
        f: &mut impl FnMut(&mut A, T) -> Option<O>,
        mut emit: impl FnMut(O),
    ) {
        if self.stopped {
            return;
        }
        match f(self.acc.get_or_insert_with(init), item) {
            Some(output) => emit(output),
            None => self.stopped = true,
        }
    }

    /// Whether `f` returned `None` (and the state was not reset since).
    pub fn is_stopped(&self) -> bool {
        self.stopped
    }

    /// End of tick: a `'tick` scan starts over.
    pub fn end_tick(&mut self) {
        if self.persistence == Persistence::Tick {
            self.acc = None;
            self.stopped = false;
        }
    }
}

// ----- sort_by_key -----

/// `sort_by_key(key)`: fixes `key: FnMut(&T) -> K` with `K: Ord`.
///
/// The key is returned by value, as for [`slice::sort_by_key`]: to sort by a field that is not
/// `Copy`, return a clone of it (`|x| x.name.clone()`).
#[inline(always)]
pub fn sort_by_key_fn<T, K: Ord, F: FnMut(&T) -> K>(input: Ty<T>, key: F) -> F {
    let _ = input;
    key
}

/// `sort_by_key(key)`: emits the tick's items ordered by `key`, stable (equal keys keep their
/// arrival order).
#[derive(Debug, Clone)]
pub struct SortByKey<T> {
    items: Vec<T>,
}

impl<T> SortByKey<T> {
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

    /// Sorts the buffered items by `key` (stable) and emits them, keeping the allocation.
    pub fn flush<K: Ord>(&mut self, key: &mut impl FnMut(&T) -> K, emit: impl FnMut(T)) {
        self.items.sort_by_key(|item| key(item));
        self.items.drain(..).for_each(emit);
    }
}

// ----- fold_no_replay / reduce_no_replay -----

/// `fold_no_replay(init, fold)`: like `fold`, but emits only in ticks where an item arrived,
/// and in the first run (so tick 0 always sees a value, `init()` if nothing came).
///
/// `'tick` folds only the tick's items; `'static` keeps folding into one accumulator and emits
/// its current value in each tick with input.
#[derive(Debug, Clone)]
pub struct FoldNoReplay<A> {
    persistence: Persistence,
    acc: Option<A>,
    changed: bool,
    first: bool,
}

impl<A> FoldNoReplay<A> {
    /// A fold with no accumulator yet.
    pub fn new(persistence: Persistence) -> Self {
        Self {
            persistence,
            acc: None,
            changed: false,
            first: true,
        }
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
        self.changed = true;
    }

    /// Whether the flow must run it without input: only before its first emission.
    pub fn needs_run(&self) -> bool {
        self.first
    }

    /// End of tick: a `'tick` fold drops its accumulator.
    pub fn end_tick(&mut self) {
        self.changed = false;
        if self.persistence == Persistence::Tick {
            self.acc = None;
        }
    }
}

impl<A: Clone> FoldNoReplay<A> {
    /// Emits the accumulator if an item arrived since the last emission (or this is the first
    /// run): moved out for `'tick`, cloned for `'static`.
    pub fn flush(&mut self, init: &mut impl FnMut() -> A, mut emit: impl FnMut(A)) {
        if !(std::mem::take(&mut self.changed) | std::mem::take(&mut self.first)) {
            return;
        }
        match self.persistence {
            Persistence::Tick => emit(self.acc.take().unwrap_or_else(init)),
            Persistence::Static => emit(self.acc.get_or_insert_with(init).clone()),
        }
    }
}

/// `reduce_no_replay(f)`: like `reduce`, but emits only in ticks where an item arrived.
///
/// `'tick` reduces only the tick's items; `'static` keeps one accumulator and emits its current
/// value in each tick with input.
#[derive(Debug, Clone)]
pub struct ReduceNoReplay<T> {
    persistence: Persistence,
    acc: Option<T>,
    changed: bool,
}

impl<T> ReduceNoReplay<T> {
    /// A reduce with no accumulator yet.
    pub fn new(persistence: Persistence) -> Self {
        Self {
            persistence,
            acc: None,
            changed: false,
        }
    }

    /// The first item becomes the accumulator; later ones are combined into it with `f`.
    #[inline]
    pub fn push(&mut self, item: T, f: &mut impl FnMut(&mut T, T)) {
        match &mut self.acc {
            Some(acc) => f(acc, item),
            None => self.acc = Some(item),
        }
        self.changed = true;
    }

    /// End of tick: a `'tick` reduce drops its accumulator.
    pub fn end_tick(&mut self) {
        self.changed = false;
        if self.persistence == Persistence::Tick {
            self.acc = None;
        }
    }
}

impl<T: Clone> ReduceNoReplay<T> {
    /// Emits the accumulator if an item arrived since the last emission: moved out for
    /// `'tick`, cloned for `'static`.
    pub fn flush(&mut self, mut emit: impl FnMut(T)) {
        if !std::mem::take(&mut self.changed) {
            return;
        }
        match self.persistence {
            Persistence::Tick => {
                if let Some(acc) = self.acc.take() {
                    emit(acc);
                }
            }
            Persistence::Static => {
                if let Some(acc) = &self.acc {
                    emit(acc.clone());
                }
            }
        }
    }
}

// ----- defer_signal -----

/// `defer_signal()`: holds `[input]` items across ticks until a tick in which `[signal]` has an
/// item, then releases all of them in arrival order.
///
/// The release happens when the tick's first signal item arrives; `[input]` items arriving later
/// in that tick pass straight through. Without a signal the buffer keeps growing: it is
/// unbounded by definition, reported by [`buffered`](Self::buffered) and logged with
/// `tracing::warn!` each time it doubles past 65 536 items (never dropped, never capped).
#[derive(Debug, Clone)]
pub struct DeferSignal<T> {
    held: Vec<T>,
    signaled: bool,
    warning: GrowthWarning,
}

impl<T> DeferSignal<T> {
    /// An empty `defer_signal` for items of the witnessed type.
    pub fn new(input: Ty<T>) -> Self {
        let _ = input;
        Self {
            held: Vec::new(),
            signaled: false,
            warning: GrowthWarning::new("defer_signal"),
        }
    }

    /// An `[input]` item: emitted if this tick was signaled, held otherwise.
    #[inline]
    pub fn push_input(&mut self, item: T, mut emit: impl FnMut(T)) {
        if self.signaled {
            emit(item);
        } else {
            self.held.push(item);
            self.warning.grew(self.held.len());
        }
    }

    /// A `[signal]` item: the first of the tick releases every held item, in arrival order.
    #[inline]
    pub fn push_signal<S>(&mut self, signal: S, emit: impl FnMut(T)) {
        let _ = signal;
        if !self.signaled {
            self.signaled = true;
            self.held.drain(..).for_each(emit);
            self.warning.emptied();
        }
    }

    /// How many items are held, waiting for a signal.
    pub fn buffered(&self) -> usize {
        self.held.len()
    }

    /// End of tick: the next tick waits for its own signal.
    pub fn end_tick(&mut self) {
        self.signaled = false;
    }
}

#[cfg(test)]
mod tests;
