fn main() {
    let mut flow = tideflow::flow! {
        j = join_multiset_half() -> for_each(|x: (u32, (char, char))| println!("{x:?}"));
        source_iter([(1, 'a')]) -> [build]j;
    };
    flow.run_available_sync();
}
