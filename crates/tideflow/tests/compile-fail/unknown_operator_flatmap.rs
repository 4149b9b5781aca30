fn main() {
    let mut flow = tideflow::flow! {
        source_iter([vec![1, 2], vec![3]]) -> flatmap(|v| v) -> for_each(|x| println!("{x}"));
    };
    flow.run_available_sync();
}
