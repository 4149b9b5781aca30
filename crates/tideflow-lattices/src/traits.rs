//! The `Merge` family of traits: what every lattice type in this crate implements.
//!
//! A *join-semilattice* is a set of values with a `merge` (the *join*, written `⊔`) that is
//! associative, commutative and idempotent. Those three laws are what make replicated state safe:
//! replicas can receive updates in any order ([`Merge`] is commutative and associative), and any
//! number of times (it is idempotent), and still end in the same state.
//!
//! Every semilattice has a partial order that comes with it: `a <= b` exactly when `a ⊔ b == b`,
//! that is, when `b` already "knows" everything `a` knows. [`LatticeOrd`] marks a `PartialOrd`
//! implementation that is this order. [`IsBot`] and [`IsTop`] recognise the least and greatest
//! values, where a type has them.
//!
//! The same lattice can have several representations (a set union over a `HashSet`, a `Vec` or a
//! single element); [`LatticeFrom`] converts between them, and `Merge<Other>` merges one
//! representation into another. [`Atomize`] splits a value into small deltas, and
//! [`DeepReveal`] turns a (possibly nested) lattice back into plain Rust values.
//!
//! The [`crate::test`] module checks these laws for any type over a list of sample values.

/// Merge another value into `self`: the lattice *join* (least upper bound).
///
/// `merge` must be associative, commutative and idempotent, and must return `true` exactly when
/// `self` changed. `Other` is usually `Self`, or another representation of the same lattice.
///
/// ```
/// use tideflow_lattices::{Max, Merge};
///
/// let mut high = Max::new(3);
/// assert!(high.merge(Max::new(7)));
/// assert!(!high.merge(Max::new(5)));
/// assert_eq!(high, Max::new(7));
/// assert_eq!(Max::new(1).merge_owned(Max::new(2)), Max::new(2));
/// ```
pub trait Merge<Other> {
    /// Merges `other` into `self`; returns whether `self` changed.
    fn merge(&mut self, other: Other) -> bool;

    /// Merges `other` into `self` and returns the result.
    fn merge_owned(mut self, other: Other) -> Self
    where
        Self: Sized,
    {
        self.merge(other);
        self
    }
}

/// Marks a `PartialOrd` implementation that is the lattice order: `a <= b` exactly when merging
/// `b` into `a` leaves `a` equal to `b`.
///
/// Values that merge into something bigger than both are incomparable (`partial_cmp` returns
/// `None`).
///
/// ```
/// use tideflow_lattices::SetUnionBTreeSet;
///
/// let small: SetUnionBTreeSet<u32> = [1].into_iter().collect();
/// let big: SetUnionBTreeSet<u32> = [1, 2].into_iter().collect();
/// let other: SetUnionBTreeSet<u32> = [3].into_iter().collect();
/// assert!(small < big);
/// assert_eq!(small.partial_cmp(&other), None);
/// ```
pub trait LatticeOrd<Rhs = Self>: PartialOrd<Rhs> {}

/// Recognises the bottom (least) value of a lattice: merging bottom into anything changes nothing.
///
/// Types without a bottom return `false` for every value. Wrappers whose bottom comes from the
/// wrapped type (`Max<T>` needs a least `T`) implement it only when the wrapped type has one.
///
/// ```
/// use tideflow_lattices::{IsBot, Max, SetUnionHashSet};
///
/// assert!(Max::new(0_u64).is_bot());
/// assert!(!Max::new(1_u64).is_bot());
/// assert!(SetUnionHashSet::<u32>::default().is_bot());
/// ```
pub trait IsBot {
    /// Whether `self` is the bottom value.
    fn is_bot(&self) -> bool;
}

/// Recognises the top (greatest) value of a lattice: merging anything into top changes nothing.
///
/// Types without a top return `false` for every value. Wrappers whose top comes from the
/// wrapped type (`Max<T>` needs a greatest `T`) implement it only when the wrapped type has one.
///
/// ```
/// use tideflow_lattices::{Conflict, IsTop, Max, Merge};
///
/// assert!(Max::new(u8::MAX).is_top());
/// let mut value = Conflict::new("a");
/// value.merge(Conflict::new("b"));
/// assert!(value.is_top());
/// ```
pub trait IsTop {
    /// Whether `self` is the top value.
    fn is_top(&self) -> bool;
}

/// Converts from another representation of the same lattice, keeping its meaning.
///
/// ```
/// use std::collections::HashSet;
/// use tideflow_lattices::{LatticeFrom, SetUnion, SetUnionHashSet, SetUnionVec};
///
/// let as_vec = SetUnionVec::new(vec![1, 2]);
/// let as_hash_set = SetUnionHashSet::lattice_from(as_vec);
/// assert_eq!(as_hash_set, SetUnion::new(HashSet::from([1, 2])));
/// ```
pub trait LatticeFrom<Other> {
    /// Builds `Self` from `other`.
    fn lattice_from(other: Other) -> Self;
}

/// Splits a value into small deltas (*atoms*) whose merge gives the value back.
///
/// Sending atoms instead of whole values lets a downstream operator see exactly which parts of a
/// lattice are new. Merging every atom into the bottom value rebuilds the original, and each atom
/// is already contained in the original (merging it in changes nothing).
///
/// ```
/// use tideflow_lattices::{Atomize, Merge, SetUnionBTreeSet};
///
/// let set: SetUnionBTreeSet<u32> = [1, 2, 3].into_iter().collect();
/// let mut rebuilt = SetUnionBTreeSet::default();
/// let mut atom_count = 0;
/// for atom in set.clone().atomize() {
///     rebuilt.merge(atom);
///     atom_count += 1;
/// }
/// assert_eq!(atom_count, 3);
/// assert_eq!(rebuilt, set);
/// ```
pub trait Atomize: Merge<Self::Atom> {
    /// The type of one delta.
    type Atom;

    /// Splits `self` into atoms.
    fn atomize(self) -> impl Iterator<Item = Self::Atom>;
}

/// Takes the plain value out of a lattice, recursively through nested lattices.
///
/// ```
/// use tideflow_lattices::{DeepReveal, Max, Pair, WithBot};
///
/// let value = Pair::new(Max::new(3), WithBot::new(Some(Max::new("x"))));
/// assert_eq!(value.deep_reveal(), (3, Some("x")));
/// ```
pub trait DeepReveal {
    /// The plain type.
    type Revealed;

    /// Consumes the lattice and returns its plain value.
    fn deep_reveal(self) -> Self::Revealed;
}

/// A lattice that merges with itself: implemented for every type that has the pieces.
///
/// Use it as a bound when code only needs "some lattice" (a fold accumulator, a `state` operator).
///
/// ```
/// use tideflow_lattices::{Lattice, Max, Merge, SetUnionHashSet};
///
/// fn merge_all<L: Lattice>(start: L, values: impl IntoIterator<Item = L>) -> L {
///     values.into_iter().fold(start, L::merge_owned)
/// }
/// assert_eq!(merge_all(Max::new(0), [Max::new(4), Max::new(2)]), Max::new(4));
/// let union = merge_all(SetUnionHashSet::default(), [SetUnionHashSet::from_iter([1])]);
/// assert_eq!(union, SetUnionHashSet::from_iter([1]));
/// ```
pub trait Lattice: Sized + Clone + Merge<Self> + LatticeOrd + LatticeFrom<Self> {}

impl<L> Lattice for L where L: Sized + Clone + Merge<Self> + LatticeOrd + LatticeFrom<Self> {}
