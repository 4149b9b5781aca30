//! Renderer tests: full expected Mermaid and DOT texts for small hand-built graphs.
use super::*;

fn node(id: usize, kind: NodeKind, label: &str, varname: Option<&str>) -> NodeView {
    let name = label.split('(').next().unwrap_or(label).to_owned();
    let varname = varname.map(str::to_owned);
    let label = label.to_owned();
    let (subgraph, role) = (None, None);
    NodeView {
        id,
        kind,
        name,
        label,
        varname,
        subgraph,
        role,
    }
}

fn op(id: usize, label: &str, varname: Option<&str>, sg: usize, role: NodeRole) -> NodeView {
    let (subgraph, role) = (Some(sg), Some(role));
    NodeView {
        subgraph,
        role,
        ..node(id, NodeKind::Operator, label, varname)
    }
}

fn edge(src: usize, src_port: &str, dst: usize, dst_port: &str, kind: EdgeKind) -> EdgeView {
    let port = |port: &str| (!port.is_empty()).then(|| port.to_owned());
    let (src_port, dst_port) = (port(src_port), port(dst_port));
    EdgeView {
        src,
        src_port,
        dst,
        dst_port,
        kind,
    }
}

/// `source_iter(0..3) -> incr = map(|x| x + 1) -> for_each(drop)`, unpartitioned.
fn chain() -> GraphView {
    let nodes = vec![
        node(0, NodeKind::Operator, "source_iter(0..3)", None),
        node(1, NodeKind::Operator, "map(|x| x + 1)", Some("incr")),
        node(2, NodeKind::Operator, "for_each(drop)", None),
    ];
    let edges = vec![
        edge(0, "", 1, "", EdgeKind::Data),
        edge(1, "", 2, "", EdgeKind::Data),
    ];
    GraphView {
        nodes,
        edges,
        ..GraphView::default()
    }
}

/// Subgraph 0 folds a source; subgraph 1 unions it with its own output (through a buffer, so
/// it is fixpoint component 0) and with last tick's (through a defer buffer).
fn partitioned() -> GraphView {
    use {EdgeKind::*, NodeKind::*};
    let nodes = vec![
        op(0, "source_iter(0..3)", None, 0, NodeRole::Root),
        op(
            1,
            "fold(|| 0, |a, x| *a += x + #total)",
            None,
            0,
            NodeRole::Inline,
        ),
        op(2, "union()", Some("all"), 1, NodeRole::Junction),
        op(3, "tee()", None, 1, NodeRole::Inline),
        node(4, Buffer, "buffer", None),
        node(5, Buffer, "buffer", None),
        node(6, DeferBuffer, "defer_tick()", None),
        node(7, Singleton, "singleton()", Some("total")),
    ];
    let edges = vec![
        edge(0, "", 1, "", Blocking),
        edge(1, "", 4, "", Data),
        edge(4, "", 2, "0", Data),
        edge(2, "", 3, "", Data),
        edge(3, "0", 5, "", Data),
        edge(5, "", 2, "1", Data),
        edge(3, "1", 6, "", Delay),
        edge(6, "", 2, "2", Data),
        edge(7, "", 1, "", Reference),
    ];
    let subgraphs = vec![
        SubgraphView {
            id: 0,
            nodes: vec![0, 1],
            component: None,
        },
        SubgraphView {
            id: 1,
            nodes: vec![2, 3],
            component: Some(0),
        },
    ];
    let components = vec![ComponentView {
        id: 0,
        subgraphs: vec![1],
    }];
    GraphView {
        nodes,
        edges,
        subgraphs,
        components,
        loops: Vec::new(),
    }
}

/// `start = source_iter([1]); loop { outer = start -> batch(); loop { outer -> batch() ->
/// step; step = union() -> map(|x| x * 2) -> step; seen = singleton(); } out =
/// all_iterations(); }` as a flat graph: loop 1 is nested in loop 0.
fn nested_loops_flat() -> GraphView {
    use {EdgeKind::*, NodeKind::*};
    let nodes = vec![
        node(0, Operator, "source_iter([1])", Some("start")),
        node(1, Operator, "batch()", Some("outer")),
        node(2, Operator, "batch()", None),
        node(3, Operator, "union()", Some("step")),
        node(4, Operator, "map(|x| x * 2 + #seen)", None),
        node(5, Singleton, "singleton()", Some("seen")),
        node(6, Operator, "all_iterations()", Some("out")),
    ];
    let edges = vec![
        edge(0, "", 1, "", Data),
        edge(1, "", 2, "", Data),
        edge(2, "", 3, "0", Data),
        edge(3, "", 4, "", Data),
        edge(4, "", 3, "1", Data),
        edge(4, "", 6, "", Data),
        edge(5, "", 4, "", Reference),
    ];
    let loops = vec![
        LoopView {
            id: 0,
            parent: None,
            subgraphs: Vec::new(),
            nodes: vec![1, 6],
        },
        LoopView {
            id: 1,
            parent: Some(0),
            subgraphs: Vec::new(),
            nodes: vec![2, 3, 4, 5],
        },
    ];
    GraphView {
        nodes,
        edges,
        loops,
        ..GraphView::default()
    }
}

/// [`nested_loops_flat`] partitioned: the source, each `batch()`, and `all_iterations()`
/// start subgraphs; the `union()`/`map` subgraph is fixpoint component 0 inside loop 1, whose
/// feedback buffer is in loop 1 too.
fn nested_loops_partitioned() -> GraphView {
    use {EdgeKind::*, NodeKind::*, NodeRole::*};
    let nodes = vec![
        op(0, "source_iter([1])", Some("start"), 0, Root),
        op(1, "batch()", Some("outer"), 1, Root),
        op(2, "batch()", None, 2, Root),
        op(3, "union()", Some("step"), 3, Junction),
        op(4, "map(|x| x * 2 + #seen)", None, 3, Inline),
        node(5, Singleton, "singleton()", Some("seen")),
        op(6, "all_iterations()", Some("out"), 4, Root),
        node(7, Buffer, "buffer", None),
        node(8, Buffer, "buffer", None),
        node(9, Buffer, "buffer", None),
        node(10, Buffer, "buffer", None),
        node(11, Buffer, "buffer", None),
    ];
    let edges = vec![
        edge(0, "", 7, "", Data),
        edge(7, "", 1, "", Data),
        edge(1, "", 8, "", Data),
        edge(8, "", 2, "", Data),
        edge(2, "", 9, "", Data),
        edge(9, "", 3, "0", Data),
        edge(3, "", 4, "", Data),
        edge(4, "", 10, "", Data),
        edge(10, "", 3, "1", Data),
        edge(4, "", 11, "", Data),
        edge(11, "", 6, "", Data),
        edge(5, "", 4, "", Reference),
    ];
    let subgraph = |id: usize, nodes: Vec<usize>, component: Option<usize>| SubgraphView {
        id,
        nodes,
        component,
    };
    let subgraphs = vec![
        subgraph(0, vec![0], None),
        subgraph(1, vec![1], None),
        subgraph(2, vec![2], None),
        subgraph(3, vec![3, 4], Some(0)),
        subgraph(4, vec![6], None),
    ];
    let components = vec![ComponentView {
        id: 0,
        subgraphs: vec![3],
    }];
    let loops = vec![
        LoopView {
            id: 0,
            parent: None,
            subgraphs: vec![1, 4],
            nodes: vec![1, 6],
        },
        LoopView {
            id: 1,
            parent: Some(0),
            subgraphs: vec![2, 3],
            nodes: vec![2, 3, 4, 5, 9, 10],
        },
    ];
    GraphView {
        nodes,
        edges,
        subgraphs,
        components,
        loops,
    }
}

/// Labels full of characters both formats treat specially.
fn tricky() -> GraphView {
    let filter = "filter(|x| x > &\"a\\n\" && x.len() < 3 /* #{x} `|` */)\n    -> map(|x| x)";
    let mut handoff = node(2, NodeKind::Handoff, "", None);
    handoff.name = "handoff".to_owned();
    let nodes = vec![
        node(
            0,
            NodeKind::Operator,
            "source_iter([\"a\", \"b\"])",
            Some("words"),
        ),
        node(1, NodeKind::Operator, filter, None),
        handoff,
    ];
    let edges = vec![
        edge(0, "ok", 1, "", EdgeKind::Data),
        edge(1, "", 2, "in", EdgeKind::Data),
    ];
    GraphView {
        nodes,
        edges,
        ..GraphView::default()
    }
}

#[test]
fn flat_chain() {
    let mermaid = r##"flowchart TD
    classDef op fill:#ffffff,stroke:#333333
    n0["0: source_iter(0..3)"]:::op
    n1["1: incr = map(|x| x + 1)"]:::op
    n2["2: for_each(drop)"]:::op
    n0 --> n1
    n1 --> n2
"##;
    let dot = r##"digraph flow {
    node [fontname="monospace", style=filled, fillcolor="#ffffff"];
    edge [fontname="monospace"];
    n0 [label="0: source_iter(0..3)", shape=box];
    n1 [label="1: incr = map(|x| x + 1)", shape=box];
    n2 [label="2: for_each(drop)", shape=box];
    n0 -> n1;
    n1 -> n2;
}
"##;
    assert_eq!(chain().to_mermaid(), mermaid);
    assert_eq!(chain().to_dot(), dot);
}

#[test]
fn partitioned_graph() {
    let mermaid = r##"flowchart TD
    classDef op fill:#ffffff,stroke:#333333
    classDef root fill:#fff2b3,stroke:#b38f00
    classDef junction fill:#cfe2ff,stroke:#3366cc
    classDef buffer fill:#e6e6e6,stroke:#666666
    classDef defer fill:#ffb3b3,stroke:#cc0000
    classDef state fill:#d9f2d9,stroke:#339933
    subgraph sg_0 ["subgraph 0"]
        n0[/"0: source_iter(0..3)"/]:::root
        n1["1: fold(|| 0, |a, x| *a += x + #35;total)"]:::op
    end
    subgraph fp_0 ["fixpoint 0"]
        subgraph sg_1 ["subgraph 1"]
            n2[\"2: all = union()"/]:::junction
            n3["3: tee()"]:::op
        end
    end
    n4[("4: buffer")]:::buffer
    n5[("5: buffer")]:::buffer
    n6{{"6: defer_tick()"}}:::defer
    n7(["7: total = singleton()"]):::state
    n0 ==> n1
    n1 --> n4
    n4 -->|"→0"| n2
    n2 --> n3
    n3 -->|"0→"| n5
    n5 -->|"→1"| n2
    n3 -.->|"defer 1→"| n6
    n6 -->|"→2"| n2
    n7 -.-> n1
    linkStyle 6 stroke:#cc0000,stroke-dasharray:6 4,color:#cc0000
    linkStyle 8 stroke:#3366cc,color:#3366cc
    style fp_0 fill:#fff8ee,stroke:#cc6600,stroke-dasharray:5 5
"##;
    let dot = r##"digraph flow {
    node [fontname="monospace", style=filled, fillcolor="#ffffff"];
    edge [fontname="monospace"];
    subgraph cluster_sg_0 {
        graph [label="subgraph 0", style=filled, fillcolor="#f5f5f5", color="#999999"];
        n0 [label="0: source_iter(0..3)", shape=house, fillcolor="#fff2b3"];
        n1 [label="1: fold(|| 0, |a, x| *a += x + #total)", shape=box];
    }
    subgraph cluster_fp_0 {
        graph [label="fixpoint 0", style=dashed, color="#cc6600"];
        subgraph cluster_sg_1 {
            graph [label="subgraph 1", style=filled, fillcolor="#f5f5f5", color="#999999"];
            n2 [label="2: all = union()", shape=invtrapezium, fillcolor="#cfe2ff"];
            n3 [label="3: tee()", shape=box];
        }
    }
    n4 [label="4: buffer", shape=parallelogram, fillcolor="#e6e6e6"];
    n5 [label="5: buffer", shape=parallelogram, fillcolor="#e6e6e6"];
    n6 [label="6: defer_tick()", shape=hexagon, fillcolor="#ffb3b3", color="#cc0000"];
    n7 [label="7: total = singleton()", shape=box, style="rounded,filled", fillcolor="#d9f2d9"];
    n0 -> n1 [penwidth=2];
    n1 -> n4;
    n4 -> n2 [label="→0"];
    n2 -> n3;
    n3 -> n5 [label="0→"];
    n5 -> n2 [label="→1"];
    n3 -> n6 [label="defer 1→", style=dashed, color=red, fontcolor=red];
    n6 -> n2 [label="→2"];
    n7 -> n1 [style=dotted, color="#3366cc"];
}
"##;
    assert_eq!(partitioned().to_mermaid(), mermaid);
    assert_eq!(partitioned().to_dot(), dot);
}

#[test]
fn membership_falls_back_to_node_and_subgraph_fields() {
    let mut view = partitioned();
    view.subgraphs.iter_mut().for_each(|sg| sg.nodes.clear());
    view.components[0].subgraphs.clear();
    assert_eq!(view.to_mermaid(), partitioned().to_mermaid());
    assert_eq!(view.to_dot(), partitioned().to_dot());
}

#[test]
fn special_characters_are_escaped() {
    let mermaid = r##"flowchart TD
    classDef op fill:#ffffff,stroke:#333333
    classDef state fill:#d9f2d9,stroke:#339933
    n0["0: words = source_iter([#quot;a#quot;, #quot;b#quot;])"]:::op
    n1["1: filter(|x| x #gt; #amp;#quot;a\n#quot; #amp;#amp; x.len() #lt; 3 /* #35;{x} #96;|#96; */)<br>#160;#160;#160;#160;-#gt; map(|x| x)"]:::op
    n2(["2: handoff"]):::state
    n0 -->|"ok→"| n1
    n1 -->|"→in"| n2
"##;
    let dot = r##"digraph flow {
    node [fontname="monospace", style=filled, fillcolor="#ffffff"];
    edge [fontname="monospace"];
    n0 [label="0: words = source_iter([\"a\", \"b\"])", shape=box];
    n1 [label="1: filter(|x| x > &\"a\\n\" && x.len() < 3 /* #{x} `|` */)\l    -> map(|x| x)\l", shape=box];
    n2 [label="2: handoff", shape=box, style="rounded,filled", fillcolor="#d9f2d9"];
    n0 -> n1 [label="ok→"];
    n1 -> n2 [label="→in"];
}
"##;
    assert_eq!(tricky().to_mermaid(), mermaid);
    assert_eq!(tricky().to_dot(), dot);
}

#[test]
fn empty_graph() {
    let empty = GraphView::default();
    assert_eq!(empty.to_mermaid(), "flowchart TD\n");
    assert!(empty.to_dot().starts_with("digraph flow {\n") && empty.to_dot().ends_with("\n}\n"));
}

#[test]
fn flat_nested_loops() {
    let mermaid = r##"flowchart TD
    classDef op fill:#ffffff,stroke:#333333
    classDef state fill:#d9f2d9,stroke:#339933
    subgraph loop_0 ["loop 0"]
        subgraph loop_1 ["loop 1"]
            n2["2: batch()"]:::op
            n3["3: step = union()"]:::op
            n4["4: map(|x| x * 2 + #35;seen)"]:::op
            n5(["5: seen = singleton()"]):::state
        end
        n1["1: outer = batch()"]:::op
        n6["6: out = all_iterations()"]:::op
    end
    n0["0: start = source_iter([1])"]:::op
    n0 --> n1
    n1 --> n2
    n2 -->|"→0"| n3
    n3 --> n4
    n4 -->|"→1"| n3
    n4 --> n6
    n5 -.-> n4
    linkStyle 6 stroke:#3366cc,color:#3366cc
    style loop_0 fill:#faf5ff,stroke:#8e44ad,stroke-dasharray:8 4,color:#8e44ad
    style loop_1 fill:#faf5ff,stroke:#8e44ad,stroke-dasharray:8 4,color:#8e44ad
"##;
    let dot = r##"digraph flow {
    node [fontname="monospace", style=filled, fillcolor="#ffffff"];
    edge [fontname="monospace"];
    subgraph cluster_loop_0 {
        graph [label="loop 0", style=dashed, color="#8e44ad", fontcolor="#8e44ad", penwidth=1.5];
        subgraph cluster_loop_1 {
            graph [label="loop 1", style=dashed, color="#8e44ad", fontcolor="#8e44ad", penwidth=1.5];
            n2 [label="2: batch()", shape=box];
            n3 [label="3: step = union()", shape=box];
            n4 [label="4: map(|x| x * 2 + #seen)", shape=box];
            n5 [label="5: seen = singleton()", shape=box, style="rounded,filled", fillcolor="#d9f2d9"];
        }
        n1 [label="1: outer = batch()", shape=box];
        n6 [label="6: out = all_iterations()", shape=box];
    }
    n0 [label="0: start = source_iter([1])", shape=box];
    n0 -> n1;
    n1 -> n2;
    n2 -> n3 [label="→0"];
    n3 -> n4;
    n4 -> n3 [label="→1"];
    n4 -> n6;
    n5 -> n4 [style=dotted, color="#3366cc"];
}
"##;
    assert_eq!(nested_loops_flat().to_mermaid(), mermaid);
    assert_eq!(nested_loops_flat().to_dot(), dot);
}

#[test]
fn partitioned_nested_loops() {
    let mermaid = r##"flowchart TD
    classDef op fill:#ffffff,stroke:#333333
    classDef root fill:#fff2b3,stroke:#b38f00
    classDef junction fill:#cfe2ff,stroke:#3366cc
    classDef buffer fill:#e6e6e6,stroke:#666666
    classDef state fill:#d9f2d9,stroke:#339933
    subgraph sg_0 ["subgraph 0"]
        n0[/"0: start = source_iter([1])"/]:::root
    end
    subgraph loop_0 ["loop 0"]
        subgraph sg_1 ["subgraph 1"]
            n1[/"1: outer = batch()"/]:::root
        end
        subgraph loop_1 ["loop 1"]
            subgraph sg_2 ["subgraph 2"]
                n2[/"2: batch()"/]:::root
            end
            subgraph fp_0 ["fixpoint 0"]
                subgraph sg_3 ["subgraph 3"]
                    n3[\"3: step = union()"/]:::junction
                    n4["4: map(|x| x * 2 + #35;seen)"]:::op
                end
            end
            n5(["5: seen = singleton()"]):::state
            n9[("9: buffer")]:::buffer
            n10[("10: buffer")]:::buffer
        end
        subgraph sg_4 ["subgraph 4"]
            n6[/"6: out = all_iterations()"/]:::root
        end
    end
    n7[("7: buffer")]:::buffer
    n8[("8: buffer")]:::buffer
    n11[("11: buffer")]:::buffer
    n0 --> n7
    n7 --> n1
    n1 --> n8
    n8 --> n2
    n2 --> n9
    n9 -->|"→0"| n3
    n3 --> n4
    n4 --> n10
    n10 -->|"→1"| n3
    n4 --> n11
    n11 --> n6
    n5 -.-> n4
    linkStyle 11 stroke:#3366cc,color:#3366cc
    style fp_0 fill:#fff8ee,stroke:#cc6600,stroke-dasharray:5 5
    style loop_0 fill:#faf5ff,stroke:#8e44ad,stroke-dasharray:8 4,color:#8e44ad
    style loop_1 fill:#faf5ff,stroke:#8e44ad,stroke-dasharray:8 4,color:#8e44ad
"##;
    let dot = r##"digraph flow {
    node [fontname="monospace", style=filled, fillcolor="#ffffff"];
    edge [fontname="monospace"];
    subgraph cluster_sg_0 {
        graph [label="subgraph 0", style=filled, fillcolor="#f5f5f5", color="#999999"];
        n0 [label="0: start = source_iter([1])", shape=house, fillcolor="#fff2b3"];
    }
    subgraph cluster_loop_0 {
        graph [label="loop 0", style=dashed, color="#8e44ad", fontcolor="#8e44ad", penwidth=1.5];
        subgraph cluster_sg_1 {
            graph [label="subgraph 1", style=filled, fillcolor="#f5f5f5", color="#999999"];
            n1 [label="1: outer = batch()", shape=house, fillcolor="#fff2b3"];
        }
        subgraph cluster_loop_1 {
            graph [label="loop 1", style=dashed, color="#8e44ad", fontcolor="#8e44ad", penwidth=1.5];
            subgraph cluster_sg_2 {
                graph [label="subgraph 2", style=filled, fillcolor="#f5f5f5", color="#999999"];
                n2 [label="2: batch()", shape=house, fillcolor="#fff2b3"];
            }
            subgraph cluster_fp_0 {
                graph [label="fixpoint 0", style=dashed, color="#cc6600"];
                subgraph cluster_sg_3 {
                    graph [label="subgraph 3", style=filled, fillcolor="#f5f5f5", color="#999999"];
                    n3 [label="3: step = union()", shape=invtrapezium, fillcolor="#cfe2ff"];
                    n4 [label="4: map(|x| x * 2 + #seen)", shape=box];
                }
            }
            n5 [label="5: seen = singleton()", shape=box, style="rounded,filled", fillcolor="#d9f2d9"];
            n9 [label="9: buffer", shape=parallelogram, fillcolor="#e6e6e6"];
            n10 [label="10: buffer", shape=parallelogram, fillcolor="#e6e6e6"];
        }
        subgraph cluster_sg_4 {
            graph [label="subgraph 4", style=filled, fillcolor="#f5f5f5", color="#999999"];
            n6 [label="6: out = all_iterations()", shape=house, fillcolor="#fff2b3"];
        }
    }
    n7 [label="7: buffer", shape=parallelogram, fillcolor="#e6e6e6"];
    n8 [label="8: buffer", shape=parallelogram, fillcolor="#e6e6e6"];
    n11 [label="11: buffer", shape=parallelogram, fillcolor="#e6e6e6"];
    n0 -> n7;
    n7 -> n1;
    n1 -> n8;
    n8 -> n2;
    n2 -> n9;
    n9 -> n3 [label="→0"];
    n3 -> n4;
    n4 -> n10;
    n10 -> n3 [label="→1"];
    n4 -> n11;
    n11 -> n6;
    n5 -> n4 [style=dotted, color="#3366cc"];
}
"##;
    assert_eq!(nested_loops_partitioned().to_mermaid(), mermaid);
    assert_eq!(nested_loops_partitioned().to_dot(), dot);
}

#[test]
fn loop_membership_is_robust() {
    // Loops with nothing to draw are left out; a dangling or cyclic parent puts a loop at
    // the top level.
    let mut view = chain();
    view.loops = vec![
        LoopView {
            id: 0,
            parent: Some(7),
            nodes: vec![1],
            ..LoopView::default()
        },
        LoopView {
            id: 1,
            parent: None,
            ..LoopView::default()
        },
        LoopView {
            id: 2,
            parent: Some(3),
            nodes: vec![2],
            ..LoopView::default()
        },
        LoopView {
            id: 3,
            parent: Some(2),
            ..LoopView::default()
        },
    ];
    let mermaid = view.to_mermaid();
    assert!(mermaid.contains("    subgraph loop_0 [\"loop 0\"]\n        n1["));
    assert!(mermaid.contains("    subgraph loop_2 [\"loop 2\"]\n        n2["));
    assert!(!mermaid.contains("loop_1") && !mermaid.contains("loop_3"));
}

#[test]
fn json_round_trips() {
    let views = [
        chain(),
        partitioned(),
        tricky(),
        nested_loops_flat(),
        nested_loops_partitioned(),
        GraphView::default(),
    ];
    for view in views {
        let json = view.render(GraphFormat::Json);
        assert_eq!(GraphView::from_json(&json).unwrap(), view);
    }
    assert!(partitioned()
        .to_json()
        .contains("\"kind\": \"defer_buffer\""));
    assert!(GraphView::from_json("{\"nodes\": 3}").is_err());
    // Views without loops leave `loops` out of the JSON, and JSON without it reads back.
    assert!(!partitioned().to_json().contains("\"loops\""));
    assert!(nested_loops_partitioned()
        .to_json()
        .contains("\"loops\": ["));
}

#[test]
fn graph_format_parses_and_displays() {
    for format in GraphFormat::ALL {
        assert_eq!(format.to_string().parse::<GraphFormat>(), Ok(format));
    }
    assert_eq!("DOT".parse::<GraphFormat>(), Ok(GraphFormat::Dot));
    let error = "svg".parse::<GraphFormat>().unwrap_err();
    let message = "unknown graph format `svg`: expected one of mermaid, dot, json";
    assert_eq!(error.to_string(), message);
    assert_eq!(chain().render(GraphFormat::Mermaid), chain().to_mermaid());
    assert_eq!(chain().render(GraphFormat::Dot), chain().to_dot());
}
