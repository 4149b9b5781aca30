//! Behaviour of the stream-shaping operators `chain`, `chain_first_n`, `zip`, `zip_longest`,
//! `unzip`, `scan`, `sort_by_key`, `fold_no_replay`, `reduce_no_replay` and `defer_signal`
//! across ticks: exact outputs (order included), persistence combinations, fused upstreams that
//! emit at their flush, and cycles.

mod common;

use common::{drive, TickInput};

use futures::Stream;
use tideflow::ops::streams::EitherOrBoth::{self, Both, Left, Right};
use tideflow::util::{collect_ready, unbounded_channel};
use tideflow::Flow;
use tokio::sync::mpsc::UnboundedSender;

/// [`drive`] for two inputs.
fn drive2<A, B, O, S>(
    flow: &mut Flow<'_>,
    first: &UnboundedSender<A>,
    second: &UnboundedSender<B>,
    out: &mut S,
    ticks: Vec<TickInput<A, B>>,
) -> Vec<Vec<O>>
where
    S: Stream<Item = O> + Unpin,
{
    ticks
        .into_iter()
        .map(|(a, b)| {
            for item in a {
                first.send(item).unwrap();
            }
            for item in b {
                second.send(item).unwrap();
            }
            flow.run_tick_sync();
            collect_ready(&mut *out)
        })
        .collect()
}

// ----- chain -----

#[test]
fn chain_emits_all_of_the_first_input_then_all_of_the_second_every_tick() {
    let (a_send, a_recv) = unbounded_channel::<u32>();
    let (b_send, b_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        // The second input is declared first: port order decides, not statement order.
        source_stream(b_recv) -> [1]c;
        source_stream(a_recv) -> [0]c;
        c = chain() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive2(
        &mut flow,
        &a_send,
        &b_send,
        &mut out_recv,
        vec![
            (vec![1, 2], vec![10, 20]),
            (vec![], vec![30]),
            (vec![3], vec![]),
            (vec![], vec![]),
            (vec![4, 5], vec![40, 50]),
        ],
    );
    assert_eq!(
        got,
        vec![
            vec![1, 2, 10, 20],
            vec![30],
            vec![3],
            vec![],
            vec![4, 5, 40, 50]
        ]
    );
}

#[test]
fn chain_waits_for_a_first_input_that_a_fused_fold_emits_at_its_flush() {
    let (a_send, a_recv) = unbounded_channel::<u32>();
    let (b_send, b_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(a_recv) -> fold(|| 0, |sum: &mut u32, x| *sum += x) -> [0]c;
        source_stream(b_recv) -> [1]c;
        c = chain() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive2(
        &mut flow,
        &a_send,
        &b_send,
        &mut out_recv,
        vec![(vec![1, 2], vec![7, 8]), (vec![], vec![9])],
    );
    // The fold's total comes first although it is only known after every item was pushed.
    assert_eq!(got, vec![vec![3, 7, 8], vec![0, 9]]);
}

#[test]
fn chain_second_input_may_sit_on_a_cycle() {
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        c = chain() -> tee();
        source_iter([1, 100]) -> [0]c;
        c -> map(|x| x + 1) -> filter(|x| *x < 4) -> [1]c;
        c -> for_each(|x| out_send.send(x).unwrap());
    };
    flow.run_tick_sync();
    assert_eq!(collect_ready::<Vec<u32>, _>(&mut out_recv), [1, 100, 2, 3]);
    flow.run_tick_sync();
    assert!(collect_ready::<Vec<u32>, _>(&mut out_recv).is_empty());
}

// ----- chain_first_n -----

#[test]
fn chain_first_n_emits_at_most_n_items_per_tick_first_input_first() {
    let (a_send, a_recv) = unbounded_channel::<u32>();
    let (b_send, b_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let limit = 3;
    let mut flow = tideflow::flow! {
        source_stream(a_recv) -> [0]c;
        source_stream(b_recv) -> [1]c;
        c = chain_first_n(limit) -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive2(
        &mut flow,
        &a_send,
        &b_send,
        &mut out_recv,
        vec![
            (vec![1], vec![10, 20, 30]),
            (vec![1, 2, 3, 4], vec![10]),
            (vec![], vec![10, 20]),
            (vec![5, 6], vec![]),
        ],
    );
    // The count restarts every tick; what is past the limit is discarded, not carried over.
    assert_eq!(
        got,
        vec![vec![1, 10, 20], vec![1, 2, 3], vec![10, 20], vec![5, 6]]
    );
}

// ----- zip -----

/// Two ticks where `[0]` is longer, then one where `[1]` is, then one with only `[0]`.
fn zip_ticks() -> Vec<TickInput<u32, char>> {
    vec![
        (vec![1, 2, 3], vec!['a']),
        (vec![4], vec!['b']),
        (vec![], vec!['c', 'd', 'e']),
        (vec![5], vec![]),
    ]
}

#[test]
fn zip_tick_tick_pairs_within_the_tick_and_drops_leftovers() {
    let (a_send, a_recv) = unbounded_channel::<u32>();
    let (b_send, b_recv) = unbounded_channel::<char>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(a_recv) -> [0]z;
        source_stream(b_recv) -> [1]z;
        z = zip() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive2(&mut flow, &a_send, &b_send, &mut out_recv, zip_ticks());
    assert_eq!(got, vec![vec![(1, 'a')], vec![(4, 'b')], vec![], vec![]]);
}

#[test]
fn zip_static_tick_keeps_the_first_inputs_leftovers() {
    let (a_send, a_recv) = unbounded_channel::<u32>();
    let (b_send, b_recv) = unbounded_channel::<char>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(a_recv) -> [0]z;
        source_stream(b_recv) -> [1]z;
        z = zip::<'static, 'tick>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive2(&mut flow, &a_send, &b_send, &mut out_recv, zip_ticks());
    assert_eq!(
        got,
        vec![
            vec![(1, 'a')],
            vec![(2, 'b')],
            // 3 and 4 were kept; 'e' is dropped at the end of the tick.
            vec![(3, 'c'), (4, 'd')],
            vec![]
        ]
    );
}

#[test]
fn zip_tick_static_keeps_the_second_inputs_leftovers() {
    let (a_send, a_recv) = unbounded_channel::<u32>();
    let (b_send, b_recv) = unbounded_channel::<char>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(a_recv) -> [0]z;
        source_stream(b_recv) -> [1]z;
        z = zip::<'tick, 'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive2(&mut flow, &a_send, &b_send, &mut out_recv, zip_ticks());
    assert_eq!(
        got,
        // 'c', 'd' and 'e' wait; the next `[0]` item pairs with the oldest.
        vec![vec![(1, 'a')], vec![(4, 'b')], vec![], vec![(5, 'c')]]
    );
}

#[test]
fn zip_static_keeps_both_sides_leftovers() {
    let (a_send, a_recv) = unbounded_channel::<u32>();
    let (b_send, b_recv) = unbounded_channel::<char>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(a_recv) -> [0]z;
        source_stream(b_recv) -> [1]z;
        z = zip::<'static>() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive2(&mut flow, &a_send, &b_send, &mut out_recv, zip_ticks());
    assert_eq!(
        got,
        vec![
            vec![(1, 'a')],
            vec![(2, 'b')],
            vec![(3, 'c'), (4, 'd')],
            vec![(5, 'e')]
        ]
    );
}

// ----- zip_longest -----

#[test]
fn zip_longest_pairs_then_emits_the_rest_of_the_longer_input_each_tick() {
    let (a_send, a_recv) = unbounded_channel::<u32>();
    let (b_send, b_recv) = unbounded_channel::<char>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(a_recv) -> [0]z;
        source_stream(b_recv) -> [1]z;
        z = zip_longest() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got: Vec<Vec<EitherOrBoth<u32, char>>> =
        drive2(&mut flow, &a_send, &b_send, &mut out_recv, zip_ticks());
    assert_eq!(
        got,
        vec![
            vec![Both(1, 'a'), Left(2), Left(3)],
            vec![Both(4, 'b')],
            vec![Right('c'), Right('d'), Right('e')],
            vec![Left(5)]
        ]
    );
}

#[test]
fn zip_longest_items_split_with_the_either_or_both_helpers() {
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_iter(["x", "y"]) -> [0]z;
        source_iter([1]) -> [1]z;
        z = zip_longest() -> map(|x| x.into_options()) -> for_each(|x| out_send.send(x).unwrap());
    };
    flow.run_tick_sync();
    assert_eq!(
        collect_ready::<Vec<(Option<&str>, Option<i32>)>, _>(&mut out_recv),
        [(Some("x"), Some(1)), (Some("y"), None)]
    );
}

// ----- unzip -----

#[test]
fn unzip_sends_each_half_to_its_port() {
    let (in_send, in_recv) = unbounded_channel::<(u32, char)>();
    let (sums_send, mut sums_recv) = unbounded_channel();
    let (chars_send, mut chars_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        halves = source_stream(in_recv) -> unzip();
        halves[0] -> fold(|| 0, |sum: &mut u32, x| *sum += x) -> for_each(|x| sums_send.send(x).unwrap());
        halves[1] -> for_each(|x| chars_send.send(x).unwrap());
    };
    for (tick, items) in [vec![(1, 'a'), (2, 'b')], vec![], vec![(5, 'c')]]
        .into_iter()
        .enumerate()
    {
        for item in items {
            in_send.send(item).unwrap();
        }
        flow.run_tick_sync();
        let (sums, chars): (Vec<u32>, Vec<char>) = (
            collect_ready(&mut sums_recv),
            collect_ready(&mut chars_recv),
        );
        match tick {
            0 => assert_eq!((sums, chars), (vec![3], vec!['a', 'b'])),
            1 => assert_eq!((sums, chars), (vec![0], vec![])),
            _ => assert_eq!((sums, chars), (vec![5], vec!['c'])),
        }
    }
}

// ----- scan -----

#[test]
fn scan_tick_stops_at_the_first_none_until_the_tick_ends() {
    let (in_send, in_recv) = unbounded_channel::<i32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv)
            -> scan(|| 0, |sum: &mut i32, x| {
                *sum += x;
                (x >= 0).then_some(*sum)
            })
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive(
        &mut flow,
        &in_send,
        &mut out_recv,
        vec![vec![1, 2, -1, 5, 6], vec![10, 1], vec![-3], vec![4]],
    );
    // After the `None` for -1, 5 and 6 are discarded; the next tick starts from `init()`.
    assert_eq!(got, vec![vec![1, 3], vec![10, 11], vec![], vec![4]]);
}

#[test]
fn scan_static_keeps_its_state_and_stops_forever() {
    let (in_send, in_recv) = unbounded_channel::<i32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv)
            -> scan::<'static>(|| 0, |sum: &mut i32, x| {
                *sum += x;
                (x >= 0).then_some(*sum)
            })
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive(
        &mut flow,
        &in_send,
        &mut out_recv,
        vec![vec![1, 2], vec![3], vec![4, -1, 5], vec![6]],
    );
    assert_eq!(got, vec![vec![1, 3], vec![6], vec![10], vec![]]);
}

// ----- sort_by_key -----

#[test]
fn sort_by_key_sorts_each_ticks_items_stably() {
    let (in_send, in_recv) = unbounded_channel::<(u32, &str)>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv)
            -> sort_by_key(|(priority, _)| std::cmp::Reverse(*priority))
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive(
        &mut flow,
        &in_send,
        &mut out_recv,
        vec![
            vec![(1, "a"), (3, "b"), (1, "c"), (3, "d"), (2, "e")],
            vec![],
            vec![(0, "f")],
        ],
    );
    assert_eq!(
        got,
        vec![
            vec![(3, "b"), (3, "d"), (2, "e"), (1, "a"), (1, "c")],
            vec![],
            vec![(0, "f")]
        ]
    );
}

#[test]
fn sort_by_key_with_a_cloned_string_key() {
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_iter([(2, "pear".to_string()), (1, "apple".to_string())])
            -> sort_by_key(|(_, name)| name.clone())
            -> map(|(n, _)| n)
            -> for_each(|x| out_send.send(x).unwrap());
    };
    flow.run_tick_sync();
    assert_eq!(collect_ready::<Vec<i32>, _>(&mut out_recv), [1, 2]);
}

// ----- fold_no_replay / reduce_no_replay -----

#[test]
fn fold_no_replay_tick_emits_in_tick_zero_and_in_ticks_with_input_only() {
    let (in_send, in_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv)
            -> fold_no_replay(|| 0, |sum: &mut u32, x| *sum += x)
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive(
        &mut flow,
        &in_send,
        &mut out_recv,
        vec![vec![], vec![], vec![1, 2], vec![], vec![4]],
    );
    assert_eq!(got, vec![vec![0], vec![], vec![3], vec![], vec![4]]);
}

#[test]
fn fold_no_replay_static_keeps_folding_and_emits_only_with_input() {
    let (in_send, in_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv)
            -> fold_no_replay::<'static>(Vec::new, |all: &mut Vec<u32>, x| all.push(x))
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive(
        &mut flow,
        &in_send,
        &mut out_recv,
        vec![vec![1], vec![], vec![2, 3], vec![]],
    );
    assert_eq!(
        got,
        vec![vec![vec![1]], vec![], vec![vec![1, 2, 3]], vec![]]
    );
}

#[test]
fn reduce_no_replay_tick_emits_only_in_ticks_with_input() {
    let (in_send, in_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv)
            -> reduce_no_replay(|sum, x| *sum += x)
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive(
        &mut flow,
        &in_send,
        &mut out_recv,
        vec![vec![], vec![1, 2], vec![], vec![4]],
    );
    assert_eq!(got, vec![vec![], vec![3], vec![], vec![4]]);
}

#[test]
fn reduce_no_replay_static_keeps_reducing_and_emits_only_with_input() {
    let (in_send, in_recv) = unbounded_channel::<u32>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv)
            -> reduce_no_replay::<'static>(|sum, x| *sum += x)
            -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive(
        &mut flow,
        &in_send,
        &mut out_recv,
        vec![vec![], vec![1, 2], vec![], vec![4]],
    );
    assert_eq!(got, vec![vec![], vec![3], vec![], vec![7]]);
}

#[test]
fn no_replay_aggregates_do_not_keep_an_idle_flow_busy() {
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_iter([1, 2]) -> fold_no_replay::<'static>(|| 0, |sum: &mut u32, x| *sum += x)
            -> for_each(|x| out_send.send(x).unwrap());
    };
    assert_eq!(flow.run_available_sync(), 1);
    assert_eq!(collect_ready::<Vec<u32>, _>(&mut out_recv), [3]);
    assert!(!flow.run_tick_sync());
    assert!(collect_ready::<Vec<u32>, _>(&mut out_recv).is_empty());
}

// ----- defer_signal -----

#[test]
fn defer_signal_holds_input_across_ticks_until_a_signal() {
    let (in_send, in_recv) = unbounded_channel::<char>();
    let (signal_send, signal_recv) = unbounded_channel::<()>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv) -> [input]d;
        source_stream(signal_recv) -> [signal]d;
        d = defer_signal() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive2(
        &mut flow,
        &in_send,
        &signal_send,
        &mut out_recv,
        vec![
            (vec!['a', 'b'], vec![]),
            (vec!['c'], vec![]),
            (vec!['d'], vec![(), ()]),
            (vec!['e'], vec![]),
            (vec![], vec![()]),
            (vec![], vec![()]),
        ],
    );
    assert_eq!(
        got,
        vec![
            vec![],
            vec![],
            vec!['a', 'b', 'c', 'd'],
            vec![],
            vec!['e'],
            vec![]
        ]
    );
}

#[test]
fn defer_signal_with_a_persisted_signal_releases_every_tick_after_it() {
    // The chat client's pattern: buffer lines until the server's first acknowledgement.
    let (in_send, in_recv) = unbounded_channel::<&str>();
    let (ack_send, ack_recv) = unbounded_channel::<()>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        source_stream(in_recv) -> [input]d;
        source_stream(ack_recv) -> persist::<'static>() -> [signal]d;
        d = defer_signal() -> for_each(|x| out_send.send(x).unwrap());
    };
    let got = drive2(
        &mut flow,
        &in_send,
        &ack_send,
        &mut out_recv,
        vec![
            (vec!["hello"], vec![]),
            (vec!["world"], vec![()]),
            (vec!["again"], vec![]),
        ],
    );
    assert_eq!(got, vec![vec![], vec!["hello", "world"], vec!["again"]]);
}

#[test]
fn zip_longest_accepts_an_explicit_tick_lifetime() {
    let (send, mut recv) = unbounded_channel::<EitherOrBoth<u32, char>>();
    let mut flow = tideflow::flow! {
        source_iter([1, 2]) -> [0]z;
        source_iter(['a']) -> [1]z;
        z = zip_longest::<'tick>() -> for_each(|x| send.send(x).unwrap());
    };
    flow.run_tick_sync();
    assert_eq!(
        collect_ready::<Vec<_>, _>(&mut recv),
        [EitherOrBoth::Both(1, 'a'), EitherOrBoth::Left(2)]
    );
}
