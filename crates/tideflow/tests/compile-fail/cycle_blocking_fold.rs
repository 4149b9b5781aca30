fn main() {
    let mut flow = tideflow::flow! {
        u = union() -> fold(|| 0, |acc: &mut u32, x: u32| *acc += x) -> tee();
        source_iter(0..3) -> u;
        u -> filter(|x| *x < 100) -> u;
        u -> for_each(|x| println!("{x}"));
    };
    flow.run_available_sync();
}
