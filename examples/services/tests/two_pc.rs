//! Two-phase commit as a user runs it: subordinates and a coordinator as real processes on
//! loopback, transactions typed into the coordinator's standard input.

mod support;

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::Command;

use support::Process;

const TWO_PC: &str = env!("CARGO_BIN_EXE_two-pc");

fn subordinate(name: &str, extra: &[&str]) -> (Process, SocketAddr) {
    let mut args = vec!["--role", "subordinate", "--address", "127.0.0.1:0"];
    args.extend(extra);
    let mut process = Process::start(name, TWO_PC, &args);
    let address = process.live_address();
    (process, address)
}

fn coordinator(subordinates: &[SocketAddr], extra: &[&str]) -> Process {
    let list: Vec<String> = subordinates.iter().map(ToString::to_string).collect();
    let list = list.join(",");
    let mut args = vec!["--role", "coordinator", "--subordinates", &list];
    args.extend(extra);
    let mut process = Process::start("coordinator", TWO_PC, &args);
    process.wait_for("the ready line", |line| {
        line.starts_with("coordinator ready")
    });
    process
}

/// Every subordinate's log of `tx`: its vote, then the outcome.
fn expect_log(subordinate: &mut Process, tx: &str, vote: &str, outcome: &str) {
    assert_eq!(subordinate.line(), format!("{tx} prepared {vote}"));
    assert_eq!(subordinate.line(), format!("{tx} {outcome}"));
}

#[test]
fn all_yes_votes_commit_everywhere() {
    let (mut a, a_address) = subordinate("a", &[]);
    let (mut b, b_address) = subordinate("b", &[]);
    let (mut c, c_address) = subordinate("c", &[]);
    let mut coordinator = coordinator(&[a_address, b_address, c_address], &[]);
    coordinator.send("begin T1");
    assert_eq!(coordinator.line(), "T1 committed");
    for subordinate in [&mut a, &mut b, &mut c] {
        expect_log(subordinate, "T1", "yes", "committed");
    }
    // At the end of its input, the coordinator exits once every decision is acknowledged.
    coordinator.close_stdin();
    assert!(coordinator.wait_exit().success());
}

#[test]
fn one_no_vote_aborts_everywhere() {
    let (mut a, a_address) = subordinate("a", &[]);
    let (mut b, b_address) = subordinate("b", &["--vote-no", "T2"]);
    let mut coordinator = coordinator(&[a_address, b_address], &[]);
    coordinator.send("begin T2");
    assert_eq!(
        coordinator.line(),
        format!("T2 aborted ({b_address} voted no)")
    );
    expect_log(&mut a, "T2", "yes", "aborted");
    expect_log(&mut b, "T2", "no", "aborted");

    // The next transaction is unaffected.
    coordinator.send("begin T3");
    assert_eq!(coordinator.line(), "T3 committed");
    expect_log(&mut a, "T3", "yes", "committed");
    expect_log(&mut b, "T3", "yes", "committed");
}

#[test]
fn a_subordinate_that_always_votes_no_aborts_every_transaction() {
    let (mut a, a_address) = subordinate("a", &["--vote", "no"]);
    let mut coordinator = coordinator(&[a_address], &[]);
    for tx in ["T1", "T2"] {
        coordinator.send(&format!("begin {tx}"));
        assert!(coordinator.line().starts_with(&format!("{tx} aborted")));
        expect_log(&mut a, tx, "no", "aborted");
    }
}

#[test]
fn a_dead_subordinate_aborts_the_transaction() {
    let (mut a, a_address) = subordinate("a", &[]);
    let (mut b, b_address) = subordinate("b", &[]);
    b.kill();
    let mut coordinator = coordinator(&[a_address, b_address], &[]);
    coordinator.send("begin T1");
    let decision = coordinator.line();
    assert!(
        decision.starts_with(&format!("T1 aborted ({b_address} failed")),
        "{decision}"
    );
    expect_log(&mut a, "T1", "yes", "aborted");
}

#[test]
fn a_silent_subordinate_times_out() {
    // Something that accepts connections and never answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_address = silent.local_addr().unwrap();
    let (mut a, a_address) = subordinate("a", &[]);
    let mut coordinator = coordinator(&[a_address, silent_address], &["--timeout-ms", "300"]);
    coordinator.send("begin T1");
    let decision = coordinator.line();
    assert!(
        decision.starts_with("T1 aborted (timed out after 300ms waiting for"),
        "{decision}"
    );
    expect_log(&mut a, "T1", "yes", "aborted");
}

#[test]
fn the_coordinator_reads_its_subordinates_from_a_members_file() {
    let (mut a, a_address) = subordinate("a", &[]);
    let (mut b, b_address) = subordinate("b", &[]);
    let dir = tempfile::tempdir().unwrap();
    let members = dir.path().join("members.txt");
    std::fs::write(
        &members,
        format!("# the subordinates\n{a_address}\n{b_address}\n"),
    )
    .unwrap();
    let members = members.to_string_lossy().into_owned();
    let mut coordinator = Process::start(
        "coordinator",
        TWO_PC,
        &["--role", "coordinator", "--members", &members],
    );
    coordinator.wait_for("the ready line", |line| {
        line == "coordinator ready with 2 subordinate(s)"
    });
    coordinator.send("begin T9");
    assert_eq!(coordinator.line(), "T9 committed");
    expect_log(&mut a, "T9", "yes", "committed");
    expect_log(&mut b, "T9", "yes", "committed");
}

#[test]
fn garbage_bytes_do_not_stop_a_subordinate() {
    let (mut a, a_address) = subordinate("a", &[]);
    let mut raw = TcpStream::connect(a_address).unwrap();
    raw.write_all(&3u32.to_be_bytes()).unwrap();
    raw.write_all(b"\x09\x09\x09").unwrap();
    raw.write_all(&u32::MAX.to_be_bytes()).unwrap();
    drop(raw);
    let mut coordinator = coordinator(&[a_address], &[]);
    coordinator.send("begin T1");
    assert_eq!(coordinator.line(), "T1 committed");
    expect_log(&mut a, "T1", "yes", "committed");
    assert!(a.stderr().contains("did not decode"), "{}", a.stderr());
}

#[test]
fn a_coordinator_without_subordinates_is_a_usage_error() {
    let output = Command::new(TWO_PC)
        .args(["--role", "coordinator"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("needs --subordinates"), "{stderr}");
}

#[test]
fn graph_prints_every_roles_flow() {
    for role in ["coordinator", "subordinate"] {
        let output = Command::new(TWO_PC)
            .args(["--role", role, "--graph", "mermaid"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{role}: {output:?}");
        assert!(text.starts_with("flowchart"), "{role}: {text}");
        assert!(text.contains("demux_enum"), "{role}: {text}");
    }
}
