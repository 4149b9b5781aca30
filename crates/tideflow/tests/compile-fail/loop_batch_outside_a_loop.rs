fn main() {
    let mut flow = tideflow::flow! {
        source_iter(0..3) -> batch() -> for_each(|x| println!("{x}"));
    };
    flow.run_available_sync();
}
