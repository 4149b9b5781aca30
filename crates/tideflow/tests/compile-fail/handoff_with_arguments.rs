fn main() {
    let mut flow = tideflow::flow! {
        biggest = source_iter(0..3) -> singleton(0);
        source_iter(0..10) -> filter(|x| *x > #biggest) -> for_each(|x| println!("{x}"));
    };
    flow.run_available_sync();
}
