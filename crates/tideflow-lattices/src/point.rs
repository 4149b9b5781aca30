//! `Point`: a single value that is never expected to change.
//!
//! A `Point` is the one-element lattice: merging a point with an equal point changes nothing, and
//! merging two *different* points is a bug in the program (two sources disagree about something
//! that was supposed to be fixed, such as the contents stored under a content hash). Use
//! [`Conflict`](crate::Conflict) instead when disagreement is a legitimate outcome to detect.
//!
//! # What happens on a conflict
//!
//! Merging never panics, because a panic would take down a whole transducer over one bad
//! message. Instead:
//!
//! - [`Point::try_merge`] reports the disagreement as an `Err(PointConflict)` holding the rejected
//!   value: call it where you can handle the error.
//! - [`Merge::merge`] (what lattice operators call) **keeps the existing value**, returns
//!   `false` (nothing changed), logs an error through `tracing` (target
//!   `tideflow_lattices::point`) and increments a process-wide counter readable with
//!   [`point_conflict_count`]. A test or a metrics endpoint can assert that the counter stays at
//!   zero.
//!
//! Keeping the existing value makes the merge order-dependent for conflicting points, which is
//! why the lattice laws only hold over samples that agree. `Point` has no bottom (wrap it in
//! [`WithBot`](crate::WithBot) for "not set yet"), and every point is top: no valid merge can
//! change it.

use std::cmp::Ordering;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};

use crate::{DeepReveal, IsBot, IsTop, LatticeFrom, LatticeOrd, Merge};

static POINT_CONFLICTS: AtomicU64 = AtomicU64::new(0);

/// How many times, in this process, [`Merge::merge`] was called on two different [`Point`]s.
///
/// ```
/// use tideflow_lattices::{point_conflict_count, Merge, Point};
///
/// let before = point_conflict_count();
/// let mut point = Point::new(1);
/// assert!(!point.merge(Point::new(2)));
/// assert_eq!(point, Point::new(1));
/// assert!(point_conflict_count() > before);
/// ```
pub fn point_conflict_count() -> u64 {
    POINT_CONFLICTS.load(AtomicOrdering::Relaxed)
}

/// A single value; merging two different values is a bug, reported without panicking.
///
/// ```
/// use tideflow_lattices::{Merge, Point, WithBot};
///
/// // "Set once": bottom until the first write, then fixed.
/// let mut config = WithBot::<Point<&str>>::default();
/// assert!(config.merge(WithBot::new_from(Point::new("v1"))));
/// assert!(!config.merge(WithBot::new_from(Point::new("v1"))));
///
/// let mut point = Point::new("v1");
/// let error = point.try_merge(Point::new("v2")).unwrap_err();
/// assert_eq!(error.rejected(), &"v2");
/// assert_eq!(point.into_value(), "v1");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Point<T>(T);

impl<T> Point<T> {
    /// Wraps the value.
    pub const fn new(value: T) -> Self {
        Self(value)
    }

    /// The value.
    pub fn value(&self) -> &T {
        &self.0
    }

    /// Unwraps the value.
    pub fn into_value(self) -> T {
        self.0
    }
}

impl<T: PartialEq> Point<T> {
    /// Merges `other`, reporting a different value as an error instead of recording it.
    ///
    /// Returns `Ok(false)` when the values are equal (a point never changes), and
    /// `Err(PointConflict)` with the rejected value otherwise; `self` is left as it was.
    ///
    /// ```
    /// use tideflow_lattices::Point;
    ///
    /// let mut point = Point::new(5);
    /// assert_eq!(point.try_merge(Point::new(5)), Ok(false));
    /// assert!(point.try_merge(Point::new(6)).is_err());
    /// ```
    pub fn try_merge(&mut self, other: Point<T>) -> Result<bool, PointConflict<T>> {
        if self.0 == other.0 {
            Ok(false)
        } else {
            Err(PointConflict { rejected: other.0 })
        }
    }
}

/// Two different [`Point`]s were merged; holds the value that was not kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PointConflict<T> {
    rejected: T,
}

impl<T> PointConflict<T> {
    /// The value that was merged in and rejected.
    pub fn rejected(&self) -> &T {
        &self.rejected
    }

    /// Unwraps the rejected value.
    pub fn into_rejected(self) -> T {
        self.rejected
    }
}

impl<T: fmt::Debug> fmt::Display for PointConflict<T> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "merged a different value `{:?}` into a `Point`, which must never change",
            self.rejected
        )
    }
}

impl<T: fmt::Debug> std::error::Error for PointConflict<T> {}

/// Keeps the existing value on a conflict, logs it and counts it; see the module docs.
impl<T: PartialEq> Merge<Point<T>> for Point<T> {
    fn merge(&mut self, other: Point<T>) -> bool {
        if self.try_merge(other).is_err() {
            POINT_CONFLICTS.fetch_add(1, AtomicOrdering::Relaxed);
            tracing::error!(
                target: "tideflow_lattices::point",
                value_type = std::any::type_name::<T>(),
                "merged two different `Point` values; kept the existing one"
            );
        }
        false
    }
}

impl<T> LatticeFrom<Point<T>> for Point<T> {
    fn lattice_from(other: Point<T>) -> Self {
        other
    }
}

/// Equal points are equal; different points are incomparable.
impl<T: PartialEq> PartialOrd for Point<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        (self.0 == other.0).then_some(Ordering::Equal)
    }
}

impl<T: PartialEq> LatticeOrd for Point<T> {}

/// A point is not "nothing": it has no bottom.
impl<T> IsBot for Point<T> {
    fn is_bot(&self) -> bool {
        false
    }
}

/// Every point is top: no valid merge can change it.
impl<T> IsTop for Point<T> {
    fn is_top(&self) -> bool {
        true
    }
}

impl<T> DeepReveal for Point<T> {
    type Revealed = T;

    fn deep_reveal(self) -> T {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_points_merge_without_change() {
        let mut point = Point::new("a");
        assert!(!point.merge(Point::new("a")));
        assert_eq!(point.try_merge(Point::new("a")), Ok(false));
    }

    #[test]
    fn try_merge_reports_a_different_point_and_keeps_the_existing_value() {
        let mut point = Point::new(1);
        let error = point.try_merge(Point::new(2));
        assert_eq!(error, Err(PointConflict { rejected: 2 }));
        assert_eq!(point, Point::new(1));
        assert_eq!(
            PointConflict { rejected: 2 }.to_string(),
            "merged a different value `2` into a `Point`, which must never change"
        );
    }

    #[test]
    fn merge_of_a_different_point_keeps_the_existing_value_and_counts() {
        let before = point_conflict_count();
        let mut point = Point::new(1);
        assert!(!point.merge(Point::new(2)));
        assert_eq!(point.into_value(), 1);
        assert!(point_conflict_count() > before);
    }

    #[test]
    fn different_points_are_incomparable() {
        assert_eq!(Point::new(1).partial_cmp(&Point::new(2)), None);
        assert_eq!(
            Point::new(1).partial_cmp(&Point::new(1)),
            Some(Ordering::Equal)
        );
        assert!(Point::new(1).is_top());
        assert!(!Point::new(1).is_bot());
    }
}
