//! S5: strings. a) in-place upper-casing through a pipeline; b) a fork-join over words that
//! allocates (`format!`) on one branch and filters on the other, folded into a total length.

use std::borrow::Cow;
use std::cell::Cell;
use std::hint::black_box;
use std::rc::Rc;

use timely::dataflow::operators::vec::{Filter, Map};
use timely::dataflow::operators::{Concat, Inspect, ToStream};

use super::{absorb, absorb_cell, timely_run, timely_worker, Lcg};
use crate::{Config, Target, Variant, Workload};

pub const S5A_TITLE: &str = "100,000 \"foobar\" strings × 20 make_ascii_uppercase";
pub const S5B_TITLE: &str = "200,000 generated words: tee → (flat_map to \"hi {w}\", \"bye {w}\") and (filter(len % 5 == 0)) → union → fold of total length";

const OPS: u64 = 20;

/// The checksum of a string: its length and bytes.
fn string_sum(s: &str) -> u64 {
    s.bytes().fold(s.len() as u64, |acc, b| {
        acc.wrapping_mul(31).wrapping_add(u64::from(b))
    })
}

fn upper(mut s: String) -> String {
    s.make_ascii_uppercase();
    s
}

pub fn s5a(config: &Config) -> Result<Workload, String> {
    let n: u64 = config.size(100_000, 1_000);
    Ok(Workload {
        id: "S5a",
        title: S5A_TITLE,
        unit: "item-op",
        units: n * OPS,
        target: Some(Target::RatioAtMost(1.10)),
        notes: vec![
            "every system allocates each `String::from(\"foobar\")` in its source and passes it \
             through `black_box`, so no compiler can fold the upper-casing into a constant"
                .into(),
        ],
        variants: vec![
            Variant::new("raw", move || {
                let mut sum = 0;
                for _ in 0..n {
                    let mut s = black_box(String::from("foobar"));
                    for _ in 0..OPS {
                        s.make_ascii_uppercase();
                    }
                    absorb(&mut sum, string_sum(&s));
                }
                sum
            }),
            Variant::new("tideflow", move || {
                let mut sum = 0;
                let mut flow = tideflow::flow! {
                    source_iter((0..n).map(|_| black_box(String::from("foobar"))))
                        -> map(upper) -> map(upper) -> map(upper) -> map(upper) -> map(upper)
                        -> map(upper) -> map(upper) -> map(upper) -> map(upper) -> map(upper)
                        -> map(upper) -> map(upper) -> map(upper) -> map(upper) -> map(upper)
                        -> map(upper) -> map(upper) -> map(upper) -> map(upper) -> map(upper)
                        -> for_each(|s| absorb(&mut sum, string_sum(&s)));
                };
                flow.run_available_sync();
                drop(flow);
                sum
            }),
            Variant::new("timely", move || {
                let sum = Rc::new(Cell::new(0));
                let mut worker = timely_worker();
                let sink = sum.clone();
                worker.dataflow::<u64, _, _>(move |scope| {
                    let mut stream = (0..n)
                        .map(|_| black_box(String::from("foobar")))
                        .to_stream(scope)
                        .container::<Vec<String>>();
                    for _ in 0..OPS {
                        stream = stream.map(upper);
                    }
                    stream.inspect(move |s| absorb_cell(&sink, string_sum(s)));
                });
                timely_run(&mut worker);
                sum.get()
            }),
        ],
    })
}

/// `count` lowercase words of 2 to 13 letters, from a fixed seed.
fn generate_words(count: usize) -> Vec<String> {
    let mut rng = Lcg::new(5);
    (0..count)
        .map(|_| {
            let len = 2 + rng.below(12);
            (0..len)
                .map(|_| char::from(b'a' + rng.below(26) as u8))
                .collect()
        })
        .collect()
}

pub fn s5b(config: &Config) -> Result<Workload, String> {
    let n: usize = config.size(200_000, 1_000);
    // Generated once and shared (timely's sources need `'static` data).
    let words: &'static [String] = Vec::leak(generate_words(n));
    Ok(Workload {
        id: "S5b",
        title: S5B_TITLE,
        unit: "word",
        units: n as u64,
        target: Some(Target::RatioAtMost(1.3)),
        notes: vec![
            "words are borrowed `&str`s from one generated list; both branches carry \
             `Cow<str>` (owned greetings, borrowed filtered words) into the union, so only the \
             `format!`s allocate, as in the raw loop"
                .into(),
        ],
        variants: vec![
            Variant::new("raw", move || {
                let mut total = 0u64;
                for w in words {
                    for greeting in [format!("hi {w}"), format!("bye {w}")] {
                        total += greeting.len() as u64;
                    }
                    if w.len() % 5 == 0 {
                        total += w.len() as u64;
                    }
                }
                let mut sum = 0;
                absorb(&mut sum, total);
                sum
            }),
            Variant::new("tideflow", move || {
                let mut sum = 0;
                let mut flow = tideflow::flow! {
                    words = source_iter(words.iter().map(String::as_str)) -> tee();
                    words
                        -> flat_map(|w| [format!("hi {w}"), format!("bye {w}")])
                        -> map(Cow::<str>::Owned)
                        -> out;
                    words -> filter(|w| w.len() % 5 == 0) -> map(Cow::Borrowed) -> out;
                    out = union()
                        -> fold(|| 0u64, |total: &mut u64, s: Cow<str>| *total += s.len() as u64)
                        -> for_each(|total| absorb(&mut sum, total));
                };
                flow.run_available_sync();
                drop(flow);
                sum
            }),
            Variant::new("timely", move || {
                let total = Rc::new(Cell::new(0u64));
                let mut worker = timely_worker();
                let sink = total.clone();
                worker.dataflow::<u64, _, _>(move |scope| {
                    let words = words
                        .iter()
                        .map(String::as_str)
                        .to_stream(scope)
                        .container::<Vec<&str>>();
                    let greetings = words
                        .clone()
                        .flat_map(|w| [format!("hi {w}"), format!("bye {w}")])
                        .map(Cow::<str>::Owned);
                    let kept = words.filter(|w| w.len() % 5 == 0).map(Cow::Borrowed);
                    greetings
                        .concat(kept)
                        .inspect(move |s| sink.set(sink.get() + s.len() as u64));
                });
                timely_run(&mut worker);
                let mut sum = 0;
                absorb(&mut sum, total.get());
                sum
            }),
        ],
    })
}
