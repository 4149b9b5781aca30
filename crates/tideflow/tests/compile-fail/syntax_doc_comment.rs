fn main() {
    let mut flow = tideflow::flow! {
        /// Prints the numbers.
        source_iter(0..3) -> for_each(|x| println!("{x}"));
    };
    flow.run_available_sync();
}
