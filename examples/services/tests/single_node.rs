//! The single-node transducers as a user runs them: the binary on small files.

use std::process::{Command, Output};

const SINGLE_NODE: &str = env!("CARGO_BIN_EXE_single-node");

fn run(args: &[&str]) -> Output {
    Command::new(SINGLE_NODE).args(args).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn reachability_follows_edges_around_a_cycle() {
    let dir = tempfile::tempdir().unwrap();
    let edges = dir.path().join("edges.txt");
    std::fs::write(
        &edges,
        "# a cycle a -> b -> c -> a, an exit to d, and an unreachable pair\n\
         a b\nb c\nc a\nc d\n\nx y\ny a\n",
    )
    .unwrap();
    let edges = edges.to_string_lossy().into_owned();

    let output = run(&["--role", "reachability", "--edges", &edges, "--from", "b"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "a\nb\nc\nd\n");

    // A node with no outgoing edges reaches only itself.
    let output = run(&["--role", "reachability", "--edges", &edges, "--from", "d"]);
    assert_eq!(stdout(&output), "d\n");
}

#[test]
fn word_count_counts_words_sorted() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("text.txt");
    std::fs::write(
        &input,
        "The cat sat on the mat.\nThe cat's hat -- THE END\n",
    )
    .unwrap();
    let input = input.to_string_lossy().into_owned();
    let output = run(&["--role", "word-count", "--input", &input]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "cat 1\ncat's 1\nend 1\nhat 1\nmat 1\non 1\nsat 1\nthe 4\n"
    );
}

#[test]
fn a_missing_file_is_an_error_message_and_exit_code_1() {
    for args in [
        &["--role", "word-count", "--input", "does/not/exist.txt"][..],
        &[
            "--role",
            "reachability",
            "--edges",
            "does/not/exist.txt",
            "--from",
            "a",
        ],
    ] {
        let output = run(args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert_eq!(
            stderr(&output),
            "single-node: cannot read `does/not/exist.txt`: No such file or directory (os error 2)\n"
        );
        assert_eq!(stdout(&output), "");
    }
}

#[test]
fn a_malformed_edge_list_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let edges = dir.path().join("edges.txt");
    std::fs::write(&edges, "a b\na b c\n").unwrap();
    let edges = edges.to_string_lossy().into_owned();
    let output = run(&["--role", "reachability", "--edges", &edges, "--from", "a"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        format!("single-node: {edges}:2: expected an edge `FROM TO`, found `a b c`\n")
    );
}

#[test]
fn missing_arguments_are_usage_errors() {
    let output = run(&["--role", "reachability", "--from", "a"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--edges FILE"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn graph_prints_the_flow() {
    let output = run(&["--role", "reachability", "--graph", "mermaid"]);
    assert!(output.status.success());
    let text = stdout(&output);
    assert!(
        text.contains("fixpoint"),
        "the recursion is a fixpoint loop: {text}"
    );
    let output = run(&["--role", "word-count", "--graph", "dot"]);
    assert!(stdout(&output).starts_with("digraph"));
}
