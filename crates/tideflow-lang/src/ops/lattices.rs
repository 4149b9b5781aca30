//! Lattice operators: merge items with `tideflow::lattices::Merge` into state that is the same
//! whatever order and however often items arrive.

use proc_macro2::{Ident, TokenStream};
use quote::quote_spanned;

use super::common::{emit_closure, end_tick, needs_run, persistence};
use super::{
    Arity, Emit, Emits, OpContext, OperatorKind, OperatorSpec, PersistenceSpec, PortSpec, Writer,
};

/// A one-input lattice operator.
#[allow(clippy::too_many_arguments)]
const fn lattice_operator(
    name: &'static str,
    description: &'static str,
    example: &'static str,
    args: usize,
    outputs: (PortSpec, Arity),
    blocking_inputs: &'static [usize],
    emits: Emits,
    writer: Writer,
) -> OperatorSpec {
    OperatorSpec {
        name,
        description,
        example,
        input_ports: PortSpec::Unnamed,
        output_ports: outputs.0,
        inputs: Arity::exactly(1),
        outputs: outputs.1,
        soft_min_inputs: 0,
        soft_min_outputs: 0,
        args,
        persistence: PersistenceSpec::ONE,
        type_args: Arity::range(0, 1),
        blocking_inputs,
        delay: None,
        kind: OperatorKind::Plain,
        emits,
        writer,
    }
}

/// `let mut state = ops::lattices::<kind>::new(persistence);`
fn new_state(cx: &OpContext, kind: &str) -> TokenStream {
    let (root, state) = (&cx.root, &cx.state);
    let kind = Ident::new(kind, cx.span);
    let persistence = persistence(cx, 0);
    // A `state` always keeps its lattice until the end of the tick; the folds need telling.
    let retaining =
        (cx.runs_repeatedly && kind != "State").then(|| quote_spanned!(cx.span=> .retaining()));
    quote_spanned!(cx.span=> let mut #state = #root::ops::lattices::#kind::new(#persistence) #retaining;)
}

/// The input witness, pinned to the type argument if there is one (`state::<L>()`).
fn pinned_input(cx: &OpContext) -> TokenStream {
    let (root, input) = (&cx.root, &cx.inputs[0]);
    match cx.type_args.first() {
        Some(ty) => {
            quote_spanned!(cx.span=> { let __pinned: #root::ops::Ty<#ty> = #input; __pinned })
        }
        None => quote_spanned!(cx.span=> #input),
    }
}

fn lattice_fold_args(cx: &OpContext) -> TokenStream {
    let (root, output, init, expr) = (&cx.root, &cx.outputs[0], &cx.arg_vars[0], &cx.args[0]);
    let input = pinned_input(cx);
    quote_spanned! {cx.span=>
        let (mut #init, #output) = #root::ops::lattices::lattice_fold_fn(#input, #expr);
    }
}

fn lattice_reduce_args(cx: &OpContext) -> TokenStream {
    let output = &cx.outputs[0];
    let input = pinned_input(cx);
    quote_spanned!(cx.span=> let #output = #input;)
}

/// The state's map and factory functions: `state` has none of its own, `state_by` takes them.
fn state_functions(cx: &OpContext) -> (Ident, Ident) {
    match cx.arg_vars.as_slice() {
        [map, factory] => (map.clone(), factory.clone()),
        _ => (
            Ident::new(&format!("{}_map", cx.state), cx.span),
            Ident::new(&format!("{}_factory", cx.state), cx.span),
        ),
    }
}

fn state_args(cx: &OpContext) -> TokenStream {
    let root = &cx.root;
    let (map, factory) = state_functions(cx);
    let (items, state) = (&cx.outputs[0], &cx.outputs[1]);
    let input = pinned_input(cx);
    let shaped = match cx.args.as_slice() {
        [map_expr, factory_expr] => quote_spanned! {cx.span=>
            #root::ops::lattices::state_by_fns(#input, #map_expr, #factory_expr)
        },
        _ => quote_spanned!(cx.span=> #root::ops::lattices::state_fns(#input)),
    };
    let input = &cx.inputs[0];
    quote_spanned! {cx.span=>
        let (mut #map, mut #factory, #state) = #shaped;
        let #items = #input;
    }
}

fn state_push(cx: &OpContext, _: usize, item: TokenStream, emit: &Emit) -> TokenStream {
    let state = &cx.state;
    let (map, factory) = state_functions(cx);
    let closure = emit_closure(cx, emit, 0);
    quote_spanned!(cx.span=> #state.push(#item, &mut #map, &mut #factory, #closure);)
}

/// Whether `[state]` is connected: without it the lattice is never copied out.
fn state_port_connected(cx: &OpContext) -> bool {
    cx.output_ports.get(1).is_some_and(Option::is_some)
}

fn state_flush(cx: &OpContext, emit: &Emit) -> TokenStream {
    if !state_port_connected(cx) {
        return TokenStream::new();
    }
    let state = &cx.state;
    let (_, factory) = state_functions(cx);
    let closure = emit_closure(cx, emit, 1);
    quote_spanned!(cx.span=> #state.flush(&mut #factory, #closure);)
}

const STATE_WRITER: Writer = Writer {
    args: state_args,
    state: |cx| new_state(cx, "State"),
    push: Some(state_push),
    start: None,
    flush: Some(state_flush),
    tick_end: Some(end_tick),
    // A `'static` state re-emits `[state]` every tick, but only if `[state]` is connected.
    needs_run: Some(|cx| {
        if state_port_connected(cx) {
            needs_run(cx)
        } else {
            quote_spanned!(cx.span=> false)
        }
    }),
};

const STATE_OUTPUTS: (PortSpec, Arity) =
    (PortSpec::Optional(&["items", "state"]), Arity::range(1, 2));

fn bimorphism_args(cx: &OpContext) -> TokenStream {
    let (root, output) = (&cx.root, &cx.outputs[0]);
    let (f, left, right) = (&cx.arg_vars[0], &cx.arg_vars[1], &cx.arg_vars[2]);
    let (f_expr, left_expr, right_expr) = (&cx.args[0], &cx.args[1], &cx.args[2]);
    let (left_input, right_input) = (&cx.inputs[0], &cx.inputs[1]);
    quote_spanned! {cx.span=>
        let (mut #f, #output) =
            #root::ops::lattices::bimorphism_fn(#left_input, #right_input, #f_expr);
        let #left = #left_expr;
        let #right = #right_expr;
    }
}

fn bimorphism_push(cx: &OpContext, input: usize, item: TokenStream, _: &Emit) -> TokenStream {
    let state = &cx.state;
    let (f, left, right) = (&cx.arg_vars[0], &cx.arg_vars[1], &cx.arg_vars[2]);
    if input == 0 {
        quote_spanned!(cx.span=> #state.push_left(#item, #right, &mut #f);)
    } else {
        quote_spanned!(cx.span=> #state.push_right(#left, #item, &mut #f);)
    }
}

fn flush(cx: &OpContext, emit: &Emit) -> TokenStream {
    let state = &cx.state;
    let closure = emit_closure(cx, emit, 0);
    quote_spanned!(cx.span=> #state.flush(#closure);)
}

pub(super) const OPERATORS: &[OperatorSpec] = &[
    lattice_operator(
        "lattice_fold",
        "Merges every item into an accumulator made by `init` and emits it once every tick.",
        r#"use tideflow::lattices::Max;
let (send, recv) = tideflow::util::unbounded_channel::<u32>();
let mut flow = tideflow::flow! {
    source_iter([3, 9, 4]) -> map(Max::new) -> lattice_fold(Max::<u32>::default)
        -> for_each(|max| send.send(max.into_value()).unwrap());
};
flow.run_available_sync();
assert_eq!(tideflow::util::collect_ready::<Vec<_>, _>(recv), [9]);"#,
        1,
        (PortSpec::Unnamed, Arity::exactly(1)),
        &[0],
        Emits::ON_FLUSH,
        Writer {
            args: lattice_fold_args,
            state: |cx| new_state(cx, "LatticeFold"),
            push: Some(|cx, _, item, _| {
                let (state, init) = (&cx.state, &cx.arg_vars[0]);
                quote_spanned!(cx.span=> #state.push(#item, &mut #init);)
            }),
            start: None,
            flush: Some(|cx, emit| {
                let (state, init) = (&cx.state, &cx.arg_vars[0]);
                let closure = emit_closure(cx, emit, 0);
                quote_spanned!(cx.span=> #state.flush(&mut #init, #closure);)
            }),
            tick_end: Some(end_tick),
            needs_run: Some(|cx| quote_spanned!(cx.span=> true)),
        },
    ),
    lattice_operator(
        "lattice_reduce",
        "Merges all items into the first one and emits the result, if there is one.",
        r#"use tideflow::lattices::SetUnionHashSet;
let (send, recv) = tideflow::util::unbounded_channel::<usize>();
let mut flow = tideflow::flow! {
    source_iter([1, 2, 2, 3]) -> map(|x| SetUnionHashSet::new(std::collections::HashSet::from([x])))
        -> lattice_reduce() -> for_each(|set| send.send(set.into_set().len()).unwrap());
};
flow.run_available_sync();
assert_eq!(tideflow::util::collect_ready::<Vec<_>, _>(recv), [3]);"#,
        0,
        (PortSpec::Unnamed, Arity::exactly(1)),
        &[0],
        Emits::ON_FLUSH,
        Writer {
            args: lattice_reduce_args,
            state: |cx| new_state(cx, "LatticeReduce"),
            push: Some(|cx, _, item, _| {
                let state = &cx.state;
                quote_spanned!(cx.span=> #state.push(#item);)
            }),
            start: None,
            flush: Some(flush),
            tick_end: Some(end_tick),
            needs_run: Some(needs_run),
        },
    ),
    lattice_operator(
        "state",
        "A lattice the items are merged into: `[items]` emits each item that changed it, `[state]` the lattice after the run's input.",
        r#"use tideflow::lattices::Max;
let (items_send, items_recv) = tideflow::util::unbounded_channel::<u32>();
let (state_send, state_recv) = tideflow::util::unbounded_channel::<u32>();
let mut flow = tideflow::flow! {
    max = source_iter([3, 1, 5, 4]) -> map(Max::new) -> state::<Max<u32>>();
    max[items] -> for_each(|m| items_send.send(m.into_value()).unwrap());
    max[state] -> for_each(|m| state_send.send(m.into_value()).unwrap());
};
flow.run_available_sync();
assert_eq!(tideflow::util::collect_ready::<Vec<_>, _>(items_recv), [3, 5]);
assert_eq!(tideflow::util::collect_ready::<Vec<_>, _>(state_recv), [5]);"#,
        0,
        STATE_OUTPUTS,
        &[],
        Emits::ON_PUSH_AND_FLUSH,
        STATE_WRITER,
    ),
    lattice_operator(
        "state_by",
        "Like `state`, mapping each item to a lattice delta with `map` into a lattice that starts as `factory()` (bottom).",
        r#"use std::collections::HashSet;
use tideflow::lattices::SetUnionHashSet;
let (send, recv) = tideflow::util::unbounded_channel::<&str>();
let mut flow = tideflow::flow! {
    seen = source_iter(["a", "b", "a", "c"])
        -> state_by(|word: &'static str| SetUnionHashSet::new(HashSet::from([word])), SetUnionHashSet::default);
    seen[items] -> for_each(|word| send.send(word).unwrap());
};
flow.run_available_sync();
assert_eq!(tideflow::util::collect_ready::<Vec<_>, _>(recv), ["a", "b", "c"]);"#,
        2,
        STATE_OUTPUTS,
        &[],
        Emits::ON_PUSH_AND_FLUSH,
        STATE_WRITER,
    ),
    OperatorSpec {
        input_ports: PortSpec::Fixed(&["0", "1"]),
        inputs: Arity::exactly(2),
        persistence: PersistenceSpec::NONE,
        type_args: Arity::exactly(0),
        ..lattice_operator(
            "lattice_bimorphism",
            "For each `[0]` delta `a` merges `f(&a, #right_state)`, for each `[1]` delta `b` merges `f(#left_state, &b)`, and emits the merged result of the run.",
            r#"use tideflow::lattices::Max;
let (send, recv) = tideflow::util::unbounded_channel::<u32>();
let mut flow = tideflow::flow! {
    left = source_iter([Max::new(2)]) -> tee();
    right = source_iter([Max::new(10)]) -> tee();
    left_state = left -> lattice_reduce::<'static>() -> singleton();
    right_state = right -> lattice_reduce::<'static>() -> singleton();
    left -> defer_tick() -> [0]sum;
    right -> defer_tick() -> [1]sum;
    sum = lattice_bimorphism(|a: &Max<u32>, b: &Max<u32>| Max::new(a.value() + b.value()), #left_state, #right_state)
        -> for_each(|m: Max<u32>| send.send(m.into_value()).unwrap());
};
flow.run_available_sync();
assert_eq!(tideflow::util::collect_ready::<Vec<_>, _>(recv), [12]);"#,
            3,
            (PortSpec::Unnamed, Arity::exactly(1)),
            &[],
            Emits::ON_FLUSH,
            Writer {
                args: bimorphism_args,
                state: |cx| {
                    let (root, state) = (&cx.root, &cx.state);
                    quote_spanned!(cx.span=> let mut #state = #root::ops::lattices::Bimorphism::new();)
                },
                push: Some(bimorphism_push),
                start: None,
                flush: Some(flush),
                tick_end: None,
                needs_run: None,
            },
        )
    },
];
