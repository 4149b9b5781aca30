//! End to end: the quickstart demo runs its scripted chat and prints the transcript.

mod support;

use std::process::Command;
use std::time::Duration;

use support::{OrPanic, Process};
use tideflow_example_chat::demo::{SUCCESS_LINE, TRANSCRIPT_HEADING};

/// The lines printed under `--- NAME's screen ---`.
fn screen<'a>(lines: &'a [String], name: &str) -> Vec<&'a str> {
    let heading = format!("--- {name}'s screen ---");
    lines
        .iter()
        .skip_while(|line| **line != heading)
        .skip(1)
        .take_while(|line| !line.is_empty())
        .map(|line| line.trim())
        .collect()
}

#[test]
fn the_demo_runs_a_scripted_chat_and_prints_what_each_client_saw() {
    let mut demo = Process::spawn("demo", Command::new(env!("CARGO_BIN_EXE_demo"))).or_panic();
    let status = demo.wait_exit(Duration::from_secs(30)).or_panic();
    demo.drain(Duration::from_secs(5));
    assert!(status.success(), "{}", demo.failure("failed"));
    let lines = demo.stdout_lines();
    for expected in [TRANSCRIPT_HEADING, "bob quits (standard input ends)"] {
        assert!(
            lines.iter().any(|line| line.contains(expected)),
            "{}",
            demo.failure(&format!("did not print {expected:?}"))
        );
    }
    assert!(
        lines
            .last()
            .is_some_and(|line| line.starts_with(SUCCESS_LINE)),
        "{}",
        demo.failure("did not end with its success line")
    );

    let alice = screen(lines, "alice");
    let bob = screen(lines, "bob");
    let carol = screen(lines, "carol");
    assert!(
        alice[0].starts_with("* connected to 127.0.0.1:"),
        "{alice:?}"
    );
    assert_eq!(
        &alice[1..],
        [
            "* bob joined",
            "* carol joined",
            "bob: hi alice! sorry, I have to run. bye!",
            "* bob left",
            "carol: still here! bye for now."
        ]
    );
    assert_eq!(&bob[1..], ["* carol joined", "alice: hello everyone!"]);
    assert!(
        carol[0].ends_with("as carol; also here: alice, bob"),
        "{carol:?}"
    );
    assert_eq!(
        &carol[1..],
        [
            "alice: hello everyone!",
            "bob: hi alice! sorry, I have to run. bye!",
            "* bob left",
            "alice: bob left. carol, are you still there?",
            "* alice left"
        ]
    );
}
