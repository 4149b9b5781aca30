fn main() {
    let mut flow = tideflow::flow! {
        items = union() -> tee();
        source_iter([1u32]) -> items;
        items -> map(|x| async move { x + 1 }) -> resolve_futures_blocking()
            -> filter(|x| *x < 10) -> items;
        items -> for_each(|x| println!("{x}"));
    };
    flow.run_available_sync();
}
