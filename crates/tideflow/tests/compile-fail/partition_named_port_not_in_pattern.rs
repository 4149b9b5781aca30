fn main() {
    let mut flow = tideflow::flow! {
        parity = source_iter(0..10) -> partition(|x: &u32, [even, odd]| if x % 2 == 0 { even } else { odd });
        parity[even] -> for_each(|x| println!("even {x}"));
        parity[odd] -> for_each(|x| println!("odd {x}"));
        parity[evn] -> for_each(|x| println!("typo {x}"));
    };
    flow.run_available_sync();
}
