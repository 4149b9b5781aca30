//! `UnionFind`: equivalence classes that only merge; merge is the union of the equivalences.
//!
//! A value is a partition of the key space into classes ("these items are the same thing").
//! Every key not mentioned is alone in its own class. Merging two partitions joins every class
//! of one with the classes of the other that share an item, giving the finest partition that
//! both refine. The order is refinement: `a <= b` when every class of `a` lies inside one class of
//! `b`. The bottom keeps every item apart; there is no top over an open key space.
//!
//! Internally each class with more than one item has a representative; merging a smaller class
//! into a bigger one relabels only the smaller one, so building classes of `n` items costs
//! `O(n log n)` relabelings. Equality and order look at the classes, never at which item
//! happens to represent them.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::hash::Hash;

use crate::product_order::ProductOrder;
use crate::{DeepReveal, IsBot, IsTop, LatticeFrom, LatticeOrd, Merge};

/// Equivalence classes of keys; merge unions them.
///
/// ```
/// use tideflow_lattices::{Merge, UnionFind};
///
/// let mut same_person = UnionFind::new();
/// same_person.union("alice@work", "alice@home");
/// let mut other_replica = UnionFind::new();
/// other_replica.union("alice@home", "ally");
/// assert!(same_person.merge(other_replica));
/// assert!(same_person.same_class(&"alice@work", &"ally"));
/// assert!(!same_person.same_class(&"alice@work", &"bob"));
/// ```
#[derive(Clone, Debug)]
pub struct UnionFind<K> {
    /// Each item of a class with two or more items, mapped to the class's representative.
    representative: HashMap<K, K>,
    /// Each representative, mapped to every item of its class (itself included).
    members: HashMap<K, Vec<K>>,
}

impl<K> Default for UnionFind<K> {
    fn default() -> Self {
        Self {
            representative: HashMap::new(),
            members: HashMap::new(),
        }
    }
}

impl<K: Eq + Hash + Clone> UnionFind<K> {
    /// Every item in its own class: the bottom.
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds the partition in which each given group of items is (part of) one class.
    ///
    /// Groups that share an item end up in the same class.
    ///
    /// ```
    /// use tideflow_lattices::UnionFind;
    ///
    /// let classes = UnionFind::from_classes([vec![1, 2], vec![2, 3], vec![7, 8]]);
    /// assert!(classes.same_class(&1, &3));
    /// assert!(!classes.same_class(&3, &7));
    /// ```
    pub fn from_classes<C: IntoIterator<Item = K>>(classes: impl IntoIterator<Item = C>) -> Self {
        let mut union_find = Self::new();
        for class in classes {
            let mut items = class.into_iter();
            if let Some(first) = items.next() {
                for item in items {
                    union_find.union(first.clone(), item);
                }
            }
        }
        union_find
    }

    /// The representative of `item`'s class (`item` itself when it is alone).
    pub fn find<'a>(&'a self, item: &'a K) -> &'a K {
        self.representative.get(item).unwrap_or(item)
    }

    /// Whether `first` and `second` are in the same class.
    pub fn same_class(&self, first: &K, second: &K) -> bool {
        self.find(first) == self.find(second)
    }

    /// Every item in `item`'s class, `item` included.
    ///
    /// ```
    /// use tideflow_lattices::UnionFind;
    ///
    /// let mut classes = UnionFind::new();
    /// classes.union('a', 'b');
    /// let mut class = classes.class_of(&'a').to_vec();
    /// class.sort();
    /// assert_eq!(class, ['a', 'b']);
    /// assert_eq!(classes.class_of(&'z'), ['z']);
    /// ```
    pub fn class_of<'a>(&'a self, item: &'a K) -> &'a [K] {
        self.members
            .get(self.find(item))
            .map_or(std::slice::from_ref(item), Vec::as_slice)
    }

    /// The classes with two or more items, in no particular order.
    pub fn classes(&self) -> impl Iterator<Item = &[K]> {
        self.members.values().map(Vec::as_slice)
    }

    /// Puts `first` and `second` in the same class; returns whether two classes were joined.
    pub fn union(&mut self, first: K, second: K) -> bool {
        let first_root = self.find(&first).clone();
        let second_root = self.find(&second).clone();
        if first_root == second_root {
            return false;
        }
        let (kept_root, absorbed_root) =
            if self.class_size(&first_root) >= self.class_size(&second_root) {
                (first_root, second_root)
            } else {
                (second_root, first_root)
            };
        let absorbed = self
            .members
            .remove(&absorbed_root)
            .unwrap_or_else(|| vec![absorbed_root]);
        for item in &absorbed {
            self.representative.insert(item.clone(), kept_root.clone());
        }
        self.representative
            .insert(kept_root.clone(), kept_root.clone());
        self.members
            .entry(kept_root.clone())
            .or_insert_with(|| vec![kept_root])
            .extend(absorbed);
        true
    }

    /// The number of items in the class represented by `root`.
    fn class_size(&self, root: &K) -> usize {
        self.members.get(root).map_or(1, Vec::len)
    }

    /// Whether every class of `self` lies inside one class of `other`.
    fn refines(&self, other: &Self) -> bool {
        self.members.iter().all(|(root, items)| {
            let other_root = other.find(root);
            items.iter().all(|item| other.find(item) == other_root)
        })
    }
}

impl<K: Eq + Hash + Clone> Merge<UnionFind<K>> for UnionFind<K> {
    fn merge(&mut self, other: UnionFind<K>) -> bool {
        let mut changed = false;
        for (root, items) in other.members {
            for item in items {
                changed |= self.union(root.clone(), item);
            }
        }
        changed
    }
}

impl<K> LatticeFrom<UnionFind<K>> for UnionFind<K> {
    fn lattice_from(other: UnionFind<K>) -> Self {
        other
    }
}

/// Two partitions are equal when they have the same classes.
impl<K: Eq + Hash + Clone> PartialEq for UnionFind<K> {
    fn eq(&self, other: &Self) -> bool {
        self.refines(other) && other.refines(self)
    }
}

impl<K: Eq + Hash + Clone> Eq for UnionFind<K> {}

/// Refinement: finer partitions are smaller.
impl<K: Eq + Hash + Clone> PartialOrd for UnionFind<K> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        let mut order = ProductOrder::new();
        if !self.refines(other) {
            order.only_in_self();
        }
        if !other.refines(self) {
            order.only_in_other();
        }
        order.finish()
    }
}

impl<K: Eq + Hash + Clone> LatticeOrd for UnionFind<K> {}

impl<K> IsBot for UnionFind<K> {
    fn is_bot(&self) -> bool {
        self.members.is_empty()
    }
}

/// No top: the key space is open, so there is always an item outside every class.
impl<K> IsTop for UnionFind<K> {
    fn is_top(&self) -> bool {
        false
    }
}

/// The classes with two or more items, in no particular order.
impl<K> DeepReveal for UnionFind<K> {
    type Revealed = Vec<Vec<K>>;

    fn deep_reveal(self) -> Self::Revealed {
        self.members.into_values().collect()
    }
}

/// Joins the two items of each pair.
impl<K: Eq + Hash + Clone> FromIterator<(K, K)> for UnionFind<K> {
    fn from_iter<I: IntoIterator<Item = (K, K)>>(pairs: I) -> Self {
        let mut union_find = Self::new();
        for (first, second) in pairs {
            union_find.union(first, second);
        }
        union_find
    }
}

/// Serialized as the list of classes with two or more items.
#[cfg(feature = "serde")]
impl<K: serde::Serialize> serde::Serialize for UnionFind<K> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.members.values())
    }
}

/// Any list of groups is accepted; groups sharing an item are joined.
#[cfg(feature = "serde")]
impl<'de, K> serde::Deserialize<'de> for UnionFind<K>
where
    K: serde::Deserialize<'de> + Eq + Hash + Clone,
{
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let classes = <Vec<Vec<K>> as serde::Deserialize>::deserialize(deserializer)?;
        Ok(Self::from_classes(classes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_joins_classes_and_reports_change() {
        let mut classes = UnionFind::new();
        assert!(classes.union(1, 2));
        assert!(!classes.union(2, 1));
        assert!(classes.union(3, 4));
        assert!(classes.union(4, 1));
        assert!(classes.same_class(&3, &2));
        assert_eq!(classes.class_of(&1).len(), 4);
        assert_eq!(classes.classes().count(), 1);
    }

    #[test]
    fn merge_joins_overlapping_classes() {
        let mut left: UnionFind<u8> = [(1, 2), (5, 6)].into_iter().collect();
        let right: UnionFind<u8> = [(2, 3)].into_iter().collect();
        assert!(left.merge(right.clone()));
        assert!(!left.merge(right));
        assert_eq!(left, UnionFind::from_classes([vec![1, 2, 3], vec![5, 6]]));
    }

    #[test]
    fn equality_ignores_which_item_represents_a_class() {
        let built_left: UnionFind<u8> = [(1, 2), (2, 3)].into_iter().collect();
        let built_right: UnionFind<u8> = [(3, 1), (1, 2)].into_iter().collect();
        assert_eq!(built_left, built_right);
    }

    #[test]
    fn order_is_refinement() {
        let fine: UnionFind<u8> = [(1, 2)].into_iter().collect();
        let coarse = UnionFind::from_classes([vec![1, 2, 3]]);
        let other = UnionFind::from_classes([vec![3, 4]]);
        assert_eq!(fine.partial_cmp(&coarse), Some(Ordering::Less));
        assert_eq!(coarse.partial_cmp(&fine), Some(Ordering::Greater));
        assert_eq!(fine.partial_cmp(&other), None);
        assert!(UnionFind::<u8>::new().is_bot());
        assert!(!fine.is_bot());
    }

    #[test]
    fn deep_reveal_lists_the_non_trivial_classes() {
        let classes: UnionFind<u8> = [(1, 2)].into_iter().collect();
        let mut revealed = classes.deep_reveal();
        for class in &mut revealed {
            class.sort();
        }
        assert_eq!(revealed, [vec![1, 2]]);
    }
}
