//! Law checkers for lattice types: call them in your tests with a few sample values.
//!
//! Each `check_*` function tries every pair (or triple) of the given samples and returns
//! `Err(description)` for the first violation it finds, naming the law and the values involved.
//! The `assert_*` functions run the same checks and panic with that description, for use inside
//! `#[test]` functions.
//!
//! Good samples include the bottom (if the type has one), equal values built in different ways,
//! values that are comparable, and values that are not. The checks are quadratic (pairs) and cubic
//! (associativity), so a dozen samples is plenty; property-testing frameworks can generate them.
//!
//! ```
//! use tideflow_lattices::test::{assert_lattice_properties, check_commutativity};
//! use tideflow_lattices::{Max, SetUnionBTreeSet};
//!
//! assert_lattice_properties(&[Max::new(0_u8), Max::new(3), Max::new(u8::MAX)]);
//! let sets: Vec<SetUnionBTreeSet<u8>> =
//!     vec![[].into_iter().collect(), [1].into_iter().collect(), [1, 2].into_iter().collect()];
//! assert_eq!(check_commutativity(&sets), Ok(()));
//! ```

use std::cmp::Ordering;
use std::fmt::Debug;

use crate::{Atomize, IsBot, IsTop, Lattice, LatticeFrom, LatticeOrd, Merge};

/// The merge of two values, leaving both untouched.
fn join<L: Merge<L> + Clone>(first: &L, second: &L) -> L {
    first.clone().merge_owned(second.clone())
}

/// `(a ⊔ b) ⊔ c == a ⊔ (b ⊔ c)` for every triple of samples.
pub fn check_associativity<L>(samples: &[L]) -> Result<(), String>
where
    L: Merge<L> + Clone + PartialEq + Debug,
{
    for a in samples {
        for b in samples {
            for c in samples {
                let left = join(&join(a, b), c);
                let right = join(a, &join(b, c));
                if left != right {
                    return Err(format!(
                        "merge is not associative: (a ⊔ b) ⊔ c = {left:?} but a ⊔ (b ⊔ c) = \
                         {right:?}, with a = {a:?}, b = {b:?}, c = {c:?}"
                    ));
                }
            }
        }
    }
    Ok(())
}

/// `a ⊔ b == b ⊔ a` for every pair of samples.
pub fn check_commutativity<L>(samples: &[L]) -> Result<(), String>
where
    L: Merge<L> + Clone + PartialEq + Debug,
{
    for a in samples {
        for b in samples {
            let forward = join(a, b);
            let backward = join(b, a);
            if forward != backward {
                return Err(format!(
                    "merge is not commutative: a ⊔ b = {forward:?} but b ⊔ a = {backward:?}, \
                     with a = {a:?}, b = {b:?}"
                ));
            }
        }
    }
    Ok(())
}

/// `a ⊔ a == a`, and merging `a` into itself reports no change.
pub fn check_idempotence<L>(samples: &[L]) -> Result<(), String>
where
    L: Merge<L> + Clone + PartialEq + Debug,
{
    for a in samples {
        let mut merged = a.clone();
        let changed = merged.merge(a.clone());
        if merged != *a || changed {
            return Err(format!(
                "merge is not idempotent: a ⊔ a = {merged:?} (reported changed: {changed}), \
                 with a = {a:?}"
            ));
        }
    }
    Ok(())
}

/// `merge` returns `true` exactly when the value changed.
pub fn check_merge_reports_change<L>(samples: &[L]) -> Result<(), String>
where
    L: Merge<L> + Clone + PartialEq + Debug,
{
    for a in samples {
        for b in samples {
            let mut merged = a.clone();
            let changed = merged.merge(b.clone());
            let really_changed = merged != *a;
            if changed != really_changed {
                return Err(format!(
                    "merge returned {changed} but the value {}: a = {a:?}, b = {b:?}, \
                     a ⊔ b = {merged:?}",
                    if really_changed {
                        "changed"
                    } else {
                        "did not change"
                    }
                ));
            }
        }
    }
    Ok(())
}

/// `partial_cmp` is the order that merge induces: `a <= b` exactly when `a ⊔ b == b`.
///
/// So `a` and `b` compare `Equal` when they are equal, `Less` when `a ⊔ b == b`, `Greater` when
/// `a ⊔ b == a`, and are incomparable (`None`) when their merge is bigger than both.
pub fn check_order_agrees_with_merge<L>(samples: &[L]) -> Result<(), String>
where
    L: Merge<L> + LatticeOrd + Clone + Debug,
{
    for a in samples {
        for b in samples {
            let merged = join(a, b);
            let expected = if a == b {
                Some(Ordering::Equal)
            } else if merged == *b {
                Some(Ordering::Less)
            } else if merged == *a {
                Some(Ordering::Greater)
            } else {
                None
            };
            let actual = a.partial_cmp(b);
            if actual != expected {
                return Err(format!(
                    "order disagrees with merge: a.partial_cmp(b) = {actual:?} but merge implies \
                     {expected:?}, with a = {a:?}, b = {b:?}, a ⊔ b = {merged:?}"
                ));
            }
        }
    }
    Ok(())
}

/// Every sample that claims `is_bot` is below every sample, and merging it changes nothing.
pub fn check_bottom<L>(samples: &[L]) -> Result<(), String>
where
    L: Merge<L> + LatticeOrd + IsBot + Clone + Debug,
{
    for bottom in samples.iter().filter(|sample| sample.is_bot()) {
        for other in samples {
            let merged = join(other, bottom);
            let reverse = join(bottom, other);
            if merged != *other || reverse != *other {
                return Err(format!(
                    "bottom is not neutral: x ⊔ bottom = {merged:?}, bottom ⊔ x = {reverse:?}, \
                     with bottom = {bottom:?}, x = {other:?}"
                ));
            }
            if !matches!(
                bottom.partial_cmp(other),
                Some(Ordering::Less | Ordering::Equal)
            ) {
                return Err(format!("bottom {bottom:?} is not ordered below {other:?}"));
            }
            if other == bottom && !other.is_bot() {
                return Err(format!(
                    "{other:?} equals the bottom {bottom:?} but is_bot() is false"
                ));
            }
        }
    }
    Ok(())
}

/// Every sample that claims `is_top` is above every sample, and merging into it changes nothing.
pub fn check_top<L>(samples: &[L]) -> Result<(), String>
where
    L: Merge<L> + LatticeOrd + IsTop + Clone + Debug,
{
    for top in samples.iter().filter(|sample| sample.is_top()) {
        for other in samples {
            let merged = join(top, other);
            let reverse = join(other, top);
            if merged != *top || reverse != *top {
                return Err(format!(
                    "top does not absorb: top ⊔ x = {merged:?}, x ⊔ top = {reverse:?}, \
                     with top = {top:?}, x = {other:?}"
                ));
            }
            if !matches!(
                top.partial_cmp(other),
                Some(Ordering::Greater | Ordering::Equal)
            ) {
                return Err(format!("top {top:?} is not ordered above {other:?}"));
            }
            if other == top && !other.is_top() {
                return Err(format!(
                    "{other:?} equals the top {top:?} but is_top() is false"
                ));
            }
        }
    }
    Ok(())
}

/// The semilattice laws (associativity, commutativity, idempotence), an honest `changed` flag
/// and an order that agrees with merge; for types without [`IsBot`] / [`IsTop`].
pub fn check_semilattice_properties<L>(samples: &[L]) -> Result<(), String>
where
    L: Lattice + Debug,
{
    check_associativity(samples)?;
    check_commutativity(samples)?;
    check_idempotence(samples)?;
    check_merge_reports_change(samples)?;
    check_order_agrees_with_merge(samples)
}

/// Everything in [`check_semilattice_properties`], plus the bottom and top laws.
pub fn check_lattice_properties<L>(samples: &[L]) -> Result<(), String>
where
    L: Lattice + IsBot + IsTop + Debug,
{
    check_semilattice_properties(samples)?;
    check_bottom(samples)?;
    check_top(samples)
}

/// [`Atomize`] laws: every atom is already contained in the value, and merging all atoms into
/// `Default` (the bottom) rebuilds the value.
pub fn check_atomize<L>(samples: &[L]) -> Result<(), String>
where
    L: Lattice + Atomize + Default + Debug,
    L::Atom: Clone + Debug,
{
    for sample in samples {
        let mut rebuilt = L::default();
        for atom in sample.clone().atomize() {
            let mut probe = sample.clone();
            if probe.merge(atom.clone()) {
                return Err(format!(
                    "atom {atom:?} of {sample:?} is not contained in it (merging it changed the \
                     value to {probe:?})"
                ));
            }
            rebuilt.merge(atom);
        }
        let expected = sample.clone().merge_owned(L::default());
        if rebuilt != expected {
            return Err(format!(
                "merging the atoms of {sample:?} gives {rebuilt:?}, expected {expected:?}"
            ));
        }
    }
    Ok(())
}

/// A second representation `D` of the lattice `L` behaves like its conversion: merging a `D`
/// into an `L` (result and `changed` flag), comparing with it, and `is_bot` all agree with
/// doing the same to `L::lattice_from(d)`.
pub fn check_representation<L, D>(lattices: &[L], deltas: &[D]) -> Result<(), String>
where
    L: Lattice + Merge<D> + LatticeFrom<D> + PartialOrd<D> + IsBot + Debug,
    D: Clone + IsBot + Debug,
{
    for delta in deltas {
        let converted = L::lattice_from(delta.clone());
        if delta.is_bot() != converted.is_bot() {
            return Err(format!(
                "is_bot() of {delta:?} is {} but of its conversion {converted:?} is {}",
                delta.is_bot(),
                converted.is_bot()
            ));
        }
        for lattice in lattices {
            let mut via_delta = lattice.clone();
            let delta_changed = via_delta.merge(delta.clone());
            let mut via_converted = lattice.clone();
            let converted_changed = via_converted.merge(converted.clone());
            if via_delta != via_converted || delta_changed != converted_changed {
                return Err(format!(
                    "merging {delta:?} into {lattice:?} gives {via_delta:?} (changed: \
                     {delta_changed}) but merging its conversion gives {via_converted:?} \
                     (changed: {converted_changed})"
                ));
            }
            let direct = lattice.partial_cmp(delta);
            let through_conversion = lattice.partial_cmp(&converted);
            if direct != through_conversion {
                return Err(format!(
                    "{lattice:?} compares {direct:?} with {delta:?} but {through_conversion:?} \
                     with its conversion {converted:?}"
                ));
            }
        }
    }
    Ok(())
}

/// Panics with the violation's description.
#[track_caller]
fn assert_no_violation(result: Result<(), String>) {
    if let Err(violation) = result {
        panic!("lattice law violated: {violation}");
    }
}

/// Panics unless [`check_lattice_properties`] passes.
#[track_caller]
pub fn assert_lattice_properties<L>(samples: &[L])
where
    L: Lattice + IsBot + IsTop + Debug,
{
    assert_no_violation(check_lattice_properties(samples));
}

/// Panics unless [`check_semilattice_properties`] passes.
#[track_caller]
pub fn assert_semilattice_properties<L>(samples: &[L])
where
    L: Lattice + Debug,
{
    assert_no_violation(check_semilattice_properties(samples));
}

/// Panics unless [`check_atomize`] passes.
#[track_caller]
pub fn assert_atomize<L>(samples: &[L])
where
    L: Lattice + Atomize + Default + Debug,
    L::Atom: Clone + Debug,
{
    assert_no_violation(check_atomize(samples));
}

/// Panics unless [`check_representation`] passes.
#[track_caller]
pub fn assert_representation<L, D>(lattices: &[L], deltas: &[D])
where
    L: Lattice + Merge<D> + LatticeFrom<D> + PartialOrd<D> + IsBot + Debug,
    D: Clone + IsBot + Debug,
{
    assert_no_violation(check_representation(lattices, deltas));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{LatticeFrom, Max};

    /// Merge that keeps the *first* value: not commutative, and not a lattice.
    #[derive(Clone, Debug, PartialEq, PartialOrd)]
    struct KeepFirst(u8);

    impl Merge<KeepFirst> for KeepFirst {
        fn merge(&mut self, _other: KeepFirst) -> bool {
            false
        }
    }

    impl LatticeOrd for KeepFirst {}

    impl LatticeFrom<KeepFirst> for KeepFirst {
        fn lattice_from(other: KeepFirst) -> Self {
            other
        }
    }

    /// `Max`, but `merge` always claims a change.
    #[derive(Clone, Debug, PartialEq, PartialOrd)]
    struct AlwaysChanged(Max<u8>);

    impl Merge<AlwaysChanged> for AlwaysChanged {
        fn merge(&mut self, other: AlwaysChanged) -> bool {
            self.0.merge(other.0);
            true
        }
    }

    #[test]
    fn commutativity_violation_names_the_values() {
        let error = check_commutativity(&[KeepFirst(1), KeepFirst(2)]);
        assert_eq!(
            error,
            Err(
                "merge is not commutative: a ⊔ b = KeepFirst(1) but b ⊔ a = KeepFirst(2), \
                 with a = KeepFirst(1), b = KeepFirst(2)"
                    .to_owned()
            )
        );
    }

    #[test]
    fn order_violation_is_reported() {
        let error = check_order_agrees_with_merge(&[KeepFirst(1), KeepFirst(2)]);
        assert!(error.is_err_and(|message| message.starts_with("order disagrees with merge")));
    }

    #[test]
    fn dishonest_changed_flag_is_reported() {
        let samples = [AlwaysChanged(Max::new(1)), AlwaysChanged(Max::new(2))];
        assert!(check_merge_reports_change(&samples).is_err());
        assert!(check_idempotence(&samples).is_err());
        assert_eq!(check_associativity(&samples), Ok(()));
    }

    #[test]
    fn a_lawful_type_passes_every_check() {
        assert_eq!(
            check_lattice_properties(&[Max::new(0_u8), Max::new(1), Max::new(255)]),
            Ok(())
        );
    }

    #[test]
    #[should_panic(expected = "lattice law violated: merge is not commutative")]
    fn assert_panics_with_the_violation() {
        assert_semilattice_properties(&[KeepFirst(1), KeepFirst(2)]);
    }
}
