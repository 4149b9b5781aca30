fn main() {
    let mut flow = tideflow::flow! {
        c = cross_singleton() -> for_each(|x: (u32, u32)| println!("{x:?}"));
        source_iter([1, 2]) -> [input]c;
        source_iter([7]) -> [1]c;
    };
    flow.run_available_sync();
}
