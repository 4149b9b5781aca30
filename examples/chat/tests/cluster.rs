//! End to end: a chat cluster of three real server processes, with clients on different
//! servers; one server is killed and the others go on. Also: gossip that arrives twice and out
//! of order shows each line once.

mod support;

use std::collections::BTreeSet;
use std::io::Write;
use std::net::{SocketAddr, TcpStream};

use support::{chat, chat_client, start_server, OrPanic, Process, WAIT};
use tideflow::net::serialize_to_bytes;
use tideflow_example_chat::protocol::{ChatEntry, Gossip, Message, ServerId};
use tideflow_lattices::{Merge, SetUnionBTreeSet, SetUnionSingletonSet};

/// Starts a cluster server on a free port, contacting `peers`.
fn cluster_server(name: &str, peers: &[SocketAddr]) -> (Process, SocketAddr) {
    let peers: Vec<String> = peers.iter().map(SocketAddr::to_string).collect();
    let mut args = vec!["--role", "cluster-server", "--address", "127.0.0.1:0"];
    let peers = peers.join(",");
    if !peers.is_empty() {
        args.extend(["--peers", &peers]);
    }
    start_server(name, chat(&args))
}

/// Starts three cluster servers (the second and third know only the first) and waits until
/// each knows all three.
fn three_servers() -> [(Process, SocketAddr); 3] {
    let one = cluster_server("server 1", &[]);
    let two = cluster_server("server 2", &[one.1]);
    let three = cluster_server("server 3", &[one.1]);
    let mut servers = [one, two, three];
    let addresses: BTreeSet<SocketAddr> = servers.iter().map(|(_, address)| *address).collect();
    for (server, _) in &mut servers {
        let mut known = BTreeSet::new();
        while known != addresses {
            let line = server.wait_for("Cluster member: ", WAIT).or_panic();
            let member = line["Cluster member: ".len()..]
                .parse::<SocketAddr>()
                .unwrap();
            known.insert(member);
        }
    }
    servers
}

/// `speaker` types `text`; every one of `listeners` shows `speaker: text`.
fn say(speaker: &mut Process, text: &str, listeners: &mut [&mut Process]) {
    speaker.send_line(text).or_panic();
    let expected = format!("{}: {text}", speaker.name());
    for listener in listeners {
        listener
            .wait_for_line(&format!("{expected:?}"), WAIT, |line| line == expected)
            .or_panic();
    }
}

#[test]
fn clients_on_different_servers_chat_and_survive_a_server_stopping() {
    let [(mut one, one_addr), (mut two, two_addr), (mut three, three_addr)] = three_servers();
    let mut alice = chat_client("alice", one_addr);
    let mut bob = chat_client("bob", two_addr);
    let mut carol = chat_client("carol", three_addr);
    let mut dan = chat_client("dan", two_addr);

    say(
        &mut alice,
        "hello from server one",
        &mut [&mut bob, &mut carol, &mut dan],
    );
    say(
        &mut bob,
        "two here",
        &mut [&mut alice, &mut carol, &mut dan],
    );
    say(
        &mut carol,
        "and three",
        &mut [&mut alice, &mut bob, &mut dan],
    );

    // Stop the first server, the one the others were told about: they know each other now.
    one.kill();
    alice.wait_for("* lost the connection", WAIT).or_panic();
    for server in [&mut two, &mut three] {
        server
            .wait_for(&format!("Peer {one_addr} down"), WAIT)
            .or_panic();
    }
    say(&mut bob, "one is gone", &mut [&mut carol, &mut dan]);
    say(&mut carol, "we carry on", &mut [&mut bob, &mut dan]);
    assert!(two.is_running(), "{}", two.failure("stopped"));
    assert!(three.is_running(), "{}", three.failure("stopped"));
}

#[test]
fn gossip_that_arrives_twice_and_out_of_order_shows_each_line_once() {
    let [(_one, one_addr), (_two, two_addr), (_three, three_addr)] = three_servers();
    let mut bob = chat_client("bob", two_addr);
    let mut carol = chat_client("carol", three_addr);

    // A made-up server sends server two the same two lines three times, in both orders.
    let origin = ServerId {
        addr: "127.0.0.1:9".parse().unwrap(),
        incarnation: 1,
    };
    let entry = |seq: u64, text: &str| ChatEntry {
        origin,
        seq,
        name: "zed".into(),
        text: text.into(),
    };
    let gossip = |entries: Vec<ChatEntry>| {
        let mut log = SetUnionBTreeSet::default();
        for entry in entries {
            log.merge(SetUnionSingletonSet::singleton(entry));
        }
        let message = Message::Gossip(Gossip {
            servers: SetUnionBTreeSet::default(),
            entries: log,
        });
        let payload = serialize_to_bytes(&message).unwrap();
        let mut frame = (payload.len() as u32).to_be_bytes().to_vec();
        frame.extend_from_slice(&payload);
        frame
    };
    let (first, second) = (entry(0, "first"), entry(1, "second"));
    let mut raw = TcpStream::connect(two_addr).unwrap();
    raw.write_all(&gossip(vec![second.clone()])).unwrap();
    raw.write_all(&gossip(vec![first.clone(), second.clone()]))
        .unwrap();
    raw.write_all(&gossip(vec![first])).unwrap();

    // Both lines reach bob, on server two, and carol, on server three (server two forwards
    // what is new to it), in the order they arrived: second, then first...
    for client in [&mut bob, &mut carol] {
        let mut missing = BTreeSet::from(["zed: first", "zed: second"]);
        while !missing.is_empty() {
            let what = format!("among {missing:?}");
            let line = client
                .wait_for_line(&what, WAIT, |line| missing.contains(line))
                .or_panic();
            missing.remove(line.as_str());
        }
    }
    // ...once each: by the time later lines arrive, no copy has.
    say(&mut carol, "over", &mut [&mut bob]);
    let mut alice = chat_client("alice", one_addr);
    say(&mut bob, "over again", &mut [&mut carol, &mut alice]);
    for client in [&mut bob, &mut carol] {
        let lines = client.stdout_lines();
        for text in ["first", "second"] {
            let expected = format!("zed: {text}");
            let shown = lines.iter().filter(|line| **line == expected).count();
            assert_eq!(
                shown,
                1,
                "{}",
                client.failure(&format!("showed `{expected}` {shown} times"))
            );
        }
    }
    drop(raw);
}
