fn main() {
    let mut flow = tideflow::flow! {
        c = chain() -> for_each(|x: u32| println!("{x}"));
        source_iter([1, 2]) -> c;
        source_iter([3, 4]) -> c;
    };
    flow.run_available_sync();
}
