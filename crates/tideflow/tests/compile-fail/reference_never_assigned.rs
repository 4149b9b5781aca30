fn main() {
    let mut flow = tideflow::flow! {
        total = source_iter(0..3) -> fold(|| 0, |acc: &mut u32, x| *acc += x) -> singleton();
        source_iter(0..10) -> filter(|x| *x > #totl) -> for_each(|x| println!("{x}"));
    };
    flow.run_available_sync();
}
