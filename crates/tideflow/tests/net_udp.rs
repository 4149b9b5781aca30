//! Behaviour of `tideflow::net`'s UDP sockets on real loopback sockets: typed round trips, many
//! peers on one socket, garbage datagrams, refused and failed sends, lines, and runtimes.

mod net_support;

use std::net::SocketAddr;

use net_support::{closed_udp_port, messages, next_event, wait_for};
use serde::{Deserialize, Serialize};
use tideflow::net::{
    bind_udp, bind_udp_bytes, bind_udp_lines, bind_udp_with, serialize_to_bytes, Bytes, NetConfig,
    NetError, NetEvent, RawBytes,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Gossip {
    Put { key: String, value: u64 },
    Ack(u64),
}

#[tokio::test]
async fn typed_messages_round_trip_between_two_sockets() {
    let (a, mut a_events, a_addr) = bind_udp::<Gossip>("127.0.0.1:0").await.unwrap();
    let (b, mut b_events, b_addr) = bind_udp::<Gossip>("127.0.0.1:0").await.unwrap();
    let put = Gossip::Put {
        key: "x".into(),
        value: 1,
    };
    assert!(a.send_to(put.clone(), b_addr));
    assert_eq!(
        next_event(&mut b_events).await,
        NetEvent::Message {
            from: a_addr,
            message: put
        }
    );
    b.send_to(Gossip::Ack(1), a_addr);
    assert_eq!(messages(&mut a_events, 1).await, [(Gossip::Ack(1), b_addr)]);
}

#[tokio::test]
async fn many_peers_on_one_socket_each_get_their_own_replies() {
    let (server, mut server_events, server_addr) = bind_udp::<u32>("127.0.0.1:0").await.unwrap();
    let mut clients = Vec::new();
    for id in 0..5u32 {
        let (sink, events, addr) = bind_udp::<u32>("127.0.0.1:0").await.unwrap();
        sink.send_to(id, server_addr);
        clients.push((id, addr, sink, events));
    }
    let mut requests = messages(&mut server_events, 5).await;
    requests.sort();
    let expected: Vec<(u32, SocketAddr)> =
        clients.iter().map(|(id, addr, ..)| (*id, *addr)).collect();
    assert_eq!(requests, expected);
    for (id, from) in requests {
        server.send_to(id + 100, from);
    }
    for (id, _, _, events) in &mut clients {
        assert_eq!(messages(events, 1).await, [(*id + 100, server_addr)]);
    }
}

#[tokio::test]
async fn a_garbage_datagram_is_a_decode_error_and_the_socket_keeps_working() {
    let (_sink, mut events, addr) = bind_udp::<Gossip>("127.0.0.1:0").await.unwrap();
    let raw = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let raw_addr = raw.local_addr().unwrap();
    raw.send_to(&[0xFF, 0x00, 0x13, 0x37], addr).unwrap();
    raw.send_to(&serialize_to_bytes(&Gossip::Ack(9)).unwrap(), addr)
        .unwrap();
    match next_event(&mut events).await {
        NetEvent::DecodeError { from, error } => {
            assert_eq!(from, raw_addr);
            assert_eq!(error.frame_len, 4);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_eq!(messages(&mut events, 1).await, [(Gossip::Ack(9), raw_addr)]);
}

#[tokio::test]
async fn sending_to_a_closed_port_does_not_disturb_the_socket() {
    // UDP does not say whether a datagram arrived: an unconnected socket hears nothing about a
    // closed port (some systems report it on a later receive, as a `SocketError` event).
    let (sink, mut events, addr) = bind_udp::<u8>("127.0.0.1:0").await.unwrap();
    let nobody = closed_udp_port();
    for n in 0..10 {
        assert!(sink.send_to(n, nobody), "the datagram leaves");
    }
    sink.send_to(42, addr);
    assert_eq!(messages(&mut events, 1).await, [(42, addr)]);
}

#[tokio::test]
async fn a_datagram_too_large_to_send_is_a_send_failure() {
    let (sink, mut events, addr) = bind_udp_bytes("127.0.0.1:0").await.unwrap();
    sink.send_to(Bytes::from(vec![0u8; 70_000]), addr);
    let error = wait_for("the failed send", &mut events, |event| match event {
        NetEvent::SendFailed { to, error } => Some((to, error)),
        _ => None,
    })
    .await;
    assert_eq!(error.0, addr);
    assert!(matches!(error.1, NetError::Io { .. }), "{:?}", error.1);
    sink.send_to(Bytes::from_static(b"small"), addr);
    assert_eq!(
        messages(&mut events, 1).await,
        [(Bytes::from_static(b"small"), addr)]
    );
}

#[tokio::test]
async fn a_full_send_queue_is_reported_per_message() {
    let config = NetConfig::default().with_queue_capacity(1);
    let (sink, mut events, addr) = bind_udp_with::<Bytes, RawBytes>("127.0.0.1:0", config)
        .await
        .unwrap();
    // No yield between the sends: the sending task has not run, so the second does not fit.
    assert!(sink.send_to(Bytes::from_static(b"1"), addr));
    assert!(!sink.send_to(Bytes::from_static(b"2"), addr));
    assert_eq!(
        next_event(&mut events).await,
        NetEvent::SendFailed {
            to: addr,
            error: NetError::QueueFull { capacity: 1 }
        }
    );
    assert_eq!(
        messages(&mut events, 1).await[0].0,
        Bytes::from_static(b"1")
    );
}

#[tokio::test]
async fn lines_work_with_a_plain_udp_client() {
    let (sink, mut events, addr) = bind_udp_lines("127.0.0.1:0").await.unwrap();
    let raw = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let raw_addr = raw.local_addr().unwrap();
    raw.send_to(b"first\r\nsecond\n", addr).await.unwrap();
    let lines = messages(&mut events, 2).await;
    assert_eq!(
        lines,
        [
            ("first".to_string(), raw_addr),
            ("second".to_string(), raw_addr)
        ]
    );
    sink.send_to("reply".into(), raw_addr);
    let mut buffer = [0u8; 64];
    let (len, from) = net_support::within("the reply", raw.recv_from(&mut buffer))
        .await
        .unwrap();
    assert_eq!((&buffer[..len], from), (&b"reply\n"[..], addr));
}

#[test]
fn outside_a_runtime_binding_returns_an_error() {
    let error = futures::executor::block_on(bind_udp::<u8>("127.0.0.1:0")).unwrap_err();
    assert!(error.to_string().contains("tokio runtime"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sockets_work_on_a_multi_thread_runtime() {
    let (a, _a_events, _) = bind_udp::<String>("127.0.0.1:0").await.unwrap();
    let (_b, mut b_events, b_addr) = bind_udp::<String>("127.0.0.1:0").await.unwrap();
    a.send_to("hi".into(), b_addr);
    assert_eq!(messages(&mut b_events, 1).await[0].0, "hi");
}
