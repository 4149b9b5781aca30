//! Behaviour of the assertion operators `assert` and `assert_eq`: testing aids that pass items on
//! and panic, on purpose, at the first item that fails.

mod common;

use common::ready;

use tideflow::util::unbounded_channel;

// ----- assert -----

#[test]
fn assert_passes_items_on_when_the_predicate_holds() {
    let (send, mut recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        source_iter([1, 2, 3]) -> assert(|x| *x > 0) -> map(|x| x * 10) -> for_each(|x| send.send(x).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [10, 20, 30]);
}

#[test]
fn assert_can_end_a_pipeline() {
    let mut checked = 0;
    let mut flow = tideflow::flow! {
        source_iter(["a", "b"]) -> assert(|s| {
            checked += 1;
            !s.is_empty()
        });
    };
    flow.run_available_sync();
    drop(flow);
    assert_eq!(checked, 2);
}

#[test]
#[should_panic(
    expected = "`assert` operator failed: the predicate returned false for (2, \"two\")"
)]
fn assert_panics_showing_the_failing_item() {
    let mut flow = tideflow::flow! {
        source_iter([(1, "one"), (2, "two")]) -> assert(|(n, _)| *n < 2) -> for_each(|_| ());
    };
    flow.run_available_sync();
}

#[test]
fn assert_checks_items_of_later_ticks() {
    let (input, input_recv) = unbounded_channel::<i32>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv) -> assert(|x| *x >= 0);
    };
    input.send(1).unwrap();
    flow.run_available_sync();
    input.send(-1).unwrap();
    let run = std::panic::AssertUnwindSafe(|| flow.run_available_sync());
    let panic = std::panic::catch_unwind(run).expect_err("the second tick panics");
    let message = panic.downcast_ref::<String>().expect("a formatted message");
    assert!(message.ends_with("returned false for -1"), "{message}");
}

// ----- assert_eq -----

#[test]
fn assert_eq_passes_the_expected_stream_on() {
    let (send, mut recv) = unbounded_channel::<String>();
    let mut flow = tideflow::flow! {
        source_iter(["x", "y"])
            -> map(String::from)
            -> assert_eq(vec!["x".to_string(), "y".to_string()])
            -> for_each(|s| send.send(s).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), ["x", "y"]);
}

#[test]
fn assert_eq_position_persists_across_ticks() {
    let (input, input_recv) = unbounded_channel::<u8>();
    let expected: &[u8] = &[1, 2, 3, 4];
    let mut flow = tideflow::flow! {
        source_stream(input_recv) -> assert_eq(expected);
    };
    for batch in [&[1][..], &[], &[2, 3], &[4]] {
        for &item in batch {
            input.send(item).unwrap();
        }
        flow.run_available_sync();
    }
}

#[test]
fn assert_eq_accepts_fewer_items_than_expected() {
    let mut flow = tideflow::flow! {
        source_iter([1, 2]) -> assert_eq([1, 2, 3]);
    };
    flow.run_available_sync();
}

#[test]
#[should_panic(expected = "`assert_eq` operator failed: item 2 is 30, expected 3")]
fn assert_eq_panics_on_a_mismatch_with_its_position() {
    let mut flow = tideflow::flow! {
        source_iter([1, 2, 30]) -> assert_eq([1, 2, 3]) -> for_each(|_| ());
    };
    flow.run_available_sync();
}

#[test]
#[should_panic(
    expected = "`assert_eq` operator failed: item 2 is 'c', but only 2 item(s) were expected"
)]
fn assert_eq_panics_on_an_extra_item_in_a_later_tick() {
    let (input, input_recv) = unbounded_channel::<char>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv) -> assert_eq(['a', 'b']);
    };
    input.send('a').unwrap();
    input.send('b').unwrap();
    flow.run_available_sync();
    input.send('c').unwrap();
    flow.run_available_sync();
}
