fn main() {
    let mut flow = tideflow::flow! {
        source_iter(0..10) -> fliter(|x| x % 2 == 0) -> for_each(|x| println!("{x}"));
    };
    flow.run_available_sync();
}
