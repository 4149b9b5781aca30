fn main() {
    let mut flow = tideflow::flow! {
        numbers = source_iter(0..3);
        loop {
            loop {
                numbers -> batch() -> out;
            };
        };
        out = all_iterations() -> for_each(|x| println!("{x}"));
    };
    flow.run_available_sync();
}
