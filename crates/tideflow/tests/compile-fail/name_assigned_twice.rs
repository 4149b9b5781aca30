fn main() {
    let mut flow = tideflow::flow! {
        out = for_each(|x| println!("{x}"));
        out = for_each(|x| println!("{x}"));
        source_iter(0..3) -> out;
    };
    flow.run_available_sync();
}
