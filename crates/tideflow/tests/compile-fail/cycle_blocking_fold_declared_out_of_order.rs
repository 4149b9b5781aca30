fn main() {
    let mut flow = tideflow::flow! {
        total -> filter(|x| *x < 100) -> u;
        total -> for_each(|x| println!("{x}"));
        source_iter(0..3) -> u;
        total = fold(|| 0, |acc: &mut u32, x: u32| *acc += x) -> tee();
        u = union() -> total;
    };
    flow.run_available_sync();
}
