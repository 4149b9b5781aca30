fn main() {
    let mut flow = tideflow::flow! {
        d = defer_signal() -> for_each(|x: u32| println!("{x}"));
        source_iter([1, 2]) -> [0]d;
        source_iter([()]) -> [1]d;
    };
    flow.run_available_sync();
}
