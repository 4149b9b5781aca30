//! `DomPair`: a value guarded by a dominating key such as a version or a timestamp.
//!
//! The order is lexicographic: a pair with a greater key is greater whatever its value, and pairs
//! with equal keys compare by value. So merge keeps the value with the greater key, and merges the
//! values when the keys are equal. This is the building block of last-writer-wins registers
//! (`DomPair<Max<Timestamp>, Conflict<Value>>`: concurrent writes with the same timestamp but
//! different values become a visible conflict instead of silently picking one).
//!
//! The key must be *totally* ordered (`Ord`): a plain number, or a [`Max`](crate::Max) /
//! [`Min`](crate::Min). With a partially ordered key (say, a vector clock), the least upper bound
//! of two pairs with concurrent keys would have to throw both values away; model that case with
//! a [`MapUnion`](crate::MapUnion) of versions instead.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use crate::{DeepReveal, GreatestValue, IsBot, IsTop, LatticeFrom, LatticeOrd, LeastValue, Merge};

/// A value whose key decides which side of a merge wins.
///
/// ```
/// use tideflow_lattices::{Conflict, DomPair, Max, Merge};
///
/// let mut register = DomPair::new(Max::new(1_u64), Conflict::new("draft"));
/// assert!(register.merge(DomPair::new(Max::new(3), Conflict::new("final"))));
/// // An older write loses.
/// assert!(!register.merge(DomPair::new(Max::new(2), Conflict::new("late"))));
/// assert_eq!(register.value().value(), Some(&"final"));
/// ```
#[derive(Clone, Copy, Debug, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DomPair<Key, Val> {
    key: Key,
    value: Val,
}

impl<Key, Val> DomPair<Key, Val> {
    /// Pairs a key with a value.
    pub const fn new(key: Key, value: Val) -> Self {
        Self { key, value }
    }

    /// The dominating key.
    pub fn key(&self) -> &Key {
        &self.key
    }

    /// The value.
    pub fn value(&self) -> &Val {
        &self.value
    }

    /// The value, mutably. Changing it by hand bypasses the lattice rules.
    pub fn value_mut(&mut self) -> &mut Val {
        &mut self.value
    }

    /// Splits into key and value.
    pub fn into_parts(self) -> (Key, Val) {
        (self.key, self.value)
    }
}

impl<Key, Val, OtherVal> Merge<DomPair<Key, OtherVal>> for DomPair<Key, Val>
where
    Key: Ord,
    Val: Merge<OtherVal> + LatticeFrom<OtherVal>,
{
    fn merge(&mut self, other: DomPair<Key, OtherVal>) -> bool {
        match self.key.cmp(&other.key) {
            Ordering::Less => {
                self.key = other.key;
                self.value = Val::lattice_from(other.value);
                true
            }
            Ordering::Equal => self.value.merge(other.value),
            Ordering::Greater => false,
        }
    }
}

impl<Key, Val, OtherVal> LatticeFrom<DomPair<Key, OtherVal>> for DomPair<Key, Val>
where
    Val: LatticeFrom<OtherVal>,
{
    fn lattice_from(other: DomPair<Key, OtherVal>) -> Self {
        Self::new(other.key, Val::lattice_from(other.value))
    }
}

impl<Key, Val, OtherVal> PartialEq<DomPair<Key, OtherVal>> for DomPair<Key, Val>
where
    Key: PartialEq,
    Val: PartialEq<OtherVal>,
{
    fn eq(&self, other: &DomPair<Key, OtherVal>) -> bool {
        self.key == other.key && self.value == other.value
    }
}

impl<Key: Eq, Val: Eq> Eq for DomPair<Key, Val> {}

impl<Key: Hash, Val: Hash> Hash for DomPair<Key, Val> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key.hash(state);
        self.value.hash(state);
    }
}

/// Lexicographic: the key first, the value only when the keys are equal.
impl<Key, Val, OtherVal> PartialOrd<DomPair<Key, OtherVal>> for DomPair<Key, Val>
where
    Key: Ord,
    Val: PartialOrd<OtherVal>,
{
    fn partial_cmp(&self, other: &DomPair<Key, OtherVal>) -> Option<Ordering> {
        match self.key.cmp(&other.key) {
            Ordering::Equal => self.value.partial_cmp(&other.value),
            unequal => Some(unequal),
        }
    }
}

impl<Key, Val, OtherVal> LatticeOrd<DomPair<Key, OtherVal>> for DomPair<Key, Val> where
    Self: PartialOrd<DomPair<Key, OtherVal>>
{
}

/// Bottom: the least key with a bottom value.
impl<Key: LeastValue, Val: IsBot> IsBot for DomPair<Key, Val> {
    fn is_bot(&self) -> bool {
        self.key.is_least_value() && self.value.is_bot()
    }
}

/// Top: the greatest key with a top value.
impl<Key: GreatestValue, Val: IsTop> IsTop for DomPair<Key, Val> {
    fn is_top(&self) -> bool {
        self.key.is_greatest_value() && self.value.is_top()
    }
}

impl<Key: DeepReveal, Val: DeepReveal> DeepReveal for DomPair<Key, Val> {
    type Revealed = (Key::Revealed, Val::Revealed);

    fn deep_reveal(self) -> Self::Revealed {
        (self.key.deep_reveal(), self.value.deep_reveal())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Conflict, Max, SetUnionBTreeSet};

    #[test]
    fn greater_key_replaces_the_value() {
        let mut pair = DomPair::new(Max::new(1), Max::new(100));
        assert!(pair.merge(DomPair::new(Max::new(2), Max::new(0))));
        assert_eq!(pair, DomPair::new(Max::new(2), Max::new(0)));
    }

    #[test]
    fn smaller_key_is_ignored() {
        let mut pair = DomPair::new(5_u32, Max::new(1));
        assert!(!pair.merge(DomPair::new(4, Max::new(9))));
        assert_eq!(pair.into_parts(), (5, Max::new(1)));
    }

    #[test]
    fn equal_keys_merge_the_values() {
        let mut pair = DomPair::new(Max::new(1), SetUnionBTreeSet::from_iter(["a"]));
        assert!(pair.merge(DomPair::new(
            Max::new(1),
            SetUnionBTreeSet::from_iter(["b"])
        )));
        assert!(!pair.merge(DomPair::new(
            Max::new(1),
            SetUnionBTreeSet::from_iter(["b"])
        )));
        assert_eq!(pair.value(), &SetUnionBTreeSet::from_iter(["a", "b"]));
    }

    #[test]
    fn equal_keys_with_different_conflict_values_become_top() {
        let mut pair = DomPair::new(Max::new(7_u8), Conflict::new("x"));
        assert!(pair.merge(DomPair::new(Max::new(7), Conflict::new("y"))));
        assert!(pair.value().is_top());
        assert!(!pair.is_top());
    }

    #[test]
    fn order_is_lexicographic() {
        let older = DomPair::new(Max::new(1), Max::new(9));
        let newer = DomPair::new(Max::new(2), Max::new(0));
        let same_key = DomPair::new(Max::new(1), Max::new(3));
        assert_eq!(older.partial_cmp(&newer), Some(Ordering::Less));
        assert_eq!(older.partial_cmp(&same_key), Some(Ordering::Greater));
        let conflict_a = DomPair::new(Max::new(1), Conflict::new('a'));
        let conflict_b = DomPair::new(Max::new(1), Conflict::new('b'));
        assert_eq!(conflict_a.partial_cmp(&conflict_b), None);
    }

    #[test]
    fn bottom_needs_the_least_key_and_a_bottom_value() {
        assert!(DomPair::new(Max::new(0_u8), Max::new(0_u8)).is_bot());
        assert!(!DomPair::new(Max::new(0_u8), Max::new(1_u8)).is_bot());
        assert!(DomPair::<Max<u8>, Max<u8>>::default().is_bot());
    }
}
