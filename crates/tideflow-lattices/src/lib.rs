//! Lattices: state that replicas can merge in any order, any number of times, and still agree on.
//!
//! A distributed system rarely controls the order in which messages arrive, or how many times
//! they arrive. If a piece of state is updated only by *merging* values into it, and the merge is
//!
//! - **associative**: `(a ⊔ b) ⊔ c == a ⊔ (b ⊔ c)`, so batching does not matter,
//! - **commutative**: `a ⊔ b == b ⊔ a`, so order does not matter, and
//! - **idempotent**: `a ⊔ a == a`, so duplicates do not matter,
//!
//! then every replica that has seen the same set of updates holds the same state, without any
//! coordination. Such a type is a (join-semi)*lattice*, and its merge `⊔` is the *join*. This is
//! the idea behind CRDTs, gossip protocols and coordination-free replicated stores.
//!
//! Merging also defines an order: `a <= b` when `a ⊔ b == b`, i.e. `b` already contains all the
//! information in `a`. Some pairs are incomparable (two sets with different items). Many
//! lattices have a *bottom*, the empty starting point below everything, and some a *top* that
//! absorbs everything.
//!
//! # The traits
//!
//! - [`Merge<Other>`](Merge): `merge(&mut self, other) -> bool` joins in place and says whether
//!   anything changed, which is what lets dataflow operators emit only real changes.
//! - [`LatticeOrd`]: marks a `PartialOrd` that is the merge order.
//! - [`IsBot`] / [`IsTop`]: recognise bottom and top. `Default` is the bottom wherever a type
//!   has one.
//! - [`LatticeFrom`]: convert between representations of one lattice (a set stored in a `Vec`
//!   and the same set stored in a `HashSet`).
//! - [`Atomize`]: split a value into small deltas; [`DeepReveal`]: get the plain value out.
//! - [`Lattice`]: shorthand for "merges with itself, ordered, cloneable".
//!
//! # The types
//!
//! | type | merge | bottom | top |
//! |---|---|---|---|
//! | [`Max<T>`] / [`Min<T>`] | keep the larger / smaller | least / greatest `T` | the other end |
//! | [`SetUnion<S>`] | union | empty | — |
//! | [`MapUnion<M>`] | union of keys, merge values per key | empty | — |
//! | [`DomPair<Key, Val>`] | greater key wins; equal keys merge values | least key, bottom | greatest key, top |
//! | [`Pair<A, B>`] | merge both components | both bottom | both top |
//! | [`WithBot<L>`] / [`WithTop<L>`] | as `L`, plus `None` as a new bottom / top | `None` / `L`'s | `L`'s / `None` |
//! | [`Conflict<T>`] | equal stays, different becomes top | — | conflicting |
//! | [`Point<T>`] | equal stays; different is a bug, see [`Point`] | — | every point |
//! | [`VecUnion<L>`] | element-wise, the longer length wins | empty | — |
//! | [`UnionFind<K>`] | union of equivalence classes | all apart | — |
//!
//! Sets and maps come in several representations, which merge into and compare with each other:
//! [`SetUnionHashSet`], [`SetUnionBTreeSet`], [`SetUnionVec`], and the delta forms
//! [`SetUnionSingletonSet`] and [`SetUnionOptionSet`]; likewise [`MapUnionHashMap`],
//! [`MapUnionBTreeMap`], [`MapUnionVec`], [`MapUnionSingletonMap`] and [`MapUnionOptionMap`].
//!
//! Types compose: a replicated counter is a `MapUnion` from replica ids to `Max<u64>`, a
//! last-writer-wins map is a `MapUnion` from keys to `DomPair<Max<Timestamp>, Conflict<Value>>`.
//! The guide `docs/lattices.md` in the repository builds both.
//!
//! ```
//! use tideflow_lattices::{DeepReveal, MapUnionBTreeMap, Max, Merge};
//!
//! // Each replica counts its own increments; merging keeps each replica's highest count.
//! type Counter = MapUnionBTreeMap<&'static str, Max<u64>>;
//! let mut at_a: Counter = [("a", Max::new(3))].into_iter().collect();
//! let at_b: Counter = [("a", Max::new(1)), ("b", Max::new(2))].into_iter().collect();
//! assert!(at_a.merge(at_b.clone()));
//! assert!(!at_a.merge(at_b)); // a duplicate delivery changes nothing
//! let total: u64 = at_a.deep_reveal().values().sum();
//! assert_eq!(total, 5);
//! ```
//!
//! # Checking your own lattices
//!
//! The [`test`](mod@test) module checks the laws above over sample values, for the types in this
//! crate (their property tests use it) and for yours.
//!
//! # Features
//!
//! - `serde`: `Serialize` and `Deserialize` for every lattice type and collection. Wrappers
//!   serialize as their contents (`Max<u64>` as a number, `SetUnionHashSet<T>` as a sequence).

#![warn(missing_docs)]

mod conflict;
mod dom_pair;
mod map_union;
mod ord;
mod pair;
mod point;
mod product_order;
mod set_union;
mod traits;
mod union_find;
mod vec_union;
mod with_bot_top;

pub mod collections;
pub mod test;

pub use conflict::Conflict;
pub use dom_pair::DomPair;
pub use map_union::{
    MapUnion, MapUnionBTreeMap, MapUnionHashMap, MapUnionOptionMap, MapUnionSingletonMap,
    MapUnionVec,
};
pub use ord::{GreatestValue, LeastValue, Max, Min};
pub use pair::Pair;
pub use point::{point_conflict_count, Point, PointConflict};
pub use set_union::{
    SetUnion, SetUnionBTreeSet, SetUnionHashSet, SetUnionOptionSet, SetUnionSingletonSet,
    SetUnionVec,
};
pub use traits::{Atomize, DeepReveal, IsBot, IsTop, Lattice, LatticeFrom, LatticeOrd, Merge};
pub use union_find::UnionFind;
pub use vec_union::VecUnion;
pub use with_bot_top::{WithBot, WithTop};
