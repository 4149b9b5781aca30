fn main() {
    let mut flow = tideflow::flow! {
        source_iter([(1, 2)]) -> [0]join() -> for_each(|x: (u32, (u32, u32))| println!("{x:?}"));
    };
    flow.run_available_sync();
}
