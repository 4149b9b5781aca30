//! `Pair`: the product of two lattices, merged component by component.
//!
//! `(a1, b1) <= (a2, b2)` when `a1 <= a2` and `b1 <= b2`; bottom and top are the pairs of
//! bottoms and tops. Nest pairs for more components.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use crate::product_order::ProductOrder;
use crate::{DeepReveal, IsBot, IsTop, LatticeFrom, LatticeOrd, Merge};

/// Two lattices side by side; merge merges each component.
///
/// ```
/// use tideflow_lattices::{Max, Merge, Min, Pair};
///
/// // The latest and the earliest timestamp seen.
/// let mut range = Pair::new(Max::new(5), Min::new(5));
/// assert!(range.merge(Pair::new(Max::new(9), Min::new(7))));
/// assert!(range.merge(Pair::new(Max::new(1), Min::new(1))));
/// assert_eq!(range, Pair::new(Max::new(9), Min::new(1)));
/// ```
#[derive(Clone, Copy, Debug, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Pair<A, B> {
    first: A,
    second: B,
}

impl<A, B> Pair<A, B> {
    /// Pairs two lattices.
    pub const fn new(first: A, second: B) -> Self {
        Self { first, second }
    }

    /// The first component.
    pub fn first(&self) -> &A {
        &self.first
    }

    /// The second component.
    pub fn second(&self) -> &B {
        &self.second
    }

    /// The first component, mutably.
    pub fn first_mut(&mut self) -> &mut A {
        &mut self.first
    }

    /// The second component, mutably.
    pub fn second_mut(&mut self) -> &mut B {
        &mut self.second
    }

    /// Splits the pair.
    pub fn into_parts(self) -> (A, B) {
        (self.first, self.second)
    }
}

impl<A, B, OtherA, OtherB> Merge<Pair<OtherA, OtherB>> for Pair<A, B>
where
    A: Merge<OtherA>,
    B: Merge<OtherB>,
{
    fn merge(&mut self, other: Pair<OtherA, OtherB>) -> bool {
        let first_changed = self.first.merge(other.first);
        let second_changed = self.second.merge(other.second);
        first_changed || second_changed
    }
}

impl<A, B, OtherA, OtherB> LatticeFrom<Pair<OtherA, OtherB>> for Pair<A, B>
where
    A: LatticeFrom<OtherA>,
    B: LatticeFrom<OtherB>,
{
    fn lattice_from(other: Pair<OtherA, OtherB>) -> Self {
        Self::new(A::lattice_from(other.first), B::lattice_from(other.second))
    }
}

impl<A, B, OtherA, OtherB> PartialEq<Pair<OtherA, OtherB>> for Pair<A, B>
where
    A: PartialEq<OtherA>,
    B: PartialEq<OtherB>,
{
    fn eq(&self, other: &Pair<OtherA, OtherB>) -> bool {
        self.first == other.first && self.second == other.second
    }
}

impl<A: Eq, B: Eq> Eq for Pair<A, B> {}

impl<A: Hash, B: Hash> Hash for Pair<A, B> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.first.hash(state);
        self.second.hash(state);
    }
}

/// The product order: comparable only when both components agree on the direction.
impl<A, B, OtherA, OtherB> PartialOrd<Pair<OtherA, OtherB>> for Pair<A, B>
where
    A: PartialOrd<OtherA>,
    B: PartialOrd<OtherB>,
{
    fn partial_cmp(&self, other: &Pair<OtherA, OtherB>) -> Option<Ordering> {
        let mut order = ProductOrder::new();
        order.component(self.first.partial_cmp(&other.first));
        order.component(self.second.partial_cmp(&other.second));
        order.finish()
    }
}

impl<A, B, OtherA, OtherB> LatticeOrd<Pair<OtherA, OtherB>> for Pair<A, B> where
    Self: PartialOrd<Pair<OtherA, OtherB>>
{
}

impl<A: IsBot, B: IsBot> IsBot for Pair<A, B> {
    fn is_bot(&self) -> bool {
        self.first.is_bot() && self.second.is_bot()
    }
}

impl<A: IsTop, B: IsTop> IsTop for Pair<A, B> {
    fn is_top(&self) -> bool {
        self.first.is_top() && self.second.is_top()
    }
}

impl<A: DeepReveal, B: DeepReveal> DeepReveal for Pair<A, B> {
    type Revealed = (A::Revealed, B::Revealed);

    fn deep_reveal(self) -> Self::Revealed {
        (self.first.deep_reveal(), self.second.deep_reveal())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Max, Min};

    #[test]
    fn merge_reports_a_change_in_either_component() {
        let mut pair = Pair::new(Max::new(1), Max::new(1));
        assert!(!pair.merge(Pair::new(Max::new(0), Max::new(1))));
        assert!(pair.merge(Pair::new(Max::new(0), Max::new(2))));
        assert!(pair.merge(Pair::new(Max::new(3), Max::new(0))));
        assert_eq!(pair.into_parts(), (Max::new(3), Max::new(2)));
    }

    #[test]
    fn order_is_the_product_order() {
        let low = Pair::new(Max::new(1), Max::new(1));
        let high = Pair::new(Max::new(2), Max::new(1));
        let crossed = Pair::new(Max::new(0), Max::new(5));
        assert_eq!(low.partial_cmp(&high), Some(Ordering::Less));
        assert_eq!(high.partial_cmp(&low), Some(Ordering::Greater));
        assert_eq!(low.partial_cmp(&crossed), None);
    }

    #[test]
    fn bottom_and_top_need_both_components() {
        assert!(Pair::new(Max::new(0_u8), Min::new(u8::MAX)).is_bot());
        assert!(!Pair::new(Max::new(0_u8), Min::new(3_u8)).is_bot());
        assert!(Pair::new(Max::new(u8::MAX), Min::new(0_u8)).is_top());
        assert!(!Pair::new(Max::new(u8::MAX), Min::new(1_u8)).is_top());
    }
}
