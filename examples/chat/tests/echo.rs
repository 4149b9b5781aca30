//! End to end: the real echo server with many concurrent clients, the echo client program, and
//! garbage on the wire.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::Duration;

use support::{echo, start_server, OrPanic, Process, WAIT};

fn echo_server() -> (Process, SocketAddr) {
    start_server(
        "echo server",
        echo(&["--role", "server", "--address", "127.0.0.1:0"]),
    )
}

/// A plain TCP client: sends `lines`, reads as many lines back, returns them.
fn exchange(server: SocketAddr, lines: &[String]) -> Vec<String> {
    let stream = TcpStream::connect(server).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    let mut replies = Vec::new();
    // Interleave: half the lines up front, then one more per reply.
    let (first, rest) = lines.split_at(lines.len() / 2);
    for line in first {
        writeln!(writer, "{line}").unwrap();
    }
    let mut rest = rest.iter();
    while replies.len() < lines.len() {
        if let Some(line) = rest.next() {
            writeln!(writer, "{line}").unwrap();
        }
        let mut reply = String::new();
        reader.read_line(&mut reply).unwrap();
        assert!(!reply.is_empty(), "the server closed the connection");
        replies.push(reply.trim_end_matches(['\n', '\r']).to_string());
    }
    replies
}

#[test]
fn many_concurrent_clients_each_get_their_own_lines_back() {
    let (mut server, address) = echo_server();
    let clients: Vec<_> = (0..32)
        .map(|client| {
            thread::spawn(move || {
                let lines: Vec<String> = (0..100)
                    .map(|n| format!("client {client} line {n} {}", "x".repeat(n)))
                    .collect();
                let replies = exchange(address, &lines);
                if let Some(n) = (0..lines.len()).find(|&n| replies[n] != lines[n]) {
                    panic!(
                        "client {client}, line {n}: sent {:?}, got {:?}",
                        lines[n], replies[n]
                    );
                }
            })
        })
        .collect();
    for client in clients {
        client.join().unwrap();
    }
    assert!(server.is_running(), "{}", server.failure("stopped"));
}

#[test]
fn the_echo_client_prints_the_replies_and_exits_at_the_end_of_input() {
    let (_server, address) = echo_server();
    let address = address.to_string();
    let mut client = Process::spawn(
        "echo client",
        echo(&["--role", "client", "--address", &address]),
    )
    .or_panic();
    client.send_line("hello").or_panic();
    assert_eq!(client.wait_for("hello", WAIT).or_panic(), "hello");
    client.send_bytes(b"two\nlines\n").or_panic();
    client.close_stdin();
    let status = client.wait_exit(WAIT).or_panic();
    client.drain(WAIT);
    assert!(status.success(), "{}", client.failure("failed"));
    assert_eq!(client.stdout_lines(), ["hello", "two", "lines"]);
}

#[test]
fn garbage_does_not_stop_the_echo_server() {
    let (mut server, address) = echo_server();
    // Bytes that are not UTF-8, a line that never ends, and a client that vanishes.
    let mut raw = TcpStream::connect(address).unwrap();
    raw.write_all(b"\xff\xfe\xfd not text\n").unwrap();
    raw.write_all(&[0x80; 4096]).unwrap();
    drop(raw);
    // A client on a connection that had garbage still gets its (valid) lines back.
    let stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let mut writer = stream.try_clone().unwrap();
    writer.write_all(b"\xc3\x28 bad\nfine\n").unwrap();
    let mut reply = String::new();
    BufReader::new(stream).read_line(&mut reply).unwrap();
    assert_eq!(reply, "fine\n");
    thread::sleep(Duration::from_millis(50));
    let lines = vec!["still".to_string(), "echoing".to_string()];
    assert_eq!(exchange(address, &lines), lines);
    assert!(server.is_running(), "{}", server.failure("stopped"));
}

#[test]
fn graph_prints_the_echo_flows() {
    for role in ["server", "client"] {
        let mut process =
            Process::spawn(role, echo(&["--role", role, "--graph", "mermaid"])).or_panic();
        assert!(process.wait_exit(WAIT).or_panic().success());
        process.drain(WAIT);
        let lines = process.stdout_lines();
        assert!(
            lines
                .first()
                .is_some_and(|line| line.starts_with("flowchart")),
            "{}",
            process.failure("did not print a mermaid graph")
        );
        assert!(lines.iter().any(|line| line.contains("dest_sink")));
    }
}
