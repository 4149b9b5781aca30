fn main() {
    let mut flow = tideflow::flow! {
        source_iter(0..3) -> filter(|x| *x > 0, |x| *x < 2) -> for_each(|x| println!("{x}"));
    };
    flow.run_available_sync();
}
