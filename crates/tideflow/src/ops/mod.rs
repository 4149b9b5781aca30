//! The operator library: every operator's state, per-item step and tick-end reset, as ordinary
//! generic Rust.
//!
//! `flow!` compiles each operator into a few calls into this module, fused into straight-line code
//! per subgraph; nothing here knows about the macro. The same types can be driven by hand (or by
//! another front end) and are tested on their own.
//!
//! Conventions shared by every operator:
//! - a *type witness* [`Ty<T>`] stands for "a stream of `T`". Constructors and argument shapers
//!   take their inputs' witnesses and return their outputs', so the compiler can build the flow's
//!   state in topological order and Rust infers closure parameter types from them;
//! - per-item steps take an `emit` closure for their output(s), so steps fuse without buffers;
//! - blocking operators (`fold`, `sort`, ...) accumulate in `push` and emit in `flush`, which runs
//!   after all of the subgraph's inputs have been pushed;
//! - `end_tick` runs at the end of every tick and resets `'tick` state.

use std::marker::PhantomData;

pub mod aggregates;
pub mod assertions;
pub mod elementwise;
pub mod fused;
pub mod io;
pub mod joins;
pub mod lattices;
pub mod network;
pub mod persist;
pub mod resolve;
pub mod routing;
pub mod sinks;
pub mod sources;
pub mod streams;

/// A type witness: stands for "items of type `T`" without holding any.
pub struct Ty<T>(PhantomData<fn() -> T>);

impl<T> Ty<T> {
    /// The witness for `T`.
    #[inline(always)]
    pub const fn new() -> Self {
        Self(PhantomData)
    }
}

impl<T> Default for Ty<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Clone for Ty<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Ty<T> {}

/// Unifies two witnesses: both streams carry the same item type.
#[inline(always)]
pub fn same<T>(_first: Ty<T>, _second: Ty<T>) -> Ty<T> {
    Ty::new()
}

/// How long an operator's state lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persistence {
    /// `'tick`: state is reset at the end of every tick.
    Tick,
    /// `'static`: state lives as long as the flow.
    Static,
}

/// An empty buffer for items of the witnessed type (a buffer on a cut edge between subgraphs).
#[inline(always)]
pub fn buffer<T>(_items: Ty<T>) -> Vec<T> {
    Vec::new()
}

/// An empty slot for the witnessed type (`singleton()` and `optional()` nodes).
#[inline(always)]
pub fn slot<T>(_items: Ty<T>) -> Option<T> {
    None
}

/// Puts `item` into a `singleton()` / `optional()` slot. A second item in the same tick replaces
/// the first and is reported through `tracing` (the established runtime panics instead).
#[inline]
pub fn fill_slot<T>(slot: &mut Option<T>, item: T, name: &str) {
    if slot.replace(item).is_some() {
        tracing::warn!(
            node = name,
            "a second item reached `{name}` in one tick; it replaces the first"
        );
    }
}

/// A call into a fused junction: an operator that several places in one subgraph feed.
///
/// The code generator compiles a junction (a `union`, either side of a `join`, ...) once, as a
/// closure taking a `Call`, so that each place calls it instead of duplicating its downstream code.
pub enum Call<A, B> {
    /// The subgraph run starts: emit what is due at the start (replays).
    Start,
    /// All inputs were pushed: emit what is due at the end (blocking operators).
    Flush,
    /// An item for the first input.
    First(A),
    /// An item for the second input.
    Second(B),
}

/// Fixes a junction closure's parameter type from its inputs' witnesses.
#[inline(always)]
pub fn junction<A, B, F: FnMut(Call<A, B>)>(_first: Ty<A>, _second: Ty<B>, junction: F) -> F {
    junction
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_item_replaces_the_first_in_a_slot() {
        let mut slot = None;
        fill_slot(&mut slot, 1, "max");
        fill_slot(&mut slot, 2, "max");
        assert_eq!(slot, Some(2));
    }
}
