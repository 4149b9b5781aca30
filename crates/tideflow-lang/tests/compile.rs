//! The compiler's passes on whole programs: partition shapes, schedules, warnings, and the
//! programmatic builder producing the same graph as the parser.

use proc_macro2::TokenStream;
use quote::quote;
use tideflow_lang::partition::ScheduleItem;
use tideflow_lang::{
    build_flat_graph, check_graph, compile_flow, flat_view, parse_program, partition_graph,
    GraphBuilder, Level, PartitionedGraph,
};

fn partition(tokens: TokenStream) -> PartitionedGraph {
    let program = parse_program(tokens).expect("program parses");
    let (graph, diagnostics) = build_flat_graph(&program);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let (checked, diagnostics) = check_graph(graph);
    assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
    partition_graph(checked.expect("graph checks")).expect("graph partitions")
}

/// `levels` nested fork-joins: `tee -> filter(even) / filter(odd) -> union`, one after another.
fn nested_fork_joins(levels: usize) -> TokenStream {
    let mut program = quote!(l0 = source_iter(0..10) -> tee(););
    for level in 0..levels {
        let (this, next) = (
            quote::format_ident!("l{}", level),
            quote::format_ident!("l{}", level + 1),
        );
        program.extend(quote! {
            #this -> filter(|x| x % 2 == 0) -> #next;
            #this -> filter(|x| x % 2 == 1) -> #next;
            #next = union() -> tee();
        });
    }
    let last = quote::format_ident!("l{}", levels);
    program.extend(quote!(#last -> for_each(|x| println!("{x}"));));
    program
}

#[test]
fn a_linear_pipeline_is_one_subgraph() {
    let partitioned = partition(quote! {
        source_iter(0..3) -> map(|x| x + 1) -> filter(|x| *x > 1) -> for_each(|x| println!("{x}"));
    });
    assert_eq!(partitioned.subgraphs.len(), 1);
    assert_eq!(partitioned.subgraphs[0].nodes, [0, 1, 2, 3]);
    assert_eq!(partitioned.schedule, [ScheduleItem::Subgraph(0)]);
}

#[test]
fn a_fork_join_fuses_without_buffers() {
    let partitioned = partition(quote! {
        t = source_iter(0..10) -> tee();
        t -> filter(|x| x % 2 == 0) -> u;
        t -> filter(|x| x % 2 == 1) -> u;
        u = union() -> for_each(|x| println!("{x}"));
    });
    assert_eq!(partitioned.subgraphs.len(), 1);
    let union = 4;
    assert_eq!(partitioned.checked.graph.node_name(union), "union");
    // Small enough to inline at both of its callers: no junction closure.
    assert!(partitioned.subgraphs[0].fusion.junctions.is_empty());
}

#[test]
fn an_operator_too_big_to_duplicate_stays_one_junction() {
    // Twenty callers, each of which would get its own copy of the union and the three
    // operators after it: too much code, so the union is one closure that they all call.
    let mut program = quote! {
        u = union() -> map(|x| x + 1) -> map(|x| x * 2) -> for_each(|x| println!("{x}"));
    };
    for _ in 0..20 {
        program.extend(quote!(source_iter(0..10) -> u;));
    }
    let partitioned = partition(program);
    assert_eq!(partitioned.subgraphs.len(), 1);
    let union = 0;
    assert_eq!(partitioned.checked.graph.node_name(union), "union");
    let fusion = &partitioned.subgraphs[0].fusion;
    assert_eq!(
        fusion.junctions.iter().copied().collect::<Vec<_>>(),
        [union]
    );
}

#[test]
fn duplication_stops_at_the_budget_in_nested_fork_joins() {
    // Every fork-join level doubles the code below it. The budget is spent from the top: the
    // first level small enough to duplicate is the sixth; the seventh's union is then called
    // from four places, too many to duplicate within what is left, and so is the eighth's.
    let levels = 8;
    let partitioned = partition(nested_fork_joins(levels));
    assert_eq!(partitioned.subgraphs.len(), 1);
    let graph = &partitioned.checked.graph;
    let fusion = &partitioned.subgraphs[0].fusion;
    let unions: Vec<usize> = (0..graph.nodes.len())
        .filter(|&node| graph.node_name(node) == "union")
        .collect();
    assert_eq!(unions.len(), levels);
    let junctions: Vec<bool> = unions
        .iter()
        .map(|u| fusion.junctions.contains(u))
        .collect();
    assert_eq!(
        junctions,
        [true, true, true, true, true, false, true, true],
        "{unions:?}"
    );
}

#[test]
fn very_deep_fork_joins_compile_without_overflowing_the_size_estimate() {
    // The inlined size doubles at every level: 80 levels is past 2^64.
    let levels = 80;
    let partitioned = partition(nested_fork_joins(levels));
    assert_eq!(partitioned.subgraphs.len(), 1);
    let junctions = partitioned.subgraphs[0].fusion.junctions.len();
    assert!(junctions >= levels - 3, "{junctions} junctions");
}

#[test]
fn a_recursive_join_becomes_a_fixpoint_after_its_sources() {
    let partitioned = partition(quote! {
        reached = union() -> unique() -> tee();
        source_iter([0]) -> reached;
        reached -> map(|v| (v, ())) -> [0]step;
        source_iter([(0, 1)]) -> [1]step;
        step = join() -> map(|(_, ((), next))| next) -> reached;
        reached -> fold(|| 0, |count: &mut usize, _| *count += 1) -> for_each(|n| println!("{n}"));
    });
    let fixpoints: Vec<&Vec<usize>> = partitioned
        .schedule
        .iter()
        .filter_map(|item| match item {
            ScheduleItem::Fixpoint(subgraphs) => Some(subgraphs),
            ScheduleItem::Subgraph(_) | ScheduleItem::Loop { .. } => None,
        })
        .collect();
    assert_eq!(fixpoints.len(), 1, "{:?}", partitioned.schedule);
    let fold = 8;
    assert_eq!(partitioned.checked.graph.node_name(fold), "fold");
    let fold_subgraph = partitioned.node_subgraph[fold].expect("fold is in a subgraph");
    assert!(fixpoints[0].iter().all(|&sg| sg < fold_subgraph));
    assert_eq!(partitioned.subgraphs[fold_subgraph].component, None);
}

#[test]
fn a_union_with_one_input_is_a_warning_not_an_error() {
    let compiled = compile_flow(
        quote! { source_iter(0..3) -> union() -> for_each(|x: i32| println!("{x}")); },
        &quote!(::tideflow),
    );
    assert!(compiled.code.is_some());
    let messages: Vec<(Level, String)> = compiled
        .diagnostics
        .iter()
        .map(|d| (d.level, d.message.clone()))
        .collect();
    assert_eq!(
        messages,
        [(
            Level::Warning,
            "`union` should have at least 2 input(s), actually has 1".to_string()
        )]
    );
}

#[test]
fn the_builder_produces_the_parsers_graph() {
    let parsed = parse_program(quote! {
        j = join();
        source_iter([(1, 'a')]) -> [0]j;
        source_iter([(1, 'b')]) -> [1]j;
        j -> for_each(|x| println!("{x:?}"));
    })
    .expect("program parses");
    let (parsed, _) = build_flat_graph(&parsed);

    let mut builder = GraphBuilder::new();
    let join = builder.operator("join", &[]);
    builder.name(join, "j");
    let left = builder.operator("source_iter", &[syn::parse_quote!([(1, 'a')])]);
    let right = builder.operator("source_iter", &[syn::parse_quote!([(1, 'b')])]);
    let sink = builder.operator("for_each", &[syn::parse_quote!(|x| println!("{x:?}"))]);
    builder.connect_ports(left, None, join, Some(tideflow_lang::parse::Port::Index(0)));
    builder.connect_ports(
        right,
        None,
        join,
        Some(tideflow_lang::parse::Port::Index(1)),
    );
    builder.connect(join, sink);
    let built = builder.build();

    assert_eq!(flat_view(&built), flat_view(&parsed));
}
