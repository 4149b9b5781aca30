//! Validation: every node against its operator's spec, producing a [`CheckedGraph`].
//!
//! Nothing here knows a particular operator: argument counts, persistence and type arguments,
//! in/out degrees and ports are all read from the [`OperatorSpec`] table.

use proc_macro2::Span;

use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::graph::{FlatGraph, LoopId, NodeContent, NodeId};
use crate::ops::{
    find_operator, operator_names, AllowedLifetimes, LoopTrigger, OperatorKind, OperatorSpec,
    PortSpec,
};
use crate::parse::Port;

/// How long an operator's state lives (its resolved persistence argument).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persistence {
    /// `'tick`: reset at the end of each tick.
    Tick,
    /// `'static`: kept for the life of the flow.
    Static,
}

/// A flat graph whose nodes all passed validation, with each edge's port resolved to an index.
#[derive(Debug, Clone)]
pub struct CheckedGraph {
    /// The graph.
    pub graph: FlatGraph,
    /// The spec of each node; `None` for handoff nodes.
    pub specs: Vec<Option<&'static OperatorSpec>>,
    /// For each edge, its index among the destination's inputs (a port's position; for variadic
    /// inputs, the edge's position among them).
    pub input_slot: Vec<usize>,
    /// For each edge, its index among the source's outputs (same convention).
    pub output_slot: Vec<usize>,
    /// Resolved persistence per node, one per persistence slot (at least one).
    pub persistence: Vec<Vec<Persistence>>,
}

impl CheckedGraph {
    /// Whether edge `edge` enters a delaying input (`defer_tick()`).
    pub fn is_delay_edge(&self, edge: usize) -> bool {
        let dst = self.graph.edges[edge].dst;
        self.specs[dst].is_some_and(|spec| spec.delay.is_some())
    }

    /// Whether edge `edge` enters a blocking input.
    pub fn is_blocking_edge(&self, edge: usize) -> bool {
        let dst = self.graph.edges[edge].dst;
        self.specs[dst].is_some_and(|spec| spec.is_blocking_input(self.push_index(edge)))
    }

    /// The input index the destination's push step sees for edge `edge` (0 for variadic inputs).
    pub fn push_index(&self, edge: usize) -> usize {
        let dst = self.graph.edges[edge].dst;
        match self.specs[dst].map(|spec| spec.input_ports) {
            Some(PortSpec::Variadic) | None => 0,
            Some(_) => self.input_slot[edge],
        }
    }
}

/// Validates `graph`; returns it checked, plus warnings, or the errors.
pub fn check_graph(graph: FlatGraph) -> (Option<CheckedGraph>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut specs = Vec::with_capacity(graph.nodes.len());
    let mut persistence = Vec::with_capacity(graph.nodes.len());
    for (node, content) in graph.nodes.iter().enumerate() {
        match &content.content {
            NodeContent::Operator(operator) => {
                let spec = find_operator(&operator.name);
                if spec.is_none() {
                    let mut diagnostic = Diagnostic::error(
                        content.span,
                        format!("unknown operator `{}`", operator.name),
                    );
                    if let Some(help) = did_you_mean(&operator.name, operator_names()) {
                        diagnostic = diagnostic.with_help(help);
                    }
                    diagnostics.push(diagnostic);
                }
                persistence.push(
                    spec.map(|spec| check_operator(&graph, node, spec, &mut diagnostics))
                        .unwrap_or_default(),
                );
                specs.push(spec);
            }
            NodeContent::Handoff(kind) => {
                let inputs = graph.in_edges(node).count();
                let outputs = graph.out_edges(node).count();
                if inputs != 1 {
                    diagnostics.push(Diagnostic::error(
                        content.span,
                        format!(
                            "`{}()` must have exactly 1 input, actually has {inputs}",
                            kind.name()
                        ),
                    ));
                }
                if outputs > 1 {
                    diagnostics.push(
                        Diagnostic::error(
                            content.span,
                            format!(
                                "`{}()` must have at most 1 output, actually has {outputs}",
                                kind.name()
                            ),
                        )
                        .with_help("use `tee()` after it to send its items to several places"),
                    );
                }
                persistence.push(Vec::new());
                specs.push(None);
            }
        }
    }
    let input_slot = resolve_slots(&graph, &specs, Side::Input, &mut diagnostics);
    let output_slot = resolve_slots(&graph, &specs, Side::Output, &mut diagnostics);
    check_loops(&graph, &specs, &mut diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return (None, diagnostics);
    }
    let checked = CheckedGraph {
        graph,
        specs,
        input_slot,
        output_slot,
        persistence,
    };
    (Some(checked), diagnostics)
}

fn check_operator(
    graph: &FlatGraph,
    node: NodeId,
    spec: &OperatorSpec,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Persistence> {
    let span = graph.nodes[node].span;
    let Some(operator) = graph.operator(node) else {
        return Vec::new();
    };
    let name = spec.name;
    if operator.args.len() != spec.args {
        diagnostics.push(Diagnostic::error(
            operator.args_span,
            format!(
                "`{name}` expects {} argument(s), received {}",
                spec.args,
                operator.args.len()
            ),
        ));
    }
    let generics_span = operator.generics_span.unwrap_or((span, span));
    if !spec.type_args.contains(operator.type_args.len()) {
        diagnostics.push(
            Diagnostic::error(
                generics_span.0,
                format!(
                    "`{name}` takes {}, actually has {}",
                    spec.type_args.describe_count("type argument"),
                    operator.type_args.len()
                ),
            )
            .through(generics_span.1),
        );
    }
    let inputs = graph.in_edges(node).count();
    let outputs = graph.out_edges(node).count();
    if inputs == 0 && outputs == 0 && spec.inputs.contains(0) && spec.outputs.contains(0) {
        diagnostics.push(
            Diagnostic::error(span, format!("`{name}` is not connected to anything"))
                .with_help("an operator with neither inputs nor outputs does nothing; connect it with `->` or remove it"),
        );
    }
    // Too few inputs on fixed ports are reported as missing ports, by name.
    let missing_ports_reported =
        matches!(spec.input_ports, PortSpec::Fixed(_)) && inputs > 0 && inputs < spec.inputs.min;
    if !missing_ports_reported {
        check_degree(spec, span, Side::Input, inputs, diagnostics);
    }
    check_degree(spec, span, Side::Output, outputs, diagnostics);
    resolve_persistence(
        name,
        spec,
        &operator.persistence,
        generics_span,
        diagnostics,
    )
}

fn check_degree(
    spec: &OperatorSpec,
    span: Span,
    side: Side,
    actual: usize,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let name = spec.name;
    let (arity, soft_min, noun) = match side {
        Side::Input => (spec.inputs, spec.soft_min_inputs, "input"),
        Side::Output => (spec.outputs, spec.soft_min_outputs, "output"),
    };
    if !arity.contains(actual) {
        let mut diagnostic = Diagnostic::error(
            span,
            format!(
                "`{name}` must have {}, actually has {actual}",
                arity.describe_count(noun)
            ),
        );
        let help = match (side, arity.max) {
            (Side::Output, Some(0)) => Some(format!(
                "`{name}` is a sink and must end its pipeline; remove the `-> ...` after it"
            )),
            (Side::Input, Some(0)) => Some(format!(
                "`{name}` is a source and must start its pipeline; to combine its items with others, send both into a `union()`"
            )),
            (Side::Output, Some(max)) if actual > max => {
                Some("use `tee()` to send items to several places".to_string())
            }
            (Side::Input, Some(max)) if actual > max => {
                Some("use `union()` to merge several inputs".to_string())
            }
            _ => None,
        };
        if let Some(help) = help {
            diagnostic = diagnostic.with_help(help);
        }
        diagnostics.push(diagnostic);
    } else if actual < soft_min {
        diagnostics.push(Diagnostic::warning(
            span,
            format!("`{name}` should have at least {soft_min} {noun}(s), actually has {actual}"),
        ));
    }
}

fn resolve_persistence(
    name: &str,
    spec: &OperatorSpec,
    given: &[(String, Span)],
    (span, span_end): (Span, Span),
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Persistence> {
    let slots = spec.persistence.slots;
    let allowed = spec.persistence.allowed;
    let default = if allowed == AllowedLifetimes::StaticOnly {
        Persistence::Static
    } else {
        Persistence::Tick
    };
    let mut values = Vec::with_capacity(given.len());
    for (lifetime, lifetime_span) in given {
        match lifetime.as_str() {
            "tick" if allowed == AllowedLifetimes::StaticOnly => {
                diagnostics.push(Diagnostic::error(
                    *lifetime_span,
                    format!("`{name}` only accepts the `'static` persistence lifetime"),
                ))
            }
            "static" if allowed == AllowedLifetimes::TickOnly => {
                diagnostics.push(Diagnostic::error(
                    *lifetime_span,
                    format!("`{name}` only accepts the `'tick` persistence lifetime"),
                ))
            }
            "tick" => values.push(Persistence::Tick),
            "static" => values.push(Persistence::Static),
            other => diagnostics.push(Diagnostic::error(
                *lifetime_span,
                format!(
                    "unknown lifetime generic argument `'{other}`, expected `'tick` or `'static`"
                ),
            )),
        }
    }
    if slots == 0 && !given.is_empty() {
        diagnostics.push(
            Diagnostic::error(
                span,
                format!(
                    "`{name}` takes no persistence lifetime arguments, actually has {}",
                    given.len()
                ),
            )
            .through(span_end),
        );
    } else if given.len() > 1 && given.len() != slots {
        diagnostics.push(
            Diagnostic::error(
                span,
                format!(
                    "`{name}` accepts 0, 1 or {slots} persistence lifetime arguments, actually has {}",
                    given.len()
                ),
            )
            .through(span_end),
        );
    }
    match values.as_slice() {
        [] => vec![default; slots.max(1)],
        [one] => vec![*one; slots.max(1)],
        many => many.to_vec(),
    }
}

/// The rules of `loop { }` blocks: sources stay outside loops; items enter a loop only through a
/// loop-entry operator (`batch()`) and leave only through a loop-exit operator
/// (`all_iterations()`), one level at a time; `batch_eager()` only enters a top-level loop.
fn check_loops(
    graph: &FlatGraph,
    specs: &[Option<&'static OperatorSpec>],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let loop_of = |node: NodeId| graph.nodes[node].loop_id;
    let parent_of = |id: LoopId| graph.loops.get(id).and_then(|block| block.parent);
    let loop_span = |id: LoopId| graph.loops.get(id).map(|block| block.span);
    let kind = |node: NodeId| specs[node].map(|spec| spec.kind);
    for (node, spec) in specs.iter().enumerate() {
        let Some(spec) = spec else { continue };
        let span = graph.nodes[node].span;
        match (spec.kind, loop_of(node)) {
            (OperatorKind::Source, Some(id)) => {
                let mut diagnostic = Diagnostic::error(
                    span,
                    format!("`{}` is a source; sources must be outside `loop {{ }}` blocks", spec.name),
                )
                .with_help("create the items outside the loop and bring them in with `batch()`");
                if let Some(loop_span) = loop_span(id) {
                    diagnostic = diagnostic.with_note(loop_span, "the loop it is written in");
                }
                diagnostics.push(diagnostic);
            }
            (OperatorKind::LoopEntry(_), None) => diagnostics.push(
                Diagnostic::error(
                    span,
                    format!("`{}()` carries items into a loop; it must be written inside a `loop {{ }}` block", spec.name),
                ),
            ),
            (OperatorKind::LoopEntry(LoopTrigger::EveryTick), Some(id)) if parent_of(id).is_some() => {
                diagnostics.push(Diagnostic::error(
                    span,
                    format!("`{}()` can only enter a top-level loop: a nested loop runs only while items arrive", spec.name),
                ).with_help("use `batch()`"));
            }
            _ => {}
        }
    }
    for edge in &graph.edges {
        let (from, to) = (loop_of(edge.src), loop_of(edge.dst));
        let dst_span = graph.nodes[edge.dst].span;
        let dst_name = graph.node_name(edge.dst);
        let message = if from == to && to.is_some() {
            match kind(edge.dst) {
                Some(OperatorKind::LoopEntry(_)) => Some(format!(
                    "`{dst_name}()` carries items into its loop, but this input comes from inside the same loop"
                )),
                Some(OperatorKind::LoopExit) => Some(format!(
                    "`{dst_name}()` carries items out of a loop, but this input is not from a loop nested here"
                )),
                _ => None,
            }
        } else if from == to {
            // Outside any loop: a loop-entry operator here is reported on its own.
            (kind(edge.dst) == Some(OperatorKind::LoopExit)).then(|| {
                format!(
                    "`{dst_name}()` carries items out of a loop, but this input is not from a loop"
                )
            })
        } else if to.is_some() && to.and_then(parent_of) == from {
            (!matches!(kind(edge.dst), Some(OperatorKind::LoopEntry(_)))).then(|| {
                format!("items entering a `loop {{ }}` must go through `batch()`, but they go into `{dst_name}`")
            })
        } else if from.is_some() && from.and_then(parent_of) == to {
            (kind(edge.dst) != Some(OperatorKind::LoopExit)).then(|| {
                format!("items leaving a `loop {{ }}` must go through `all_iterations()`, but they go into `{dst_name}`")
            })
        } else {
            Some(
                "this edge crosses more than one `loop { }` boundary; cross one level at a time"
                    .to_string(),
            )
        };
        if let Some(message) = message {
            diagnostics.push(
                Diagnostic::error(dst_span, message)
                    .with_note(graph.nodes[edge.src].span, "the items come from here"),
            );
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Input,
    Output,
}

/// Resolves every edge's port on one side to a slot index, reporting bad, duplicate and missing
/// ports.
fn resolve_slots(
    graph: &FlatGraph,
    specs: &[Option<&'static OperatorSpec>],
    side: Side,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<usize> {
    let mut slots = vec![0; graph.edges.len()];
    for (node, spec) in specs.iter().enumerate() {
        let edges: Vec<usize> = match side {
            Side::Input => graph.in_edges(node).collect(),
            Side::Output => graph.out_edges(node).collect(),
        };
        let port_of = |edge: usize| match side {
            Side::Input => graph.edges[edge].dst_port.as_ref(),
            Side::Output => graph.edges[edge].src_port.as_ref(),
        };
        let side_name = if side == Side::Input {
            "input"
        } else {
            "output"
        };
        let ports = match spec {
            None => PortSpec::Unnamed,
            Some(spec) if side == Side::Input => spec.input_ports,
            Some(spec) => spec.output_ports,
        };
        let name = graph.node_name(node);
        if let (PortSpec::Custom(custom), Some(operator)) = (ports, graph.operator(node)) {
            let given: Vec<_> = edges.iter().map(|&edge| port_of(edge)).collect();
            match (custom.resolve)(operator, graph.nodes[node].span, &given) {
                Ok(resolved) => {
                    for (&edge, slot) in edges.iter().zip(resolved) {
                        slots[edge] = slot;
                    }
                }
                Err(errors) => diagnostics.extend(errors),
            }
            continue;
        }
        let mut taken: Vec<(usize, Span)> = Vec::new();
        for (position, &edge) in edges.iter().enumerate() {
            let port = port_of(edge);
            let port_span = port.map_or(graph.nodes[node].span, |(_, span)| *span);
            let slot = match ports {
                PortSpec::Variadic | PortSpec::Custom(_) => Some(position),
                PortSpec::Unnamed => match port {
                    None => Some(0),
                    Some((port, _)) => {
                        diagnostics.push(
                            Diagnostic::error(
                                port_span,
                                format!("`{name}` has no {side_name} port `{port}`"),
                            )
                            .with_help(format!("remove the `[{port}]`")),
                        );
                        None
                    }
                },
                PortSpec::Fixed(names) | PortSpec::Optional(names) => {
                    let index = port.and_then(|(port, _)| {
                        names.iter().position(|name| *name == port.to_string())
                    });
                    if index.is_none() {
                        let given =
                            port.map_or("<elided>".to_string(), |(port, _)| format!("`{port}`"));
                        let expected: Vec<String> =
                            names.iter().map(|n| format!("`{n}`")).collect();
                        diagnostics.push(Diagnostic::error(
                            port_span,
                            format!(
                                "`{name}` received unexpected {side_name} port: {given}; expected one of: {}",
                                expected.join(", ")
                            ),
                        ));
                    }
                    index
                }
            };
            let Some(slot) = slot else { continue };
            slots[edge] = slot;
            if matches!(ports, PortSpec::Fixed(_) | PortSpec::Optional(_)) {
                if let Some((_, first_span)) = taken.iter().find(|(taken, _)| *taken == slot) {
                    let port_text =
                        port.map_or("<elided>".to_string(), |(port, _)| port.to_string());
                    diagnostics.push(
                        Diagnostic::error(
                            port_span,
                            format!(
                                "{side_name} port `{port_text}` of `{name}` is connected twice"
                            ),
                        )
                        .with_note(*first_span, "first connected here")
                        .with_help(if side == Side::Input {
                            "use `union()` to merge several inputs into one port"
                        } else {
                            "use `tee()` to send one output to several places"
                        }),
                    );
                }
                taken.push((slot, port_span));
            }
        }
        if let PortSpec::Fixed(names) = ports {
            let missing: Vec<String> = names
                .iter()
                .enumerate()
                .filter(|(index, _)| !taken.iter().any(|(slot, _)| slot == index))
                .map(|(_, name)| format!("`{name}`"))
                .collect();
            if !missing.is_empty() && !taken.is_empty() {
                diagnostics.push(Diagnostic::error(
                    graph.nodes[node].span,
                    format!(
                        "`{name}` missing expected {side_name} port(s): {}",
                        missing.join(", ")
                    ),
                ));
            }
        }
    }
    slots
}

/// Whether `port` names the same thing as `name` (for tests and tools).
pub fn port_matches(port: &Port, name: &str) -> bool {
    port.to_string() == name
}
