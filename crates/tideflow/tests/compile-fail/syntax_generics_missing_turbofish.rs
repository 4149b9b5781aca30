fn main() {
    let mut flow = tideflow::flow! {
        source_iter(0..3) -> fold<'static>(|| 0, |acc: &mut u32, x| *acc += x) -> for_each(|x| println!("{x}"));
    };
    flow.run_available_sync();
}
