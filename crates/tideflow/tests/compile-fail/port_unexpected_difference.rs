fn main() {
    let mut flow = tideflow::flow! {
        d = difference() -> for_each(|x: u32| println!("{x}"));
        source_iter(0..10) -> [pos]d;
        source_iter(3..5) -> [foo]d;
    };
    flow.run_available_sync();
}
