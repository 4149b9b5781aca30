//! End-to-end tests of the `tideflow` binary: each test writes a small Rust source file to a
//! temporary directory, runs the real command on it and checks its exit code, stdout and stderr.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tideflow_lang::GraphView;

/// One linear flow in `fn main` (the `flow!` is on line 2).
const LINEAR: &str = r#"fn main() {
    let mut flow = tideflow::flow! {
        source_iter(0..10) -> map(|x| x * 2) -> for_each(|x| println!("{x}"));
    };
    flow.run_available_sync();
}
"#;

/// The partitioned graph of `LINEAR` as Mermaid.
const LINEAR_MERMAID: &str = r##"flowchart TD
    classDef op fill:#ffffff,stroke:#333333
    classDef root fill:#fff2b3,stroke:#b38f00
    subgraph sg_0 ["subgraph 0"]
        n0[/"0: source_iter(0..10)"/]:::root
        n1["1: map(|x| x * 2)"]:::op
        n2["2: for_each(|x| println!(#quot;{x}#quot;))"]:::op
    end
    n0 --> n1
    n1 --> n2
"##;

/// Four blocks in different positions: a function, a closure in an `impl` method with `( )`
/// delimiters, a nested module with `[ ]`, and inside another macro's arguments.
const SEVERAL: &str = r#"use tideflow::flow;

fn main() {
    let mut first = tideflow::flow! {
        source_iter([1, 2]) -> for_each(|x| println!("{x}"));
    };
}

struct Server;

impl Server {
    fn run(&self) {
        let make = || flow!( source_iter(0..3) -> map(|x| x + 1) -> null(); );
    }
}

mod tests {
    fn reaches() {
        let flows = vec![::tideflow::flow![
            numbers = source_iter(0..3) -> tee();
            numbers -> for_each(|x| println!("a {x}"));
            numbers -> for_each(|x| println!("b {x}"));
        ]];
    }
}

static DESCRIPTION: &str = "flow! { not a block }";
"#;

/// A block with a syntax error (line 3) followed by a valid block (line 5).
const BROKEN_THEN_FINE: &str = r#"fn main() {
    let mut broken = tideflow::flow! {
        source_iter(0..3) -> -> for_each(|x| println!("{x}"));
    };
    let mut fine = tideflow::flow! {
        source_iter(0..3) -> for_each(|x| println!("{x}"));
    };
}
"#;

/// A temporary directory holding test inputs and outputs.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    /// Writes `contents` to `name` inside the sandbox.
    fn file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("writable temporary directory");
        path
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `tideflow` with `args` in the sandbox directory (so file names in messages are
    /// relative).
    fn run(&self, args: &[&str]) -> Output {
        self.command(args)
            .output()
            .expect("the tideflow binary runs")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tideflow"));
        command.args(args).current_dir(self.dir.path());
        command
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// Asserts the exit code, showing the output when it differs.
fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "unexpected exit code\n--- stdout\n{}\n--- stderr\n{}",
        stdout(output),
        stderr(output)
    );
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

/// Whether Graphviz's `dot` can be run here.
fn graphviz_installed() -> bool {
    Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|output| output.status.success())
}

#[test]
fn renders_one_block_as_mermaid_by_default() {
    let sandbox = Sandbox::new();
    sandbox.file("main.rs", LINEAR);
    let output = sandbox.run(&["graph", "main.rs"]);
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), LINEAR_MERMAID);
    assert_eq!(stderr(&output), "");
}

#[test]
fn renders_one_block_as_dot() {
    let sandbox = Sandbox::new();
    sandbox.file("main.rs", LINEAR);
    let output = sandbox.run(&["graph", "main.rs", "--format", "dot"]);
    assert_exit(&output, 0);
    let text = stdout(&output);
    let lines = lines(&text);
    assert_eq!(lines.first(), Some(&"digraph flow {"));
    assert_eq!(lines.last(), Some(&"}"));
    for expected in [
        r#"    subgraph cluster_sg_0 {"#,
        r##"        n0 [label="0: source_iter(0..10)", shape=house, fillcolor="#fff2b3"];"##,
        r#"        n1 [label="1: map(|x| x * 2)", shape=box];"#,
        r#"        n2 [label="2: for_each(|x| println!(\"{x}\"))", shape=box];"#,
        "    n0 -> n1;",
        "    n1 -> n2;",
    ] {
        assert!(lines.contains(&expected), "missing {expected:?} in\n{text}");
    }
}

#[test]
fn renders_one_block_as_json_that_reads_back() {
    let sandbox = Sandbox::new();
    sandbox.file("main.rs", LINEAR);
    let output = sandbox.run(&["graph", "main.rs", "-f", "json"]);
    assert_exit(&output, 0);
    let view = GraphView::from_json(&stdout(&output)).expect("the output is a graph view");
    let labels: Vec<&str> = view.nodes.iter().map(|node| node.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "source_iter(0..10)",
            "map(|x| x * 2)",
            r#"for_each(|x| println!("{x}"))"#
        ]
    );
    assert_eq!(view.edges.len(), 2);
    assert_eq!(view.subgraphs.len(), 1);
}

#[test]
fn flat_draws_the_graph_before_partitioning() {
    let sandbox = Sandbox::new();
    sandbox.file("main.rs", LINEAR);
    let output = sandbox.run(&["graph", "main.rs", "--flat"]);
    assert_exit(&output, 0);
    let text = stdout(&output);
    assert!(
        !text.contains("subgraph"),
        "a flat graph has no subgraphs:\n{text}"
    );
    assert!(lines(&text).contains(&r#"    n0["0: source_iter(0..10)"]:::op"#));
    assert!(lines(&text).contains(&"    n1 --> n2"));
}

#[test]
fn titles_each_of_several_blocks_in_mermaid() {
    let sandbox = Sandbox::new();
    sandbox.file("several.rs", SEVERAL);
    let output = sandbox.run(&["graph", "several.rs"]);
    assert_exit(&output, 0);
    let text = stdout(&output);
    let titles: Vec<&str> = lines(&text)
        .into_iter()
        .filter(|line| line.starts_with("%% "))
        .collect();
    assert_eq!(
        titles,
        [
            "%% flow 1: fn main (line 4)",
            "%% flow 2: fn Server::run (line 13)",
            "%% flow 3: fn tests::reaches (line 19)",
        ]
    );
    assert_eq!(text.matches("flowchart TD").count(), 3);
    // Each section is the block's graph, right under its title.
    let third = text
        .split("%% flow 3: fn tests::reaches (line 19)\n")
        .nth(1)
        .expect("the third section");
    assert!(third.starts_with("flowchart TD\n"));
    assert!(third.contains(r#"n0[/"0: numbers = source_iter(0..3)"/]:::root"#));
    assert!(third.contains(r#"n1["1: numbers = tee()"]:::op"#));
}

#[test]
fn titles_each_of_several_blocks_in_dot() {
    let sandbox = Sandbox::new();
    sandbox.file("several.rs", SEVERAL);
    let output = sandbox.run(&["graph", "several.rs", "--format", "dot"]);
    assert_exit(&output, 0);
    let text = stdout(&output);
    let titles: Vec<&str> = lines(&text)
        .into_iter()
        .filter(|line| line.starts_with("// "))
        .collect();
    assert_eq!(
        titles,
        [
            "// flow 1: fn main (line 4)",
            "// flow 2: fn Server::run (line 13)",
            "// flow 3: fn tests::reaches (line 19)",
        ]
    );
    assert_eq!(text.matches("digraph flow {").count(), 3);
    assert!(lines(&text).contains(&r#"        n1 [label="1: map(|x| x + 1)", shape=box];"#));
}

#[test]
fn several_blocks_as_json_are_an_array() {
    let sandbox = Sandbox::new();
    sandbox.file("several.rs", SEVERAL);
    let output = sandbox.run(&["graph", "several.rs", "--format", "json"]);
    assert_exit(&output, 0);
    let entries: Vec<serde_json::Value> =
        serde_json::from_str(&stdout(&output)).expect("a JSON array");
    let summary: Vec<(u64, &str, u64)> = entries
        .iter()
        .map(|entry| {
            (
                entry["flow"].as_u64().unwrap_or_default(),
                entry["context"].as_str().unwrap_or_default(),
                entry["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (1, "fn main", 4),
            (2, "fn Server::run", 13),
            (3, "fn tests::reaches", 19)
        ]
    );
    let second: GraphView =
        serde_json::from_value(entries[1]["graph"].clone()).expect("a graph view");
    let names: Vec<&str> = second.nodes.iter().map(|node| node.name.as_str()).collect();
    assert_eq!(names, ["source_iter", "map", "null"]);
    assert!(entries.iter().all(|entry| entry["errors"] == 0));
}

#[test]
fn block_selects_one_block() {
    let sandbox = Sandbox::new();
    sandbox.file("several.rs", SEVERAL);
    let output = sandbox.run(&["graph", "several.rs", "--block", "2", "-f", "json"]);
    assert_exit(&output, 0);
    let view = GraphView::from_json(&stdout(&output)).expect("a single graph view");
    assert_eq!(view.nodes.len(), 3);

    let output = sandbox.run(&["graph", "several.rs", "--block", "4"]);
    assert_exit(&output, 2);
    assert_eq!(
        stderr(&output),
        "error: `--block 4`: `several.rs` has 3 `flow!` block(s)\n"
    );
}

#[test]
fn output_option_writes_the_file() {
    let sandbox = Sandbox::new();
    sandbox.file("main.rs", LINEAR);
    let output = sandbox.run(&["graph", "main.rs", "-o", "graph.mmd"]);
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "");
    let written = std::fs::read_to_string(sandbox.path("graph.mmd")).expect("the output file");
    assert_eq!(written, LINEAR_MERMAID);
}

#[test]
fn a_syntax_error_is_reported_like_the_macro_and_other_blocks_still_render() {
    let sandbox = Sandbox::new();
    sandbox.file("broken.rs", BROKEN_THEN_FINE);
    let output = sandbox.run(&["graph", "broken.rs"]);
    assert_exit(&output, 1);
    assert_eq!(
        stderr(&output),
        "\
error: expected an operator, a name, or a parenthesised pipeline
 --> broken.rs:3:30
  |
3 |         source_iter(0..3) -> -> for_each(|x| println!(\"{x}\"));
  |                              ^

error: could not render 1 of 2 flow blocks (1 error): flow 1: fn main (line 2)
"
    );
    assert_eq!(
        stdout(&output),
        r##"%% flow 1: fn main (line 2)
%% not rendered: 1 error(s), see the errors on stderr

%% flow 2: fn main (line 5)
flowchart TD
    classDef op fill:#ffffff,stroke:#333333
    classDef root fill:#fff2b3,stroke:#b38f00
    subgraph sg_0 ["subgraph 0"]
        n0[/"0: source_iter(0..3)"/]:::root
        n1["1: for_each(|x| println!(#quot;{x}#quot;))"]:::op
    end
    n0 --> n1
"##
    );
}

#[test]
fn errors_show_their_notes_and_help() {
    let sandbox = Sandbox::new();
    sandbox.file(
        "twice.rs",
        r#"fn main() {
    let mut flow = tideflow::flow! {
        out = for_each(|x| println!("{x}"));
        out = for_each(|x| println!("{x}"));
        source_iter(0..3) -> mapp(|x| x) -> out;
    };
}
"#,
    );
    let output = sandbox.run(&["graph", "twice.rs", "--format", "dot"]);
    assert_exit(&output, 1);
    assert_eq!(stdout(&output), "");
    let text = stderr(&output);
    assert!(
        text.contains(
            "\
error: name `out` is assigned twice
 --> twice.rs:4:9
  |
4 |         out = for_each(|x| println!(\"{x}\"));
  |         ^^^
  |
  = help: rename one of them
note: `out` is first assigned here
 --> twice.rs:3:9
  |
3 |         out = for_each(|x| println!(\"{x}\"));
  |         ^^^
"
        ),
        "unexpected messages:\n{text}"
    );
    assert!(
        text.ends_with(
            "error: could not render the flow block (1 error): flow 1: fn main (line 2)\n"
        ),
        "unexpected summary:\n{text}"
    );
}

#[test]
fn a_file_that_is_not_rust_is_a_usage_error() {
    let sandbox = Sandbox::new();
    sandbox.file("notes.txt", "hello world, this is not rust\n");
    let output = sandbox.run(&["graph", "notes.txt"]);
    assert_exit(&output, 2);
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        "\
error: `notes.txt` is not valid Rust: expected `!`
 --> notes.txt:1:7
  |
1 | hello world, this is not rust
  |       ^^^^^
"
    );

    sandbox.file("unclosed.rs", "fn main() {\n    let s = \"abc;\n}\n");
    let output = sandbox.run(&["graph", "unclosed.rs"]);
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("`unclosed.rs` is not valid Rust"));
    assert!(stderr(&output).contains(" --> unclosed.rs:2:13\n"));
}

#[test]
fn missing_files_and_files_without_flows_are_usage_errors() {
    let sandbox = Sandbox::new();
    let output = sandbox.run(&["graph", "missing.rs"]);
    assert_exit(&output, 2);
    assert!(stderr(&output).starts_with("error: cannot read `missing.rs`: "));

    sandbox.file("plain.rs", "fn main() { println!(\"flow! {{}}\"); }\n");
    let output = sandbox.run(&["graph", "plain.rs"]);
    assert_exit(&output, 2);
    assert!(stderr(&output).starts_with("error: no `flow!` blocks found in `plain.rs`"));

    let output = sandbox.run(&["graph", "plain.rs", "--format", "png"]);
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("[possible values: mermaid, dot, svg, json]"));
}

#[test]
fn help_describes_the_command() {
    let sandbox = Sandbox::new();
    let output = sandbox.run(&["graph", "--help"]);
    assert_exit(&output, 0);
    let text = stdout(&output);
    for expected in [
        "--format",
        "mermaid",
        "svg",
        "--output",
        "--flat",
        "Exit codes",
    ] {
        assert!(
            text.contains(expected),
            "`--help` lacks {expected:?}:\n{text}"
        );
    }
}

#[test]
fn svg_without_graphviz_explains_how_to_get_it() {
    let sandbox = Sandbox::new();
    sandbox.file("main.rs", LINEAR);
    let empty = tempfile::tempdir().expect("a temporary directory");
    let output = sandbox
        .command(&["graph", "main.rs", "--format", "svg"])
        .env("PATH", empty.path())
        .output()
        .expect("the tideflow binary runs");
    assert_exit(&output, 2);
    assert_eq!(stdout(&output), "");
    let text = stderr(&output);
    assert!(text.starts_with("error: `--format svg` needs Graphviz's `dot` program"));
    assert!(text.contains("apt-get install graphviz"), "{text}");
    assert!(
        text.contains("`--format dot` and `--format mermaid` work without it"),
        "{text}"
    );
}

#[test]
fn svg_with_graphviz_draws_each_block() {
    if !graphviz_installed() {
        eprintln!("skipped: Graphviz `dot` is not installed");
        return;
    }
    let sandbox = Sandbox::new();
    sandbox.file("main.rs", LINEAR);
    let output = sandbox.run(&["graph", "main.rs", "--format", "svg"]);
    assert_exit(&output, 0);
    let svg = stdout(&output);
    assert!(svg.contains("<svg"), "not an SVG:\n{svg}");
    assert!(svg.contains("source_iter(0..10)"));

    sandbox.file("several.rs", SEVERAL);
    let output = sandbox.run(&["graph", "several.rs", "--format", "svg"]);
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("use `-o OUT` to write OUT-1.svg"));

    let output = sandbox.run(&["graph", "several.rs", "--format", "svg", "-o", "g.svg"]);
    assert_exit(&output, 0);
    for (number, label) in [
        (1, "source_iter([1, 2])"),
        (2, "map(|x| x + 1)"),
        (3, "tee()"),
    ] {
        let path: &Path = &sandbox.path(&format!("g-{number}.svg"));
        let svg = std::fs::read_to_string(path).expect("one SVG file per block");
        assert!(svg.contains("<svg") && svg.contains(label), "{path:?}");
    }
    assert!(!sandbox.path("g.svg").exists());
}
