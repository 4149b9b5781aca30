fn main() {
    let mut flow = tideflow::flow! {
        items = union() -> tee();
        source_iter(0..3) -> items;
        items -> [pos]d;
        d = difference() -> tee();
        d -> [neg]d;
        d -> map(|x: u32| x + 1) -> items;
        items -> for_each(|x| println!("{x}"));
    };
    flow.run_available_sync();
}
