//! `iter_ref(#buffer)`: borrowing a `handoff()` buffer's items for one run, without copies.

mod common;

use common::ready;

use tideflow::util::unbounded_channel;

#[test]
fn iter_ref_reads_the_buffer_each_tick_while_its_consumer_still_gets_the_items() {
    let (input, input_recv) = unbounded_channel::<String>();
    let (lengths_send, mut lengths) = unbounded_channel::<usize>();
    let (owned_send, mut owned) = unbounded_channel::<String>();
    let mut flow = tideflow::flow! {
        words = source_stream(input_recv) -> handoff();
        iter_ref(#words) -> map(|word: &String| word.len()) -> for_each(|n| lengths_send.send(n).unwrap());
        words -> for_each(|word| owned_send.send(word).unwrap());
    };
    input.send("apple".into()).unwrap();
    input.send("fig".into()).unwrap();
    flow.run_tick_sync();
    input.send("banana".into()).unwrap();
    flow.run_tick_sync();
    assert_eq!(ready(&mut lengths), [5, 3, 6]);
    assert_eq!(ready(&mut owned), ["apple", "fig", "banana"]);
}

#[test]
fn borrowed_items_can_be_filtered_and_folded_once_owned() {
    let (send, mut recv) = unbounded_channel::<u64>();
    let mut flow = tideflow::flow! {
        numbers = source_iter(vec![vec![1u64, 2], vec![3], vec![4, 5, 6]]) -> handoff();
        iter_ref(#numbers)
            -> filter(|row: &&Vec<u64>| row.len() > 1)
            -> map(|row: &Vec<u64>| row.iter().sum::<u64>())
            -> fold(|| 0, |total: &mut u64, sum| *total += sum)
            -> for_each(|total| send.send(total).unwrap());
    };
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [18]);
}
