//! `MapUnion`: a map whose keys only accumulate and whose values are lattices merged per key.
//!
//! Merging two maps takes the union of their keys; a key present in both gets the merge of the
//! two values. The order is "every key of the smaller map is in the bigger one, with a smaller or
//! equal value"; the bottom is the empty map and there is no top. A key holding a bottom value is
//! still a key: `{a: bottom}` is above `{}`.
//!
//! Like [`SetUnion`](crate::SetUnion), the map can live in any collection from
//! [`crate::collections`] (`HashMap`, `BTreeMap`, a `Vec` of entries, or a one-entry or optional
//! delta), and representations merge into and compare with each other. Values may be different
//! representations too: a `MapUnionSingletonMap<K, SetUnionSingletonSet<T>>` merges into a
//! `MapUnionHashMap<K, SetUnionHashSet<T>>`.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use crate::collections::{MapInsert, MapMapValues, MapRead, OptionMap, SingletonMap};
use crate::product_order::ProductOrder;
use crate::{Atomize, DeepReveal, IsBot, IsTop, LatticeFrom, LatticeOrd, Merge};

/// A map of lattices; merge unions the keys and merges values per key.
///
/// ```
/// use tideflow_lattices::{MapUnionBTreeMap, Max, Merge};
///
/// let mut scores: MapUnionBTreeMap<&str, Max<u32>> =
///     [("ann", Max::new(3)), ("bo", Max::new(5))].into_iter().collect();
/// let update: MapUnionBTreeMap<&str, Max<u32>> =
///     [("ann", Max::new(7)), ("cy", Max::new(1))].into_iter().collect();
/// assert!(scores.merge(update));
/// let plain: Vec<_> = scores.as_map().iter().map(|(k, v)| (*k, *v.value())).collect();
/// assert_eq!(plain, [("ann", 7), ("bo", 5), ("cy", 1)]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct MapUnion<M>(M);

/// A [`MapUnion`] stored in a `HashMap`.
pub type MapUnionHashMap<K, V> = MapUnion<HashMap<K, V>>;
/// A [`MapUnion`] stored in a `BTreeMap` (ordered, `Ord` keys).
pub type MapUnionBTreeMap<K, V> = MapUnion<BTreeMap<K, V>>;
/// A [`MapUnion`] stored in a `Vec` of entries (small maps; keys only need `PartialEq`).
pub type MapUnionVec<K, V> = MapUnion<Vec<(K, V)>>;
/// A [`MapUnion`] of exactly one entry: a delta, see [`SingletonMap`].
pub type MapUnionSingletonMap<K, V> = MapUnion<SingletonMap<K, V>>;
/// A [`MapUnion`] of zero or one entries: a delta, see [`OptionMap`].
pub type MapUnionOptionMap<K, V> = MapUnion<OptionMap<K, V>>;

impl<M> MapUnion<M> {
    /// Wraps a map.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use tideflow_lattices::{MapUnion, Max};
    ///
    /// let map = MapUnion::new(HashMap::from([("a", Max::new(1))]));
    /// assert_eq!(map.as_map().len(), 1);
    /// ```
    pub const fn new(map: M) -> Self {
        Self(map)
    }

    /// The underlying map.
    pub fn as_map(&self) -> &M {
        &self.0
    }

    /// The underlying map, mutably. Removing keys or lowering values by hand bypasses the lattice
    /// rules.
    pub fn as_map_mut(&mut self) -> &mut M {
        &mut self.0
    }

    /// Unwraps the map.
    pub fn into_map(self) -> M {
        self.0
    }
}

impl<K, V> MapUnionSingletonMap<K, V> {
    /// A map holding only `key -> value`.
    ///
    /// ```
    /// use tideflow_lattices::{MapUnionHashMap, MapUnionSingletonMap, Min, Merge};
    ///
    /// let mut earliest = MapUnionHashMap::<&str, Min<u32>>::default();
    /// assert!(earliest.merge(MapUnionSingletonMap::singleton("a", Min::new(4))));
    /// assert!(earliest.merge(MapUnionSingletonMap::singleton("a", Min::new(2))));
    /// assert_eq!(earliest.as_map()["a"], Min::new(2));
    /// ```
    pub const fn singleton(key: K, value: V) -> Self {
        Self(SingletonMap(key, value))
    }
}

/// Inserts `key -> value` into `map`, merging with the value already there.
fn merge_entry<M, OtherValue>(map: &mut M, key: M::Key, value: OtherValue) -> bool
where
    M: MapInsert,
    M::Value: Merge<OtherValue> + LatticeFrom<OtherValue>,
{
    match map.get_value_mut(&key) {
        Some(existing) => existing.merge(value),
        None => {
            map.insert_entry(key, M::Value::lattice_from(value));
            true
        }
    }
}

impl<M, O, OtherValue> Merge<MapUnion<O>> for MapUnion<M>
where
    M: MapInsert,
    M::Value: Merge<OtherValue> + LatticeFrom<OtherValue>,
    O: IntoIterator<Item = (M::Key, OtherValue)>,
{
    fn merge(&mut self, other: MapUnion<O>) -> bool {
        let mut changed = false;
        for (key, value) in other.0 {
            changed |= merge_entry(&mut self.0, key, value);
        }
        changed
    }
}

impl<M, O, OtherValue> LatticeFrom<MapUnion<O>> for MapUnion<M>
where
    M: MapInsert,
    M::Value: LatticeFrom<OtherValue>,
    O: IntoIterator<Item = (M::Key, OtherValue)>,
{
    fn lattice_from(other: MapUnion<O>) -> Self {
        let mut map = M::default();
        for (key, value) in other.0 {
            map.insert_entry(key, M::Value::lattice_from(value));
        }
        Self(map)
    }
}

/// Two maps are equal when they have the same keys with equal values.
impl<M, O> PartialEq<MapUnion<O>> for MapUnion<M>
where
    M: MapRead,
    O: MapRead<Key = M::Key>,
    M::Value: PartialEq<O::Value>,
{
    fn eq(&self, other: &MapUnion<O>) -> bool {
        let values_match = self.0.entries().all(|(key, value)| {
            other
                .0
                .get_value(key)
                .is_some_and(|other_value| value == other_value)
        });
        values_match
            && other
                .0
                .entries()
                .all(|(key, _)| self.0.get_value(key).is_some())
    }
}

impl<M> Eq for MapUnion<M>
where
    M: MapRead,
    M::Value: Eq,
{
}

/// Key inclusion, and the values' order on shared keys.
impl<M, O> PartialOrd<MapUnion<O>> for MapUnion<M>
where
    M: MapRead,
    O: MapRead<Key = M::Key>,
    M::Value: PartialOrd<O::Value>,
{
    fn partial_cmp(&self, other: &MapUnion<O>) -> Option<Ordering> {
        let mut order = ProductOrder::new();
        for (key, value) in self.0.entries() {
            match other.0.get_value(key) {
                Some(other_value) => order.component(value.partial_cmp(other_value)),
                None => order.only_in_self(),
            }
            if order.is_incomparable() {
                return None;
            }
        }
        if other
            .0
            .entries()
            .any(|(key, _)| self.0.get_value(key).is_none())
        {
            order.only_in_other();
        }
        order.finish()
    }
}

impl<M, O> LatticeOrd<MapUnion<O>> for MapUnion<M> where Self: PartialOrd<MapUnion<O>> {}

impl<M: MapRead> IsBot for MapUnion<M> {
    fn is_bot(&self) -> bool {
        self.0.is_empty()
    }
}

/// A map union has no top: there is always another key to add.
impl<M> IsTop for MapUnion<M> {
    fn is_top(&self) -> bool {
        false
    }
}

/// One [`MapUnionSingletonMap`] per key, holding that key's whole value.
impl<M> Atomize for MapUnion<M>
where
    M: MapInsert + IntoIterator<Item = (<M as MapRead>::Key, <M as MapRead>::Value)>,
    M::Value: Merge<M::Value> + LatticeFrom<M::Value>,
{
    type Atom = MapUnionSingletonMap<M::Key, M::Value>;

    fn atomize(self) -> impl Iterator<Item = Self::Atom> {
        self.0
            .into_iter()
            .map(|(key, value)| MapUnion::singleton(key, value))
    }
}

/// Reveals every value, keeping the kind of map.
impl<M> DeepReveal for MapUnion<M>
where
    M: MapMapValues<<<M as MapRead>::Value as DeepReveal>::Revealed>,
    M::Value: DeepReveal,
{
    type Revealed = M::Mapped;

    fn deep_reveal(self) -> Self::Revealed {
        self.0.map_values(DeepReveal::deep_reveal)
    }
}

/// Collects entries into a map, merging the values of repeated keys.
impl<M> FromIterator<(M::Key, M::Value)> for MapUnion<M>
where
    M: MapInsert,
    M::Value: Merge<M::Value> + LatticeFrom<M::Value>,
{
    fn from_iter<I: IntoIterator<Item = (M::Key, M::Value)>>(entries: I) -> Self {
        let mut map = M::default();
        for (key, value) in entries {
            merge_entry(&mut map, key, value);
        }
        Self(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Max, SetUnionBTreeSet, SetUnionSingletonSet};

    #[test]
    fn merge_unions_keys_and_merges_shared_values() {
        let mut map: MapUnionBTreeMap<u8, Max<u8>> =
            [(1, Max::new(5)), (2, Max::new(5))].into_iter().collect();
        assert!(!map.merge(MapUnionSingletonMap::singleton(1, Max::new(4))));
        assert!(map.merge(MapUnionVec::new(vec![(1, Max::new(6)), (3, Max::new(0))])));
        let expected: MapUnionBTreeMap<u8, Max<u8>> =
            [(1, Max::new(6)), (2, Max::new(5)), (3, Max::new(0))]
                .into_iter()
                .collect();
        assert_eq!(map, expected);
    }

    #[test]
    fn collecting_repeated_keys_merges_their_values() {
        let map: MapUnionVec<&str, Max<u8>> = [("a", Max::new(1)), ("a", Max::new(3))]
            .into_iter()
            .collect();
        assert_eq!(map.into_map(), [("a", Max::new(3))]);
    }

    #[test]
    fn delta_values_merge_into_growable_values() {
        let mut map = MapUnionHashMap::<&str, SetUnionBTreeSet<u8>>::default();
        assert!(map.merge(MapUnionSingletonMap::singleton(
            "a",
            SetUnionSingletonSet::singleton(1)
        )));
        assert!(map.merge(MapUnionSingletonMap::singleton(
            "a",
            SetUnionSingletonSet::singleton(2)
        )));
        assert_eq!(map.as_map()["a"], SetUnionBTreeSet::from_iter([1, 2]));
    }

    #[test]
    fn order_compares_keys_then_values() {
        let small: MapUnionHashMap<u8, Max<u8>> = [(1, Max::new(1))].into_iter().collect();
        let bigger_value: MapUnionHashMap<u8, Max<u8>> = [(1, Max::new(2))].into_iter().collect();
        let more_keys: MapUnionVec<u8, Max<u8>> =
            [(1, Max::new(1)), (2, Max::new(0))].into_iter().collect();
        let crossed: MapUnionVec<u8, Max<u8>> =
            [(1, Max::new(0)), (2, Max::new(0))].into_iter().collect();
        assert_eq!(small.partial_cmp(&bigger_value), Some(Ordering::Less));
        assert_eq!(small.partial_cmp(&more_keys), Some(Ordering::Less));
        assert_eq!(bigger_value.partial_cmp(&more_keys), None);
        assert_eq!(small.partial_cmp(&crossed), None);
        assert!(MapUnionOptionMap::<u8, Max<u8>>::default() < small);
    }

    #[test]
    fn a_key_with_a_bottom_value_is_above_the_empty_map() {
        let empty = MapUnionHashMap::<u8, Max<u8>>::default();
        let with_bottom = MapUnionSingletonMap::singleton(1, Max::new(0_u8));
        assert!(empty.is_bot());
        assert!(!with_bottom.is_bot());
        assert_eq!(empty.partial_cmp(&with_bottom), Some(Ordering::Less));
    }

    #[test]
    fn deep_reveal_reveals_values_and_keeps_the_map_kind() {
        let map: MapUnionBTreeMap<&str, Max<u8>> = [("a", Max::new(1))].into_iter().collect();
        assert_eq!(map.deep_reveal(), BTreeMap::from([("a", 1)]));
    }

    #[test]
    fn atomize_yields_one_entry_per_key() {
        let map: MapUnionBTreeMap<u8, Max<u8>> =
            [(1, Max::new(5)), (2, Max::new(6))].into_iter().collect();
        let atoms: Vec<_> = map.atomize().collect();
        assert_eq!(
            atoms,
            [
                MapUnionSingletonMap::singleton(1, Max::new(5)),
                MapUnionSingletonMap::singleton(2, Max::new(6))
            ]
        );
    }
}
