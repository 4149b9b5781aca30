fn main() {
    let mut flow = tideflow::flow! {
        parts = source_iter(0..10) -> partition(|x: &u32, (a, b)| if *x > 4 { a } else { b });
        parts[0] -> for_each(|x| println!("{x}"));
        parts[1] -> for_each(|x| println!("{x}"));
    };
    flow.run_available_sync();
}
