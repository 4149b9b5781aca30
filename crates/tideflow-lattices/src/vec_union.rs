//! `VecUnion`: a vector of lattices merged position by position.
//!
//! Merging two vectors merges the elements at each index both have, and keeps the extra elements
//! of the longer one. It is a [`MapUnion`](crate::MapUnion) keyed by index where the keys are
//! always `0..len`: the order is "no longer, and element-wise smaller or equal"; the bottom is
//! the empty vector, and there is no top. A vector of bottoms is not the empty vector.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use crate::product_order::ProductOrder;
use crate::{DeepReveal, IsBot, IsTop, LatticeFrom, LatticeOrd, Merge};

/// Element-wise merge; the longer vector's extra elements are kept.
///
/// ```
/// use tideflow_lattices::{Max, Merge, VecUnion};
///
/// let mut clock = VecUnion::new(vec![Max::new(3), Max::new(0)]);
/// assert!(clock.merge(VecUnion::new(vec![Max::new(1), Max::new(4), Max::new(2)])));
/// assert_eq!(clock.into_vec(), [Max::new(3), Max::new(4), Max::new(2)]);
/// ```
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct VecUnion<L>(Vec<L>);

impl<L> VecUnion<L> {
    /// Wraps a vector.
    pub const fn new(elements: Vec<L>) -> Self {
        Self(elements)
    }

    /// The elements.
    pub fn as_vec(&self) -> &Vec<L> {
        &self.0
    }

    /// The elements, mutably. Shortening the vector or lowering elements by hand bypasses the
    /// lattice rules.
    pub fn as_vec_mut(&mut self) -> &mut Vec<L> {
        &mut self.0
    }

    /// Unwraps the vector.
    pub fn into_vec(self) -> Vec<L> {
        self.0
    }
}

/// The empty vector, the bottom.
impl<L> Default for VecUnion<L> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<L, Other> Merge<VecUnion<Other>> for VecUnion<L>
where
    L: Merge<Other> + LatticeFrom<Other>,
{
    fn merge(&mut self, other: VecUnion<Other>) -> bool {
        let mut changed = false;
        for (index, theirs) in other.0.into_iter().enumerate() {
            match self.0.get_mut(index) {
                Some(mine) => changed |= mine.merge(theirs),
                None => {
                    self.0.push(L::lattice_from(theirs));
                    changed = true;
                }
            }
        }
        changed
    }
}

impl<L, Other> LatticeFrom<VecUnion<Other>> for VecUnion<L>
where
    L: LatticeFrom<Other>,
{
    fn lattice_from(other: VecUnion<Other>) -> Self {
        Self(other.0.into_iter().map(L::lattice_from).collect())
    }
}

impl<L, Other> PartialEq<VecUnion<Other>> for VecUnion<L>
where
    L: PartialEq<Other>,
{
    fn eq(&self, other: &VecUnion<Other>) -> bool {
        self.0 == other.0
    }
}

impl<L: Eq> Eq for VecUnion<L> {}

impl<L: Hash> Hash for VecUnion<L> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

/// Element-wise on the common prefix; extra elements make a vector greater.
impl<L, Other> PartialOrd<VecUnion<Other>> for VecUnion<L>
where
    L: PartialOrd<Other>,
{
    fn partial_cmp(&self, other: &VecUnion<Other>) -> Option<Ordering> {
        let mut order = ProductOrder::new();
        match self.0.len().cmp(&other.0.len()) {
            Ordering::Less => order.only_in_other(),
            Ordering::Greater => order.only_in_self(),
            Ordering::Equal => {}
        }
        for (mine, theirs) in self.0.iter().zip(&other.0) {
            order.component(mine.partial_cmp(theirs));
            if order.is_incomparable() {
                return None;
            }
        }
        order.finish()
    }
}

impl<L, Other> LatticeOrd<VecUnion<Other>> for VecUnion<L> where Self: PartialOrd<VecUnion<Other>> {}

impl<L> IsBot for VecUnion<L> {
    fn is_bot(&self) -> bool {
        self.0.is_empty()
    }
}

/// A vector union has no top: it can always grow longer.
impl<L> IsTop for VecUnion<L> {
    fn is_top(&self) -> bool {
        false
    }
}

impl<L: DeepReveal> DeepReveal for VecUnion<L> {
    type Revealed = Vec<L::Revealed>;

    fn deep_reveal(self) -> Self::Revealed {
        self.0.into_iter().map(DeepReveal::deep_reveal).collect()
    }
}

impl<L> FromIterator<L> for VecUnion<L> {
    fn from_iter<I: IntoIterator<Item = L>>(elements: I) -> Self {
        Self(elements.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Max, SetUnionBTreeSet, SetUnionSingletonSet};

    #[test]
    fn merge_is_element_wise_and_extends_to_the_longer_length() {
        let mut vector = VecUnion::new(vec![Max::new(1), Max::new(5)]);
        assert!(!vector.merge(VecUnion::new(vec![Max::new(1)])));
        assert!(vector.merge(VecUnion::new(vec![Max::new(2)])));
        assert!(vector.merge(VecUnion::new(vec![Max::new(0), Max::new(0), Max::new(0)])));
        assert_eq!(vector.deep_reveal(), [2, 5, 0]);
    }

    #[test]
    fn merge_accepts_delta_elements() {
        let mut vector = VecUnion::<SetUnionBTreeSet<u8>>::default();
        assert!(vector.merge(VecUnion::new(vec![SetUnionSingletonSet::singleton(3)])));
        assert_eq!(vector.as_vec(), &[SetUnionBTreeSet::from_iter([3])]);
    }

    #[test]
    fn order_is_prefix_and_element_wise() {
        let short = VecUnion::new(vec![Max::new(1)]);
        let long = VecUnion::new(vec![Max::new(1), Max::new(0)]);
        let bigger_first = VecUnion::new(vec![Max::new(2)]);
        assert_eq!(short.partial_cmp(&long), Some(Ordering::Less));
        assert_eq!(long.partial_cmp(&bigger_first), None);
        assert_eq!(short.partial_cmp(&bigger_first), Some(Ordering::Less));
    }

    #[test]
    fn bottom_is_the_empty_vector() {
        assert!(VecUnion::<Max<u8>>::default().is_bot());
        assert!(!VecUnion::new(vec![Max::new(0_u8)]).is_bot());
        assert!(!VecUnion::new(vec![Max::new(u8::MAX)]).is_top());
    }
}
