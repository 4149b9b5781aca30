//! Binary operators over two inputs: joins, cross joins, anti-joins and differences.
//!
//! Tideflow's joins stream: each arriving item is matched against the other side's state and
//! inserted into its own, so a join can sit inside a cycle and reach a fixpoint within one tick.

use proc_macro2::TokenStream;
use quote::quote_spanned;

use super::common::{emit_closure, end_tick, needs_run, persistence};
use super::{Arity, Emit, Emits, OpContext, OperatorSpec, PersistenceSpec, PortSpec, Writer};

/// A two-input operator over ports `ports`, its state `ops::joins::<kind>`.
const fn binary(
    name: &'static str,
    description: &'static str,
    ports: &'static [&'static str],
    blocking_inputs: &'static [usize],
    emits: Emits,
    writer: Writer,
) -> OperatorSpec {
    OperatorSpec {
        name,
        description,
        example: "",
        input_ports: PortSpec::Fixed(ports),
        output_ports: PortSpec::Unnamed,
        inputs: Arity::exactly(2),
        outputs: Arity::exactly(1),
        soft_min_inputs: 0,
        soft_min_outputs: 0,
        args: 0,
        persistence: PersistenceSpec::TWO,
        type_args: Arity::exactly(0),
        blocking_inputs,
        delay: None,
        is_source: false,
        emits,
        writer,
    }
}

const STREAMING: Emits = Emits {
    on_push: true,
    on_start: true,
    on_flush: false,
};

const AT_FLUSH: Emits = Emits {
    on_push: false,
    on_start: false,
    on_flush: true,
};

/// `let out = ops::joins::<kind>::output(inputs...);`
fn output_type(cx: &OpContext, kind: &str, inputs: usize) -> TokenStream {
    let (root, output) = (&cx.root, &cx.outputs[0]);
    let kind = proc_macro2::Ident::new(kind, cx.span);
    let inputs = &cx.inputs[..inputs];
    quote_spanned!(cx.span=> let #output = #root::ops::joins::#kind::output(#(#inputs),*);)
}

/// `let mut state = ops::joins::<kind>::new(persistence0, persistence1);`
fn new_state(cx: &OpContext, kind: &str) -> TokenStream {
    let (root, state) = (&cx.root, &cx.state);
    let kind = proc_macro2::Ident::new(kind, cx.span);
    let (first, second) = (persistence(cx, 0), persistence(cx, 1));
    quote_spanned!(cx.span=> let mut #state = #root::ops::joins::#kind::new(#first, #second);)
}

/// Streaming push: `state.push_left(item, emit)` / `state.push_right(item, emit)`.
fn streaming_push(cx: &OpContext, input: usize, item: TokenStream, emit: &Emit) -> TokenStream {
    let state = &cx.state;
    let closure = emit_closure(cx, emit, 0);
    if input == 0 {
        quote_spanned!(cx.span=> #state.push_left(#item, #closure);)
    } else {
        quote_spanned!(cx.span=> #state.push_right(#item, #closure);)
    }
}

fn replay(cx: &OpContext, emit: &Emit) -> TokenStream {
    let state = &cx.state;
    let closure = emit_closure(cx, emit, 0);
    quote_spanned!(cx.span=> #state.replay(#closure);)
}

/// Buffered push: `state.push_pos(item)` / `state.push_neg(item)`.
fn positive_negative_push(
    cx: &OpContext,
    input: usize,
    item: TokenStream,
    _: &Emit,
) -> TokenStream {
    let state = &cx.state;
    if input == 0 {
        quote_spanned!(cx.span=> #state.push_pos(#item);)
    } else {
        quote_spanned!(cx.span=> #state.push_neg(#item);)
    }
}

fn flush(cx: &OpContext, emit: &Emit) -> TokenStream {
    let state = &cx.state;
    let closure = emit_closure(cx, emit, 0);
    quote_spanned!(cx.span=> #state.flush(#closure);)
}

const fn streaming_writer(
    args: fn(&OpContext) -> TokenStream,
    state: fn(&OpContext) -> TokenStream,
) -> Writer {
    Writer {
        args,
        state,
        push: Some(streaming_push),
        start: Some(replay),
        flush: None,
        tick_end: Some(end_tick),
        needs_run: Some(needs_run),
    }
}

const fn filtering_writer(
    args: fn(&OpContext) -> TokenStream,
    state: fn(&OpContext) -> TokenStream,
) -> Writer {
    Writer {
        args,
        state,
        push: Some(positive_negative_push),
        start: None,
        flush: Some(flush),
        tick_end: Some(end_tick),
        needs_run: Some(needs_run),
    }
}

pub(super) const OPERATORS: &[OperatorSpec] = &[
    binary(
        "join",
        "Equi-join of `(K, V1)` on `[0]` with `(K, V2)` on `[1]` into `(K, (V1, V2))`, set semantics per side.",
        &["0", "1"],
        &[],
        STREAMING,
        streaming_writer(|cx| output_type(cx, "JoinState", 2), |cx| new_state(cx, "JoinState")),
    ),
    binary(
        "join_multiset",
        "Equi-join like `join`, keeping duplicates (multiset semantics).",
        &["0", "1"],
        &[],
        STREAMING,
        streaming_writer(
            |cx| output_type(cx, "JoinMultisetState", 2),
            |cx| new_state(cx, "JoinMultisetState"),
        ),
    ),
    binary(
        "cross_join",
        "Cartesian product of `[0]` and `[1]`, set semantics per side.",
        &["0", "1"],
        &[],
        STREAMING,
        streaming_writer(
            |cx| output_type(cx, "CrossJoinState", 2),
            |cx| new_state(cx, "CrossJoinState"),
        ),
    ),
    binary(
        "anti_join",
        "Emits the `(K, V)` pairs of `[pos]` whose key is not among the keys of `[neg]`.",
        &["pos", "neg"],
        &[1],
        AT_FLUSH,
        filtering_writer(
            |cx| output_type(cx, "AntiJoinState", 1),
            |cx| new_state(cx, "AntiJoinState"),
        ),
    ),
    binary(
        "difference",
        "Emits the items of `[pos]` that do not appear in `[neg]`.",
        &["pos", "neg"],
        &[1],
        AT_FLUSH,
        filtering_writer(
            |cx| output_type(cx, "DifferenceState", 1),
            |cx| new_state(cx, "DifferenceState"),
        ),
    ),
];
