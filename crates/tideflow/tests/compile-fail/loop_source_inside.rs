fn main() {
    let mut flow = tideflow::flow! {
        loop {
            source_iter(0..3) -> for_each(|x| println!("{x}"));
        };
    };
    flow.run_available_sync();
}
