fn main() {
    let mut flow = tideflow::flow! {
        use tideflow::ops::fused::Fold;
        source_iter([(1, 2)]) -> [0]j;
        source_iter([(1, 3)]) -> [1]j;
        j = join_fused(Fold::new(|| 0, |sum, x| *sum += x))
            -> for_each(|x: (u32, (u32, u32))| println!("{x:?}"));
    };
    flow.run_available_sync();
}
