fn main() {
    let mut flow = tideflow::flow! {
        numbers = source_iter(0..3);
        loop {
            numbers -> map(|x| x + 1) -> out;
        };
        out = all_iterations() -> for_each(|x| println!("{x}"));
    };
    flow.run_available_sync();
}
