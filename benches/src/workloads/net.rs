//! S12: loopback TCP. a) 20,000 ping-pongs of a `u64`; b) 1,000,000 one-way 48-byte messages
//! (S11's six `u64`s).
//!
//! Both sides run on their own thread, in every system:
//! - raw (the baseline): blocking `std::net` sockets with `BufReader`/`BufWriter`, framed like
//!   `tideflow::net` (a 4-byte big-endian length, then the payload) and encoded with the same
//!   codec (`tideflow::net::serialize_to_bytes` / `deserialize_from_bytes`, bincode), with
//!   `TCP_NODELAY` as `tideflow::net` sets it;
//! - tideflow: one flow per side on a current-thread tokio runtime per thread, talking through
//!   `tideflow::net::bind_tcp` / `connect_tcp` (`source_stream(events)`, `dest_sink(sink)`).
//!
//! timely is not measured: it has no socket API for a program's own messages (its TCP layer
//! connects the workers of one computation).

use std::io::{self, BufReader, BufWriter, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc as std_mpsc;
use std::thread;
use std::time::Duration;

use tideflow::net::{
    bind_tcp, connect_tcp, connect_tcp_with, deserialize_from_bytes, serialize_to_bytes, Bincode,
    NetConfig, NetEvent,
};
use tideflow::util::iter_batches_stream;
use tokio::sync::{mpsc, oneshot};

use super::absorb;
use super::codec::{Message, Six};
use crate::{Config, Target, Variant, Workload};

pub const S12A_TITLE: &str = "loopback TCP through tideflow::net: 20,000 ping-pongs";
pub const S12B_TITLE: &str = "loopback TCP through tideflow::net: 1,000,000 one-way messages";

/// How long a run may take before it is declared stuck (a lost message would hang it).
const TIMEOUT: Duration = Duration::from_secs(120);

/// Messages the one-way client hands to the sink per tick.
const BATCH: usize = 1024;

const BASELINE_NOTE: &str = "raw: blocking std::net threads with BufReader/BufWriter, the same \
     length-delimited frames and the same bincode codec (tideflow::net::serialize_to_bytes); \
     timely is not measured (no socket API for user messages)";

pub fn s12a(config: &Config) -> Result<Workload, String> {
    let n: u64 = config.size(20_000, 100);
    Ok(Workload {
        id: "S12a",
        title: S12A_TITLE,
        unit: "round trip",
        units: n,
        target: Some(Target::RatioAtMost(1.2)),
        notes: vec![
            BASELINE_NOTE.into(),
            "tideflow: the server flow echoes `source_stream(events) -> \
             filter_map(NetEvent::into_message) -> dest_sink(sink)`; the client flow sends the \
             next ping when a pong arrives"
                .into(),
        ],
        variants: vec![
            Variant::new("raw", move || raw_ping_pong(n).expect("raw ping-pong")),
            Variant::new("tideflow", move || tideflow_ping_pong(n)),
        ],
    })
}

pub fn s12b(config: &Config) -> Result<Workload, String> {
    let n: u64 = config.size(1_000_000, 1_000);
    Ok(Workload {
        id: "S12b",
        title: S12B_TITLE,
        unit: "message",
        units: n,
        target: Some(Target::RatioAtMost(1.2)),
        notes: vec![
            BASELINE_NOTE.into(),
            format!(
                "tideflow: the client feeds {BATCH} messages per tick \
                 (source_stream(iter_batches_stream(..))) into dest_sink, its per-peer queue \
                 sized to hold the whole run (NetConfig::with_queue_capacity) so no message is \
                 dropped; the server's for_each counts and checks them"
            ),
        ],
        variants: vec![
            Variant::new("raw", move || raw_one_way(n).expect("raw one-way")),
            Variant::new("tideflow", move || tideflow_one_way(n)),
        ],
    })
}

// ----- the baseline: blocking std sockets -----

fn encode<T: serde::Serialize>(value: &T) -> tideflow::net::Bytes {
    serialize_to_bytes(value).expect("bincode encodes the message")
}

fn decode<T: serde::de::DeserializeOwned>(frame: &[u8]) -> T {
    deserialize_from_bytes(frame).expect("bincode decodes what it encoded")
}

/// Writes one length-delimited frame (as `tideflow::net` frames them).
fn write_frame(writer: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    let len = u32::try_from(payload.len()).expect("frames are small");
    writer.write_all(&len.to_be_bytes())?;
    writer.write_all(payload)
}

/// Reads one frame into `buffer`; `false` at the end of the stream.
fn read_frame(reader: &mut impl Read, buffer: &mut Vec<u8>) -> io::Result<bool> {
    let mut len = [0u8; 4];
    match reader.read_exact(&mut len) {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => return Ok(false),
        Err(error) => return Err(error),
    }
    buffer.resize(u32::from_be_bytes(len) as usize, 0);
    reader.read_exact(buffer)?;
    Ok(true)
}

/// A buffered reader and writer on one connected socket.
fn buffered(stream: TcpStream) -> io::Result<(BufReader<TcpStream>, BufWriter<TcpStream>)> {
    stream.set_nodelay(true)?;
    Ok((BufReader::new(stream.try_clone()?), BufWriter::new(stream)))
}

fn raw_ping_pong(n: u64) -> io::Result<u64> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let server = thread::spawn(move || -> io::Result<()> {
        let (mut reader, mut writer) = buffered(listener.accept()?.0)?;
        let mut frame = Vec::new();
        while read_frame(&mut reader, &mut frame)? {
            let ping: u64 = decode(&frame);
            write_frame(&mut writer, &encode(&ping))?;
            writer.flush()?;
        }
        Ok(())
    });
    let (mut reader, mut writer) = buffered(TcpStream::connect(addr)?)?;
    let mut frame = Vec::new();
    let mut sum = 0;
    for i in 0..n {
        write_frame(&mut writer, &encode(&i))?;
        writer.flush()?;
        if !read_frame(&mut reader, &mut frame)? {
            return Err(io::Error::other("the echo server closed the connection"));
        }
        let pong: u64 = decode(&frame);
        absorb(&mut sum, pong);
    }
    drop((reader, writer));
    server.join().expect("the echo server thread")?;
    Ok(sum)
}

fn raw_one_way(n: u64) -> io::Result<u64> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let server = thread::spawn(move || -> io::Result<u64> {
        let (mut reader, _writer) = buffered(listener.accept()?.0)?;
        let mut frame = Vec::new();
        let mut sum = 0;
        let mut count = 0;
        while read_frame(&mut reader, &mut frame)? {
            let message: Six = decode(&frame);
            absorb(&mut sum, message.checksum());
            count += 1;
        }
        assert_eq!(count, n, "the server received every message");
        Ok(sum)
    });
    let (_reader, mut writer) = buffered(TcpStream::connect(addr)?)?;
    for i in 0..n {
        write_frame(&mut writer, &encode(&Six::generate(i)))?;
    }
    writer.flush()?;
    drop(writer);
    drop(_reader);
    server.join().expect("the receiving thread")
}

// ----- tideflow::net -----

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread tokio runtime")
}

/// Starts the echo server on its own thread: returns its address, a handle that stops it when
/// sent to or dropped, and the thread.
fn tideflow_echo_server() -> (SocketAddr, oneshot::Sender<()>, thread::JoinHandle<()>) {
    let (addr_send, addr_recv) = std_mpsc::channel();
    let (stop, stopped) = oneshot::channel::<()>();
    let thread = thread::spawn(move || {
        runtime().block_on(async move {
            let (sink, events, addr) = bind_tcp::<u64>("127.0.0.1:0").await.expect("bind_tcp");
            addr_send
                .send(addr)
                .expect("the client waits for the address");
            let mut server = tideflow::flow! {
                source_stream(events) -> filter_map(NetEvent::into_message) -> dest_sink(sink);
            };
            tokio::select! {
                _ = server.run() => {}
                _ = stopped => {}
            }
        });
    });
    let addr = addr_recv.recv().expect("the echo server starts");
    (addr, stop, thread)
}

fn tideflow_ping_pong(n: u64) -> u64 {
    let (server_addr, stop, server) = tideflow_echo_server();
    let sum = runtime().block_on(async move {
        let (sink, events) = connect_tcp::<u64>().expect("connect_tcp");
        let (done_send, mut done) = mpsc::unbounded_channel::<()>();
        let mut sum = 0;
        let finished = {
            let mut client = tideflow::flow! {
                pings = union() -> map(|i: u64| (i, server_addr)) -> dest_sink(sink);
                source_iter([0u64]) -> pings;
                pongs = source_stream(events)
                    -> filter_map(NetEvent::into_message)
                    -> map(|(i, _server): (u64, SocketAddr)| i)
                    -> tee();
                pongs -> for_each(|i| absorb(&mut sum, i));
                pongs -> filter(|i| i + 1 < n) -> map(|i| i + 1) -> pings;
                pongs -> filter(|i| i + 1 == n) -> for_each(|_| done_send.send(()).unwrap());
            };
            let run = async {
                tokio::select! {
                    _ = client.run() => {}
                    _ = done.recv() => {}
                }
            };
            tokio::time::timeout(TIMEOUT, run).await
        };
        assert!(
            finished.is_ok(),
            "the ping-pong did not finish within {TIMEOUT:?}"
        );
        sum
    });
    let _ = stop.send(());
    server.join().expect("the echo server thread");
    sum
}

fn tideflow_one_way(n: u64) -> u64 {
    let (addr_send, addr_recv) = std_mpsc::channel();
    let (received, mut all_received) = oneshot::channel::<()>();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = thread::spawn(move || -> u64 {
        runtime().block_on(async move {
            let (_sink, events, addr) = bind_tcp::<Six>("127.0.0.1:0").await.expect("bind_tcp");
            addr_send
                .send(addr)
                .expect("the client waits for the address");
            let mut received = Some(received);
            let (mut sum, mut count) = (0, 0);
            {
                let mut server = tideflow::flow! {
                    source_stream(events)
                        -> filter_map(NetEvent::into_message)
                        -> for_each(|(message, _client): (Six, SocketAddr)| {
                            absorb(&mut sum, message.checksum());
                            count += 1;
                            if count == n {
                                if let Some(done) = received.take() {
                                    let _ = done.send(());
                                }
                            }
                        });
                };
                tokio::select! {
                    _ = server.run() => {}
                    _ = stopped => {}
                }
            }
            assert_eq!(count, n, "the server received every message");
            sum
        })
    });
    let server_addr: SocketAddr = addr_recv.recv().expect("the server starts");
    let failures = runtime().block_on(async move {
        let config = NetConfig::default().with_queue_capacity(n as usize + BATCH);
        let (sink, events) = connect_tcp_with::<Six, Bincode>(config).expect("connect_tcp");
        let mut failures = 0;
        let finished = {
            let mut client = tideflow::flow! {
                source_stream(iter_batches_stream((0..n).map(Six::generate), BATCH))
                    -> map(|message| (message, server_addr))
                    -> dest_sink(sink);
                source_stream(events) -> filter(NetEvent::is_failure) -> for_each(|_| failures += 1);
            };
            let run = async {
                tokio::select! {
                    _ = client.run() => {}
                    _ = &mut all_received => {}
                }
            };
            tokio::time::timeout(TIMEOUT, run).await
        };
        assert!(
            finished.is_ok(),
            "the server did not receive all {n} messages within {TIMEOUT:?} \
             ({failures} send failures reported)"
        );
        failures
    });
    let _ = stop.send(());
    let sum = server.join().expect("the server thread");
    assert_eq!(failures, 0, "send failures were reported");
    sum
}
