//! Set collections: `HashSet`, `BTreeSet`, `Vec`, [`SingletonSet`] and [`OptionSet`].

use std::collections::{BTreeSet, HashSet};
use std::hash::{BuildHasher, Hash};

/// Read access to a set of items.
///
/// ```
/// use tideflow_lattices::collections::{SetRead, SingletonSet};
///
/// let set = SingletonSet(7);
/// assert!(set.contains(&7));
/// assert_eq!(set.len(), 1);
/// assert_eq!(set.items().collect::<Vec<_>>(), [&7]);
/// ```
pub trait SetRead {
    /// The element type.
    type Item;

    /// The number of distinct items.
    fn len(&self) -> usize;

    /// Whether the set holds no items.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `item` is in the set.
    fn contains(&self, item: &Self::Item) -> bool;

    /// The items, in the collection's own order.
    fn items(&self) -> impl Iterator<Item = &Self::Item>;
}

/// A set that can grow: the representations a [`SetUnion`](crate::SetUnion) can merge into.
///
/// `Default` is the empty set.
///
/// ```
/// use tideflow_lattices::collections::{SetInsert, SetRead};
///
/// let mut set: Vec<u32> = Vec::new();
/// assert!(set.insert_item(1));
/// assert!(!set.insert_item(1));
/// assert_eq!(set.len(), 1);
/// ```
pub trait SetInsert: SetRead + Default {
    /// Inserts `item`; returns whether it was new.
    fn insert_item(&mut self, item: Self::Item) -> bool;
}

impl<T: Eq + Hash, S: BuildHasher> SetRead for HashSet<T, S> {
    type Item = T;

    fn len(&self) -> usize {
        HashSet::len(self)
    }

    fn contains(&self, item: &T) -> bool {
        HashSet::contains(self, item)
    }

    fn items(&self) -> impl Iterator<Item = &T> {
        self.iter()
    }
}

impl<T: Eq + Hash, S: BuildHasher + Default> SetInsert for HashSet<T, S> {
    fn insert_item(&mut self, item: T) -> bool {
        self.insert(item)
    }
}

impl<T: Ord> SetRead for BTreeSet<T> {
    type Item = T;

    fn len(&self) -> usize {
        BTreeSet::len(self)
    }

    fn contains(&self, item: &T) -> bool {
        BTreeSet::contains(self, item)
    }

    fn items(&self) -> impl Iterator<Item = &T> {
        self.iter()
    }
}

impl<T: Ord> SetInsert for BTreeSet<T> {
    fn insert_item(&mut self, item: T) -> bool {
        self.insert(item)
    }
}

/// A `Vec` as a set: items in insertion order, found by linear search. Good for a handful of
/// items and for types that are neither `Hash` nor `Ord`. A `Vec` built by hand should hold no
/// duplicates; `len` counts them.
impl<T: PartialEq> SetRead for Vec<T> {
    type Item = T;

    fn len(&self) -> usize {
        <[T]>::len(self)
    }

    fn contains(&self, item: &T) -> bool {
        <[T]>::contains(self, item)
    }

    fn items(&self) -> impl Iterator<Item = &T> {
        self.iter()
    }
}

impl<T: PartialEq> SetInsert for Vec<T> {
    fn insert_item(&mut self, item: T) -> bool {
        if <[T]>::contains(self, &item) {
            false
        } else {
            self.push(item);
            true
        }
    }
}

/// A set of exactly one item: a delta representation (it cannot grow).
///
/// ```
/// use tideflow_lattices::collections::SingletonSet;
/// use tideflow_lattices::{Merge, SetUnion, SetUnionBTreeSet};
///
/// let mut set = SetUnionBTreeSet::<u32>::default();
/// assert!(set.merge(SetUnion::new(SingletonSet(4))));
/// assert_eq!(set, SetUnionBTreeSet::from_iter([4]));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct SingletonSet<T>(pub T);

impl<T: PartialEq> SetRead for SingletonSet<T> {
    type Item = T;

    fn len(&self) -> usize {
        1
    }

    fn contains(&self, item: &T) -> bool {
        self.0 == *item
    }

    fn items(&self) -> impl Iterator<Item = &T> {
        std::iter::once(&self.0)
    }
}

impl<T> IntoIterator for SingletonSet<T> {
    type Item = T;
    type IntoIter = std::iter::Once<T>;

    fn into_iter(self) -> Self::IntoIter {
        std::iter::once(self.0)
    }
}

/// A set of zero or one items: a delta representation (it cannot grow past one).
///
/// ```
/// use tideflow_lattices::collections::{OptionSet, SetRead};
///
/// assert!(OptionSet::<u8>(None).is_empty());
/// assert!(OptionSet(Some(3)).contains(&3));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct OptionSet<T>(pub Option<T>);

impl<T: PartialEq> SetRead for OptionSet<T> {
    type Item = T;

    fn len(&self) -> usize {
        usize::from(self.0.is_some())
    }

    fn contains(&self, item: &T) -> bool {
        self.0.as_ref() == Some(item)
    }

    fn items(&self) -> impl Iterator<Item = &T> {
        self.0.iter()
    }
}

impl<T> IntoIterator for OptionSet<T> {
    type Item = T;
    type IntoIter = std::option::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}
