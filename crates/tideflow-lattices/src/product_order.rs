//! Builds the order of a product-like lattice (pairs, maps, vectors) from its components.
//!
//! A composite value is below another when every component is below the matching one, and above
//! when every component is above; mixed answers (or an incomparable component) make the two
//! incomparable.

use std::cmp::Ordering;

/// Accumulates component comparisons of `self` against `other`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ProductOrder {
    below: bool,
    above: bool,
}

impl ProductOrder {
    /// Starts with "equal so far".
    pub(crate) fn new() -> Self {
        Self {
            below: true,
            above: true,
        }
    }

    /// Records the comparison of one pair of components.
    pub(crate) fn component(&mut self, ordering: Option<Ordering>) {
        match ordering {
            Some(Ordering::Less) => self.above = false,
            Some(Ordering::Greater) => self.below = false,
            Some(Ordering::Equal) => {}
            None => {
                self.below = false;
                self.above = false;
            }
        }
    }

    /// Records a component that only `self` has (so `self` is not below `other`).
    pub(crate) fn only_in_self(&mut self) {
        self.below = false;
    }

    /// Records a component that only `other` has (so `self` is not above `other`).
    pub(crate) fn only_in_other(&mut self) {
        self.above = false;
    }

    /// Whether the outcome is already known to be "incomparable".
    pub(crate) fn is_incomparable(&self) -> bool {
        !self.below && !self.above
    }

    /// The order of `self` against `other`.
    pub(crate) fn finish(self) -> Option<Ordering> {
        match (self.below, self.above) {
            (true, true) => Some(Ordering::Equal),
            (true, false) => Some(Ordering::Less),
            (false, true) => Some(Ordering::Greater),
            (false, false) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixed_component_orders_are_incomparable() {
        let mut order = ProductOrder::new();
        order.component(Some(Ordering::Less));
        assert_eq!(order.finish(), Some(Ordering::Less));
        order.component(Some(Ordering::Greater));
        assert!(order.is_incomparable());
        assert_eq!(order.finish(), None);
    }

    #[test]
    fn extra_components_on_one_side_make_that_side_greater() {
        let mut order = ProductOrder::new();
        order.component(Some(Ordering::Equal));
        order.only_in_other();
        assert_eq!(order.finish(), Some(Ordering::Less));
        let mut order = ProductOrder::new();
        order.only_in_self();
        assert_eq!(order.finish(), Some(Ordering::Greater));
    }
}
