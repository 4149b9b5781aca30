//! Checks on cycles: blocking inputs, `#references`, suspending operators and loop boundaries
//! may not sit on a cycle within a tick; the messages name the cycle's real path.

use super::*;

/// Reports blocking inputs and `#references` on cycles.
pub(super) fn check_cycles(
    checked: &CheckedGraph,
    flow: &[Vec<usize>],
    cycle_of: &[Option<usize>],
    references: &[(NodeId, NodeId)],
) -> Vec<Diagnostic> {
    let graph = &checked.graph;
    let mut diagnostics = Vec::new();
    for (index, edge) in graph.edges.iter().enumerate() {
        if checked.is_delay_edge(index) || !checked.is_blocking_edge(index) {
            continue;
        }
        if cycle_of[edge.src].is_some() && cycle_of[edge.src] == cycle_of[edge.dst] {
            diagnostics.push(
                Diagnostic::error(
                    graph.nodes[edge.dst].span,
                    format!(
                        "`{}` has a blocking input inside a cycle: {}",
                        graph.node_name(edge.dst),
                        cycle_text(checked, flow, cycle_of, edge.dst, edge.src)
                    ),
                )
                .with_help("a blocking operator needs its whole input for the tick; put a `defer_tick()` on the cycle to feed the result back in the next tick"),
            );
        }
    }
    let mut reported_loop_cycles = BTreeSet::new();
    for (node, cycle) in cycle_of.iter().enumerate() {
        let Some(cycle) = *cycle else { continue };
        let crosses = graph
            .out_edges(node)
            .map(|edge| graph.edges[edge].dst)
            .find(|&next| {
                cycle_of[next] == Some(cycle)
                    && graph.nodes[next].loop_id != graph.nodes[node].loop_id
            });
        if let Some(next) = crosses {
            if reported_loop_cycles.insert(cycle) {
                diagnostics.push(
                    Diagnostic::error(
                        graph.nodes[next].span,
                        format!(
                            "a cycle crosses a `loop {{ }}` boundary: {}",
                            cycle_text(checked, flow, cycle_of, next, node)
                        ),
                    )
                    .with_help("feed a loop's results back with `defer_tick()` inside the loop, or across ticks"),
                );
            }
        }
    }
    for (node, spec) in checked.specs.iter().enumerate() {
        let suspends = spec.is_some_and(|spec| spec.kind == OperatorKind::Suspending);
        if suspends && graph.nodes[node].loop_id.is_some() {
            diagnostics.push(Diagnostic::error(
                graph.nodes[node].span,
                format!(
                    "`{}` waits for asynchronous work within the tick, so it cannot be inside a `loop {{ }}` block",
                    graph.node_name(node)
                ),
            ));
        }
        if suspends && cycle_of[node].is_some() {
            let input = graph
                .in_edges(node)
                .find(|&edge| cycle_of[graph.edges[edge].src] == cycle_of[node]);
            let cycle = input.map_or_else(String::new, |edge| {
                cycle_text(checked, flow, cycle_of, node, graph.edges[edge].src)
            });
            diagnostics.push(
                Diagnostic::error(
                    graph.nodes[node].span,
                    format!(
                        "`{}` waits for asynchronous work within the tick, so it cannot sit inside a cycle: {cycle}",
                        graph.node_name(node)
                    ),
                )
                .with_help("use the non-blocking form (e.g. `resolve_futures()`), or put a `defer_tick()` on the cycle"),
            );
        }
    }
    for &(before, after) in references {
        if cycle_of[before].is_some() && cycle_of[before] == cycle_of[after] {
            diagnostics.push(
                Diagnostic::error(
                    graph.nodes[after].span,
                    format!(
                        "a `#reference` is read inside the cycle it depends on: {}",
                        cycle_text(checked, flow, cycle_of, after, before)
                    ),
                )
                .with_help("a referenced value must be complete before it is read; put a `defer_tick()` on the cycle to read last tick's value"),
            );
            break;
        }
    }
    diagnostics
}

/// The cycle through the edge `last -> first`, as `first -> ... -> last -> first`.
fn cycle_text(
    checked: &CheckedGraph,
    flow: &[Vec<usize>],
    cycle_of: &[Option<usize>],
    first: NodeId,
    last: NodeId,
) -> String {
    // Breadth-first search from `first` to `last` inside the cycle's component.
    let mut previous = vec![None; flow.len()];
    let mut queue = std::collections::VecDeque::from([first]);
    let mut seen = vec![false; flow.len()];
    seen[first] = true;
    while let Some(node) = queue.pop_front() {
        if node == last {
            break;
        }
        for &next in &flow[node] {
            if !seen[next] && cycle_of[next] == cycle_of[first] {
                seen[next] = true;
                previous[next] = Some(node);
                queue.push_back(next);
            }
        }
    }
    let mut path = vec![last];
    while let Some(node) = path.last().and_then(|&n| previous[n]) {
        path.push(node);
    }
    path.reverse();
    path.push(first);
    let names: Vec<String> = path
        .iter()
        .map(|&node| format!("`{}`", node_text(checked, node)))
        .collect();
    names.join(" -> ")
}

/// Short text of a node for messages: its source text, with the name it is bound to.
fn node_text(checked: &CheckedGraph, node: NodeId) -> String {
    let text = match checked.graph.operator(node) {
        Some(operator) => operator.source_text.clone(),
        None => format!("{}()", checked.graph.node_name(node)),
    };
    match &checked.graph.nodes[node].varname {
        Some(name) => format!("{name} = {text}"),
        None => text,
    }
}
