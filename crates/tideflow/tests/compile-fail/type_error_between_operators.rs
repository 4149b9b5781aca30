fn main() {
    let mut flow = tideflow::flow! {
        source_iter(["a", "bb"]) -> map(|s: &str| s.len()) -> for_each(|s: String| println!("{s}"));
    };
    flow.run_available_sync();
}
