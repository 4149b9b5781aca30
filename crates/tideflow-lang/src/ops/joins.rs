//! Binary operators over two inputs: joins, cross joins, anti-joins and differences.
//!
//! Tideflow's joins stream: each arriving item is matched against the other side's state and
//! inserted into its own, so a join can sit inside a cycle and reach a fixpoint within one tick.

use proc_macro2::TokenStream;
use quote::quote_spanned;

use super::common::{emit_closure, end_tick, needs_run, persistence};
use super::{
    Arity, Emit, Emits, OpContext, OperatorKind, OperatorSpec, PersistenceSpec, PortSpec, Writer,
};

/// A two-input operator over ports `ports`, its state `ops::joins::<kind>`.
const fn binary(
    name: &'static str,
    description: &'static str,
    example: &'static str,
    ports: &'static [&'static str],
    blocking_inputs: &'static [usize],
    emits: Emits,
    writer: Writer,
) -> OperatorSpec {
    OperatorSpec {
        name,
        description,
        example,
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
        kind: OperatorKind::Plain,
        emits,
        writer,
    }
}

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
        r#"
            use tideflow::util::{collect_ready, iter_batches_stream, unbounded_channel};

            let (send, recv) = unbounded_channel::<(u32, (char, &str))>();
            let mut flow = tideflow::flow! {
                source_stream(iter_batches_stream([(1, 'a'), (2, 'b'), (1, 'c')], 2)) -> [0]j; // 2 per tick
                source_iter([(1, "one"), (2, "two")]) -> [1]j; // tick 0 only, kept by `'static`
                j = join::<'tick, 'static>() -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_available_sync();
            let mut joined: Vec<_> = collect_ready(recv);
            joined.sort(); // plain `join()` would not match (1, 'c'), which arrives in tick 1
            assert_eq!(joined, [(1, ('a', "one")), (1, ('c', "one")), (2, ('b', "two"))]);
        "#,
        &["0", "1"],
        &[],
        Emits::ON_PUSH_AND_START,
        streaming_writer(|cx| output_type(cx, "JoinState", 2), |cx| new_state(cx, "JoinState")),
    ),
    binary(
        "join_multiset",
        "Equi-join like `join`, keeping duplicates (multiset semantics).",
        r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, recv) = unbounded_channel::<(u32, (char, char))>();
            let mut flow = tideflow::flow! {
                source_iter([(1, 'a'), (1, 'a'), (2, 'b')]) -> [0]j;
                source_iter([(1, 'x'), (3, 'y')]) -> [1]j;
                j = join_multiset() -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_available_sync();
            // The duplicate (1, 'a') matches twice; `join` would emit (1, ('a', 'x')) once.
            assert_eq!(collect_ready::<Vec<_>, _>(recv), [(1, ('a', 'x')), (1, ('a', 'x'))]);
        "#,
        &["0", "1"],
        &[],
        Emits::ON_PUSH_AND_START,
        streaming_writer(
            |cx| output_type(cx, "JoinMultisetState", 2),
            |cx| new_state(cx, "JoinMultisetState"),
        ),
    ),
    binary(
        "cross_join",
        "Cartesian product of `[0]` and `[1]`, set semantics per side.",
        r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, recv) = unbounded_channel::<(u32, char)>();
            let mut flow = tideflow::flow! {
                source_iter([1, 2]) -> [0]c;
                source_iter(['x', 'y', 'x']) -> [1]c;
                c = cross_join() -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_available_sync();
            let mut pairs: Vec<_> = collect_ready(recv);
            pairs.sort(); // set semantics: the second 'x' adds nothing
            assert_eq!(pairs, [(1, 'x'), (1, 'y'), (2, 'x'), (2, 'y')]);
        "#,
        &["0", "1"],
        &[],
        Emits::ON_PUSH_AND_START,
        streaming_writer(
            |cx| output_type(cx, "CrossJoinState", 2),
            |cx| new_state(cx, "CrossJoinState"),
        ),
    ),
    binary(
        "anti_join",
        "Emits the `(K, V)` pairs of `[pos]` whose key is not among the keys of `[neg]`.",
        r#"
            use tideflow::util::{collect_ready, iter_batches_stream, unbounded_channel};

            let (send, recv) = unbounded_channel::<(u32, char)>();
            let mut flow = tideflow::flow! {
                source_stream(iter_batches_stream([(1, 'a'), (2, 'b'), (2, 'c'), (3, 'd')], 2)) -> [pos]aj;
                source_iter([2]) -> [neg]aj; // tick 0 only, remembered by `'static`
                aj = anti_join::<'tick, 'static>() -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_available_sync();
            let mut kept: Vec<_> = collect_ready(recv);
            kept.sort(); // with plain `anti_join()`, (2, 'c') from tick 1 would pass
            assert_eq!(kept, [(1, 'a'), (3, 'd')]);
        "#,
        &["pos", "neg"],
        &[1],
        Emits::ON_FLUSH,
        filtering_writer(
            |cx| output_type(cx, "AntiJoinState", 1),
            |cx| new_state(cx, "AntiJoinState"),
        ),
    ),
    binary(
        "difference",
        "Emits the items of `[pos]` that do not appear in `[neg]`.",
        r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, recv) = unbounded_channel::<u32>();
            let mut flow = tideflow::flow! {
                source_iter([1, 2, 3, 3, 4]) -> [pos]d;
                source_iter([2, 4, 4]) -> [neg]d;
                d = difference() -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_available_sync();
            let mut left: Vec<u32> = collect_ready(recv);
            left.sort(); // duplicates on `[pos]` are kept
            assert_eq!(left, [1, 3, 3]);
        "#,
        &["pos", "neg"],
        &[1],
        Emits::ON_FLUSH,
        filtering_writer(
            |cx| output_type(cx, "DifferenceState", 1),
            |cx| new_state(cx, "DifferenceState"),
        ),
    ),
];
