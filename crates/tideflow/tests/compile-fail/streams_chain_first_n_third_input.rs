fn main() {
    let mut flow = tideflow::flow! {
        c = chain_first_n(2) -> for_each(|x: u32| println!("{x}"));
        source_iter([1]) -> [0]c;
        source_iter([2]) -> [1]c;
        source_iter([3]) -> [2]c;
    };
    flow.run_available_sync();
}
