//! Assertion operators: testing aids that check a stream as it flows and pass it on unchanged.
//!
//! - `assert(pred)` panics if `pred(&item)` is false for an item;
//! - `assert_eq(expected)` compares the stream, item by item and across ticks, with an expected
//!   list ([`AssertEq`]).
//!
//! Unlike every other operator these **panic on purpose**: they exist to make a test fail at the
//! first wrong item, with a message that shows the item and points (through `#[track_caller]`)
//! at the operator in the flow. Do not use them to validate input a user or the network sends;
//! use `filter` or `partition` for that.

use std::fmt::Debug;
use std::marker::PhantomData;

use crate::ops::Ty;

/// `assert(pred)`: fixes `pred: FnMut(&T) -> bool`; the output is the input's type.
#[inline(always)]
pub fn assert_fn<T, F: FnMut(&T) -> bool>(input: Ty<T>, pred: F) -> F {
    let _ = input;
    pred
}

/// `assert(pred)`: panics, naming `item`, unless `holds` (the predicate's result for `item`).
///
/// ```should_panic
/// tideflow::ops::assertions::check_item(false, &7);
/// ```
#[inline(always)]
#[track_caller]
pub fn check_item<T: Debug>(holds: bool, item: &T) {
    if !holds {
        assertion_failed(item);
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn assertion_failed<T: Debug>(item: &T) -> ! {
    panic!("`assert` operator failed: the predicate returned false for {item:?}")
}

/// `assert_eq(expected)`: compares the stream with `expected`, element by element.
///
/// The position in `expected` persists across ticks: the items of all ticks together must be a
/// prefix of `expected`. The first item that differs from its expected value, or that comes after
/// the end of `expected`, panics with both values and the item's position. Items are passed on
/// unchanged. A flow has no end, so fewer items than expected is not an error; check
/// [`remaining`](Self::remaining) in unit tests, or assert on the output in flow tests.
pub struct AssertEq<T, E> {
    expected: E,
    position: usize,
    _items: PhantomData<fn(&T)>,
}

impl<T, E: AsRef<[T]>> AssertEq<T, E> {
    /// A comparison with `expected` (an array, a `Vec`, a slice, ...), starting at its first
    /// element.
    pub fn new(input: Ty<T>, expected: E) -> Self {
        let _ = input;
        Self {
            expected,
            position: 0,
            _items: PhantomData,
        }
    }

    /// How many expected items have not arrived yet.
    pub fn remaining(&self) -> usize {
        self.expected.as_ref().len().saturating_sub(self.position)
    }
}

impl<T: PartialEq + Debug, E: AsRef<[T]>> AssertEq<T, E> {
    /// Checks `item` against the next expected item; panics if it differs or none is left.
    #[inline]
    #[track_caller]
    pub fn check(&mut self, item: &T) {
        let expected = self.expected.as_ref();
        match expected.get(self.position) {
            Some(next) if next == item => self.position += 1,
            Some(next) => panic!(
                "`assert_eq` operator failed: item {} is {item:?}, expected {next:?}",
                self.position
            ),
            None => panic!(
                "`assert_eq` operator failed: item {} is {item:?}, but only {} item(s) were \
                 expected",
                self.position,
                expected.len()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_item_passes_when_the_predicate_holds() {
        let mut pred = assert_fn(Ty::<i32>::new(), |x| *x > 0);
        check_item(pred(&3), &3);
    }

    #[test]
    #[should_panic(expected = "`assert` operator failed: the predicate returned false for \"bad\"")]
    fn check_item_panics_with_the_item() {
        check_item(false, &"bad");
    }

    #[test]
    fn assert_eq_accepts_a_prefix_across_calls() {
        let mut check = AssertEq::new(Ty::new(), vec![1, 2, 3]);
        check.check(&1);
        check.check(&2);
        assert_eq!(check.remaining(), 1);
        check.check(&3);
        assert_eq!(check.remaining(), 0);
    }

    #[test]
    #[should_panic(expected = "`assert_eq` operator failed: item 1 is 5, expected 2")]
    fn assert_eq_panics_on_a_mismatch() {
        let mut check = AssertEq::new(Ty::new(), [1, 2, 3]);
        check.check(&1);
        check.check(&5);
    }

    #[test]
    #[should_panic(
        expected = "`assert_eq` operator failed: item 1 is 'b', but only 1 item(s) were expected"
    )]
    fn assert_eq_panics_on_an_extra_item() {
        let expected: &[char] = &['a'];
        let mut check = AssertEq::new(Ty::new(), expected);
        check.check(&'a');
        check.check(&'b');
    }
}
