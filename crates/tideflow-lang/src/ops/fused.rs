//! Joins fused with aggregation, asymmetric joins and products: `join_fused`,
//! `join_fused_lhs`, `join_fused_rhs`, `join_multiset_half`, `cross_join_multiset` and
//! `cross_singleton`. Their runtime state lives in `tideflow::ops::fused`.
//!
//! The `join_fused*` operators take per-side aggregators written `Fold::new(init, fold)`,
//! `Reduce::new(reduce)` or `FoldFrom::new(from, fold)` (imported in the flow with
//! `use tideflow::ops::fused::{Fold, FoldFrom, Reduce};`). The writer recognises those three
//! call shapes syntactically, as the established system does, and passes the constructor and
//! its closures to a shaper that fixes the closures' parameter types from the input's witness;
//! any other expression goes through a generic shaper (its closures need annotations).

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote_spanned};

use super::common::{emit_closure, end_tick, needs_run, persistence};
use super::{
    Arity, Emit, Emits, OpContext, OperatorKind, OperatorSpec, PersistenceSpec, PortSpec, Writer,
};

/// Two inputs `[0]`, `[1]` with one persistence lifetime each, one output; specs override the
/// rest.
const BINARY: OperatorSpec = OperatorSpec {
    name: "",
    description: "",
    example: "",
    input_ports: PortSpec::Fixed(&["0", "1"]),
    output_ports: PortSpec::Unnamed,
    inputs: Arity::exactly(2),
    outputs: Arity::exactly(1),
    soft_min_inputs: 0,
    soft_min_outputs: 0,
    args: 0,
    persistence: PersistenceSpec::TWO,
    type_args: Arity::exactly(0),
    blocking_inputs: &[],
    delay: None,
    kind: OperatorKind::Plain,
    emits: Emits::ON_PUSH,
    writer: Writer::NO_CODE,
};

/// The witness of input `index` (a fresh one if, against the checks, it is missing).
fn input(cx: &OpContext, index: usize) -> TokenStream {
    let root = &cx.root;
    match cx.inputs.get(index) {
        Some(witness) => quote_spanned!(cx.span=> #witness),
        None => quote_spanned!(cx.span=> #root::ops::Ty::new()),
    }
}

/// `let mut state = ops::fused::<kind>::new(persistence0, persistence1);`
fn new_state(cx: &OpContext, kind: &str) -> TokenStream {
    let (root, state) = (&cx.root, &cx.state);
    let kind = Ident::new(kind, cx.span);
    let (first, second) = (persistence(cx, 0), persistence(cx, 1));
    quote_spanned!(cx.span=> let mut #state = #root::ops::fused::#kind::new(#first, #second);)
}

/// `state.<method>(<args>, |item| <emit output 0>);`
fn call_with_emit(cx: &OpContext, emit: &Emit, method: &str, args: TokenStream) -> TokenStream {
    let state = &cx.state;
    let method = Ident::new(method, cx.span);
    let closure = emit_closure(cx, emit, 0);
    quote_spanned!(cx.span=> #state.#method(#args #closure);)
}

/// `state.<method>(item);`
fn call(cx: &OpContext, method: &str, args: TokenStream) -> TokenStream {
    let state = &cx.state;
    let method = Ident::new(method, cx.span);
    quote_spanned!(cx.span=> #state.#method(#args);)
}

fn flush(cx: &OpContext, emit: &Emit) -> TokenStream {
    call_with_emit(cx, emit, "flush", TokenStream::new())
}

// ----- aggregator arguments -----

/// The recognised aggregator constructors and their argument counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AggregatorShape {
    /// `Fold::new(init, fold)`.
    Fold,
    /// `Reduce::new(reduce)`.
    Reduce,
    /// `FoldFrom::new(from, fold)`.
    FoldFrom,
}

/// Splits `Fold::new(a, b)`, `Reduce::new(a)` or `FoldFrom::new(a, b)` (any path ending in one
/// of those) into its shape, constructor path and arguments.
fn aggregator_call(expr: &TokenStream) -> Option<(AggregatorShape, syn::Expr, Vec<syn::Expr>)> {
    let syn::Expr::Call(call) = syn::parse2::<syn::Expr>(expr.clone()).ok()? else {
        return None;
    };
    let syn::Expr::Path(path) = call.func.as_ref() else {
        return None;
    };
    if path.qself.is_some() {
        return None;
    }
    let segments: Vec<&syn::PathSegment> = path.path.segments.iter().collect();
    let [.., ty, method] = segments.as_slice() else {
        return None;
    };
    if method.ident != "new" {
        return None;
    }
    let (shape, arity) = match ty.ident.to_string().as_str() {
        "Fold" => (AggregatorShape::Fold, 2),
        "Reduce" => (AggregatorShape::Reduce, 1),
        "FoldFrom" => (AggregatorShape::FoldFrom, 2),
        _ => return None,
    };
    if call.args.len() != arity {
        return None;
    }
    Some((shape, (*call.func).clone(), call.args.into_iter().collect()))
}

/// The witness identifier of argument `index`'s accumulator.
fn accumulator_witness(cx: &OpContext, index: usize) -> Ident {
    format_ident!("{}_acc", cx.arg_vars[index])
}

/// `let (mut arg, arg_acc) = ops::fused::<shaper>(input, ...);` for argument `index`, aggregating
/// the values of input `side`.
fn aggregator_binding(cx: &OpContext, index: usize, side: usize) -> TokenStream {
    let root = &cx.root;
    let (arg, acc) = (&cx.arg_vars[index], accumulator_witness(cx, index));
    let source = input(cx, side);
    let expr = &cx.args[index];
    match aggregator_call(expr) {
        Some((AggregatorShape::Fold, new, args)) => {
            let (init, fold) = (&args[0], &args[1]);
            quote_spanned! {cx.span=>
                let (mut #arg, #acc) = #root::ops::fused::fold_aggregator(#source, #new, #init, #fold);
            }
        }
        Some((AggregatorShape::Reduce, new, args)) => {
            let reduce = &args[0];
            quote_spanned! {cx.span=>
                let (mut #arg, #acc) = #root::ops::fused::reduce_aggregator(#source, #new, #reduce);
            }
        }
        Some((AggregatorShape::FoldFrom, new, args)) => {
            let (from, fold) = (&args[0], &args[1]);
            quote_spanned! {cx.span=>
                let (mut #arg, #acc) = #root::ops::fused::fold_from_aggregator(#source, #new, #from, #fold);
            }
        }
        None => quote_spanned! {cx.span=>
            let (mut #arg, #acc) = #root::ops::fused::aggregator(#source, #expr);
        },
    }
}

fn join_fused_args(cx: &OpContext) -> TokenStream {
    let (root, output) = (&cx.root, &cx.outputs[0]);
    let (left, right) = (aggregator_binding(cx, 0, 0), aggregator_binding(cx, 1, 1));
    let (left_acc, right_acc) = (accumulator_witness(cx, 0), accumulator_witness(cx, 1));
    let (first, second) = (input(cx, 0), input(cx, 1));
    quote_spanned! {cx.span=>
        #left
        #right
        let #output = #root::ops::fused::JoinFusedState::output(#first, #second, #left_acc, #right_acc);
    }
}

/// `join_fused_lhs` / `join_fused_rhs`: one aggregator, for input `side`.
fn half_fused_args(cx: &OpContext, kind: &str, side: usize) -> TokenStream {
    let (root, output) = (&cx.root, &cx.outputs[0]);
    let binding = aggregator_binding(cx, 0, side);
    let acc = accumulator_witness(cx, 0);
    let kind = Ident::new(kind, cx.span);
    let (first, second) = (input(cx, 0), input(cx, 1));
    quote_spanned! {cx.span=>
        #binding
        let #output = #root::ops::fused::#kind::output(#first, #second, #acc);
    }
}

/// Pushes into an aggregated side: `state.<method>(item, &mut aggregator);`
fn aggregate_push(cx: &OpContext, method: &str, item: TokenStream, arg: usize) -> TokenStream {
    let aggregator = &cx.arg_vars[arg];
    call(
        cx,
        method,
        quote_spanned!(cx.span=> #item, &mut #aggregator),
    )
}

fn join_fused_push(cx: &OpContext, index: usize, item: TokenStream, _: &Emit) -> TokenStream {
    if index == 0 {
        aggregate_push(cx, "push_left", item, 0)
    } else {
        aggregate_push(cx, "push_right", item, 1)
    }
}

fn join_fused_lhs_push(
    cx: &OpContext,
    index: usize,
    item: TokenStream,
    emit: &Emit,
) -> TokenStream {
    if index == 0 {
        aggregate_push(cx, "push_left", item, 0)
    } else {
        call_with_emit(cx, emit, "push_right", quote_spanned!(cx.span=> #item,))
    }
}

fn join_fused_rhs_push(
    cx: &OpContext,
    index: usize,
    item: TokenStream,
    emit: &Emit,
) -> TokenStream {
    if index == 0 {
        call_with_emit(cx, emit, "push_left", quote_spanned!(cx.span=> #item,))
    } else {
        aggregate_push(cx, "push_right", item, 0)
    }
}

/// `let out = ops::fused::<kind>::output(in0, in1);`
fn pair_output(cx: &OpContext, kind: &str) -> TokenStream {
    let (root, output) = (&cx.root, &cx.outputs[0]);
    let kind = Ident::new(kind, cx.span);
    let (first, second) = (input(cx, 0), input(cx, 1));
    quote_spanned!(cx.span=> let #output = #root::ops::fused::#kind::output(#first, #second);)
}

fn join_multiset_half_push(
    cx: &OpContext,
    index: usize,
    item: TokenStream,
    emit: &Emit,
) -> TokenStream {
    if index == 0 {
        call(cx, "push_build", item)
    } else {
        call_with_emit(cx, emit, "push_probe", quote_spanned!(cx.span=> #item,))
    }
}

fn left_right_push(cx: &OpContext, index: usize, item: TokenStream, emit: &Emit) -> TokenStream {
    let method = if index == 0 {
        "push_left"
    } else {
        "push_right"
    };
    call_with_emit(cx, emit, method, quote_spanned!(cx.span=> #item,))
}

fn cross_singleton_push(
    cx: &OpContext,
    index: usize,
    item: TokenStream,
    emit: &Emit,
) -> TokenStream {
    let method = if index == 0 {
        "push_input"
    } else {
        "push_single"
    };
    call_with_emit(cx, emit, method, quote_spanned!(cx.span=> #item,))
}

pub(super) const OPERATORS: &[OperatorSpec] = &[
    OperatorSpec {
        name: "join_fused",
        description: "Aggregates `[0]` `(K, V1)` and `[1]` `(K, V2)` per key, each with its \
                      aggregator (`Fold::new(init, fold)`, `Reduce::new(reduce)` or \
                      `FoldFrom::new(from, fold)` from `tideflow::ops::fused`), and emits \
                      `(K, (A1, A2))` for every key on both sides, in `[0]`'s first-seen order. \
                      Both inputs block; `'static` sides keep their accumulators, and with both \
                      `'static` every key is replayed every tick.",
        example: r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, mut recv) = unbounded_channel::<(&str, (u32, u32))>();
            let mut flow = tideflow::flow! {
                use tideflow::ops::fused::{Fold, Reduce};
                // [0]: items sold per product; [1]: prices quoted per product
                source_iter([("toy", 1), ("shoe", 2), ("toy", 3), ("hat", 4)]) -> [0]j;
                source_iter([("toy", 5), ("shoe", 9), ("toy", 7)]) -> [1]j;
                j = join_fused(
                    Fold::new(|| 0, |count, n| *count += n),
                    Reduce::new(|max, price| *max = std::cmp::max(*max, price)),
                ) -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_tick_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(&mut recv), [("toy", (4, 7)), ("shoe", (2, 9))]);
        "#,
        args: 2,
        blocking_inputs: &[0, 1],
        emits: Emits::ON_FLUSH,
        writer: Writer {
            args: join_fused_args,
            state: |cx| new_state(cx, "JoinFusedState"),
            push: Some(join_fused_push),
            flush: Some(flush),
            tick_end: Some(end_tick),
            needs_run: Some(needs_run),
            ..Writer::NO_CODE
        },
        ..BINARY
    },
    OperatorSpec {
        name: "join_fused_lhs",
        description: "Aggregates `[0]` `(K, V1)` per key with one aggregator (`Fold::new`, \
                      `Reduce::new` or `FoldFrom::new`) and joins each `[1]` `(K, V2)` item with \
                      its key's accumulator: `(K, (A, V2))`, in `[1]`'s arrival order. `[0]` \
                      blocks; `[1]` waits for it, then streams. A `'static` `[1]` is replayed \
                      every tick.",
        example: r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, mut recv) = unbounded_channel::<(char, (u32, &str))>();
            let mut flow = tideflow::flow! {
                use tideflow::ops::fused::Fold;
                source_iter([('a', 1), ('b', 10), ('a', 2)]) -> [0]j;
                source_iter([('b', "x"), ('a', "y"), ('c', "z"), ('a', "w")]) -> [1]j;
                j = join_fused_lhs(Fold::new(|| 0, |sum, n| *sum += n))
                    -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_tick_sync();
            assert_eq!(
                collect_ready::<Vec<_>, _>(&mut recv),
                [('b', (10, "x")), ('a', (3, "y")), ('a', (3, "w"))]
            );
        "#,
        args: 1,
        blocking_inputs: &[0],
        emits: Emits::ON_PUSH_AND_FLUSH,
        writer: Writer {
            args: |cx| half_fused_args(cx, "JoinFusedLhsState", 0),
            state: |cx| new_state(cx, "JoinFusedLhsState"),
            push: Some(join_fused_lhs_push),
            flush: Some(flush),
            tick_end: Some(end_tick),
            needs_run: Some(needs_run),
            ..Writer::NO_CODE
        },
        ..BINARY
    },
    OperatorSpec {
        name: "join_fused_rhs",
        description: "The mirror of `join_fused_lhs`: `[1]` `(K, V2)` is aggregated per key (and \
                      blocks), each `[0]` `(K, V1)` item is joined with its key's accumulator: \
                      `(K, (V1, A))`, in `[0]`'s arrival order.",
        example: r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, mut recv) = unbounded_channel::<(char, (&str, Vec<u32>))>();
            let mut flow = tideflow::flow! {
                use tideflow::ops::fused::FoldFrom;
                source_iter([('a', "first"), ('b', "second")]) -> [0]j;
                source_iter([('a', 1), ('b', 2), ('a', 3)]) -> [1]j;
                j = join_fused_rhs(FoldFrom::new(|n| vec![n], |all, n| all.push(n)))
                    -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_tick_sync();
            assert_eq!(
                collect_ready::<Vec<_>, _>(&mut recv),
                [('a', ("first", vec![1, 3])), ('b', ("second", vec![2]))]
            );
        "#,
        args: 1,
        blocking_inputs: &[1],
        emits: Emits::ON_PUSH_AND_FLUSH,
        writer: Writer {
            args: |cx| half_fused_args(cx, "JoinFusedRhsState", 1),
            state: |cx| new_state(cx, "JoinFusedRhsState"),
            push: Some(join_fused_rhs_push),
            flush: Some(flush),
            tick_end: Some(end_tick),
            needs_run: Some(needs_run),
            ..Writer::NO_CODE
        },
        ..BINARY
    },
    OperatorSpec {
        name: "join_multiset_half",
        description: "Hash join of `[build]` `(K, VB)` and `[probe]` `(K, VP)` into \
                      `(K, (VP, VB))` that preserves the probe order (multiset on both sides). \
                      `[build]` blocks; probe items wait for it, then stream. Persistence is \
                      given for `[build]`, then `[probe]`; a `'static` probe side is replayed \
                      every tick.",
        example: r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, mut recv) = unbounded_channel::<(u32, (char, &str))>();
            let mut flow = tideflow::flow! {
                source_iter([(1, "one"), (2, "two"), (1, "uno")]) -> [build]j;
                source_iter([(2, 'x'), (1, 'y'), (3, 'z')]) -> [probe]j;
                j = join_multiset_half() -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_tick_sync();
            assert_eq!(
                collect_ready::<Vec<_>, _>(&mut recv),
                [(2, ('x', "two")), (1, ('y', "one")), (1, ('y', "uno"))]
            );
        "#,
        input_ports: PortSpec::Fixed(&["build", "probe"]),
        blocking_inputs: &[0],
        emits: Emits::ON_PUSH_AND_FLUSH,
        writer: Writer {
            args: |cx| pair_output(cx, "JoinMultisetHalfState"),
            state: |cx| new_state(cx, "JoinMultisetHalfState"),
            push: Some(join_multiset_half_push),
            flush: Some(flush),
            tick_end: Some(end_tick),
            needs_run: Some(needs_run),
            ..Writer::NO_CODE
        },
        ..BINARY
    },
    OperatorSpec {
        name: "cross_join_multiset",
        description: "Cartesian product of `[0]` and `[1]` with multiset semantics (duplicates \
                      multiply), streaming like `cross_join`; with both sides `'static` the \
                      pairs of earlier ticks are replayed every tick.",
        example: r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, mut recv) = unbounded_channel::<(char, u32)>();
            let mut flow = tideflow::flow! {
                source_iter(['a', 'a']) -> [0]product;
                source_iter([1, 2]) -> [1]product;
                product = cross_join_multiset() -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_tick_sync();
            let mut pairs: Vec<_> = collect_ready(&mut recv);
            pairs.sort();
            assert_eq!(pairs, [('a', 1), ('a', 1), ('a', 2), ('a', 2)]);
        "#,
        emits: Emits::ON_PUSH_AND_START,
        writer: Writer {
            args: |cx| pair_output(cx, "CrossJoinMultisetState"),
            state: |cx| new_state(cx, "CrossJoinMultisetState"),
            push: Some(left_right_push),
            start: Some(|cx, emit| call_with_emit(cx, emit, "replay", TokenStream::new())),
            tick_end: Some(end_tick),
            needs_run: Some(needs_run),
            ..Writer::NO_CODE
        },
        ..BINARY
    },
    OperatorSpec {
        name: "cross_singleton",
        description: "Pairs every `[input]` item with the first `[single]` item: `(T, S)`. Input \
                      that arrives before the single value within the tick is held until it \
                      comes, never dropped for arriving first; a tick with no single value emits \
                      nothing. `[single]` blocks; `'static` keeps the first single value \
                      forever.",
        example: r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, mut recv) = unbounded_channel::<(&str, u32)>();
            let mut flow = tideflow::flow! {
                source_iter(["a", "b"]) -> [input]pairs;
                source_iter([3, 4]) -> fold(|| 0, |sum: &mut u32, x| *sum += x) -> [single]pairs;
                pairs = cross_singleton() -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_tick_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(&mut recv), [("a", 7), ("b", 7)]);
        "#,
        input_ports: PortSpec::Fixed(&["input", "single"]),
        persistence: PersistenceSpec::ONE,
        blocking_inputs: &[1],
        writer: Writer {
            args: |cx| pair_output(cx, "CrossSingletonState"),
            state: |cx| {
                let (root, state) = (&cx.root, &cx.state);
                let persistence = persistence(cx, 0);
                quote_spanned! {cx.span=>
                    let mut #state = #root::ops::fused::CrossSingletonState::new(#persistence);
                }
            },
            push: Some(cross_singleton_push),
            tick_end: Some(end_tick),
            ..Writer::NO_CODE
        },
        ..BINARY
    },
];
