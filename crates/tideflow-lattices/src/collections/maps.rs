//! Map collections: `HashMap`, `BTreeMap`, `Vec<(K, V)>`, [`SingletonMap`] and [`OptionMap`].

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash};

/// Read access to a map from keys to values.
///
/// ```
/// use tideflow_lattices::collections::{MapRead, SingletonMap};
///
/// let map = SingletonMap("a", 1);
/// assert_eq!(map.get_value(&"a"), Some(&1));
/// assert_eq!(map.get_value(&"b"), None);
/// assert_eq!(map.len(), 1);
/// ```
pub trait MapRead {
    /// The key type.
    type Key;
    /// The value type.
    type Value;

    /// The number of keys.
    fn len(&self) -> usize;

    /// Whether the map holds no keys.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value stored under `key`.
    fn get_value(&self, key: &Self::Key) -> Option<&Self::Value>;

    /// The entries, in the collection's own order.
    fn entries(&self) -> impl Iterator<Item = (&Self::Key, &Self::Value)>;
}

/// A map that can grow: the representations a [`MapUnion`](crate::MapUnion) can merge into.
///
/// `Default` is the empty map.
///
/// ```
/// use tideflow_lattices::collections::{MapInsert, MapRead};
///
/// let mut map: Vec<(&str, u32)> = Vec::new();
/// map.insert_entry("a", 1);
/// if let Some(value) = map.get_value_mut(&"a") {
///     *value += 1;
/// }
/// assert_eq!(map.get_value(&"a"), Some(&2));
/// ```
pub trait MapInsert: MapRead + Default {
    /// The value stored under `key`, mutably.
    fn get_value_mut(&mut self, key: &Self::Key) -> Option<&mut Self::Value>;

    /// Stores `value` under `key`, replacing any previous value.
    fn insert_entry(&mut self, key: Self::Key, value: Self::Value);
}

/// Rebuilds a map with every value transformed; used to reveal nested lattices.
///
/// ```
/// use std::collections::BTreeMap;
/// use tideflow_lattices::collections::MapMapValues;
///
/// let map = BTreeMap::from([("a", 1), ("b", 2)]);
/// assert_eq!(map.map_values(|value| value * 10), BTreeMap::from([("a", 10), ("b", 20)]));
/// ```
pub trait MapMapValues<NewValue>: MapRead {
    /// The same kind of map with `NewValue` values.
    type Mapped: MapRead<Key = Self::Key, Value = NewValue>;

    /// Applies `f` to every value.
    fn map_values(self, f: impl FnMut(Self::Value) -> NewValue) -> Self::Mapped;
}

impl<K: Eq + Hash, V, S: BuildHasher> MapRead for HashMap<K, V, S> {
    type Key = K;
    type Value = V;

    fn len(&self) -> usize {
        HashMap::len(self)
    }

    fn get_value(&self, key: &K) -> Option<&V> {
        self.get(key)
    }

    fn entries(&self) -> impl Iterator<Item = (&K, &V)> {
        self.iter()
    }
}

impl<K: Eq + Hash, V, S: BuildHasher + Default> MapInsert for HashMap<K, V, S> {
    fn get_value_mut(&mut self, key: &K) -> Option<&mut V> {
        self.get_mut(key)
    }

    fn insert_entry(&mut self, key: K, value: V) {
        self.insert(key, value);
    }
}

impl<K: Eq + Hash, V, NewValue, S: BuildHasher + Default> MapMapValues<NewValue>
    for HashMap<K, V, S>
{
    type Mapped = HashMap<K, NewValue, S>;

    fn map_values(self, mut f: impl FnMut(V) -> NewValue) -> Self::Mapped {
        self.into_iter()
            .map(|(key, value)| (key, f(value)))
            .collect()
    }
}

impl<K: Ord, V> MapRead for BTreeMap<K, V> {
    type Key = K;
    type Value = V;

    fn len(&self) -> usize {
        BTreeMap::len(self)
    }

    fn get_value(&self, key: &K) -> Option<&V> {
        self.get(key)
    }

    fn entries(&self) -> impl Iterator<Item = (&K, &V)> {
        self.iter()
    }
}

impl<K: Ord, V> MapInsert for BTreeMap<K, V> {
    fn get_value_mut(&mut self, key: &K) -> Option<&mut V> {
        self.get_mut(key)
    }

    fn insert_entry(&mut self, key: K, value: V) {
        self.insert(key, value);
    }
}

impl<K: Ord, V, NewValue> MapMapValues<NewValue> for BTreeMap<K, V> {
    type Mapped = BTreeMap<K, NewValue>;

    fn map_values(self, mut f: impl FnMut(V) -> NewValue) -> Self::Mapped {
        self.into_iter()
            .map(|(key, value)| (key, f(value)))
            .collect()
    }
}

/// A `Vec` of entries as a map: insertion order, keys found by linear search. Good for a handful
/// of keys and for key types that are neither `Hash` nor `Ord`. A `Vec` built by hand must not
/// repeat a key (lookups see only the first entry); build it with `collect` into a
/// [`MapUnion`](crate::MapUnion) to merge repeated keys.
impl<K: PartialEq, V> MapRead for Vec<(K, V)> {
    type Key = K;
    type Value = V;

    fn len(&self) -> usize {
        <[(K, V)]>::len(self)
    }

    fn get_value(&self, key: &K) -> Option<&V> {
        self.iter()
            .find(|(entry_key, _)| entry_key == key)
            .map(|(_, value)| value)
    }

    fn entries(&self) -> impl Iterator<Item = (&K, &V)> {
        self.iter().map(|(key, value)| (key, value))
    }
}

impl<K: PartialEq, V> MapInsert for Vec<(K, V)> {
    fn get_value_mut(&mut self, key: &K) -> Option<&mut V> {
        self.iter_mut()
            .find(|(entry_key, _)| entry_key == key)
            .map(|(_, value)| value)
    }

    fn insert_entry(&mut self, key: K, value: V) {
        match self.get_value_mut(&key) {
            Some(existing) => *existing = value,
            None => self.push((key, value)),
        }
    }
}

impl<K: PartialEq, V, NewValue> MapMapValues<NewValue> for Vec<(K, V)> {
    type Mapped = Vec<(K, NewValue)>;

    fn map_values(self, mut f: impl FnMut(V) -> NewValue) -> Self::Mapped {
        self.into_iter()
            .map(|(key, value)| (key, f(value)))
            .collect()
    }
}

/// A map with exactly one entry: a delta representation (it cannot grow).
///
/// ```
/// use tideflow_lattices::collections::SingletonMap;
/// use tideflow_lattices::{Max, MapUnion, MapUnionHashMap, Merge};
///
/// let mut counts = MapUnionHashMap::<&str, Max<u32>>::default();
/// assert!(counts.merge(MapUnion::new(SingletonMap("a", Max::new(3)))));
/// assert_eq!(counts.as_map()["a"], Max::new(3));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SingletonMap<K, V>(pub K, pub V);

impl<K: PartialEq, V> MapRead for SingletonMap<K, V> {
    type Key = K;
    type Value = V;

    fn len(&self) -> usize {
        1
    }

    fn get_value(&self, key: &K) -> Option<&V> {
        (self.0 == *key).then_some(&self.1)
    }

    fn entries(&self) -> impl Iterator<Item = (&K, &V)> {
        std::iter::once((&self.0, &self.1))
    }
}

impl<K: PartialEq, V, NewValue> MapMapValues<NewValue> for SingletonMap<K, V> {
    type Mapped = SingletonMap<K, NewValue>;

    fn map_values(self, mut f: impl FnMut(V) -> NewValue) -> Self::Mapped {
        SingletonMap(self.0, f(self.1))
    }
}

impl<K, V> IntoIterator for SingletonMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::iter::Once<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        std::iter::once((self.0, self.1))
    }
}

/// A map with zero or one entries: a delta representation (it cannot grow past one).
///
/// ```
/// use tideflow_lattices::collections::{MapRead, OptionMap};
///
/// assert!(OptionMap::<u8, u8>(None).is_empty());
/// assert_eq!(OptionMap(Some((1, "x"))).get_value(&1), Some(&"x"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct OptionMap<K, V>(pub Option<(K, V)>);

impl<K: PartialEq, V> MapRead for OptionMap<K, V> {
    type Key = K;
    type Value = V;

    fn len(&self) -> usize {
        usize::from(self.0.is_some())
    }

    fn get_value(&self, key: &K) -> Option<&V> {
        self.0
            .as_ref()
            .filter(|(entry_key, _)| entry_key == key)
            .map(|(_, value)| value)
    }

    fn entries(&self) -> impl Iterator<Item = (&K, &V)> {
        self.0.iter().map(|(key, value)| (key, value))
    }
}

impl<K: PartialEq, V, NewValue> MapMapValues<NewValue> for OptionMap<K, V> {
    type Mapped = OptionMap<K, NewValue>;

    fn map_values(self, mut f: impl FnMut(V) -> NewValue) -> Self::Mapped {
        OptionMap(self.0.map(|(key, value)| (key, f(value))))
    }
}

impl<K, V> IntoIterator for OptionMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::option::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}
