fn main() {
    let mut flow = tideflow::flow! {
        a = b;
        b = a;
        source_iter(0..3) -> a;
    };
    flow.run_available_sync();
}
