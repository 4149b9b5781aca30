use tideflow::util::{collect_ready, unbounded_channel};

#[test]
fn map_filter_pipeline() {
    let (send, recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        source_iter(0..10) -> map(|x| x * 2) -> filter(|x| x % 3 == 0) -> for_each(|x| send.send(x).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(collect_ready::<Vec<_>, _>(recv), vec![0, 6, 12, 18]);
}

#[test]
fn reachability_in_one_tick() {
    let (send, recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        edges = source_iter([(0, 1), (1, 2), (2, 3), (3, 1), (5, 6)]);
        reached = union() -> unique() -> tee();
        source_iter([0]) -> reached;
        reached -> map(|v| (v, ())) -> [0]j;
        edges -> [1]j;
        j = join() -> map(|(_, ((), next))| next) -> reached;
        reached -> for_each(|v| send.send(v).unwrap());
    };
    flow.run_tick_sync();
    let mut got: Vec<u32> = collect_ready(recv);
    got.sort();
    assert_eq!(got, vec![0, 1, 2, 3]);
}
