fn main() {
    let mut flow = tideflow::flow! {
        shards = source_iter(0..10) -> partition(|x: &u32, n| *x as usize % n);
        shards[0] -> for_each(|x| println!("zero {x}"));
        shards[2] -> for_each(|x| println!("two {x}"));
    };
    flow.run_available_sync();
}
