//! `WithBot` and `WithTop`: a lattice with a new bottom (or top) element added.
//!
//! Both wrap an `Option<L>`. In [`WithBot`], `None` is a new bottom below every `L`: "no value
//! yet". It lets lattices without a bottom ([`Conflict`](crate::Conflict),
//! [`Point`](crate::Point), `Max<T>` over a `T` with no least value) be folded from an empty
//! start. In [`WithTop`], `None` is a new top above every `L`: "saturated", absorbing everything
//! merged after it.
//!
//! `Some(bottom of L)` is *not* the bottom of `WithBot<L>`: it is one step above `None`.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use crate::{DeepReveal, IsBot, IsTop, LatticeFrom, LatticeOrd, Merge};

/// A lattice with a new bottom: `None` is below every value.
///
/// ```
/// use tideflow_lattices::{Conflict, IsBot, Merge, WithBot};
///
/// let mut owner = WithBot::<Conflict<&str>>::default();
/// assert!(owner.is_bot());
/// assert!(owner.merge(WithBot::new_from(Conflict::new("ann"))));
/// assert_eq!(owner.as_option(), &Some(Conflict::new("ann")));
/// ```
#[derive(Clone, Copy, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct WithBot<L>(Option<L>);

/// A lattice with a new top: `None` is above every value.
///
/// ```
/// use tideflow_lattices::{IsTop, Max, Merge, WithTop};
///
/// let mut limit = WithTop::new_from(Max::new(3));
/// assert!(limit.merge(WithTop::new_from(Max::new(5))));
/// assert!(limit.merge(WithTop::top()));
/// assert!(limit.is_top());
/// assert!(!limit.merge(WithTop::new_from(Max::new(9))));
/// ```
#[derive(Clone, Copy, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct WithTop<L>(Option<L>);

macro_rules! option_wrapper_common {
    ($name:ident, $none_meaning:literal) => {
        impl<L> $name<L> {
            #[doc = concat!("Wraps an option; `None` is ", $none_meaning, ".")]
            pub const fn new(value: Option<L>) -> Self {
                Self(value)
            }

            /// Wraps a value of the inner lattice.
            pub const fn new_from(value: L) -> Self {
                Self(Some(value))
            }

            #[doc = concat!("The inner option; `None` is ", $none_meaning, ".")]
            pub fn as_option(&self) -> &Option<L> {
                &self.0
            }

            /// The inner option, mutably. Changing it by hand bypasses the lattice rules.
            pub fn as_option_mut(&mut self) -> &mut Option<L> {
                &mut self.0
            }

            /// Unwraps the option.
            pub fn into_option(self) -> Option<L> {
                self.0
            }
        }

        impl<L, Other> LatticeFrom<$name<Other>> for $name<L>
        where
            L: LatticeFrom<Other>,
        {
            fn lattice_from(other: $name<Other>) -> Self {
                Self(other.0.map(L::lattice_from))
            }
        }

        impl<L, Other> PartialEq<$name<Other>> for $name<L>
        where
            L: PartialEq<Other>,
        {
            fn eq(&self, other: &$name<Other>) -> bool {
                match (&self.0, &other.0) {
                    (None, None) => true,
                    (Some(mine), Some(theirs)) => mine == theirs,
                    _ => false,
                }
            }
        }

        impl<L: Eq> Eq for $name<L> {}

        impl<L: Hash> Hash for $name<L> {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.0.hash(state);
            }
        }

        impl<L, Other> LatticeOrd<$name<Other>> for $name<L> where Self: PartialOrd<$name<Other>> {}

        impl<L: DeepReveal> DeepReveal for $name<L> {
            type Revealed = Option<L::Revealed>;

            fn deep_reveal(self) -> Self::Revealed {
                self.0.map(DeepReveal::deep_reveal)
            }
        }
    };
}

option_wrapper_common!(WithBot, "the bottom");
option_wrapper_common!(WithTop, "the top");

/// `None`, the bottom.
impl<L> Default for WithBot<L> {
    fn default() -> Self {
        Self(None)
    }
}

impl<L, Other> Merge<WithBot<Other>> for WithBot<L>
where
    L: Merge<Other> + LatticeFrom<Other>,
{
    fn merge(&mut self, other: WithBot<Other>) -> bool {
        match (&mut self.0, other.0) {
            (_, None) => false,
            (Some(mine), Some(theirs)) => mine.merge(theirs),
            (None, Some(theirs)) => {
                self.0 = Some(L::lattice_from(theirs));
                true
            }
        }
    }
}

impl<L, Other> PartialOrd<WithBot<Other>> for WithBot<L>
where
    L: PartialOrd<Other>,
{
    fn partial_cmp(&self, other: &WithBot<Other>) -> Option<Ordering> {
        match (&self.0, &other.0) {
            (None, None) => Some(Ordering::Equal),
            (None, Some(_)) => Some(Ordering::Less),
            (Some(_), None) => Some(Ordering::Greater),
            (Some(mine), Some(theirs)) => mine.partial_cmp(theirs),
        }
    }
}

impl<L> IsBot for WithBot<L> {
    fn is_bot(&self) -> bool {
        self.0.is_none()
    }
}

impl<L: IsTop> IsTop for WithBot<L> {
    fn is_top(&self) -> bool {
        self.0.as_ref().is_some_and(IsTop::is_top)
    }
}

impl<L> WithTop<L> {
    /// The top element.
    pub const fn top() -> Self {
        Self(None)
    }
}

/// The inner lattice's default (its bottom).
impl<L: Default> Default for WithTop<L> {
    fn default() -> Self {
        Self(Some(L::default()))
    }
}

impl<L, Other> Merge<WithTop<Other>> for WithTop<L>
where
    L: Merge<Other>,
{
    fn merge(&mut self, other: WithTop<Other>) -> bool {
        match (&mut self.0, other.0) {
            (None, _) => false,
            (Some(mine), Some(theirs)) => mine.merge(theirs),
            (Some(_), None) => {
                self.0 = None;
                true
            }
        }
    }
}

impl<L, Other> PartialOrd<WithTop<Other>> for WithTop<L>
where
    L: PartialOrd<Other>,
{
    fn partial_cmp(&self, other: &WithTop<Other>) -> Option<Ordering> {
        match (&self.0, &other.0) {
            (None, None) => Some(Ordering::Equal),
            (None, Some(_)) => Some(Ordering::Greater),
            (Some(_), None) => Some(Ordering::Less),
            (Some(mine), Some(theirs)) => mine.partial_cmp(theirs),
        }
    }
}

impl<L: IsBot> IsBot for WithTop<L> {
    fn is_bot(&self) -> bool {
        self.0.as_ref().is_some_and(IsBot::is_bot)
    }
}

impl<L> IsTop for WithTop<L> {
    fn is_top(&self) -> bool {
        self.0.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Max, Point};

    #[test]
    fn with_bot_none_takes_the_first_value() {
        let mut value = WithBot::<Max<u8>>::default();
        assert!(!value.merge(WithBot::new(None)));
        assert!(value.merge(WithBot::new_from(Max::new(0))));
        assert!(!value.merge(WithBot::new(None)));
        assert_eq!(value.into_option(), Some(Max::new(0)));
    }

    #[test]
    fn with_bot_orders_none_below_the_inner_bottom() {
        let none = WithBot::<Max<u8>>::new(None);
        let inner_bottom = WithBot::new_from(Max::new(0_u8));
        assert_eq!(none.partial_cmp(&inner_bottom), Some(Ordering::Less));
        assert!(none.is_bot());
        assert!(!inner_bottom.is_bot());
        assert!(WithBot::new_from(Max::new(u8::MAX)).is_top());
    }

    #[test]
    fn with_bot_around_point_is_set_once() {
        let mut value = WithBot::<Point<u8>>::default();
        assert!(value.merge(WithBot::new_from(Point::new(4))));
        assert!(!value.merge(WithBot::new_from(Point::new(4))));
        assert_eq!(value.deep_reveal(), Some(4));
    }

    #[test]
    fn with_top_none_absorbs_everything() {
        let mut value = WithTop::new_from(Max::new(1_u8));
        assert!(value.merge(WithTop::new_from(Max::new(2))));
        assert!(value.merge(WithTop::top()));
        assert!(!value.merge(WithTop::new_from(Max::new(200))));
        assert!(!value.merge(WithTop::top()));
        assert_eq!(value, WithTop::top());
    }

    #[test]
    fn with_top_orders_none_above_everything() {
        let top = WithTop::<Max<u8>>::top();
        let inner_top = WithTop::new_from(Max::new(u8::MAX));
        assert_eq!(top.partial_cmp(&inner_top), Some(Ordering::Greater));
        assert!(top.is_top());
        assert!(!inner_top.is_top());
        assert!(WithTop::<Max<u8>>::default().is_bot());
        assert!(!top.is_bot());
    }
}
