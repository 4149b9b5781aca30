fn main() {
    let mut flow = tideflow::flow! {
        numbers = source_iter(0..3);
        loop {
            outer = numbers -> batch();
            loop {
                outer -> batch_eager() -> inner_out;
            };
            inner_out = all_iterations() -> out;
        };
        out = all_iterations() -> for_each(|x| println!("{x}"));
    };
    flow.run_available_sync();
}
