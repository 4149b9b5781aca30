//! End to end: a real chat server and real clients, driven through their standard input and
//! read from their standard output, on free loopback ports.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use support::{chat, chat_client, chat_server, OrPanic, Process, WAIT};

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
fn a_line_typed_into_one_client_appears_at_the_other() {
    let (_server, address) = chat_server();
    let mut alice = chat_client("alice", address);
    let mut bob = chat_client("bob", address);
    alice.wait_for("* bob joined", WAIT).or_panic();

    alice.send_line("hello").or_panic();
    assert_eq!(bob.wait_for("hello", WAIT).or_panic(), "alice: hello");
    bob.send_line("hi alice").or_panic();
    assert_eq!(alice.wait_for("hi alice", WAIT).or_panic(), "bob: hi alice");

    // Nobody is shown their own lines.
    alice.close_stdin();
    bob.close_stdin();
    for client in [&mut alice, &mut bob] {
        assert!(client.wait_exit(WAIT).or_panic().success());
        client.drain(WAIT);
        let own = format!("{}: ", client.name());
        assert!(
            !client
                .stdout_lines()
                .iter()
                .any(|line| line.starts_with(&own)),
            "{}",
            client.failure("was shown its own line")
        );
    }
}

#[test]
fn a_client_that_quits_or_is_killed_does_not_disturb_the_rest() {
    let (mut server, address) = chat_server();
    let mut alice = chat_client("alice", address);
    let mut bob = chat_client("bob", address);
    let mut carol = chat_client("carol", address);
    let mut dave = chat_client("dave", address);
    alice.wait_for("* dave joined", WAIT).or_panic();
    say(
        &mut alice,
        "hello all",
        &mut [&mut bob, &mut carol, &mut dave],
    );

    // bob's last line, typed just before his input ends, still reaches the others.
    bob.send_line("bye now").or_panic();
    bob.close_stdin();
    assert!(bob.wait_exit(WAIT).or_panic().success());
    for client in [&mut alice, &mut carol, &mut dave] {
        client
            .wait_for_line("\"bob: bye now\"", WAIT, |line| line == "bob: bye now")
            .or_panic();
        client.wait_for("* bob left", WAIT).or_panic();
    }

    // dave is killed: the server sees his connection end.
    dave.kill();
    alice.wait_for("* dave left", WAIT).or_panic();
    carol.wait_for("* dave left", WAIT).or_panic();

    // The rest go on, and newcomers are welcome.
    say(&mut alice, "still here?", &mut [&mut carol]);
    say(&mut carol, "yes", &mut [&mut alice]);
    let mut erin = chat_client("erin", address);
    say(&mut erin, "hi, I'm new", &mut [&mut alice, &mut carol]);
    assert!(server.is_running(), "{}", server.failure("stopped"));
}

#[test]
fn clients_that_connect_at_once_each_hear_of_every_other_exactly_once() {
    let (_server, address) = chat_server();
    let address = address.to_string();
    let names = ["ann", "ben", "cat", "dov", "eve"];
    // Start them all before waiting for any: their introductions arrive together.
    let mut clients: Vec<Process> = names
        .iter()
        .map(|name| {
            let command = chat(&["--role", "client", "--name", name, "--address", &address]);
            Process::spawn(name, command).or_panic()
        })
        .collect();
    for client in &mut clients {
        // The welcome comes first and names those already here; the rest arrive later.
        let welcome = client.wait_for_line("at all", WAIT, |_| true).or_panic();
        let also_here = welcome
            .split_once("also here: ")
            .map_or(Vec::new(), |(_, names)| names.split(", ").collect());
        let mut heard: Vec<String> = also_here.iter().map(|name| name.to_string()).collect();
        assert!(
            welcome.starts_with("* connected"),
            "{}",
            client.failure("was not welcomed first")
        );
        while heard.len() < names.len() - 1 {
            let line = client.wait_for(" joined", WAIT).or_panic();
            let name = line.trim_start_matches("* ").trim_end_matches(" joined");
            heard.push(name.to_string());
        }
        heard.sort();
        let mut others: Vec<&str> = names
            .iter()
            .copied()
            .filter(|name| *name != client.name())
            .collect();
        others.sort();
        assert_eq!(
            heard,
            others,
            "{}",
            client.failure("heard of the others wrongly")
        );
    }
}

#[test]
fn garbage_bytes_do_not_stop_the_server() {
    let (mut server, address) = chat_server();
    let mut alice = chat_client("alice", address);
    let mut bob = chat_client("bob", address);
    alice.wait_for("* bob joined", WAIT).or_panic();

    // Deterministic noise: several kilobytes from a linear congruential generator.
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let noise: Vec<u8> = (0..8192)
        .map(|_| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 56) as u8
        })
        .collect();
    let frames: [&[u8]; 5] = [
        &noise,                                  // random bytes: some length, then junk
        &[0xff, 0xff, 0xff, 0xff, 1, 2, 3],      // a 4 GiB length prefix
        &[0, 0, 0, 3, 0xff, 0xfe, 0xfd],         // a small frame that does not decode
        &[0, 0, 0, 40, 1, 2],                    // a frame cut short by the close
        b"GET / HTTP/1.1\r\nHost: chat\r\n\r\n", // the wrong protocol altogether
    ];
    for frame in frames {
        let mut raw = TcpStream::connect(address).unwrap();
        raw.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        // The server may close the connection on us: that is fine.
        let _ = raw.write_all(frame);
        let _ = raw.read(&mut [0; 64]);
    }

    assert!(server.is_running(), "{}", server.failure("stopped"));
    say(&mut alice, "did you see that noise?", &mut [&mut bob]);
    say(&mut bob, "what noise?", &mut [&mut alice]);
    let mut carol = chat_client("carol", address);
    say(&mut carol, "all good here", &mut [&mut alice, &mut bob]);
    assert!(server.is_running(), "{}", server.failure("stopped"));
}

#[test]
fn a_client_whose_server_is_unreachable_says_so_and_exits() {
    // A port that nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string();
    let command = chat(&["--role", "client", "--name", "alice", "--address", &closed]);
    let mut alice = Process::spawn("alice", command).or_panic();
    let status = alice.wait_exit(Duration::from_secs(25)).or_panic();
    alice.drain(WAIT);
    assert_eq!(status.code(), Some(1), "{}", alice.failure("exited"));
    assert!(
        alice
            .stderr_lines()
            .iter()
            .any(|line| line.contains("cannot reach the chat server")),
        "{}",
        alice.failure("did not say why it stopped")
    );
}

#[test]
fn graph_prints_each_roles_flow() {
    for (role, format, start) in [
        ("server", "mermaid", "flowchart"),
        ("client", "mermaid", "flowchart"),
        ("cluster-server", "mermaid", "flowchart"),
        ("server", "dot", "digraph"),
    ] {
        let command = chat(&["--role", role, "--graph", format]);
        let mut process = Process::spawn(role, command).or_panic();
        assert!(process.wait_exit(WAIT).or_panic().success());
        process.drain(WAIT);
        let lines = process.stdout_lines();
        assert!(
            lines.first().is_some_and(|line| line.starts_with(start)),
            "{}",
            process.failure(&format!("did not print a {format} graph"))
        );
        let operators = match role {
            "client" => ["source_stream", "demux_enum", "dest_sink"],
            _ => ["source_stream", "cross_singleton", "dest_sink"],
        };
        for operator in operators {
            assert!(
                lines.iter().any(|line| line.contains(operator)),
                "{}",
                process.failure(&format!("drew no {operator}"))
            );
        }
    }
}
