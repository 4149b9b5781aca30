//! The collections that [`SetUnion`](crate::SetUnion) and [`MapUnion`](crate::MapUnion) can be
//! stored in, behind two small pairs of traits.
//!
//! [`SetRead`] / [`SetInsert`] and [`MapRead`] / [`MapInsert`] abstract over `std`'s sets and maps,
//! over a plain `Vec` (small, insertion-ordered, no hashing), and over the one-element and
//! optional collections [`SingletonSet`], [`OptionSet`], [`SingletonMap`] and [`OptionMap`].
//!
//! The one-element and optional collections can only be *read*: they cannot hold two elements, so
//! a `SetUnion<SingletonSet<T>>` cannot merge with itself. They are *delta* representations: cheap
//! values that are merged into, compared with and converted to the growable representations. The
//! `Atomize` trait produces them.

mod maps;
mod sets;

pub use maps::{MapInsert, MapMapValues, MapRead, OptionMap, SingletonMap};
pub use sets::{OptionSet, SetInsert, SetRead, SingletonSet};
