fn main() {
    let mut flow = tideflow::flow! {
        sizes = source_iter(0..10) -> partition(|x: &u32, [small, medium, large]| match x {
            0..=2 => small,
            3..=6 => medium,
            _ => large,
        });
        sizes[small] -> for_each(|x| println!("small {x}"));
        sizes[large] -> for_each(|x| println!("large {x}"));
    };
    flow.run_available_sync();
}
