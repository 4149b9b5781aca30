//! The operator reference, `docs/operators.md`, generated from the operator table.
//!
//! Everything in the reference comes from the [`OperatorSpec`]s (name, description, ports,
//! arities, arguments, persistence, type arguments, blocking inputs, delay and the runnable
//! example), grouped by the [`families`] table, plus the hand-written sections of the
//! pseudo-operators `handoff()`, `singleton()` and `optional()` below. The `tideflow` crate runs
//! every example as a doc test, and `tests/operator_reference.rs` checks that the file matches
//! [`operator_reference_markdown`].

use std::fmt::Write as _;

use super::{all_operators, AllowedLifetimes, Arity, Delay, OperatorSpec, PortSpec};

/// A family of operators: one section of the reference.
#[derive(Debug, Clone, Copy)]
pub struct Family {
    /// Section title, e.g. `Sources`.
    pub name: &'static str,
    /// What the family's operators have in common (Markdown, one paragraph).
    pub summary: &'static str,
    /// The family's operators, in catalogue order.
    pub operators: &'static [OperatorSpec],
}

impl Family {
    /// Whether the operator called `name` belongs to this family.
    pub fn contains(&self, name: &str) -> bool {
        self.operators.iter().any(|spec| spec.name == name)
    }
}

/// Every family, in catalogue order. A new family file in `ops/` adds its `OPERATORS` here as
/// well as to [`all_operators`].
pub fn families() -> &'static [Family] {
    FAMILIES
}

/// The family of the operator called `name`.
pub fn family_of(name: &str) -> Option<&'static Family> {
    families().iter().find(|family| family.contains(name))
}

const FAMILIES: &[Family] = &[
    Family {
        name: "Sources",
        summary: "Operators with no input: they start a pipeline and emit at the start of their \
                  subgraph's run.",
        operators: super::sources::OPERATORS,
    },
    Family {
        name: "Element-wise",
        summary: "One item in, zero or more out, handled as it arrives and fused into the \
                  surrounding code. Also the plumbing: `tee`, `union`, `null`, `identity`.",
        operators: super::elementwise::OPERATORS,
    },
    Family {
        name: "Joins",
        summary: "Operators over two inputs. Joins stream: each item is matched against the other \
                  side's state as it arrives, so a join can sit inside a cycle, which runs to its \
                  fixpoint within the tick. `anti_join` and `difference` block on their `[neg]` \
                  input.",
        operators: super::joins::OPERATORS,
    },
    Family {
        name: "Fused and asymmetric joins",
        summary: "Joins fused with per-key aggregation, the order-preserving half join, and the \
                  multiset and singleton products.",
        operators: super::fused::OPERATORS,
    },
    Family {
        name: "Aggregations",
        summary: "Blocking operators: they take their whole input of the run and then emit.",
        operators: super::aggregates::OPERATORS,
    },
    Family {
        name: "Lattices",
        summary: "Operators that merge items into lattice state with \
                  `tideflow::lattices::Merge`: the result is the same whatever the order and \
                  however often items arrive.",
        operators: super::lattices::OPERATORS,
    },
    Family {
        name: "Stream shaping",
        summary: "Concatenating, zipping, splitting and scanning streams, sorting by key, \
                  aggregations that emit only on new input, and releasing input on a signal.",
        operators: super::streams::OPERATORS,
    },
    Family {
        name: "Futures and streams",
        summary: "Items that are futures or streams. The plain forms never hold a tick up; the \
                  blocking forms make the tick wait for their results, suspending it (not the \
                  thread) until the flow is woken.",
        operators: super::resolve::OPERATORS,
    },
    Family {
        name: "Loops",
        summary: "The boundaries of `loop { }` blocks: items enter a loop through `batch()` (or \
                  its lazy and eager forms) and leave it through `all_iterations()`. A top-level \
                  loop runs at most once per tick; a loop nested in another iterates until \
                  nothing enters it and nothing is deferred to its next iteration.",
        operators: super::loops::OPERATORS,
    },
    Family {
        name: "Time",
        summary: "Persistence across ticks and deferral to the next tick.",
        operators: super::time::OPERATORS,
    },
    Family {
        name: "Sinks",
        summary: "Operators that hand items to the outside world.",
        operators: super::sinks::OPERATORS,
    },
    Family {
        name: "Routing",
        summary: "One input, several outputs: each item goes to exactly one of them.",
        operators: super::routing::OPERATORS,
    },
    Family {
        name: "Assertions",
        summary: "Testing aids that check a stream and pass it on unchanged; they panic, at the \
                  operator, when a check fails.",
        operators: super::assertions::OPERATORS,
    },
    Family {
        name: "Files and standard input",
        summary: "Sources reading standard input and files, and a sink writing a file. I/O \
                  errors never panic: sources emit them as `Err` items, the sink logs and \
                  counts them.",
        operators: super::io::OPERATORS,
    },
    Family {
        name: "Network",
        summary: "The serde pair for the byte sockets of `tideflow::net`: decode received \
                  frames into typed items, encode typed items into frames. A frame that does \
                  not decode and a transport error are items the flow sees; the typed sockets \
                  (`bind_tcp::<T>`, ...) need only `source_stream` and `dest_sink`.",
        operators: super::network::OPERATORS,
    },
];

/// The hand-written section of a pseudo-operator (a node that is not an operator spec).
struct PseudoOperator {
    name: &'static str,
    /// Markdown paragraphs.
    text: &'static str,
    /// A runnable example, like [`OperatorSpec::example`].
    example: &'static str,
}

const PSEUDO_OPERATORS_SUMMARY: &str = "\
`handoff()`, `singleton()` and `optional()` are not operators but named storage nodes. Each takes \
exactly one input and has zero or one output; none takes arguments, persistence or type \
arguments. Their point is the `#name` reference: an argument of another operator that mentions \
`#name` reads the node's contents for this tick (`#mut name` borrows them mutably). A referencing \
operator runs after the node's producer and before the node's pipe consumer, never in the same \
subgraph as the producer. Arguments that mention a reference are evaluated at each run of their \
subgraph. The contents are cleared at the end of every tick.";

const PSEUDO_OPERATORS: &[PseudoOperator] = &[
    PseudoOperator {
        name: "handoff",
        text: "A buffer of this tick's items; it also forces a subgraph boundary. `#name` is a \
               `&Vec<T>` of the items that arrived this tick (`#mut name`: `&mut Vec<T>`, so a \
               referencing operator can even drain it before the pipe consumer runs).",
        example: r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, recv) = unbounded_channel::<i32>();
            let mut flow = tideflow::flow! {
                items = source_iter([1, 2, 3]) -> handoff();
                source_iter([10, 20])
                    -> map(|x| x * #items.iter().sum::<i32>())
                    -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_available_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(recv), [60, 120]);
        "#,
    },
    PseudoOperator {
        name: "singleton",
        text: "Holds this tick's value, typically the output of a `fold` or `reduce`; a second \
               item in the same tick replaces the first and is logged as a warning. `#name` is a `&T` (`#mut name`: \
               `&mut T`). If it holds no value when it is read, the reading subgraph skips that \
               run and drops its input, and the flow logs an error through `tracing` (the \
               established system panics).",
        example: r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, recv) = unbounded_channel::<i32>();
            let mut flow = tideflow::flow! {
                max = source_iter([3, 9, 4]) -> reduce(|a: &mut i32, b| *a = (*a).max(b)) -> singleton();
                source_iter(1..=12) -> filter(|x| x > #max) -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_available_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(recv), [10, 11, 12]);
        "#,
    },
    PseudoOperator {
        name: "optional",
        text: "Like `singleton()`, but `#name` is an `&Option<T>` (`#mut name`: \
               `&mut Option<T>`): `None` in a tick where no value arrived.",
        example: r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, recv) = unbounded_channel::<Option<i32>>();
            let mut flow = tideflow::flow! {
                latest = source_iter([3, 5]) -> reduce(|a: &mut i32, b| *a = b) -> optional();
                spin() -> map(|()| *#latest) -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_tick_sync(); // source_iter emits in tick 0 only
            flow.run_tick_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(recv), [Some(5), None]);
        "#,
    },
];

const INTRO: &str = "\
Every operator that `tideflow::flow!` accepts, generated from the operator table in
`crates/tideflow-lang/src/ops` (do not edit this file by hand; regenerate it with
`TIDEFLOW_UPDATE_DOCS=1 cargo test -p tideflow-lang --test operator_reference`).

**Ticks.** A flow runs in ticks. A tick takes the input that is available now (ready stream items,
items deferred from the previous tick), runs the graph to completion (a cycle runs to its
fixpoint within the tick), resets `'tick` state and ends. `Flow::run_tick_sync()` runs one tick;
`Flow::run_available_sync()` runs ticks while one is due (new input woke the flow, `defer_tick`
holds items, `spin()` asked for one) and returns how many it ran.

**Persistence.** Stateful operators take a lifetime: `'tick` (the default) keeps state for one
tick and resets it at the end; `'static` keeps it for the life of the flow, and most `'static`
operators replay what they hold in every later tick (`persist`, `fold`, `join`, ...). Binary
operators take one lifetime per input, in port order (`join::<'tick, 'static>()`); a single
lifetime applies to both.

**Blocking inputs.** A blocking input needs the whole tick's input before the operator emits
(`fold`, `sort`, the `[neg]` side of `difference`). A blocking input may not sit on a cycle.

**Arguments** are Rust expressions, evaluated once when the flow is built, so `move` closures keep
their state across ticks. Inside them, `context` is the running flow's
`tideflow::context::CurrentContext` (`context.current_tick()`, ...), and `#name` reads a
`handoff()`, `singleton()` or `optional()` node.

**Examples.** Every example below is a doc test of the `tideflow` crate: it builds a small flow,
runs it and asserts its exact output. They collect output through
`tideflow::util::unbounded_channel` and `collect_ready`, and use
`tideflow::util::iter_batches_stream(items, n)` to feed `n` items per tick.";

/// The whole reference, as Markdown: an introduction, an index, one section per operator in
/// [`all_operators`] order grouped by family, and the pseudo-operators.
pub fn operator_reference_markdown() -> String {
    let groups = grouped_operators();
    let mut out = String::new();
    out.push_str("# Operator reference\n\n");
    out.push_str(INTRO);
    out.push_str("\n\n## Index\n\n");
    for (family, operators) in &groups {
        let links: Vec<String> = operators.iter().map(|spec| link(spec.name)).collect();
        let _ = writeln!(out, "- **{}**: {}", family.name, links.join(", "));
    }
    let pseudo: Vec<String> = PSEUDO_OPERATORS
        .iter()
        .map(|pseudo| link(pseudo.name))
        .collect();
    let _ = writeln!(out, "- **Pseudo-operators**: {}", pseudo.join(", "));

    for (family, operators) in &groups {
        let _ = write!(out, "\n# {}\n\n{}\n", family.name, family.summary);
        for spec in operators {
            out.push('\n');
            write_operator(&mut out, spec);
        }
    }

    let _ = write!(out, "\n# Pseudo-operators\n\n{PSEUDO_OPERATORS_SUMMARY}\n");
    for pseudo in PSEUDO_OPERATORS {
        let _ = write!(out, "\n## {}\n\n{}\n\n", pseudo.name, pseudo.text);
        write_table(
            &mut out,
            &[
                ("Inputs", "1".to_owned()),
                ("Outputs", "0 or 1".to_owned()),
                ("Arguments", "none".to_owned()),
                ("Persistence", "none".to_owned()),
                ("Type arguments", "none".to_owned()),
            ],
        );
        write_example(&mut out, pseudo.example);
    }
    out
}

/// The operators of [`all_operators`], grouped by family in order of first appearance. An
/// operator missing from [`families`] lands in an `Other operators` group at the end.
fn grouped_operators() -> Vec<(Family, Vec<&'static OperatorSpec>)> {
    const OTHER: Family = Family {
        name: "Other operators",
        summary: "Operators not yet listed in a family.",
        operators: &[],
    };
    let mut groups: Vec<(Family, Vec<&'static OperatorSpec>)> = Vec::new();
    let mut other = Vec::new();
    for spec in all_operators() {
        let Some(family) = family_of(spec.name) else {
            other.push(spec);
            continue;
        };
        match groups
            .iter_mut()
            .find(|(group, _)| group.name == family.name)
        {
            Some((_, operators)) => operators.push(spec),
            None => groups.push((*family, vec![spec])),
        }
    }
    if !other.is_empty() {
        groups.push((OTHER, other));
    }
    groups
}

fn link(name: &str) -> String {
    format!("[`{name}`](#{name})")
}

fn write_operator(out: &mut String, spec: &OperatorSpec) {
    let _ = write!(out, "## {}\n\n{}\n\n", spec.name, spec.description);
    write_table(
        out,
        &[
            ("Inputs", inputs(spec)),
            ("Outputs", outputs(spec)),
            ("Arguments", count(spec.args)),
            ("Persistence", persistence(spec)),
            ("Type arguments", arity(spec.type_args)),
            ("Blocking inputs", blocking(spec)),
            ("Delay", delay(spec)),
        ],
    );
    write_example(out, spec.example);
}

fn write_table(out: &mut String, rows: &[(&str, String)]) {
    out.push_str("| | |\n|---|---|\n");
    for (key, value) in rows {
        // A `|` ends a table cell even inside a code span unless it is escaped.
        let value = value.replace('|', "\\|");
        let _ = writeln!(out, "| {key} | {value} |");
    }
}

fn write_example(out: &mut String, example: &str) {
    out.push_str("\n### Example\n\n```rust\n");
    out.push_str(&example_code(example));
    out.push_str("```\n");
}

/// An example's code: without the blank lines around it and its common indentation, so examples
/// can be indented with the spec that holds them.
fn example_code(example: &str) -> String {
    let lines: Vec<&str> = example.lines().collect();
    let is_blank = |line: &&str| line.trim().is_empty();
    let start = lines.iter().position(|line| !is_blank(line));
    let end = lines.iter().rposition(|line| !is_blank(line));
    let (Some(start), Some(end)) = (start, end) else {
        return String::new();
    };
    let lines = &lines[start..=end];
    let indent = lines
        .iter()
        .filter(|line| !is_blank(line))
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut code = String::new();
    for line in lines {
        code.push_str(line.get(indent..).unwrap_or("").trim_end());
        code.push('\n');
    }
    code
}

fn count(n: usize) -> String {
    match n {
        0 => "none".to_owned(),
        n => n.to_string(),
    }
}

/// `none`, `1`, `0 or 1`, `0 to 2`, `1 or more`.
fn arity(arity: Arity) -> String {
    match (arity.min, arity.max) {
        (_, Some(0)) => "none".to_owned(),
        (min, Some(max)) if min == max => min.to_string(),
        (min, Some(max)) if max == min + 1 => format!("{min} or {max}"),
        (min, Some(max)) => format!("{min} to {max}"),
        (min, None) => format!("{min} or more"),
    }
}

/// How many edges, with the ports they can use and what a warning or zero means.
fn edges(ports: PortSpec, count: Arity, soft_min: usize, noun: &str) -> String {
    let mut text = match ports {
        PortSpec::Fixed(names) => {
            let names: Vec<String> = names.iter().map(|name| format!("`[{name}]`")).collect();
            format!("{}: {}", names.len(), names.join(", "))
        }
        PortSpec::Optional(names) => {
            let names: Vec<String> = names.iter().map(|name| format!("`[{name}]`")).collect();
            format!("{} of {}, each optional", arity(count), names.join(", "))
        }
        PortSpec::Unnamed | PortSpec::Variadic => arity(count),
        PortSpec::Custom(custom) => format!("{}; {}", arity(count), custom.description),
    };
    if soft_min > count.min {
        let _ = write!(text, " (warns below {soft_min})");
    }
    if let PortSpec::Variadic = ports {
        text.push_str("; ports may be named or numbered (`[a]`, `[0]`)");
    }
    if count.min == 0 && count.max != Some(0) {
        let _ = write!(text, " (may {noun})");
    }
    text
}

fn inputs(spec: &OperatorSpec) -> String {
    if spec.is_source() {
        return "none (a source: starts a pipeline)".to_owned();
    }
    edges(
        spec.input_ports,
        spec.inputs,
        spec.soft_min_inputs,
        "start a pipeline",
    )
}

fn outputs(spec: &OperatorSpec) -> String {
    if spec.outputs.max == Some(0) {
        return "none (ends a pipeline)".to_owned();
    }
    edges(
        spec.output_ports,
        spec.outputs,
        spec.soft_min_outputs,
        "end a pipeline",
    )
}

fn persistence(spec: &OperatorSpec) -> String {
    let persistence = spec.persistence;
    match persistence.slots {
        0 => "none".to_owned(),
        _ if persistence.allowed == AllowedLifetimes::StaticOnly => {
            "`'static` only (the default)".to_owned()
        }
        _ if persistence.allowed == AllowedLifetimes::TickOnly => "`'tick` only".to_owned(),
        1 => "`'tick` (default) or `'static`".to_owned(),
        slots => {
            let ports = match spec.input_ports {
                PortSpec::Fixed(names) => names
                    .iter()
                    .map(|name| format!("`[{name}]`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => format!("{slots} inputs"),
            };
            format!("`'tick` (default) or `'static`, one per input ({ports}); a single one applies to both")
        }
    }
}

fn blocking(spec: &OperatorSpec) -> String {
    if spec.blocking_inputs.is_empty() {
        return "none".to_owned();
    }
    match spec.input_ports {
        PortSpec::Fixed(names) => spec
            .blocking_inputs
            .iter()
            .map(|&index| format!("`[{}]`", names.get(index).copied().unwrap_or("?")))
            .collect::<Vec<_>>()
            .join(", "),
        _ if spec.inputs.max == Some(1) => "its input".to_owned(),
        _ => "all inputs".to_owned(),
    }
}

fn delay(spec: &OperatorSpec) -> String {
    match spec.delay {
        None => "none".to_owned(),
        Some(Delay::Tick) => "to the next tick; pending items make the flow run it".to_owned(),
        Some(Delay::TickLazy) => {
            "to the next tick; pending items wait for a tick that runs anyway".to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_code_drops_blank_edges_and_common_indentation() {
        let example = "\n    let a = 1;\n\n      let b = a;\n  ";
        assert_eq!(example_code(example), "let a = 1;\n\n  let b = a;\n");
        assert_eq!(example_code("  \n"), "");
    }

    #[test]
    fn arity_reads_naturally() {
        assert_eq!(arity(Arity::exactly(0)), "none");
        assert_eq!(arity(Arity::exactly(1)), "1");
        assert_eq!(arity(Arity::range(0, 1)), "0 or 1");
        assert_eq!(arity(Arity::range(0, 2)), "0 to 2");
        assert_eq!(arity(Arity::at_least(1)), "1 or more");
    }
}
