//! With the `serde` feature, every lattice type survives a JSON round trip, and wrappers
//! serialize as their contents.

#![cfg(feature = "serde")]

use std::fmt::Debug;

use serde::de::DeserializeOwned;
use serde::Serialize;
use tideflow_lattices::{
    Conflict, DomPair, MapUnionBTreeMap, MapUnionSingletonMap, Max, Min, Pair, Point,
    SetUnionBTreeSet, SetUnionHashSet, SetUnionOptionSet, SetUnionSingletonSet, SetUnionVec,
    UnionFind, VecUnion, WithBot, WithTop,
};

/// Serializes to JSON, checks the text, and deserializes back to an equal value.
fn assert_round_trip<T>(value: T, expected_json: &str)
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let json = serde_json::to_string(&value).expect("serializes");
    assert_eq!(json, expected_json);
    let back: T = serde_json::from_str(&json).expect("deserializes");
    assert_eq!(back, value);
}

#[test]
fn scalar_lattices_serialize_as_their_values() {
    assert_round_trip(Max::new(5_u64), "5");
    assert_round_trip(Min::new(-3_i32), "-3");
    assert_round_trip(Point::new("x".to_owned()), "\"x\"");
    assert_round_trip(Conflict::new(2_u8), "2");
    assert_round_trip(Conflict::<u8>::conflicting(), "null");
    assert_round_trip(WithBot::<Max<u8>>::default(), "null");
    assert_round_trip(WithTop::new_from(Max::new(1_u8)), "1");
}

#[test]
fn composite_lattices_round_trip() {
    assert_round_trip(
        Pair::new(Max::new(1_u8), Min::new(2_u8)),
        r#"{"first":1,"second":2}"#,
    );
    assert_round_trip(
        DomPair::new(Max::new(3_u64), Conflict::new("v".to_owned())),
        r#"{"key":3,"value":"v"}"#,
    );
    assert_round_trip(VecUnion::new(vec![Max::new(1_u8), Max::new(0)]), "[1,0]");
}

#[test]
fn collections_serialize_as_collections() {
    assert_round_trip(SetUnionBTreeSet::from_iter([2_u8, 1]), "[1,2]");
    assert_round_trip(SetUnionVec::from_iter([2_u8, 1]), "[2,1]");
    assert_round_trip(SetUnionHashSet::from_iter([7_u8]), "[7]");
    assert_round_trip(SetUnionSingletonSet::singleton(4_u8), "4");
    assert_round_trip(SetUnionOptionSet::<u8>::default(), "null");
    assert_round_trip(
        MapUnionBTreeMap::from_iter([("a".to_owned(), Max::new(1_u8))]),
        r#"{"a":1}"#,
    );
    assert_round_trip(
        MapUnionSingletonMap::singleton(1_u8, Max::new(2_u8)),
        "[1,2]",
    );
}

#[test]
fn union_find_serializes_as_its_classes_and_accepts_overlapping_groups() {
    let classes = UnionFind::from_classes([vec![1_u8, 2]]);
    let json = serde_json::to_string(&classes).expect("serializes");
    assert!(json == "[[1,2]]" || json == "[[2,1]]", "{json}");
    let overlapping: UnionFind<u8> = serde_json::from_str("[[1,2],[2,3],[9]]").expect("parses");
    assert_eq!(overlapping, UnionFind::from_classes([vec![1, 2, 3]]));
}
