fn main() {
    let mut flow = tideflow::flow! {
        m = source_iter(0..3) -> map(|x: u32| x + 1);
        m -> for_each(|x| println!("a {x}"));
        m -> for_each(|x| println!("b {x}"));
    };
    flow.run_available_sync();
}
