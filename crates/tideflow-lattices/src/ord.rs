//! `Max` and `Min`: totally ordered values where merge keeps the larger (or smaller) one.
//!
//! These are the simplest lattices: every two values are comparable, so the lattice order is the
//! value's own order (`Max`) or its reverse (`Min`). They are the usual building blocks for
//! counters, versions and timestamps.
//!
//! Their bottom and top come from the wrapped type: `Max<T>` is at bottom at `T`'s least value,
//! which [`LeastValue`] provides (for the integers, `bool`, `char`, `()`, `String`, `Option` and
//! `Duration`; implement it for your own types). `Default` is that bottom.

use std::cmp::Ordering;
use std::time::Duration;

use crate::{DeepReveal, IsBot, IsTop, LatticeFrom, LatticeOrd, Merge};

/// Types with a least value; gives [`Max`] its bottom and [`Min`] its top.
///
/// ```
/// use tideflow_lattices::LeastValue;
///
/// assert_eq!(i8::least_value(), -128);
/// assert!(String::new().is_least_value());
/// ```
pub trait LeastValue: Ord + Sized {
    /// The least value of the type.
    fn least_value() -> Self;

    /// Whether `self` is the least value.
    fn is_least_value(&self) -> bool {
        *self == Self::least_value()
    }
}

/// Types with a greatest value; gives [`Max`] its top and [`Min`] its bottom.
///
/// ```
/// use tideflow_lattices::GreatestValue;
///
/// assert_eq!(u16::greatest_value(), u16::MAX);
/// assert!(true.is_greatest_value());
/// ```
pub trait GreatestValue: Ord + Sized {
    /// The greatest value of the type.
    fn greatest_value() -> Self;

    /// Whether `self` is the greatest value.
    fn is_greatest_value(&self) -> bool {
        *self == Self::greatest_value()
    }
}

macro_rules! bounded_values {
    ($($ty:ty: $least:expr, $greatest:expr;)*) => {$(
        impl LeastValue for $ty {
            fn least_value() -> Self {
                $least
            }
        }
        impl GreatestValue for $ty {
            fn greatest_value() -> Self {
                $greatest
            }
        }
    )*};
}

bounded_values! {
    u8: u8::MIN, u8::MAX;
    u16: u16::MIN, u16::MAX;
    u32: u32::MIN, u32::MAX;
    u64: u64::MIN, u64::MAX;
    u128: u128::MIN, u128::MAX;
    usize: usize::MIN, usize::MAX;
    i8: i8::MIN, i8::MAX;
    i16: i16::MIN, i16::MAX;
    i32: i32::MIN, i32::MAX;
    i64: i64::MIN, i64::MAX;
    i128: i128::MIN, i128::MAX;
    isize: isize::MIN, isize::MAX;
    bool: false, true;
    char: '\0', char::MAX;
    (): (), ();
    Duration: Duration::ZERO, Duration::MAX;
}

impl LeastValue for String {
    fn least_value() -> Self {
        String::new()
    }

    fn is_least_value(&self) -> bool {
        self.is_empty()
    }
}

impl<T: Ord> LeastValue for Option<T> {
    fn least_value() -> Self {
        None
    }

    fn is_least_value(&self) -> bool {
        self.is_none()
    }
}

/// The maximum of the values merged so far.
///
/// `merge` keeps the larger value. `Default` (for types with a [`LeastValue`]) is the bottom.
///
/// ```
/// use tideflow_lattices::{Max, Merge};
///
/// let mut version = Max::new(2_u64);
/// assert!(version.merge(Max::new(5)));
/// assert!(!version.merge(Max::new(4)));
/// assert_eq!(version.into_value(), 5);
/// assert_eq!(Max::<u64>::default(), Max::new(0));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Max<T>(T);

/// The minimum of the values merged so far.
///
/// `merge` keeps the smaller value, so the lattice order is the *reverse* of `T`'s order:
/// `Min::new(1) > Min::new(2)`. `Default` (for types with a [`GreatestValue`]) is the bottom.
///
/// ```
/// use tideflow_lattices::{Merge, Min};
///
/// let mut earliest = Min::new(10_u32);
/// assert!(earliest.merge(Min::new(3)));
/// assert!(!earliest.merge(Min::new(7)));
/// assert_eq!(*earliest.value(), 3);
/// assert!(Min::new(1) > Min::new(2));
/// assert_eq!(Min::<u32>::default(), Min::new(u32::MAX));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Min<T>(T);

macro_rules! value_accessors {
    ($name:ident) => {
        impl<T> $name<T> {
            /// Wraps a value.
            pub const fn new(value: T) -> Self {
                Self(value)
            }

            /// The current value.
            pub fn value(&self) -> &T {
                &self.0
            }

            /// The current value, mutably. Changing it by hand bypasses the lattice rules.
            pub fn value_mut(&mut self) -> &mut T {
                &mut self.0
            }

            /// Unwraps the value.
            pub fn into_value(self) -> T {
                self.0
            }
        }

        impl<T> LatticeFrom<$name<T>> for $name<T> {
            fn lattice_from(other: $name<T>) -> Self {
                other
            }
        }

        impl<T> DeepReveal for $name<T> {
            type Revealed = T;

            fn deep_reveal(self) -> T {
                self.0
            }
        }

        impl<T: Ord> LatticeOrd for $name<T> {}
    };
}

value_accessors!(Max);
value_accessors!(Min);

impl<T: Ord> Merge<Max<T>> for Max<T> {
    fn merge(&mut self, other: Max<T>) -> bool {
        if other.0 > self.0 {
            self.0 = other.0;
            true
        } else {
            false
        }
    }
}

impl<T: LeastValue> Default for Max<T> {
    fn default() -> Self {
        Self(T::least_value())
    }
}

impl<T: LeastValue> IsBot for Max<T> {
    fn is_bot(&self) -> bool {
        self.0.is_least_value()
    }
}

impl<T: GreatestValue> IsTop for Max<T> {
    fn is_top(&self) -> bool {
        self.0.is_greatest_value()
    }
}

impl<T: Ord> Merge<Min<T>> for Min<T> {
    fn merge(&mut self, other: Min<T>) -> bool {
        if other.0 < self.0 {
            self.0 = other.0;
            true
        } else {
            false
        }
    }
}

impl<T: Ord> PartialOrd for Min<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The lattice order of `Min`: the reverse of `T`'s order.
impl<T: Ord> Ord for Min<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.cmp(&self.0)
    }
}

impl<T: GreatestValue> Default for Min<T> {
    fn default() -> Self {
        Self(T::greatest_value())
    }
}

impl<T: GreatestValue> IsBot for Min<T> {
    fn is_bot(&self) -> bool {
        self.0.is_greatest_value()
    }
}

impl<T: LeastValue> IsTop for Min<T> {
    fn is_top(&self) -> bool {
        self.0.is_least_value()
    }
}

/// `Max<T>` is ordered like `T`, so its least value is `T`'s.
impl<T: LeastValue> LeastValue for Max<T> {
    fn least_value() -> Self {
        Self(T::least_value())
    }

    fn is_least_value(&self) -> bool {
        self.0.is_least_value()
    }
}

impl<T: GreatestValue> GreatestValue for Max<T> {
    fn greatest_value() -> Self {
        Self(T::greatest_value())
    }

    fn is_greatest_value(&self) -> bool {
        self.0.is_greatest_value()
    }
}

/// `Min<T>` is ordered in reverse, so its least value is `T`'s greatest.
impl<T: GreatestValue> LeastValue for Min<T> {
    fn least_value() -> Self {
        Self(T::greatest_value())
    }

    fn is_least_value(&self) -> bool {
        self.0.is_greatest_value()
    }
}

impl<T: LeastValue> GreatestValue for Min<T> {
    fn greatest_value() -> Self {
        Self(T::least_value())
    }

    fn is_greatest_value(&self) -> bool {
        self.0.is_least_value()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_merge_keeps_the_larger_value_and_reports_change() {
        let mut value = Max::new(5);
        assert!(!value.merge(Max::new(5)));
        assert!(!value.merge(Max::new(1)));
        assert_eq!(value, Max::new(5));
        assert!(value.merge(Max::new(9)));
        assert_eq!(value.into_value(), 9);
    }

    #[test]
    fn min_merge_keeps_the_smaller_value_and_orders_in_reverse() {
        let mut value = Min::new(5);
        assert!(!value.merge(Min::new(8)));
        assert!(value.merge(Min::new(2)));
        assert_eq!(value, Min::new(2));
        assert_eq!(
            Min::new(2).partial_cmp(&Min::new(5)),
            Some(Ordering::Greater)
        );
        assert!(Min::new(5) <= Min::new(2));
    }

    #[test]
    fn bottom_and_top_come_from_the_wrapped_type() {
        assert!(Max::new(i32::MIN).is_bot());
        assert!(!Max::new(0_i32).is_bot());
        assert!(Max::new(i32::MAX).is_top());
        assert!(Min::new(u8::MAX).is_bot());
        assert!(Min::new(0_u8).is_top());
        assert!(Max::new(String::new()).is_bot());
        assert_eq!(Max::<i64>::default(), Max::new(i64::MIN));
        assert_eq!(Min::<char>::default(), Min::new(char::MAX));
        assert_eq!(Max::<Option<u8>>::default(), Max::new(None));
    }

    #[test]
    fn deep_reveal_returns_the_plain_value() {
        assert_eq!(Max::new("x").deep_reveal(), "x");
        assert_eq!(Min::new(3).deep_reveal(), 3);
    }
}
