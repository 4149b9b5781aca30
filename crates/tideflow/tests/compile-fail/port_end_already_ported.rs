fn main() {
    let mut flow = tideflow::flow! {
        j = join() -> for_each(|x: (u32, (u32, u32))| println!("{x:?}"));
        first = [0]j;
        source_iter([(1, 2)]) -> [1]first;
        source_iter([(1, 3)]) -> [1]j;
    };
    flow.run_available_sync();
}
