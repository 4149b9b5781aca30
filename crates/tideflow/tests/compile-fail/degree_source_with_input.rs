fn main() {
    let mut flow = tideflow::flow! {
        source_iter(0..3) -> source_iter(5..8) -> for_each(|x| println!("{x}"));
    };
    flow.run_available_sync();
}
