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
mod tests {
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
}
