//! The key-value store as a user runs it: servers, replicas and clients as real processes on
//! loopback, driven through the clients' standard input.

mod support;

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::Command;
use std::time::Duration;

use support::{poll, Process};

const KVS: &str = env!("CARGO_BIN_EXE_kvs");

/// How long replicas get to converge (they gossip every 50 ms in these tests).
const CONVERGENCE: Duration = Duration::from_secs(10);

fn server() -> (Process, SocketAddr) {
    let mut server = Process::start(
        "server",
        KVS,
        &["--role", "server", "--address", "127.0.0.1:0"],
    );
    let address = server.live_address();
    (server, address)
}

fn replica(name: &str, peers: &[SocketAddr]) -> (Process, SocketAddr) {
    let peers: Vec<String> = peers.iter().map(ToString::to_string).collect();
    let peers = peers.join(",");
    let mut args = vec![
        "--role",
        "replica",
        "--address",
        "127.0.0.1:0",
        "--gossip-ms",
        "50",
    ];
    if !peers.is_empty() {
        args.extend(["--peers", &peers]);
    }
    let mut replica = Process::start(name, KVS, &args);
    let address = replica.live_address();
    (replica, address)
}

fn client(name: &str, server: SocketAddr) -> Process {
    Process::start(
        name,
        KVS,
        &["--role", "client", "--address", &server.to_string()],
    )
}

#[test]
fn a_client_puts_and_gets_through_the_server() {
    let (_server, address) = server();
    let mut alice = client("alice", address);
    assert_eq!(alice.ask("put color blue"), "color = blue");
    assert_eq!(alice.ask("get color"), "color = blue");
    assert_eq!(alice.ask("get size"), "size not found");
    assert_eq!(
        alice.ask("put greeting hello world"),
        "greeting = hello world"
    );

    // Another client sees the same store.
    let mut bob = client("bob", address);
    assert_eq!(bob.ask("get greeting"), "greeting = hello world");
    assert_eq!(bob.ask("put color red"), "color = red");
    assert_eq!(alice.ask("get color"), "color = red");

    alice.close_stdin();
    assert!(alice.wait_exit().success());
}

#[test]
fn a_piped_client_answers_every_command_in_order_and_exits() {
    let (_server, address) = server();
    let mut script = client("script", address);
    for line in [
        "get a", "put a 1", "get a", "nonsense", "", "put a 2", "get a",
    ] {
        script.send(line);
    }
    script.close_stdin();
    let answers: Vec<String> = (0..5).map(|_| script.line()).collect();
    // Each command sees exactly the commands before it, even when they arrive together.
    assert_eq!(answers, ["a not found", "a = 1", "a = 1", "a = 2", "a = 2"]);
    assert!(script.wait_exit().success());
    assert!(
        script.stderr().contains("unknown command `nonsense`"),
        "{}",
        script.stderr()
    );
}

#[test]
fn garbage_bytes_do_not_stop_the_server() {
    let (mut server, address) = server();
    // A frame that does not decode, then a length prefix far over the frame limit.
    let mut raw = TcpStream::connect(address).unwrap();
    raw.write_all(&5u32.to_be_bytes()).unwrap();
    raw.write_all(b"\xFF\xFE\xFD\xFC\xFB").unwrap();
    raw.write_all(&[0xFF; 64]).unwrap();
    drop(raw);
    // Text, as if someone pointed `nc` at the port, and a connection that just hangs up.
    let mut text = TcpStream::connect(address).unwrap();
    text.write_all(b"GET / HTTP/1.1\r\nHost: kvs\r\n\r\n")
        .unwrap();
    drop(text);
    drop(TcpStream::connect(address).unwrap());

    let mut user = client("user", address);
    assert_eq!(user.ask("put still alive"), "still = alive");
    assert_eq!(user.ask("get still"), "still = alive");
    assert!(server.is_running());
    assert!(
        server.stderr().contains("did not decode"),
        "{}",
        server.stderr()
    );
}

#[test]
fn a_client_of_an_unreachable_server_exits_with_an_error() {
    // A port that was free a moment ago: nothing listens there.
    let address = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut lost = client("lost", address);
    lost.send("get a");
    let status = lost.wait_exit();
    assert_eq!(status.code(), Some(1));
    assert!(
        lost.stderr().contains("cannot reach the server"),
        "{}",
        lost.stderr()
    );
}

/// Asks every client for `key` until they all answer `expected`; fails with the last answers.
fn wait_until_all_read(clients: &mut [Process], key: &str, expected: &str) {
    let mut last = Vec::new();
    let agreed = poll(CONVERGENCE, || {
        last = clients
            .iter_mut()
            .map(|c| c.ask(&format!("get {key}")))
            .collect();
        last.iter().all(|answer| answer == expected).then_some(())
    });
    assert!(
        agreed.is_some(),
        "replicas did not converge on `{expected}`: {last:?}"
    );
}

#[test]
fn replicas_converge_on_writes_made_at_different_replicas() {
    let (_a, a) = replica("replica a", &[]);
    let (_b, b) = replica("replica b", &[a]);
    let (_c, c) = replica("replica c", &[a]); // learns about b through a
    let mut clients = [
        client("client a", a),
        client("client b", b),
        client("client c", c),
    ];
    assert_eq!(clients[0].ask("put x 1"), "x = 1");
    assert_eq!(clients[1].ask("put y 2"), "y = 2");
    assert_eq!(clients[2].ask("put z 3"), "z = 3");
    for (key, expected) in [("x", "x = 1"), ("y", "y = 2"), ("z", "z = 3")] {
        wait_until_all_read(&mut clients, key, expected);
    }
}

#[test]
fn the_last_writer_wins_on_every_replica() {
    let (_a, a) = replica("replica a", &[]);
    let (_b, b) = replica("replica b", &[a]);
    let (_c, c) = replica("replica c", &[a, b]);
    let mut clients = [
        client("client a", a),
        client("client b", b),
        client("client c", c),
    ];

    // A write made after seeing another one wins over it, wherever it is made.
    assert_eq!(clients[0].ask("put k old"), "k = old");
    wait_until_all_read(&mut clients, "k", "k = old");
    assert_eq!(clients[2].ask("put k new"), "k = new");
    wait_until_all_read(&mut clients, "k", "k = new");

    // Conflicting concurrent writes: every replica ends up with the same one of them.
    assert_eq!(clients[0].ask("put c from-a"), "c = from-a");
    assert_eq!(clients[1].ask("put c from-b"), "c = from-b");
    let mut last = Vec::new();
    let agreed = poll(CONVERGENCE, || {
        last = clients
            .iter_mut()
            .map(|c| c.ask("get c"))
            .collect::<Vec<_>>();
        (last.iter().all(|answer| *answer == last[0])).then(|| last[0].clone())
    });
    let winner = agreed.unwrap_or_else(|| panic!("replicas disagree on c: {last:?}"));
    assert!(
        ["c = from-a", "c = from-b"].contains(&winner.as_str()),
        "{winner}"
    );
}

#[test]
fn a_new_replica_catches_up_and_the_survivors_keep_serving_after_a_crash() {
    let (_a, a) = replica("replica a", &[]);
    let (mut b, b_address) = replica("replica b", &[a]);
    let mut at_b = client("client b", b_address);
    assert_eq!(at_b.ask("put kept yes"), "kept = yes");
    let mut at_a = client("client a", a);
    wait_until_all_read(std::slice::from_mut(&mut at_a), "kept", "kept = yes");
    drop(at_b);
    b.kill();

    // The survivor keeps serving; a new replica joining through it gets the whole store.
    assert_eq!(at_a.ask("put after crash"), "after = crash");
    let (_c, c) = replica("replica c", &[a]);
    let mut at_c = client("client c", c);
    wait_until_all_read(std::slice::from_mut(&mut at_c), "kept", "kept = yes");
    wait_until_all_read(std::slice::from_mut(&mut at_c), "after", "after = crash");
}

#[test]
fn graph_prints_every_roles_flow() {
    for role in ["server", "replica", "client"] {
        for (format, start) in [("mermaid", "flowchart"), ("dot", "digraph")] {
            let output = Command::new(KVS)
                .args(["--role", role, "--graph", format])
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&output.stdout);
            assert!(output.status.success(), "{role} {format}: {output:?}");
            assert!(text.starts_with(start), "{role} {format}: {text}");
        }
    }
}
