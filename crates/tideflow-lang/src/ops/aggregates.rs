//! Aggregations: operators that block on their input and emit once the subgraph's inputs are in.

use proc_macro2::TokenStream;
use quote::quote_spanned;

use super::common::{emit_closure, end_tick, needs_run, persistence};
use super::{
    Arity, Emit, Emits, OpContext, OperatorKind, OperatorSpec, PersistenceSpec, PortSpec, Writer,
};

/// A blocking unary aggregation without type arguments.
const fn aggregate(
    name: &'static str,
    description: &'static str,
    example: &'static str,
    args: usize,
    outputs: Arity,
    persistence: PersistenceSpec,
    writer: Writer,
) -> OperatorSpec {
    OperatorSpec {
        name,
        description,
        example,
        input_ports: PortSpec::Unnamed,
        output_ports: PortSpec::Unnamed,
        inputs: Arity::exactly(1),
        outputs,
        soft_min_inputs: 0,
        soft_min_outputs: 0,
        args,
        persistence,
        type_args: Arity::exactly(0),
        blocking_inputs: &[0],
        delay: None,
        kind: OperatorKind::Plain,
        emits: Emits::ON_FLUSH,
        writer,
    }
}

/// `let (mut init, mut fold, out) = ops::aggregates::<shaper>(in, init, fold);` plus an optional
/// type pin `Ty<(K, A)>` from the type arguments.
fn init_and_fold_args(cx: &OpContext, shaper: &str) -> TokenStream {
    let (root, input, output) = (&cx.root, &cx.inputs[0], &cx.outputs[0]);
    let (init, fold) = (&cx.arg_vars[0], &cx.arg_vars[1]);
    let (init_expr, fold_expr) = (&cx.args[0], &cx.args[1]);
    let shaper = proc_macro2::Ident::new(shaper, cx.span);
    let pin = keyed_type_pin(cx);
    quote_spanned! {cx.span=>
        let (mut #init, mut #fold, #output) = #root::ops::aggregates::#shaper(#input, #init_expr, #fold_expr);
        #pin
    }
}

/// `let mut f = ops::aggregates::<shaper>(in, f); let out = in;` plus an optional type pin.
fn reducer_args(cx: &OpContext, shaper: &str) -> TokenStream {
    let (root, input, output, arg, expr) = (
        &cx.root,
        &cx.inputs[0],
        &cx.outputs[0],
        &cx.arg_vars[0],
        &cx.args[0],
    );
    let shaper = proc_macro2::Ident::new(shaper, cx.span);
    let pin = keyed_type_pin(cx);
    quote_spanned! {cx.span=>
        let mut #arg = #root::ops::aggregates::#shaper(#input, #expr);
        let #output = #input;
        #pin
    }
}

/// `fold_keyed::<K, A>` / `reduce_keyed::<K, V>`: pins the output item type `(K, A)`.
fn keyed_type_pin(cx: &OpContext) -> TokenStream {
    let (root, output) = (&cx.root, &cx.outputs[0]);
    match cx.type_args.as_slice() {
        [key] => quote_spanned!(cx.span=> let #output: #root::ops::Ty<(#key, _)> = #output;),
        [key, value] => {
            quote_spanned!(cx.span=> let #output: #root::ops::Ty<(#key, #value)> = #output;)
        }
        _ => TokenStream::new(),
    }
}

fn new_state(cx: &OpContext, kind: &str) -> TokenStream {
    let (root, state) = (&cx.root, &cx.state);
    let kind = proc_macro2::Ident::new(kind, cx.span);
    let persistence = persistence(cx, 0);
    let retaining = cx
        .runs_repeatedly
        .then(|| quote_spanned!(cx.span=> .retaining()));
    quote_spanned!(cx.span=> let mut #state = #root::ops::aggregates::#kind::new(#persistence) #retaining;)
}

fn push_with_init_and_fold(cx: &OpContext, _: usize, item: TokenStream, _: &Emit) -> TokenStream {
    let state = &cx.state;
    let (init, fold) = (&cx.arg_vars[0], &cx.arg_vars[1]);
    quote_spanned!(cx.span=> #state.push(#item, &mut #init, &mut #fold);)
}

fn push_with_reducer(cx: &OpContext, _: usize, item: TokenStream, _: &Emit) -> TokenStream {
    let (state, reducer) = (&cx.state, &cx.arg_vars[0]);
    quote_spanned!(cx.span=> #state.push(#item, &mut #reducer);)
}

fn flush_with_init(cx: &OpContext, emit: &Emit) -> TokenStream {
    let (state, init) = (&cx.state, &cx.arg_vars[0]);
    let closure = emit_closure(cx, emit, 0);
    quote_spanned!(cx.span=> #state.flush(&mut #init, #closure);)
}

fn flush(cx: &OpContext, emit: &Emit) -> TokenStream {
    let state = &cx.state;
    let closure = emit_closure(cx, emit, 0);
    quote_spanned!(cx.span=> #state.flush(#closure);)
}

fn always(cx: &OpContext) -> TokenStream {
    quote_spanned!(cx.span=> true)
}

pub(super) const OPERATORS: &[OperatorSpec] = &[
    aggregate(
        "fold",
        "Folds all items into an accumulator and emits it once every tick, even with no input.",
        r#"
            use tideflow::util::{collect_ready, iter_batches_stream, unbounded_channel};

            let (tick_send, tick_recv) = unbounded_channel::<u32>();
            let (static_send, static_recv) = unbounded_channel::<u32>();
            let mut flow = tideflow::flow! {
                numbers = source_stream(iter_batches_stream([1, 2, 3, 4, 5], 2)) -> tee(); // 1 2 | 3 4 | 5
                numbers
                    -> fold(|| 0, |sum: &mut u32, x| *sum += x)
                    -> for_each(|x| tick_send.send(x).unwrap());
                numbers
                    -> fold::<'static>(|| 0, |sum: &mut u32, x| *sum += x)
                    -> for_each(|x| static_send.send(x).unwrap());
            };
            flow.run_available_sync();
            flow.run_tick_sync(); // a tick without input: `'tick` emits `init()`, `'static` its running value
            assert_eq!(collect_ready::<Vec<_>, _>(tick_recv), [3, 7, 5, 0]);
            assert_eq!(collect_ready::<Vec<_>, _>(static_recv), [3, 10, 15, 15]);
        "#,
        2,
        Arity::range(0, 1),
        PersistenceSpec::ONE,
        Writer {
            args: |cx| init_and_fold_args(cx, "fold_fns"),
            state: |cx| new_state(cx, "Fold"),
            push: Some(push_with_init_and_fold),
            start: None,
            flush: Some(flush_with_init),
            tick_end: Some(end_tick),
            needs_run: Some(always),
        },
    ),
    aggregate(
        "reduce",
        "Combines all items into the first one and emits the result, if there is one.",
        r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (tick_send, tick_recv) = unbounded_channel::<i32>();
            let (static_send, static_recv) = unbounded_channel::<i32>();
            let mut flow = tideflow::flow! {
                numbers = source_iter([3, 9, 4]) -> tee(); // tick 0 only
                numbers
                    -> reduce(|max: &mut i32, x| *max = (*max).max(x))
                    -> for_each(|x| tick_send.send(x).unwrap());
                numbers
                    -> reduce::<'static>(|max: &mut i32, x| *max = (*max).max(x))
                    -> for_each(|x| static_send.send(x).unwrap());
            };
            flow.run_tick_sync();
            flow.run_tick_sync(); // no input: `'tick` emits nothing, `'static` re-emits
            assert_eq!(collect_ready::<Vec<_>, _>(tick_recv), [9]);
            assert_eq!(collect_ready::<Vec<_>, _>(static_recv), [9, 9]);
        "#,
        1,
        Arity::range(0, 1),
        PersistenceSpec::ONE,
        Writer {
            args: |cx| reducer_args(cx, "reduce_fn"),
            state: |cx| new_state(cx, "Reduce"),
            push: Some(push_with_reducer),
            start: None,
            flush: Some(flush),
            tick_end: Some(end_tick),
            needs_run: Some(needs_run),
        },
    ),
    OperatorSpec {
        type_args: Arity::range(0, 2),
        ..aggregate(
            "fold_keyed",
            "Groups `(K, V)` items by key and folds each group; emits `(K, A)` per group.",
            r#"
                use tideflow::util::{collect_ready, iter_batches_stream, unbounded_channel};

                let (send, recv) = unbounded_channel::<(u64, (&str, u32))>();
                let mut flow = tideflow::flow! {
                    source_stream(iter_batches_stream([("a", 1), ("b", 2), ("a", 3)], 2)) // 2 per tick
                        -> fold_keyed::<'static>(|| 0, |sum: &mut u32, x| *sum += x)
                        -> map(|group| (context.current_tick(), group))
                        -> for_each(|x| send.send(x).unwrap());
                };
                flow.run_available_sync();
                let mut groups: Vec<_> = collect_ready(recv);
                groups.sort();
                // `'static` emits every group in every tick; `'tick` would emit only ("a", 3) in tick 1.
                assert_eq!(groups, [(0, ("a", 1)), (0, ("b", 2)), (1, ("a", 4)), (1, ("b", 2))]);
            "#,
            2,
            Arity::exactly(1),
            PersistenceSpec::ONE,
            Writer {
                args: |cx| init_and_fold_args(cx, "fold_keyed_fns"),
                state: |cx| new_state(cx, "FoldKeyed"),
                push: Some(push_with_init_and_fold),
                start: None,
                flush: Some(flush),
                tick_end: Some(end_tick),
                needs_run: Some(needs_run),
            },
        )
    },
    OperatorSpec {
        type_args: Arity::range(0, 2),
        ..aggregate(
            "reduce_keyed",
            "Groups `(K, V)` items by key and reduces each group; emits `(K, V)` per group.",
            r#"
                use tideflow::util::{collect_ready, unbounded_channel};

                let (send, recv) = unbounded_channel::<(&str, i32)>();
                let mut flow = tideflow::flow! {
                    source_iter([("a", 1), ("b", 5), ("a", 3)])
                        -> reduce_keyed(|max: &mut i32, x| *max = (*max).max(x))
                        -> for_each(|x| send.send(x).unwrap());
                };
                flow.run_available_sync();
                let mut groups: Vec<_> = collect_ready(recv);
                groups.sort(); // groups come out in no particular order
                assert_eq!(groups, [("a", 3), ("b", 5)]);
            "#,
            1,
            Arity::exactly(1),
            PersistenceSpec::ONE,
            Writer {
                args: |cx| reducer_args(cx, "reduce_keyed_fn"),
                state: |cx| new_state(cx, "ReduceKeyed"),
                push: Some(push_with_reducer),
                start: None,
                flush: Some(flush),
                tick_end: Some(end_tick),
                needs_run: Some(needs_run),
            },
        )
    },
    aggregate(
        "sort",
        "Emits this tick's items in sorted order.",
        r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, recv) = unbounded_channel::<i32>();
            let mut flow = tideflow::flow! {
                source_iter([3, 1, 2, 1]) -> sort() -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_available_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(recv), [1, 1, 2, 3]);
        "#,
        0,
        Arity::exactly(1),
        PersistenceSpec::NONE,
        Writer {
            args: super::common::same_type,
            state: |cx| {
                let (root, state, input) = (&cx.root, &cx.state, &cx.inputs[0]);
                quote_spanned!(cx.span=> let mut #state = #root::ops::aggregates::Sort::new(#input);)
            },
            push: Some(|cx, _, item, _| {
                let state = &cx.state;
                quote_spanned!(cx.span=> #state.push(#item);)
            }),
            start: None,
            flush: Some(flush),
            tick_end: None,
            needs_run: None,
        },
    ),
];
