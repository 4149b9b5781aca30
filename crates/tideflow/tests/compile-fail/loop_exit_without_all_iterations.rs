fn main() {
    let mut flow = tideflow::flow! {
        numbers = source_iter(0..3);
        loop {
            numbers -> batch() -> out;
        };
        out = for_each(|x| println!("{x}"));
    };
    flow.run_available_sync();
}
