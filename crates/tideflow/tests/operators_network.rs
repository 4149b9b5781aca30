//! Flows talking over `tideflow::net`: two flows in one process exchanging messages through
//! `source_stream` / `dest_sink` on typed sockets and through `source_stream_serde` /
//! `dest_sink_serde` on byte sockets, and flows observing connections, disconnections and
//! garbage as data.

mod net_support;

use std::io::Write;
use std::net::SocketAddr;

use futures::StreamExt;
use net_support::within;
use serde::{Deserialize, Serialize};
use tideflow::net::{
    bind_tcp, bind_tcp_bytes, bind_udp_bytes, connect_tcp, connect_tcp_bytes, serialize_to_bytes,
    NetEvent,
};
use tideflow::util::unbounded_channel;
use tideflow::Flow;
use tokio_stream::wrappers::UnboundedReceiverStream;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Arithmetic {
    Add(i64, i64),
    Sum(i64),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Ball {
    Ping(u32),
    Pong(u32),
}

/// Runs `flows` until `output` has yielded `count` items, and returns them.
async fn run_until<T>(
    flows: &mut [&mut Flow<'_>],
    output: UnboundedReceiverStream<T>,
    count: usize,
) -> Vec<T> {
    let running = futures::future::join_all(flows.iter_mut().map(|flow| flow.run()));
    within("the flows' output", async {
        tokio::select! {
            _ = running => unreachable!("flows run forever"),
            items = output.take(count).collect::<Vec<_>>() => items,
        }
    })
    .await
}

#[tideflow::test]
async fn two_flows_exchange_typed_messages_over_tcp() {
    let (server_sink, server_events, server_addr) =
        bind_tcp::<Arithmetic>("127.0.0.1:0").await.unwrap();
    let mut server = tideflow::flow! {
        source_stream(server_events)
            -> filter_map(NetEvent::into_message)
            -> filter_map(|(request, from)| match request {
                Arithmetic::Add(a, b) => Some((Arithmetic::Sum(a + b), from)),
                Arithmetic::Sum(_) => None,
            })
            -> dest_sink(server_sink);
    };
    let (client_sink, client_events) = connect_tcp::<Arithmetic>().unwrap();
    let (sums_send, sums) = unbounded_channel::<(Arithmetic, SocketAddr)>();
    let mut client = tideflow::flow! {
        source_iter([(1, 2), (30, 40), (-5, 5)])
            -> map(|(a, b)| (Arithmetic::Add(a, b), server_addr))
            -> dest_sink(client_sink);
        source_stream(client_events)
            -> filter_map(NetEvent::into_message)
            -> for_each(move |reply| sums_send.send(reply).unwrap());
    };
    let replies = run_until(&mut [&mut server, &mut client], sums, 3).await;
    assert_eq!(
        replies,
        [
            (Arithmetic::Sum(3), server_addr),
            (Arithmetic::Sum(70), server_addr),
            (Arithmetic::Sum(0), server_addr)
        ]
    );
}

#[tideflow::test]
async fn two_flows_play_ping_pong_with_the_serde_operators_over_udp() {
    let (a_out, a_in, _) = bind_udp_bytes("127.0.0.1:0").await.unwrap();
    let (b_out, b_in, b_addr) = bind_udp_bytes("127.0.0.1:0").await.unwrap();
    // B answers every ping with a pong to its sender.
    let mut b = tideflow::flow! {
        source_stream_serde::<Ball>(b_in)
            -> filter_map(NetEvent::into_message)
            -> filter_map(|(ball, from)| match ball {
                Ball::Ping(n) => Some((Ball::Pong(n), from)),
                Ball::Pong(_) => None,
            })
            -> dest_sink_serde(b_out);
    };
    // A serves three pings and records the pongs.
    let (pongs_send, pongs) = unbounded_channel::<(Ball, SocketAddr)>();
    let mut a = tideflow::flow! {
        source_iter(1..=3) -> map(|n| (Ball::Ping(n), b_addr)) -> dest_sink_serde(a_out);
        source_stream_serde(a_in)
            -> filter_map(NetEvent::into_message)
            -> for_each(move |pong: (Ball, SocketAddr)| pongs_send.send(pong).unwrap());
    };
    let mut received = run_until(&mut [&mut a, &mut b], pongs, 3).await;
    received.sort_by_key(|(ball, _)| format!("{ball:?}"));
    assert_eq!(
        received,
        [
            (Ball::Pong(1), b_addr),
            (Ball::Pong(2), b_addr),
            (Ball::Pong(3), b_addr)
        ]
    );
}

#[tideflow::test]
async fn the_serde_operators_work_over_tcp_bytes_and_report_garbage_as_data() {
    let (server_out, server_in, server_addr) = bind_tcp_bytes("127.0.0.1:0").await.unwrap();
    let (log_send, log) = unbounded_channel::<String>();
    // The server doubles numbers and logs what it sees, failures included.
    let mut server = tideflow::flow! {
        events = source_stream_serde::<u64>(server_in) -> tee();
        events -> filter_map(NetEvent::into_message) -> map(|(n, from)| (n * 2, from))
            -> dest_sink_serde(server_out);
        events -> filter_map(|event| match event {
                NetEvent::Message { message, .. } => Some(format!("message {message}")),
                NetEvent::DecodeError { .. } => Some("decode error".to_string()),
                _ => None,
            })
            -> for_each(|line| {
                // The log is read only for the first part of the test.
                let _ = log_send.send(line);
            });
    };
    // A raw client sends garbage, then a valid frame, on one connection.
    let mut raw = std::net::TcpStream::connect(server_addr).unwrap();
    let valid = serialize_to_bytes(&21u64).unwrap();
    for payload in [&b"\xFF\xFF\xFF"[..], &valid] {
        raw.write_all(&(payload.len() as u32).to_be_bytes())
            .unwrap();
        raw.write_all(payload).unwrap();
    }
    let seen = run_until(&mut [&mut server], log, 2).await;
    assert_eq!(seen, ["decode error", "message 21"]);

    // A client flow with the serde pair on a connecting byte sink gets its doubled numbers.
    let (client_out, client_in) = connect_tcp_bytes().unwrap();
    let (doubled_send, doubled) = unbounded_channel::<u64>();
    let mut client = tideflow::flow! {
        source_iter([5u64, 6]) -> map(|n| (n, server_addr)) -> dest_sink_serde(client_out);
        source_stream_serde::<u64>(client_in)
            -> filter_map(NetEvent::into_message)
            -> for_each(move |(n, _)| doubled_send.send(n).unwrap());
    };
    let doubled = run_until(&mut [&mut server, &mut client], doubled, 2).await;
    assert_eq!(doubled, [10, 12]);
}

#[tideflow::test]
async fn a_flow_sees_connections_messages_and_disconnections_in_order() {
    let (_sink, events, addr) = bind_tcp::<u32>("127.0.0.1:0").await.unwrap();
    let (log_send, log) = unbounded_channel::<String>();
    let mut server = tideflow::flow! {
        source_stream(events)
            -> map(|event| match event {
                NetEvent::Connected { .. } => "connected".to_string(),
                NetEvent::Message { message, .. } => format!("message {message}"),
                NetEvent::Disconnected { reason, .. } => format!("disconnected: {reason}"),
                other => format!("{other:?}"),
            })
            -> for_each(|line| log_send.send(line).unwrap());
    };
    let mut raw = std::net::TcpStream::connect(addr).unwrap();
    let payload = serialize_to_bytes(&7u32).unwrap();
    raw.write_all(&(payload.len() as u32).to_be_bytes())
        .unwrap();
    raw.write_all(&payload).unwrap();
    drop(raw);
    let seen = run_until(&mut [&mut server], log, 3).await;
    assert_eq!(
        seen,
        [
            "connected",
            "message 7",
            "disconnected: the peer closed the connection"
        ]
    );
}
