//! Behaviour of the I/O operators: `source_file`, `source_json`, `source_stdin` (through a child
//! process) and `dest_file`. Files live in temporary directories. I/O errors are items or counted
//! log messages, never panics.

use std::io::{ErrorKind, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tideflow::util::{collect_ready, unbounded_channel};
use tideflow::Flow;

/// Runs `flow` until `count` items arrive on `recv`. The timeout only guards against a hang.
async fn run_until<T>(
    flow: &mut Flow<'_>,
    recv: impl Stream<Item = T> + Unpin,
    count: usize,
) -> Vec<T> {
    let collect = recv.take(count).collect::<Vec<T>>();
    let items = tokio::select! {
        _ = flow.run() => unreachable!("run() never returns"),
        items = collect => items,
    };
    assert_eq!(items.len(), count, "the channel closed early");
    items
}

/// Runs `flow` until the file at `path` reads `expected`, and returns what it read last.
async fn run_until_file_reads(flow: &mut Flow<'_>, path: &Path, expected: &str) -> String {
    let wait = async {
        let mut text = String::new();
        for _ in 0..2000 {
            text = tokio::fs::read_to_string(path).await.unwrap_or_default();
            if text == expected {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        text
    };
    tokio::select! {
        _ = flow.run() => unreachable!("run() never returns"),
        text = wait => text,
    }
}

/// The item's line, or its error kind.
type Line = Result<String, ErrorKind>;

fn ok(line: &str) -> Line {
    Ok(line.to_string())
}

// ----- source_file -----

#[tideflow::test]
async fn source_file_emits_every_line_without_line_endings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lines.txt");
    std::fs::write(&path, "alpha\r\nbeta\n\nno newline at the end").unwrap();
    let (send, recv) = unbounded_channel::<Line>();
    let mut flow = tideflow::flow! {
        source_file(&path) -> map(|line| line.map_err(|e| e.kind())) -> for_each(|line| send.send(line).unwrap());
    };
    let lines = run_until(&mut flow, recv, 4).await;
    assert_eq!(
        lines,
        [ok("alpha"), ok("beta"), ok(""), ok("no newline at the end")]
    );
}

#[tideflow::test]
async fn source_file_turns_a_non_utf8_line_into_an_error_item_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed.txt");
    std::fs::write(&path, b"one\n\xC3\x28\nthree\n").unwrap();
    let (send, recv) = unbounded_channel::<Result<String, String>>();
    let mut flow = tideflow::flow! {
        source_file(path.clone()) -> map(|line| line.map_err(|e| e.to_string())) -> for_each(|line| send.send(line).unwrap());
    };
    let lines = run_until(&mut flow, recv, 3).await;
    assert_eq!(lines[0], Ok("one".to_string()));
    let error = lines[1].as_ref().unwrap_err();
    assert!(
        error.starts_with(&format!("{}:2: ", path.display())),
        "the error names the file and line: {error}"
    );
    assert_eq!(lines[2], Ok("three".to_string()));
}

#[tideflow::test]
async fn source_file_that_cannot_be_opened_is_one_error_item() {
    let dir = tempfile::tempdir().unwrap();
    let (send, recv) = unbounded_channel::<Line>();
    let mut flow = tideflow::flow! {
        source_file(dir.path().join("missing.txt"))
            -> map(|line| line.map_err(|e| e.kind()))
            -> for_each(|line| send.send(line).unwrap());
    };
    let lines = run_until(&mut flow, recv, 1).await;
    assert_eq!(lines, [Err(ErrorKind::NotFound)]);
    // Nothing more comes, and the flow keeps running.
    flow.run_available().await;
}

#[tideflow::test]
async fn source_file_lines_feed_the_rest_of_the_flow_across_ticks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("numbers.txt");
    let numbers: String = (1..=500).map(|n| format!("{n}\n")).collect();
    std::fs::write(&path, numbers).unwrap();
    let (send, recv) = unbounded_channel::<u64>();
    let mut flow = tideflow::flow! {
        source_file(path)
            -> filter_map(|line| line.ok()?.parse::<u64>().ok())
            -> fold::<'static>(|| 0, |sum: &mut u64, n| *sum += n)
            -> filter(|sum| *sum == 125_250)
            -> for_each(|sum| send.send(sum).unwrap());
    };
    assert_eq!(run_until(&mut flow, recv, 1).await, [125_250]);
}

#[test]
fn source_file_without_a_runtime_emits_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lines.txt");
    std::fs::write(&path, "a\n").unwrap();
    let (send, mut recv) = unbounded_channel::<Line>();
    let mut flow = tideflow::flow! {
        source_file(path) -> map(|line| line.map_err(|e| e.kind())) -> for_each(|line| send.send(line).unwrap());
    };
    flow.run_available_sync();
    flow.run_tick_sync();
    assert_eq!(collect_ready::<Vec<_>, _>(&mut recv), Vec::<Line>::new());
}

// ----- source_json -----

#[derive(serde::Deserialize, Debug, PartialEq)]
struct Peer {
    id: u32,
    address: String,
}

#[test]
fn source_json_emits_the_parsed_value_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("peers.json");
    std::fs::write(
        &path,
        r#"[{"id": 1, "address": "a:1"}, {"id": 2, "address": "b:2"}]"#,
    )
    .unwrap();
    let (send, mut recv) = unbounded_channel::<(u64, Peer)>();
    let mut flow = tideflow::flow! {
        source_json::<Vec<Peer>>(path)
            -> flat_map(|peers| peers.unwrap())
            -> map(|peer| (context.current_tick(), peer))
            -> for_each(|pair| send.send(pair).unwrap());
    };
    flow.run_available_sync();
    flow.run_tick_sync();
    assert_eq!(
        collect_ready::<Vec<_>, _>(&mut recv),
        [
            (
                0,
                Peer {
                    id: 1,
                    address: "a:1".into()
                }
            ),
            (
                0,
                Peer {
                    id: 2,
                    address: "b:2".into()
                }
            )
        ]
    );
}

#[test]
fn source_json_infers_the_type_from_its_use() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("value.json");
    std::fs::write(&path, r#"{"answer": 42}"#).unwrap();
    let (send, mut recv) = unbounded_channel::<std::io::Result<serde_json::Value>>();
    let mut flow = tideflow::flow! {
        source_json(path) -> for_each(|value| send.send(value).unwrap());
    };
    flow.run_available_sync();
    let values = collect_ready::<Vec<_>, _>(&mut recv);
    assert_eq!(values[0].as_ref().unwrap()["answer"], 42);
}

#[test]
fn source_json_read_and_parse_errors_are_error_items() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"id": "not a number", "address": "x"}"#).unwrap();
    let truncated = dir.path().join("truncated.json");
    std::fs::write(&truncated, r#"{"id": 1, "#).unwrap();
    let missing = dir.path().join("missing.json");
    let (send, mut recv) = unbounded_channel::<(u8, ErrorKind)>();
    let mut flow = tideflow::flow! {
        errors = union() -> for_each(|pair| send.send(pair).unwrap());
        source_json::<Peer>(bad) -> map(|r| (0, r.unwrap_err().kind())) -> errors;
        source_json::<Peer>(truncated) -> map(|r| (1, r.unwrap_err().kind())) -> errors;
        source_json::<Peer>(missing) -> map(|r| (2, r.unwrap_err().kind())) -> errors;
    };
    flow.run_available_sync();
    let mut errors = collect_ready::<Vec<_>, _>(&mut recv);
    errors.sort_by_key(|(source, _)| *source);
    assert_eq!(
        errors,
        [
            (0, ErrorKind::InvalidData),
            (1, ErrorKind::UnexpectedEof),
            (2, ErrorKind::NotFound)
        ]
    );
}

// ----- source_stdin -----

/// Set in the child process that `source_stdin_reads_the_lines_of_its_process_stdin` starts.
const STDIN_CHILD: &str = "TIDEFLOW_TEST_STDIN_CHILD";

#[test]
fn source_stdin_reads_the_lines_of_its_process_stdin() {
    if std::env::var_os(STDIN_CHILD).is_some() {
        // The child: read stdin to its end through a flow, print what it saw.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let (send, recv) = unbounded_channel::<Result<String, ErrorKind>>();
            let mut flow = tideflow::flow! {
                source_stdin() -> map(|line| line.map_err(|e| e.kind())) -> for_each(|line| send.send(line).unwrap());
            };
            let lines = run_until(&mut flow, recv, 3).await;
            println!("\nSTDIN LINES: {lines:?}");
        });
        return;
    }
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "source_stdin_reads_the_lines_of_its_process_stdin",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(STDIN_CHILD, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"first\n\xFF\nlast").unwrap();
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "the child failed: {stdout}");
    assert!(
        stdout.contains(r#"STDIN LINES: [Ok("first"), Err(InvalidData), Ok("last")]"#),
        "{stdout}"
    );
}

#[test]
fn source_stdin_without_a_runtime_emits_nothing() {
    let (send, mut recv) = unbounded_channel::<std::io::Result<String>>();
    let mut flow = tideflow::flow! {
        source_stdin() -> for_each(|line| send.send(line).unwrap());
    };
    flow.run_tick_sync();
    assert!(collect_ready::<Vec<_>, _>(&mut recv).is_empty());
}

// ----- dest_file -----

#[tideflow::test]
async fn dest_file_writes_each_item_as_a_line_over_several_ticks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.txt");
    std::fs::write(&path, "old contents\n").unwrap();
    let (input, input_recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv) -> map(|n| format!("line {n}")) -> dest_file(&path, false);
    };
    input.send(1).unwrap();
    input.send(2).unwrap();
    let text = run_until_file_reads(&mut flow, &path, "line 1\nline 2\n").await;
    assert_eq!(text, "line 1\nline 2\n");
    input.send(3).unwrap();
    let text = run_until_file_reads(&mut flow, &path, "line 1\nline 2\nline 3\n").await;
    assert_eq!(text, "line 1\nline 2\nline 3\n");
}

#[tideflow::test]
async fn dest_file_truncates_in_tick_zero_even_without_items() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.txt");
    std::fs::write(&path, "old contents\n").unwrap();
    let mut flow = tideflow::flow! {
        source_iter(Vec::<String>::new()) -> dest_file(&path, false);
    };
    assert_eq!(run_until_file_reads(&mut flow, &path, "").await, "");
}

#[tideflow::test]
async fn dest_file_appends_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.txt");
    std::fs::write(&path, "earlier\n").unwrap();
    let mut flow = tideflow::flow! {
        source_iter(["now"]) -> dest_file(path.clone(), true);
    };
    let text = run_until_file_reads(&mut flow, &path, "earlier\nnow\n").await;
    assert_eq!(text, "earlier\nnow\n");
}

#[tideflow::test]
async fn dest_file_that_cannot_be_opened_drops_lines_and_the_flow_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let unwritable = dir.path().join("no such directory").join("out.txt");
    let (input, input_recv) = unbounded_channel::<&str>();
    let (send, mut recv) = unbounded_channel::<&str>();
    let mut flow = tideflow::flow! {
        items = source_stream(input_recv) -> tee();
        items -> dest_file(&unwritable, false);
        items -> for_each(|item| send.send(item).unwrap());
    };
    input.send("a").unwrap();
    flow.run_available().await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    flow.run_available().await;
    input.send("b").unwrap();
    flow.run_available().await;
    assert_eq!(collect_ready::<Vec<_>, _>(&mut recv), ["a", "b"]);
    assert!(!unwritable.exists());
}

#[tideflow::test]
async fn file_round_trip_through_two_flows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("round.txt");
    let mut writer = tideflow::flow! {
        source_iter(1..=3) -> map(|n: u32| (n * n).to_string()) -> dest_file(&path, false);
    };
    run_until_file_reads(&mut writer, &path, "1\n4\n9\n").await;
    let (send, recv) = unbounded_channel::<u32>();
    let mut reader = tideflow::flow! {
        source_file(&path) -> map(|line| line.unwrap().parse::<u32>().unwrap()) -> for_each(|n| send.send(n).unwrap());
    };
    assert_eq!(run_until(&mut reader, recv, 3).await, [1, 4, 9]);
}
