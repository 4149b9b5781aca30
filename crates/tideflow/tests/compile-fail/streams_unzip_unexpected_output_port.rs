fn main() {
    let mut flow = tideflow::flow! {
        u = source_iter([(1, 'a')]) -> unzip();
        u[0] -> for_each(|x| println!("{x}"));
        u[right] -> for_each(|x| println!("{x}"));
    };
    flow.run_available_sync();
}
