//! S11: serialize and deserialize 1,000,000 48-byte messages with serde + bincode (the
//! workspace's bincode 2 through its serde layer, with the fixed-width `legacy` configuration:
//! exactly 48 bytes each). raw calls bincode in a loop; Tideflow and timely
//! run `map(serialize) -> map(deserialize)` in a flow. The codec should dominate: the runtime's
//! share is the ratio minus one.

use std::cell::Cell;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use timely::dataflow::operators::vec::Map;
use timely::dataflow::operators::{Inspect, ToStream};

use super::{absorb, absorb_cell, mix, timely_run, timely_worker};
use crate::{Config, Target, Variant, Workload};

pub const S11A_TITLE: &str = "serialize + deserialize 1,000,000 48-byte messages (6 × u64)";
pub const S11B_TITLE: &str =
    "serialize + deserialize 1,000,000 48-byte messages (u64, u64, [u8; 32])";

/// A message a benchmark can generate from its index and check.
pub(crate) trait Message: Serialize + DeserializeOwned + Clone + 'static {
    fn generate(i: u64) -> Self;
    fn checksum(&self) -> u64;
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub(crate) struct Six {
    a: u64,
    b: u64,
    c: u64,
    d: u64,
    e: u64,
    f: u64,
}

impl Message for Six {
    fn generate(i: u64) -> Self {
        Self {
            a: i,
            b: i ^ 0x5555,
            c: i.wrapping_mul(3),
            d: i << 7,
            e: !i,
            f: i.rotate_left(17),
        }
    }

    fn checksum(&self) -> u64 {
        self.a
            ^ self.b.rotate_left(7)
            ^ self.c.rotate_left(14)
            ^ self.d.rotate_left(21)
            ^ self.e.rotate_left(28)
            ^ self.f.rotate_left(35)
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
struct Tagged {
    id: u64,
    sequence: u64,
    payload: [u8; 32],
}

impl Message for Tagged {
    fn generate(i: u64) -> Self {
        let seed = mix(i);
        let mut payload = [0u8; 32];
        for (j, chunk) in payload.chunks_mut(8).enumerate() {
            chunk.copy_from_slice(&seed.rotate_left(8 * j as u32).to_le_bytes());
        }
        Self {
            id: i,
            sequence: seed,
            payload,
        }
    }

    fn checksum(&self) -> u64 {
        let payload = self.payload.chunks(8).fold(0u64, |acc, c| {
            acc.rotate_left(5) ^ u64::from_le_bytes(c.try_into().unwrap())
        });
        self.id ^ self.sequence.rotate_left(13) ^ payload
    }
}

fn serialize<M: Message>(message: &M) -> Vec<u8> {
    bincode::serde::encode_to_vec(message, bincode::config::legacy())
        .expect("bincode serializes a plain struct")
}

fn deserialize<M: Message>(bytes: &[u8]) -> M {
    bincode::serde::decode_from_slice(bytes, bincode::config::legacy())
        .expect("bincode reads what it wrote")
        .0
}

fn codec_workload<M: Message>(id: &'static str, title: &'static str, n: u64) -> Workload {
    assert_eq!(
        serialize(&M::generate(1)).len(),
        48,
        "messages are 48 bytes"
    );
    Workload {
        id,
        title,
        unit: "message",
        units: n,
        target: Some(Target::RatioAtMost(1.2)),
        notes: vec![
            "each message is generated from its index in the source, serialized into a fresh \
             Vec<u8> and deserialized from it, in every system"
                .into(),
        ],
        variants: vec![
            Variant::new("raw", move || {
                let mut sum = 0;
                for i in 0..n {
                    let bytes = serialize(&M::generate(i));
                    let message: M = deserialize(&bytes);
                    absorb(&mut sum, message.checksum());
                }
                sum
            }),
            Variant::new("tideflow", move || {
                let mut sum = 0;
                let mut flow = tideflow::flow! {
                    source_iter((0..n).map(M::generate))
                        -> map(|message: M| serialize(&message))
                        -> map(|bytes: Vec<u8>| deserialize::<M>(&bytes))
                        -> for_each(|message| absorb(&mut sum, message.checksum()));
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
                    (0..n)
                        .map(M::generate)
                        .to_stream(scope)
                        .container::<Vec<M>>()
                        .map(|message| serialize(&message))
                        .map(|bytes| deserialize::<M>(&bytes))
                        .inspect(move |message| absorb_cell(&sink, message.checksum()));
                });
                timely_run(&mut worker);
                sum.get()
            }),
        ],
    }
}

pub fn s11a(config: &Config) -> Result<Workload, String> {
    Ok(codec_workload::<Six>(
        "S11a",
        S11A_TITLE,
        config.size(1_000_000, 1_000),
    ))
}

pub fn s11b(config: &Config) -> Result<Workload, String> {
    Ok(codec_workload::<Tagged>(
        "S11b",
        S11B_TITLE,
        config.size(1_000_000, 1_000),
    ))
}
