fn main() {
    let mut flow = tideflow::flow! {
        source_iter(0..3) -> map(|x: u32| x.frobnicate()) -> for_each(|n| println!("{n}"));
    };
    flow.run_available_sync();
}
