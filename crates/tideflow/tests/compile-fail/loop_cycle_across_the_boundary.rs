fn main() {
    let mut flow = tideflow::flow! {
        items = union() -> tee();
        source_iter([1u32]) -> items;
        loop {
            items -> batch() -> map(|x| x + 1) -> out;
        };
        out = all_iterations() -> filter(|x| *x < 10) -> items;
        items -> for_each(|x| println!("{x}"));
    };
    flow.run_available_sync();
}
