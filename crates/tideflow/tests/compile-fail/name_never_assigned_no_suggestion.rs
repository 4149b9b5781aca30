fn main() {
    let mut flow = tideflow::flow! {
        numbers = source_iter(0..3) -> for_each(|x| println!("{x}"));
        source_iter(0..3) -> sink;
    };
    flow.run_available_sync();
}
