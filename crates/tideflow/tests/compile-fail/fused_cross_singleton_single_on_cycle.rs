fn main() {
    let mut flow = tideflow::flow! {
        c = cross_singleton() -> tee();
        singles = union() -> [single]c;
        source_iter([1]) -> singles;
        source_iter(['a', 'b']) -> [input]c;
        c -> map(|(_, n): (char, u32)| n + 1) -> filter(|n| *n < 3) -> singles;
        c -> for_each(|x| println!("{x:?}"));
    };
    flow.run_available_sync();
}
