fn main() {
    let mut flow = tideflow::flow! {
        source_iter([1, 2, 3]) -> [0]z;
        source_iter(['a']) -> [1]z;
        z = zip_longest::<'static>() -> for_each(|x| println!("{x:?}"));
    };
    flow.run_available_sync();
}
