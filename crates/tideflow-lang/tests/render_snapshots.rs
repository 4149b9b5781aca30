//! Snapshots of compiled graphs as Mermaid, DOT and JSON.
//!
//! Each program is compiled the way `flow!` compiles it, and its partitioned view is rendered in
//! every format. The snapshots fix which subgraphs exist, where buffers sit, which edges are
//! blocking, delayed or references, and which subgraphs form a fixpoint component; they change
//! whenever the partitioner or a renderer changes. Regenerate with
//! `INSTA_UPDATE=always cargo test -p tideflow-lang --test render_snapshots` and review the
//! `.snap` diffs as you would review code.

use proc_macro2::TokenStream;
use tideflow_lang::GraphView;

/// Parses program text into tokens. Programs are strings so that `#name` references survive
/// (`quote!` would treat them as interpolations).
fn tokens(program: &str) -> TokenStream {
    program.parse().expect("the program lexes as Rust tokens")
}

/// Compiles `program` and returns its partitioned view, failing on any diagnostic.
fn compiled_view(program: &str) -> GraphView {
    let compiled = tideflow_lang::compile_flow(tokens(program), &quote::quote!(::tideflow));
    let messages: Vec<String> = compiled
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(messages.is_empty(), "unexpected diagnostics: {messages:#?}");
    assert!(compiled.code.is_some(), "the program compiles to code");
    compiled.view.expect("a compiled program has a view")
}

/// Snapshots `view` in all three formats, as `<name>_mermaid`, `<name>_dot` and `<name>_json`.
fn assert_all_formats(name: &str, view: &GraphView) {
    insta::assert_snapshot!(format!("{name}_mermaid"), view.to_mermaid());
    insta::assert_snapshot!(format!("{name}_dot"), view.to_dot());
    insta::assert_snapshot!(format!("{name}_json"), view.to_json());
    let round_trip = GraphView::from_json(&view.to_json()).expect("the JSON reads back");
    assert_eq!(&round_trip, view, "the JSON view round-trips");
}

const LINEAR: &str = r##"
    source_iter(0..10) -> map(|x| x * 2) -> filter(|x| x % 3 == 0) -> for_each(|x| println!("{x}"));
"##;

const DIAMOND: &str = r##"
    numbers = source_iter(0..3) -> tee();
    numbers -> map(|x| x + 1) -> both;
    numbers -> map(|x| x * 10) -> both;
    both = union() -> for_each(|x| println!("{x}"));
"##;

/// Both unions and the join are duplicated into each source's loop (one subgraph, no buffer);
/// the sink, which every copy of the join calls, stays one junction closure.
const JOIN_OF_UNIONS: &str = r##"
    left = union() -> [0]joined;
    source_iter([(1, "one")]) -> left;
    source_iter([(2, "two")]) -> left;
    source_iter([(3, "three")]) -> left;
    right = union() -> [1]joined;
    source_iter([(1, 1.0)]) -> right;
    source_iter([(2, 2.0)]) -> right;
    source_iter([(3, 3.0)]) -> right;
    joined = join() -> for_each(|(key, (name, value))| println!("{key} {name} {value}"));
"##;

const REACHABILITY: &str = r##"
    reached = union() -> unique() -> tee();
    source_iter([0]) -> reached;
    reached -> map(|node| (node, ())) -> [0]step;
    source_iter(edges) -> [1]step;
    step = join() -> map(|(_from, ((), to))| to) -> reached;
    reached -> sort() -> for_each(|node| send.send(node).unwrap());
"##;

const DEFER_TICK_FEEDBACK: &str = r##"
    counter = union() -> tee();
    source_iter([1]) -> counter;
    counter -> for_each(|x| println!("{x}"));
    counter -> map(|x| x + 1) -> filter(|x| *x < 4) -> defer_tick() -> counter;
"##;

const SINGLETON_REFERENCE: &str = r##"
    max = source_iter([3, 9, 4]) -> reduce(|a: &mut i32, b| *a = (*a).max(b)) -> singleton();
    source_iter(1..=10) -> filter(|x| *x > #max) -> for_each(|x| println!("{x}"));
"##;

const NESTED_LOOPS: &str = r##"
    start = source_iter([1]);
    loop {
        outer = start -> batch();
        loop {
            outer -> batch() -> step;
            step = union() -> map(|x| x * 2) -> tee();
            step -> filter(|x| *x < 20) -> defer_tick() -> step;
            step -> out;
        };
        out = all_iterations() -> all;
    };
    all = all_iterations() -> for_each(|x| println!("{x}"));
"##;

#[test]
fn linear_pipeline() {
    assert_all_formats("linear_pipeline", &compiled_view(LINEAR));
}

#[test]
fn tee_union_diamond() {
    assert_all_formats("tee_union_diamond", &compiled_view(DIAMOND));
}

#[test]
fn join_of_unions() {
    assert_all_formats("join_of_unions", &compiled_view(JOIN_OF_UNIONS));
}

#[test]
fn reachability_fixpoint() {
    assert_all_formats("reachability_fixpoint", &compiled_view(REACHABILITY));
}

#[test]
fn defer_tick_feedback() {
    assert_all_formats("defer_tick_feedback", &compiled_view(DEFER_TICK_FEEDBACK));
}

#[test]
fn singleton_reference() {
    assert_all_formats("singleton_reference", &compiled_view(SINGLETON_REFERENCE));
}

#[test]
fn reachability_flat() {
    let program = tideflow_lang::parse_program(tokens(REACHABILITY)).expect("the program parses");
    let (graph, diagnostics) = tideflow_lang::build_flat_graph(&program);
    assert!(
        diagnostics.is_empty(),
        "unexpected diagnostics: {diagnostics:#?}"
    );
    assert_all_formats("reachability_flat", &tideflow_lang::flat_view(&graph));
}

#[test]
fn nested_loops() {
    assert_all_formats("nested_loops", &compiled_view(NESTED_LOOPS));
}
