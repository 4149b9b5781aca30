fn main() {
    let mut flow = tideflow::flow! {
        out = for_each(|x: u32| println!("{x}"));
        source_iter(0..3) -> out[0];
    };
    flow.run_available_sync();
}
