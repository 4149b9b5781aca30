fn main() {
    let mut flow = tideflow::flow! {
        buffered = source_iter(0..3) -> handoff();
        buffered -> for_each(|x| println!("a {x}"));
        buffered -> for_each(|x| println!("b {x}"));
    };
    flow.run_available_sync();
}
