//! Behaviour of `tideflow::net`'s TCP sockets on real loopback sockets: typed round trips, many
//! peers, connecting on first use, reconnecting after a restart, garbage on the wire, peers that
//! leave, refused connects, slow peers, and running outside or inside different runtimes.

mod net_support;

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use net_support::{
    closed_tcp_port, connected, fast_retries, messages, next_event, wait_for, within,
};
use serde::{Deserialize, Serialize};
use tideflow::net::{
    bind_tcp, bind_tcp_bytes, bind_tcp_lines, bind_tcp_with, connect_tcp, connect_tcp_with,
    serialize_to_bytes, Bincode, Bytes, Lines, NetConfig, NetError, NetEvent, RawBytes,
};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Message {
    Hello { name: String },
    Number(u64),
}

/// `value` as one length-delimited frame, as a raw client would write it.
fn frame(payload: &[u8]) -> Vec<u8> {
    let mut frame = (payload.len() as u32).to_be_bytes().to_vec();
    frame.extend_from_slice(payload);
    frame
}

// ----- round trips -----

#[tokio::test]
async fn typed_messages_round_trip_between_a_bound_socket_and_a_connecting_sink() {
    let (server, mut server_events, server_addr) =
        bind_tcp::<Message>("127.0.0.1:0").await.unwrap();
    let (client, mut client_events) = connect_tcp::<Message>().unwrap();
    client.send_to(Message::Hello { name: "ada".into() }, server_addr);
    client.send_to(Message::Number(7), server_addr);

    let peer = connected(&mut server_events).await;
    assert_eq!(
        messages(&mut server_events, 2).await,
        [
            (Message::Hello { name: "ada".into() }, peer),
            (Message::Number(7), peer)
        ]
    );
    server.send_to(Message::Number(8), peer);

    assert_eq!(
        next_event(&mut client_events).await,
        NetEvent::Connected { peer: server_addr }
    );
    assert_eq!(
        next_event(&mut client_events).await,
        NetEvent::Message {
            from: server_addr,
            message: Message::Number(8)
        }
    );
}

#[tokio::test]
async fn many_peers_on_one_bound_socket_each_get_their_own_replies() {
    let (server, mut server_events, server_addr) = bind_tcp::<u64>("127.0.0.1:0").await.unwrap();
    let mut clients = Vec::new();
    for id in 0..5u64 {
        let (sink, events) = connect_tcp::<u64>().unwrap();
        sink.send_to(id, server_addr);
        clients.push((id, sink, events));
    }
    let requests = messages(&mut server_events, 5).await;
    let mut peers: Vec<SocketAddr> = requests.iter().map(|(_, peer)| *peer).collect();
    peers.sort();
    peers.dedup();
    assert_eq!(peers.len(), 5, "five connections, five peer addresses");
    for (id, peer) in requests {
        server.send_to(id * 100, peer);
    }
    for (id, _sink, events) in &mut clients {
        assert_eq!(messages(events, 1).await, [(*id * 100, server_addr)]);
    }
}

#[tokio::test]
async fn a_connection_is_opened_on_first_use_and_kept() {
    let (_server, mut server_events, server_addr) = bind_tcp::<u64>("127.0.0.1:0").await.unwrap();
    let (client, mut client_events) = connect_tcp::<u64>().unwrap();
    // Nothing is dialled before the first message.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(futures::poll!(futures::StreamExt::next(&mut server_events)).is_pending());

    for n in 0..20 {
        client.send_to(n, server_addr);
    }
    let mut connections = 0;
    let mut received = Vec::new();
    while received.len() < 20 {
        match next_event(&mut server_events).await {
            NetEvent::Connected { .. } => connections += 1,
            NetEvent::Message { message, .. } => received.push(message),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(connections, 1, "one connection carries every message");
    assert_eq!(received, (0..20).collect::<Vec<_>>(), "in order");
    assert_eq!(
        next_event(&mut client_events).await,
        NetEvent::Connected { peer: server_addr }
    );
}

#[tokio::test]
async fn the_connecting_sink_reconnects_with_backoff_after_the_server_restarts() {
    let (server, mut server_events, addr) = bind_tcp::<String>("127.0.0.1:0").await.unwrap();
    let (client, mut client_events) =
        connect_tcp_with::<String, Bincode>(fast_retries(None)).unwrap();
    client.send_to("before".into(), addr);
    assert_eq!(messages(&mut server_events, 1).await[0].0, "before");

    // The server goes away: dropping both halves closes the listener and its connections.
    drop(server);
    drop(server_events);
    let disconnected = wait_for("the disconnect", &mut client_events, |event| match event {
        NetEvent::Disconnected { peer, .. } => Some(peer),
        _ => None,
    })
    .await;
    assert_eq!(disconnected, addr);
    // A message sent meanwhile waits in the peer's queue while the sink retries.
    client.send_to("during".into(), addr);
    let retry_in = wait_for(
        "a refused reconnect",
        &mut client_events,
        |event| match event {
            NetEvent::ConnectFailed {
                peer,
                error,
                retry_in,
            } => {
                assert_eq!(peer, addr);
                assert_eq!(error.io_kind(), Some(std::io::ErrorKind::ConnectionRefused));
                Some(retry_in)
            }
            _ => None,
        },
    )
    .await;
    assert!(retry_in.is_some(), "it keeps retrying");

    // The server comes back on the same address.
    let (_server, mut server_events, _) = within("the restart", async {
        loop {
            match bind_tcp::<String>(addr).await {
                Ok(bound) => return bound,
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    })
    .await;
    assert_eq!(messages(&mut server_events, 1).await[0].0, "during");
    let reconnected = wait_for("the reconnect", &mut client_events, |event| match event {
        NetEvent::Connected { peer } => Some(peer),
        _ => None,
    })
    .await;
    assert_eq!(reconnected, addr);
}

// ----- failures are events -----

#[tokio::test]
async fn a_garbage_frame_is_a_decode_error_and_the_connection_keeps_working() {
    let (_server, mut events, addr) = bind_tcp::<Message>("127.0.0.1:0").await.unwrap();
    let mut raw = std::net::TcpStream::connect(addr).unwrap();
    let peer = connected(&mut events).await;
    assert_eq!(peer, raw.local_addr().unwrap());

    raw.write_all(&frame(&[0xFF, 0xFF, 0xFF, 0xFF])).unwrap();
    let valid = serialize_to_bytes(&Message::Number(42)).unwrap();
    raw.write_all(&frame(&valid)).unwrap();

    match next_event(&mut events).await {
        NetEvent::DecodeError { from, error } => {
            assert_eq!(from, peer);
            assert_eq!(error.frame_len, 4);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_eq!(
        next_event(&mut events).await,
        NetEvent::Message {
            from: peer,
            message: Message::Number(42)
        }
    );
}

#[tokio::test]
async fn an_oversized_frame_closes_only_that_connection() {
    let config = NetConfig::default().with_max_frame_length(1024);
    let (_server, mut events, addr) = bind_tcp_with::<u64, Bincode>("127.0.0.1:0", config)
        .await
        .unwrap();
    let mut raw = std::net::TcpStream::connect(addr).unwrap();
    let bad_peer = connected(&mut events).await;
    // Not our protocol at all: the "length" is 0x47455420, far over the limit.
    raw.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    assert!(matches!(
        next_event(&mut events).await,
        NetEvent::DecodeError { from, .. } if from == bad_peer
    ));
    match next_event(&mut events).await {
        NetEvent::Disconnected { peer, reason } => {
            assert_eq!(peer, bad_peer);
            assert!(matches!(reason, NetError::Decode(_)), "{reason:?}");
        }
        other => panic!("expected the disconnect, got {other:?}"),
    }

    // The socket still serves others.
    let (client, _client_events) = connect_tcp::<u64>().unwrap();
    client.send_to(5, addr);
    assert_eq!(messages(&mut events, 1).await[0].0, 5);
}

#[tokio::test]
async fn a_peer_that_leaves_is_a_disconnect_and_messages_to_it_fail() {
    let (server, mut events, addr) = bind_tcp::<u64>("127.0.0.1:0").await.unwrap();
    let raw = std::net::TcpStream::connect(addr).unwrap();
    let peer = connected(&mut events).await;
    drop(raw);
    assert_eq!(
        next_event(&mut events).await,
        NetEvent::Disconnected {
            peer,
            reason: NetError::Closed
        }
    );
    assert!(!server.send_to(1, peer), "the message is not queued");
    assert_eq!(
        next_event(&mut events).await,
        NetEvent::SendFailed {
            to: peer,
            error: NetError::NotConnected
        }
    );
    // An address that never connected is just as unknown.
    let stranger = closed_tcp_port();
    server.send_to(2, stranger);
    assert_eq!(
        next_event(&mut events).await,
        NetEvent::SendFailed {
            to: stranger,
            error: NetError::NotConnected
        }
    );
}

#[tokio::test]
async fn a_refused_connect_is_an_event_and_the_sink_gives_up_then_dials_again() {
    let (client, mut events) = connect_tcp_with::<u64, Bincode>(fast_retries(Some(2))).unwrap();
    let nobody = closed_tcp_port();
    client.send_to(1, nobody);
    client.send_to(2, nobody);

    let first = next_event(&mut events).await;
    assert!(
        matches!(&first, NetEvent::ConnectFailed { peer, retry_in: Some(_), error }
            if *peer == nobody && error.io_kind() == Some(std::io::ErrorKind::ConnectionRefused)),
        "{first:?}"
    );
    let second = next_event(&mut events).await;
    assert!(
        matches!(&second, NetEvent::ConnectFailed { retry_in: None, .. }),
        "{second:?}"
    );
    assert_eq!(
        next_event(&mut events).await,
        NetEvent::SendFailed {
            to: nobody,
            error: NetError::Unsent { count: 2 }
        }
    );

    // The sink still works: for other peers, and for this one once it listens.
    let (_server, mut server_events, server_addr) = bind_tcp::<u64>("127.0.0.1:0").await.unwrap();
    client.send_to(3, server_addr);
    assert_eq!(messages(&mut server_events, 1).await[0].0, 3);
    client.send_to(4, nobody);
    let (mut connected_to_server, mut dialled_again) = (false, false);
    while !(connected_to_server && dialled_again) {
        match next_event(&mut events).await {
            NetEvent::Connected { peer } if peer == server_addr => connected_to_server = true,
            NetEvent::ConnectFailed { peer, .. } if peer == nobody => dialled_again = true,
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[tokio::test]
async fn with_a_linger_a_client_that_half_closes_still_gets_its_replies() {
    let config = NetConfig::default().with_linger(Duration::from_millis(300));
    let (server, mut events, addr) = bind_tcp_with::<String, Lines>("127.0.0.1:0", config)
        .await
        .unwrap();
    let mut client = tokio::net::TcpStream::connect(addr).await.unwrap();
    client.write_all(b"question\n").await.unwrap();
    client.shutdown().await.unwrap(); // sends FIN, keeps reading
    let (question, peer) = messages(&mut events, 1).await.remove(0);
    assert_eq!(question, "question");
    assert_eq!(
        next_event(&mut events).await,
        NetEvent::Disconnected {
            peer,
            reason: NetError::Closed
        },
        "the peer is reported gone at once"
    );
    assert!(
        server.send_to("answer".into(), peer),
        "still written while lingering"
    );
    let mut replies = BufReader::new(client).lines();
    let reply = within("the reply", replies.next_line()).await.unwrap();
    assert_eq!(reply.as_deref(), Some("answer"));
    // After the linger the connection is closed, and the peer is unknown.
    assert_eq!(
        within("the close", replies.next_line()).await.unwrap(),
        None
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(!server.send_to("too late".into(), peer));
    assert_eq!(
        next_event(&mut events).await,
        NetEvent::SendFailed {
            to: peer,
            error: NetError::NotConnected
        }
    );
}

#[tokio::test]
async fn a_message_over_the_frame_limit_is_refused_without_breaking_the_connection() {
    let config = NetConfig::default().with_max_frame_length(1024);
    let (_server, mut server_events, addr) = bind_tcp_bytes("127.0.0.1:0").await.unwrap();
    let (client, mut client_events) = connect_tcp_with::<Bytes, RawBytes>(config).unwrap();
    client.send_to(Bytes::from_static(b"first"), addr);
    assert!(!client.send_to(Bytes::from(vec![0; 2000]), addr));
    client.send_to(Bytes::from_static(b"last"), addr);
    assert_eq!(
        next_event(&mut client_events).await,
        NetEvent::SendFailed {
            to: addr,
            error: NetError::FrameTooLarge {
                len: 2000,
                max: 1024
            }
        }
    );
    let mut connections = 0;
    let mut received = Vec::new();
    while received.len() < 2 {
        match next_event(&mut server_events).await {
            NetEvent::Connected { .. } => connections += 1,
            NetEvent::Message { message, .. } => received.push(message),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(connections, 1);
    assert_eq!(
        received,
        [Bytes::from_static(b"first"), Bytes::from_static(b"last")]
    );
}

// ----- backpressure -----

#[tokio::test]
async fn a_slow_peer_does_not_hold_up_messages_to_another_peer() {
    let capacity = 8;
    let config = NetConfig::default().with_queue_capacity(capacity);
    let (server, mut events, addr) = bind_tcp_with::<Bytes, RawBytes>("127.0.0.1:0", config)
        .await
        .unwrap();
    // The slow peer connects and never reads.
    let _slow_client = std::net::TcpStream::connect(addr).unwrap();
    let slow = connected(&mut events).await;
    let (fast_client, mut fast_events) =
        connect_tcp_with::<Bytes, RawBytes>(NetConfig::default()).unwrap();
    fast_client.send_to(Bytes::from_static(b"hello"), addr);
    let fast = messages(&mut events, 1).await[0].1;

    // Fill the slow peer's socket buffers and then its queue.
    let chunk = Bytes::from(vec![0u8; 64 * 1024]);
    within("the slow peer's queue to fill", async {
        while server.queued_for(slow) < capacity {
            server.send_to(chunk.clone(), slow);
            tokio::task::yield_now().await;
        }
    })
    .await;
    server.send_to(chunk.clone(), slow);
    assert_eq!(
        next_event(&mut events).await,
        NetEvent::SendFailed {
            to: slow,
            error: NetError::QueueFull { capacity }
        },
        "a message beyond the slow peer's queue is reported, not waited for"
    );

    // The fast peer gets everything, while the slow peer is still stuck. (Its queue holds 8
    // messages too, so the test lets it drain as a flow's later ticks would.)
    within("sending to the fast peer", async {
        for n in 0..100u32 {
            while server.queued_for(fast) >= capacity {
                tokio::task::yield_now().await;
            }
            assert!(server.send_to(Bytes::from(n.to_string()), fast));
        }
    })
    .await;
    let received = messages(&mut fast_events, 100).await;
    let expected: Vec<Bytes> = (0..100u32).map(|n| Bytes::from(n.to_string())).collect();
    assert_eq!(
        received.into_iter().map(|(m, _)| m).collect::<Vec<_>>(),
        expected
    );
    assert!(server.queued_for(slow) > 0, "the slow peer is still behind");
    assert_eq!(server.queued_for(fast), 0);
}

// ----- lines and bytes -----

#[tokio::test]
async fn lines_work_with_a_plain_tcp_client() {
    let (server, mut events, addr) = bind_tcp_lines("127.0.0.1:0").await.unwrap();
    let client = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (read, mut write) = client.into_split();
    write.write_all(b"one\r\ntwo\n").await.unwrap();
    let lines = messages(&mut events, 2).await;
    assert_eq!(lines[0].0, "one");
    assert_eq!(lines[1].0, "two");
    server.send_to("ONE".into(), lines[0].1);
    server.send_to("TWO".into(), lines[0].1);
    let mut replies = BufReader::new(read).lines();
    let first = within("a reply line", replies.next_line()).await.unwrap();
    let second = within("a reply line", replies.next_line()).await.unwrap();
    assert_eq!(
        (first.as_deref(), second.as_deref()),
        (Some("ONE"), Some("TWO"))
    );
    // A line that is not UTF-8 is a decode error; the next line still arrives.
    write.write_all(b"\xFF\xFE\nthree\n").await.unwrap();
    assert!(matches!(
        next_event(&mut events).await,
        NetEvent::DecodeError { .. }
    ));
    assert_eq!(messages(&mut events, 1).await[0].0, "three");
}

#[tokio::test]
async fn bytes_are_delivered_as_they_are() {
    let (_server, mut events, addr) = bind_tcp_bytes("127.0.0.1:0").await.unwrap();
    let mut raw = tokio::net::TcpStream::connect(addr).await.unwrap();
    raw.write_all(&frame(b"\x00raw\xFF")).await.unwrap();
    raw.write_all(&frame(b"")).await.unwrap();
    let received = messages(&mut events, 2).await;
    assert_eq!(received[0].0, Bytes::from_static(b"\x00raw\xFF"));
    assert_eq!(received[1].0, Bytes::new());
}

// ----- runtimes -----

#[test]
fn outside_a_runtime_the_socket_functions_return_errors() {
    let error = connect_tcp::<u64>().unwrap_err();
    assert!(error.to_string().contains("tokio runtime"), "{error}");
    let error = futures::executor::block_on(bind_tcp::<u64>("127.0.0.1:0")).unwrap_err();
    assert!(error.to_string().contains("tokio runtime"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sockets_work_on_a_multi_thread_runtime() {
    let (server, mut server_events, addr) = bind_tcp::<String>("127.0.0.1:0").await.unwrap();
    let (client, mut client_events) = connect_tcp::<String>().unwrap();
    client.send_to("ping".into(), addr);
    let (message, peer) = messages(&mut server_events, 1).await.remove(0);
    assert_eq!(message, "ping");
    server.send_to("pong".into(), peer);
    assert_eq!(
        messages(&mut client_events, 1).await,
        [("pong".to_string(), addr)]
    );
}

#[tideflow::test]
async fn sockets_work_under_tideflow_test() {
    let (server, mut server_events, addr) = bind_tcp::<u8>("127.0.0.1:0").await.unwrap();
    let (client, mut client_events) = connect_tcp::<u8>().unwrap();
    client.send_to(1, addr);
    let (_, peer) = messages(&mut server_events, 1).await.remove(0);
    server.send_to(2, peer);
    assert_eq!(messages(&mut client_events, 1).await, [(2, addr)]);
}
