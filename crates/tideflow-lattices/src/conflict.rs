//! `Conflict`: a single value that becomes a visible conflict (top) when two merges disagree.
//!
//! Merging a value with itself changes nothing; merging two different values yields the top
//! element, "conflicting", which absorbs everything after. Two different values are
//! incomparable. There is no bottom: wrap it in [`WithBot`](crate::WithBot) for "no value yet".
//!
//! Use it where disagreement must be detected rather than resolved, for example as the value of a
//! [`DomPair`](crate::DomPair) so that two writes with the same timestamp but different contents
//! show up as a conflict.

use std::cmp::Ordering;

use crate::{DeepReveal, IsBot, IsTop, LatticeFrom, LatticeOrd, Merge};

/// A value, or "conflicting" (top) once two different values were merged.
///
/// ```
/// use tideflow_lattices::{Conflict, IsTop, Merge};
///
/// let mut leader = Conflict::new("node-1");
/// assert!(!leader.merge(Conflict::new("node-1")));
/// assert!(leader.merge(Conflict::new("node-2")));
/// assert!(leader.is_top());
/// assert_eq!(leader.value(), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Conflict<T>(Option<T>);

impl<T> Conflict<T> {
    /// A single, agreed value.
    pub const fn new(value: T) -> Self {
        Self(Some(value))
    }

    /// The conflicting (top) state.
    pub const fn conflicting() -> Self {
        Self(None)
    }

    /// The agreed value, or `None` when conflicting.
    pub fn value(&self) -> Option<&T> {
        self.0.as_ref()
    }

    /// Whether two different values were merged.
    pub fn is_conflicting(&self) -> bool {
        self.0.is_none()
    }

    /// Unwraps into the agreed value, or `None` when conflicting.
    pub fn into_value(self) -> Option<T> {
        self.0
    }
}

impl<T: PartialEq> Merge<Conflict<T>> for Conflict<T> {
    fn merge(&mut self, other: Conflict<T>) -> bool {
        match (&self.0, other.0) {
            (None, _) => false,
            (Some(mine), Some(theirs)) if *mine == theirs => false,
            (Some(_), _) => {
                self.0 = None;
                true
            }
        }
    }
}

impl<T> LatticeFrom<Conflict<T>> for Conflict<T> {
    fn lattice_from(other: Conflict<T>) -> Self {
        other
    }
}

/// Equal values are equal, different values are incomparable, and conflicting is above all.
impl<T: PartialEq> PartialOrd for Conflict<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        match (&self.0, &other.0) {
            (None, None) => Some(Ordering::Equal),
            (None, Some(_)) => Some(Ordering::Greater),
            (Some(_), None) => Some(Ordering::Less),
            (Some(mine), Some(theirs)) => (mine == theirs).then_some(Ordering::Equal),
        }
    }
}

impl<T: PartialEq> LatticeOrd for Conflict<T> {}

/// `Conflict` has no bottom.
impl<T> IsBot for Conflict<T> {
    fn is_bot(&self) -> bool {
        false
    }
}

impl<T> IsTop for Conflict<T> {
    fn is_top(&self) -> bool {
        self.0.is_none()
    }
}

impl<T> DeepReveal for Conflict<T> {
    type Revealed = Option<T>;

    fn deep_reveal(self) -> Option<T> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_values_merge_without_change() {
        let mut value = Conflict::new(3);
        assert!(!value.merge(Conflict::new(3)));
        assert_eq!(value.into_value(), Some(3));
    }

    #[test]
    fn different_values_become_conflicting_and_stay_so() {
        let mut value = Conflict::new(3);
        assert!(value.merge(Conflict::new(4)));
        assert!(value.is_conflicting());
        assert!(!value.merge(Conflict::new(3)));
        assert!(!value.merge(Conflict::conflicting()));
        assert_eq!(value, Conflict::conflicting());
    }

    #[test]
    fn merging_conflicting_into_a_value_makes_it_conflicting() {
        let mut value = Conflict::new('a');
        assert!(value.merge(Conflict::conflicting()));
        assert!(value.is_top());
        assert!(!value.is_bot());
    }

    #[test]
    fn different_values_are_incomparable_and_below_conflicting() {
        assert_eq!(Conflict::new(1).partial_cmp(&Conflict::new(2)), None);
        assert_eq!(
            Conflict::new(1).partial_cmp(&Conflict::new(1)),
            Some(Ordering::Equal)
        );
        assert!(Conflict::new(1) < Conflict::conflicting());
    }
}
