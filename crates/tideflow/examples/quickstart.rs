//! Quickstart: a tiny transducer that computes which nodes of a graph are reachable, with the
//! recursion running to its fixpoint inside one tick, then prints the compiled graph.
//!
//! Run it with `cargo run -p tideflow --example quickstart`.

fn main() {
    let edges = vec![(0, 1), (1, 2), (2, 0), (2, 3), (4, 5)];
    let mut flow = tideflow::flow! {
        // Every node reachable from node 0: a seed, plus the targets of edges out of reached nodes.
        reached = union() -> unique() -> tee();
        source_iter([0]) -> [seed]reached;
        reached -> map(|node| (node, ())) -> [0]step;
        source_iter(edges) -> [1]step;
        step = join() -> map(|(_from, ((), to))| to) -> [recursive]reached;

        reached -> sort() -> for_each(|node| println!("reachable from 0: node {node}"));
    };
    flow.run_available_sync();
    println!(
        "\nran {} tick(s); the compiled graph, as Mermaid:\n",
        flow.current_tick()
    );
    println!("{}", flow.graph().to_mermaid());
}
