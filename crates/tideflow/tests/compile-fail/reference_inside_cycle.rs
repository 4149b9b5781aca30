fn main() {
    let mut flow = tideflow::flow! {
        u = union() -> tee();
        source_iter(0..3) -> u;
        limit = u -> fold(|| 0, |acc: &mut u32, x: u32| *acc = (*acc).max(x)) -> singleton();
        u -> filter(|x| *x < #limit) -> map(|x| x + 1) -> u;
        u -> for_each(|x| println!("{x}"));
    };
    flow.run_available_sync();
}
