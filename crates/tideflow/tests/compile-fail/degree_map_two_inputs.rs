fn main() {
    let mut flow = tideflow::flow! {
        m = map(|x: u32| x + 1) -> for_each(|x| println!("{x}"));
        source_iter(0..3) -> m;
        source_iter(5..8) -> m;
    };
    flow.run_available_sync();
}
