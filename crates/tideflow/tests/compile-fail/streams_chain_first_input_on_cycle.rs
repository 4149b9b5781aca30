fn main() {
    let mut flow = tideflow::flow! {
        c = chain() -> tee();
        source_iter([1, 2]) -> [1]c;
        c -> map(|x: u32| x + 1) -> filter(|x| *x < 5) -> [0]c;
        c -> for_each(|x| println!("{x}"));
    };
    flow.run_available_sync();
}
