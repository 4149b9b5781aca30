//! Property tests: every lattice type in the crate obeys the lattice laws, checked with the
//! crate's own `test` module over generated samples.
//!
//! Elements come from small domains (a few values plus the extremes) so that generated samples
//! often overlap, compare, and hit bottom and top.

use std::collections::HashSet;
use std::fmt::Debug;

use proptest::collection::vec;
use proptest::prelude::*;
use tideflow_lattices::collections::{OptionMap, OptionSet};
use tideflow_lattices::test::{
    check_atomize, check_bottom, check_lattice_properties, check_representation,
    check_semilattice_properties,
};
use tideflow_lattices::{
    Conflict, DomPair, MapUnionBTreeMap, MapUnionHashMap, MapUnionOptionMap, MapUnionSingletonMap,
    MapUnionVec, Max, Min, Pair, Point, SetUnion, SetUnionBTreeSet, SetUnionHashSet,
    SetUnionOptionSet, SetUnionSingletonSet, SetUnionVec, UnionFind, VecUnion, WithBot, WithTop,
};

/// A handful of sample values of one type.
fn samples<T: Debug>(element: impl Strategy<Value = T>) -> impl Strategy<Value = Vec<T>> {
    vec(element, 0..7)
}

/// Small numbers plus the extremes of `u8`.
fn small() -> impl Strategy<Value = u8> {
    prop_oneof![4 => 0_u8..4, 1 => Just(u8::MAX)]
}

fn max() -> impl Strategy<Value = Max<u8>> {
    small().prop_map(Max::new)
}

fn items() -> impl Strategy<Value = Vec<u8>> {
    vec(0_u8..5, 0..4)
}

fn hash_set() -> impl Strategy<Value = SetUnionHashSet<u8>> {
    items().prop_map(|items| items.into_iter().collect())
}

fn btree_set() -> impl Strategy<Value = SetUnionBTreeSet<u8>> {
    items().prop_map(|items| items.into_iter().collect())
}

fn vec_set() -> impl Strategy<Value = SetUnionVec<u8>> {
    items().prop_map(|items| items.into_iter().collect())
}

fn conflict() -> impl Strategy<Value = Conflict<u8>> {
    prop::option::weighted(0.8, 0_u8..3).prop_map(|value| match value {
        Some(value) => Conflict::new(value),
        None => Conflict::conflicting(),
    })
}

fn entries<V: Debug>(value: impl Strategy<Value = V>) -> impl Strategy<Value = Vec<(u8, V)>> {
    vec((0_u8..4, value), 0..4)
}

fn union_find() -> impl Strategy<Value = UnionFind<u8>> {
    vec((0_u8..6, 0_u8..6), 0..4).prop_map(|pairs| pairs.into_iter().collect())
}

fn singleton_set() -> impl Strategy<Value = SetUnionSingletonSet<u8>> {
    (0_u8..5).prop_map(SetUnionSingletonSet::singleton)
}

fn option_set() -> impl Strategy<Value = SetUnionOptionSet<u8>> {
    prop::option::of(0_u8..5).prop_map(|item| SetUnion::new(OptionSet(item)))
}

fn dom_pair<K: Debug, V: Debug>(
    key: impl Strategy<Value = K>,
    value: impl Strategy<Value = V>,
) -> impl Strategy<Value = DomPair<K, V>> {
    (key, value).prop_map(|(key, value)| DomPair::new(key, value))
}

fn pair<A: Debug, B: Debug>(
    first: impl Strategy<Value = A>,
    second: impl Strategy<Value = B>,
) -> impl Strategy<Value = Pair<A, B>> {
    (first, second).prop_map(|(first, second)| Pair::new(first, second))
}

/// Fails the property with the checker's description of the violation.
macro_rules! prop_assert_lawful {
    ($check:expr) => {
        if let Err(violation) = $check {
            return Err(TestCaseError::fail(violation));
        }
    };
}

proptest! {
    #[test]
    fn max_is_a_lattice(samples in samples(max())) {
        prop_assert_lawful!(check_lattice_properties(&samples));
    }

    #[test]
    fn max_of_signed_and_strings_is_a_lattice(
        numbers in samples(prop_oneof![-2_i8..2, Just(i8::MIN), Just(i8::MAX)].prop_map(Max::new)),
        strings in samples("[ab]{0,2}".prop_map(Max::new)),
    ) {
        prop_assert_lawful!(check_lattice_properties(&numbers));
        // `String` has no greatest value, so `Max<String>` has no `IsTop`.
        prop_assert_lawful!(check_semilattice_properties(&strings));
        prop_assert_lawful!(check_bottom(&strings));
    }

    #[test]
    fn min_is_a_lattice(samples in samples(small().prop_map(Min::new))) {
        prop_assert_lawful!(check_lattice_properties(&samples));
    }

    #[test]
    fn set_unions_are_lattices(
        hash_sets in samples(hash_set()),
        btree_sets in samples(btree_set()),
        vec_sets in samples(vec_set()),
    ) {
        prop_assert_lawful!(check_lattice_properties(&hash_sets));
        prop_assert_lawful!(check_lattice_properties(&btree_sets));
        prop_assert_lawful!(check_lattice_properties(&vec_sets));
        prop_assert_lawful!(check_atomize(&hash_sets));
        prop_assert_lawful!(check_atomize(&btree_sets));
        prop_assert_lawful!(check_atomize(&vec_sets));
    }

    #[test]
    fn set_union_representations_agree(
        hash_sets in samples(hash_set()),
        btree_sets in samples(btree_set()),
        vec_sets in samples(vec_set()),
        singletons in samples(singleton_set()),
        options in samples(option_set()),
    ) {
        prop_assert_lawful!(check_representation(&hash_sets, &singletons));
        prop_assert_lawful!(check_representation(&hash_sets, &options));
        prop_assert_lawful!(check_representation(&hash_sets, &vec_sets));
        prop_assert_lawful!(check_representation(&btree_sets, &options));
        prop_assert_lawful!(check_representation(&vec_sets, &btree_sets));
    }

    #[test]
    fn map_unions_are_lattices(
        hash_maps in samples(entries(max()).prop_map(MapUnionHashMap::from_iter)),
        btree_maps in samples(entries(btree_set()).prop_map(MapUnionBTreeMap::from_iter)),
        vec_maps in samples(entries(conflict()).prop_map(MapUnionVec::from_iter)),
    ) {
        prop_assert_lawful!(check_lattice_properties(&hash_maps));
        prop_assert_lawful!(check_lattice_properties(&btree_maps));
        prop_assert_lawful!(check_lattice_properties(&vec_maps));
        prop_assert_lawful!(check_atomize(&hash_maps));
        prop_assert_lawful!(check_atomize(&btree_maps));
        prop_assert_lawful!(check_atomize(&vec_maps));
    }

    #[test]
    fn map_union_representations_agree(
        maps in samples(entries(hash_set()).prop_map(MapUnionHashMap::from_iter)),
        singletons in samples((0_u8..4, singleton_set()).prop_map(|(key, value)| {
            MapUnionSingletonMap::singleton(key, value)
        })),
        options in samples(prop::option::of((0_u8..4, btree_set())).prop_map(|entry| {
            MapUnionOptionMap::new(OptionMap(entry))
        })),
        vec_maps in samples(entries(vec_set()).prop_map(MapUnionVec::from_iter)),
    ) {
        prop_assert_lawful!(check_representation(&maps, &singletons));
        prop_assert_lawful!(check_representation(&maps, &options));
        prop_assert_lawful!(check_representation(&maps, &vec_maps));
    }

    #[test]
    fn dom_pairs_are_lattices(
        with_sets in samples(dom_pair(max(), btree_set())),
        with_conflicts in samples(dom_pair(small(), conflict())),
        with_maxima in samples(dom_pair(small().prop_map(Min::new), max())),
    ) {
        prop_assert_lawful!(check_lattice_properties(&with_sets));
        prop_assert_lawful!(check_lattice_properties(&with_conflicts));
        prop_assert_lawful!(check_lattice_properties(&with_maxima));
    }

    #[test]
    fn dom_pair_accepts_delta_values(
        pairs in samples(dom_pair(max(), hash_set())),
        deltas in samples(dom_pair(max(), option_set())),
    ) {
        prop_assert_lawful!(check_representation(&pairs, &deltas));
    }

    #[test]
    fn pairs_are_lattices(
        scalars in samples(pair(max(), small().prop_map(Min::new))),
        mixed in samples(pair(btree_set(), conflict())),
        growable in samples(pair(hash_set(), max())),
        deltas in samples(pair(singleton_set(), max())),
    ) {
        prop_assert_lawful!(check_lattice_properties(&scalars));
        prop_assert_lawful!(check_lattice_properties(&mixed));
        prop_assert_lawful!(check_representation(&growable, &deltas));
    }

    #[test]
    fn with_bot_is_a_lattice(
        maxima in samples(prop::option::of(max()).prop_map(WithBot::new)),
        conflicts in samples(prop::option::of(conflict()).prop_map(WithBot::new)),
        points in samples(prop::option::of(Just(Point::new(7_u8))).prop_map(WithBot::new)),
        sets in samples(prop::option::of(hash_set()).prop_map(WithBot::new)),
        deltas in samples(prop::option::of(singleton_set()).prop_map(WithBot::new)),
    ) {
        prop_assert_lawful!(check_lattice_properties(&maxima));
        prop_assert_lawful!(check_lattice_properties(&conflicts));
        prop_assert_lawful!(check_lattice_properties(&points));
        prop_assert_lawful!(check_representation(&sets, &deltas));
    }

    #[test]
    fn with_top_is_a_lattice(
        maxima in samples(prop::option::of(max()).prop_map(WithTop::new)),
        sets in samples(prop::option::of(btree_set()).prop_map(WithTop::new)),
        vec_sets in samples(prop::option::of(vec_set()).prop_map(WithTop::new)),
    ) {
        prop_assert_lawful!(check_lattice_properties(&maxima));
        prop_assert_lawful!(check_lattice_properties(&sets));
        prop_assert_lawful!(check_representation(&sets, &vec_sets));
    }

    #[test]
    fn conflict_is_a_lattice(samples in samples(conflict())) {
        prop_assert_lawful!(check_lattice_properties(&samples));
    }

    #[test]
    fn point_is_a_lattice_over_agreeing_samples(value in any::<u8>(), count in 0_usize..5) {
        let samples = vec![Point::new(value); count];
        prop_assert_lawful!(check_lattice_properties(&samples));
    }

    #[test]
    fn vec_union_is_a_lattice(
        maxima in samples(vec(max(), 0..4).prop_map(VecUnion::new)),
        sets in samples(vec(hash_set(), 0..3).prop_map(VecUnion::new)),
        deltas in samples(vec(singleton_set(), 0..3).prop_map(VecUnion::new)),
    ) {
        prop_assert_lawful!(check_lattice_properties(&maxima));
        prop_assert_lawful!(check_lattice_properties(&sets));
        prop_assert_lawful!(check_representation(&sets, &deltas));
    }

    #[test]
    fn union_find_is_a_lattice(samples in samples(union_find())) {
        prop_assert_lawful!(check_lattice_properties(&samples));
    }

    #[test]
    fn nested_lattices_are_lattices(
        samples in samples(
            entries(vec(dom_pair(max(), conflict()), 0..3).prop_map(VecUnion::new))
                .prop_map(MapUnionBTreeMap::from_iter)
        ),
    ) {
        prop_assert_lawful!(check_lattice_properties(&samples));
    }
}

/// The same items stored in different collections are the same set.
#[test]
fn set_representations_of_the_same_items_are_equal() {
    let items = [3_u8, 1, 2];
    let hash: SetUnionHashSet<u8> = items.into_iter().collect();
    let btree: SetUnionBTreeSet<u8> = items.into_iter().collect();
    let vector: SetUnionVec<u8> = items.into_iter().collect();
    assert_eq!(hash, btree);
    assert_eq!(btree, vector);
    assert_eq!(hash.as_set(), &HashSet::from(items));
}
