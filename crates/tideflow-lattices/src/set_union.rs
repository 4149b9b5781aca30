//! `SetUnion`: a set that only grows; merge is set union.
//!
//! The lattice order is set inclusion, the bottom is the empty set, and there is no top. The set
//! can be stored in any collection from [`crate::collections`]: a `HashSet`, a `BTreeSet`, a `Vec`
//! (small sets of items that are neither `Hash` nor `Ord`), or, as a delta, a single item
//! ([`SetUnionSingletonSet`]) or an optional one ([`SetUnionOptionSet`]). Different
//! representations merge into each other, compare with each other and convert with
//! [`LatticeFrom`].

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashSet};

use crate::collections::{OptionSet, SetInsert, SetRead, SingletonSet};
use crate::product_order::ProductOrder;
use crate::{Atomize, DeepReveal, IsBot, IsTop, LatticeFrom, LatticeOrd, Merge};

/// A grow-only set; merge is union, the order is inclusion.
///
/// ```
/// use tideflow_lattices::{Merge, SetUnionHashSet};
///
/// let mut seen = SetUnionHashSet::from_iter(["alice"]);
/// assert!(seen.merge(SetUnionHashSet::from_iter(["bob"])));
/// assert!(!seen.merge(SetUnionHashSet::from_iter(["alice"])));
/// assert_eq!(seen.as_set().len(), 2);
/// ```
#[derive(Clone, Copy, Debug, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct SetUnion<S>(S);

/// A [`SetUnion`] stored in a `HashSet`.
pub type SetUnionHashSet<T> = SetUnion<HashSet<T>>;
/// A [`SetUnion`] stored in a `BTreeSet` (ordered, `Ord` items).
pub type SetUnionBTreeSet<T> = SetUnion<BTreeSet<T>>;
/// A [`SetUnion`] stored in a `Vec` (small sets; items only need `PartialEq`).
pub type SetUnionVec<T> = SetUnion<Vec<T>>;
/// A [`SetUnion`] of exactly one item: a delta, see [`SingletonSet`].
pub type SetUnionSingletonSet<T> = SetUnion<SingletonSet<T>>;
/// A [`SetUnion`] of zero or one items: a delta, see [`OptionSet`].
pub type SetUnionOptionSet<T> = SetUnion<OptionSet<T>>;

impl<S> SetUnion<S> {
    /// Wraps a set.
    ///
    /// ```
    /// use std::collections::BTreeSet;
    /// use tideflow_lattices::SetUnion;
    ///
    /// let set = SetUnion::new(BTreeSet::from([1, 2]));
    /// assert_eq!(set.into_set(), BTreeSet::from([1, 2]));
    /// ```
    pub const fn new(set: S) -> Self {
        Self(set)
    }

    /// The underlying set.
    pub fn as_set(&self) -> &S {
        &self.0
    }

    /// The underlying set, mutably. Removing items by hand bypasses the lattice rules.
    pub fn as_set_mut(&mut self) -> &mut S {
        &mut self.0
    }

    /// Unwraps the set.
    pub fn into_set(self) -> S {
        self.0
    }
}

impl<T> SetUnionSingletonSet<T> {
    /// A set holding only `item`.
    ///
    /// ```
    /// use tideflow_lattices::{Merge, SetUnionSingletonSet, SetUnionVec};
    ///
    /// let mut set = SetUnionVec::new(vec![1]);
    /// assert!(set.merge(SetUnionSingletonSet::singleton(2)));
    /// assert_eq!(set.into_set(), [1, 2]);
    /// ```
    pub const fn singleton(item: T) -> Self {
        Self(SingletonSet(item))
    }
}

impl<S, O> Merge<SetUnion<O>> for SetUnion<S>
where
    S: SetInsert,
    O: IntoIterator<Item = S::Item>,
{
    fn merge(&mut self, other: SetUnion<O>) -> bool {
        let mut changed = false;
        for item in other.0 {
            changed |= self.0.insert_item(item);
        }
        changed
    }
}

impl<S, O> LatticeFrom<SetUnion<O>> for SetUnion<S>
where
    S: SetInsert,
    O: IntoIterator<Item = S::Item>,
{
    fn lattice_from(other: SetUnion<O>) -> Self {
        other.0.into_iter().collect()
    }
}

/// Whether every item of `inner` is in `outer`.
fn is_subset<S: SetRead, O: SetRead<Item = S::Item>>(inner: &S, outer: &O) -> bool {
    inner.items().all(|item| outer.contains(item))
}

/// Two sets are equal when they hold the same items, whatever their representations.
impl<S, O> PartialEq<SetUnion<O>> for SetUnion<S>
where
    S: SetRead,
    O: SetRead<Item = S::Item>,
{
    fn eq(&self, other: &SetUnion<O>) -> bool {
        is_subset(&self.0, &other.0) && is_subset(&other.0, &self.0)
    }
}

impl<S> Eq for SetUnion<S>
where
    S: SetRead,
    S::Item: Eq,
{
}

/// Set inclusion.
impl<S, O> PartialOrd<SetUnion<O>> for SetUnion<S>
where
    S: SetRead,
    O: SetRead<Item = S::Item>,
{
    fn partial_cmp(&self, other: &SetUnion<O>) -> Option<Ordering> {
        let mut order = ProductOrder::new();
        if !is_subset(&self.0, &other.0) {
            order.only_in_self();
        }
        if !is_subset(&other.0, &self.0) {
            order.only_in_other();
        }
        order.finish()
    }
}

impl<S, O> LatticeOrd<SetUnion<O>> for SetUnion<S> where Self: PartialOrd<SetUnion<O>> {}

impl<S: SetRead> IsBot for SetUnion<S> {
    fn is_bot(&self) -> bool {
        self.0.is_empty()
    }
}

/// A set union has no top: there is always another item to add.
impl<S> IsTop for SetUnion<S> {
    fn is_top(&self) -> bool {
        false
    }
}

/// One [`SetUnionSingletonSet`] per item.
impl<S> Atomize for SetUnion<S>
where
    S: SetInsert + IntoIterator<Item = <S as SetRead>::Item>,
{
    type Atom = SetUnionSingletonSet<<S as SetRead>::Item>;

    fn atomize(self) -> impl Iterator<Item = Self::Atom> {
        self.0.into_iter().map(SetUnion::singleton)
    }
}

impl<S> DeepReveal for SetUnion<S> {
    type Revealed = S;

    fn deep_reveal(self) -> S {
        self.0
    }
}

/// Collects items into a set (duplicates collapse).
impl<S: SetInsert> FromIterator<S::Item> for SetUnion<S> {
    fn from_iter<I: IntoIterator<Item = S::Item>>(items: I) -> Self {
        let mut set = S::default();
        for item in items {
            set.insert_item(item);
        }
        Self(set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_adds_missing_items_and_reports_change() {
        let mut set: SetUnionBTreeSet<u32> = [1, 2].into_iter().collect();
        assert!(!set.merge(SetUnionBTreeSet::new(BTreeSet::from([2]))));
        assert!(set.merge(SetUnionVec::new(vec![2, 3])));
        assert_eq!(set.as_set(), &BTreeSet::from([1, 2, 3]));
    }

    #[test]
    fn vec_representation_keeps_insertion_order_without_duplicates() {
        let mut set = SetUnionVec::new(vec![3, 1]);
        assert!(set.merge(SetUnionVec::new(vec![1, 2, 3, 2])));
        assert_eq!(set.into_set(), [3, 1, 2]);
    }

    #[test]
    fn order_is_inclusion_across_representations() {
        let small = SetUnionVec::new(vec![1]);
        let big: SetUnionHashSet<u32> = [1, 2].into_iter().collect();
        let apart = SetUnionSingletonSet::singleton(5);
        assert_eq!(small.partial_cmp(&big), Some(Ordering::Less));
        assert_eq!(big.partial_cmp(&small), Some(Ordering::Greater));
        assert_eq!(big.partial_cmp(&apart), None);
        assert_eq!(SetUnionVec::new(vec![2, 1]), big);
        assert!(SetUnionOptionSet::<u32>::default() < small);
    }

    #[test]
    fn bottom_is_the_empty_set_and_there_is_no_top() {
        assert!(SetUnionHashSet::<u8>::default().is_bot());
        assert!(SetUnionOptionSet::<u8>::default().is_bot());
        assert!(!SetUnionSingletonSet::singleton(1).is_bot());
        assert!(!SetUnionVec::new(vec![1]).is_top());
    }

    #[test]
    fn deltas_convert_into_growable_sets() {
        let set = SetUnionBTreeSet::lattice_from(SetUnion::new(OptionSet(Some(4))));
        assert_eq!(set.into_set(), BTreeSet::from([4]));
        let empty = SetUnionHashSet::<u8>::lattice_from(SetUnion::new(OptionSet(None)));
        assert!(empty.is_bot());
    }

    #[test]
    fn atomize_yields_one_singleton_per_item() {
        let set: SetUnionBTreeSet<u32> = [5, 6].into_iter().collect();
        let atoms: Vec<_> = set.atomize().collect();
        assert_eq!(
            atoms,
            [SetUnionSingletonSet::singleton(5), SetUnion::singleton(6)]
        );
    }
}
