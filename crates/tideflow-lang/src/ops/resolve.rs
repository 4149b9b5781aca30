//! Futures and streams as items: `resolve_futures*`, `flat_map_stream_blocking`,
//! `flatten_stream_blocking`.
//!
//! The plain forms never hold a tick up: results come out in the tick after they are ready. The
//! blocking forms are [`OperatorKind::Suspending`]: their downstream sees every result within
//! the tick, which waits for them (`Flow::run_tick().await`) instead of stalling the thread.

use proc_macro2::{Ident, TokenStream};
use quote::quote_spanned;

use super::common::emit_closure;
use super::{
    Arity, Emit, Emits, OpContext, OperatorKind, OperatorSpec, PersistenceSpec, PortSpec, Writer,
};

/// A one-input, one-output operator over futures or streams.
const fn resolving(
    name: &'static str,
    description: &'static str,
    example: &'static str,
    args: usize,
    kind: OperatorKind,
    writer: Writer,
) -> OperatorSpec {
    OperatorSpec {
        name,
        description,
        example,
        input_ports: PortSpec::Unnamed,
        output_ports: PortSpec::Unnamed,
        inputs: Arity::exactly(1),
        outputs: Arity::exactly(1),
        soft_min_inputs: 0,
        soft_min_outputs: 0,
        args,
        persistence: PersistenceSpec::NONE,
        type_args: Arity::exactly(0),
        blocking_inputs: &[],
        delay: None,
        kind,
        emits: Emits::ON_FLUSH,
        writer,
    }
}

/// `let out = ops::resolve::future_output(in); let mut state = ops::resolve::<kind>::new(in);`
fn futures_args(cx: &OpContext) -> TokenStream {
    let (root, input, output) = (&cx.root, &cx.inputs[0], &cx.outputs[0]);
    quote_spanned!(cx.span=> let #output = #root::ops::resolve::future_output(#input);)
}

fn new_state(cx: &OpContext, kind: &str) -> TokenStream {
    let (root, state, input) = (&cx.root, &cx.state, &cx.inputs[0]);
    let kind = Ident::new(kind, cx.span);
    quote_spanned!(cx.span=> let mut #state = #root::ops::resolve::#kind::new(#input);)
}

fn push(cx: &OpContext, _: usize, item: TokenStream, _: &Emit) -> TokenStream {
    let state = &cx.state;
    quote_spanned!(cx.span=> #state.push(#item);)
}

/// `state.flush(context, emit)`: for the blocking forms a `bool` ("all done").
fn flush(cx: &OpContext, emit: &Emit) -> TokenStream {
    let state = &cx.state;
    let closure = emit_closure(cx, emit, 0);
    quote_spanned!(cx.span=> #state.flush(__context, #closure))
}

/// The non-blocking forms' flush is a statement.
fn flush_statement(cx: &OpContext, emit: &Emit) -> TokenStream {
    let call = flush(cx, emit);
    quote_spanned!(cx.span=> #call;)
}

fn woken_with_pending(cx: &OpContext) -> TokenStream {
    let state = &cx.state;
    quote_spanned!(cx.span=> #state.needs_run(__context))
}

fn pending(cx: &OpContext) -> TokenStream {
    let state = &cx.state;
    quote_spanned!(cx.span=> #state.needs_run())
}

const fn futures_writer(state: fn(&OpContext) -> TokenStream, blocking: bool) -> Writer {
    Writer {
        args: futures_args,
        state,
        push: Some(push),
        start: None,
        flush: Some(if blocking { flush } else { flush_statement }),
        tick_end: None,
        needs_run: Some(if blocking {
            pending
        } else {
            woken_with_pending
        }),
    }
}

fn stream_args(cx: &OpContext) -> TokenStream {
    let (root, input, output) = (&cx.root, &cx.inputs[0], &cx.outputs[0]);
    quote_spanned!(cx.span=> let #output = #root::ops::resolve::stream_item(#input);)
}

fn flat_map_stream_args(cx: &OpContext) -> TokenStream {
    let (root, input, output, arg, expr) = (
        &cx.root,
        &cx.inputs[0],
        &cx.outputs[0],
        &cx.arg_vars[0],
        &cx.args[0],
    );
    quote_spanned! {cx.span=>
        let (mut #arg, #output) = #root::ops::resolve::flat_map_stream_fn(#input, #expr);
    }
}

fn new_flatten(cx: &OpContext) -> TokenStream {
    let (root, state) = (&cx.root, &cx.state);
    quote_spanned!(cx.span=> let mut #state = #root::ops::resolve::FlattenStreams::new();)
}

fn scan_args(cx: &OpContext) -> TokenStream {
    let (root, input, output) = (&cx.root, &cx.inputs[0], &cx.outputs[0]);
    let (init, f) = (&cx.arg_vars[0], &cx.arg_vars[1]);
    let (init_expr, f_expr) = (&cx.args[0], &cx.args[1]);
    quote_spanned! {cx.span=>
        let (mut #init, mut #f, #output) =
            #root::ops::resolve::scan_async_fns(#input, #init_expr, #f_expr);
    }
}

pub(super) const OPERATORS: &[OperatorSpec] = &[
    resolving(
        "resolve_futures",
        "Emits each future's output in the first run after it is ready, in completion order; pending futures are kept across ticks and wake the flow.",
        r#"let (send, recv) = tideflow::util::unbounded_channel::<u32>();
let mut flow = tideflow::flow! {
    source_iter([1, 2, 3]) -> map(|x| async move { x * 10 }) -> resolve_futures()
        -> for_each(|x| send.send(x).unwrap());
};
flow.run_available_sync();
let mut out: Vec<u32> = tideflow::util::collect_ready(recv);
out.sort();
assert_eq!(out, [10, 20, 30]);"#,
        0,
        OperatorKind::Plain,
        futures_writer(|cx| new_state(cx, "ResolveFuturesUnordered"), false),
    ),
    resolving(
        "resolve_futures_ordered",
        "Like `resolve_futures`, emitting outputs in input order.",
        r#"let (send, recv) = tideflow::util::unbounded_channel::<u32>();
let mut flow = tideflow::flow! {
    source_iter([3, 1, 2]) -> map(|x| async move { x }) -> resolve_futures_ordered()
        -> for_each(|x| send.send(x).unwrap());
};
flow.run_available_sync();
assert_eq!(tideflow::util::collect_ready::<Vec<_>, _>(recv), [3, 1, 2]);"#,
        0,
        OperatorKind::Plain,
        futures_writer(|cx| new_state(cx, "ResolveFuturesOrdered"), false),
    ),
    resolving(
        "resolve_futures_blocking",
        "Awaits every future of the tick before its downstream goes on, emitting outputs as they complete; the tick is suspended (not the thread) while they are pending.",
        r#"let (send, recv) = tideflow::util::unbounded_channel::<(u64, u32)>();
let (done, ready) = futures::channel::oneshot::channel::<u32>();
let mut ready = Some(ready);
let mut flow = tideflow::flow! {
    source_iter([()]) -> map(move |()| ready.take().unwrap()) -> resolve_futures_blocking()
        -> for_each(|x| send.send((context.current_tick(), x.unwrap())).unwrap());
};
flow.run_tick_sync();
assert!(flow.is_tick_suspended());
done.send(7).unwrap();
flow.run_tick_sync();
assert!(!flow.is_tick_suspended());
assert_eq!(tideflow::util::collect_ready::<Vec<_>, _>(recv), [(0, 7)]);"#,
        0,
        OperatorKind::Suspending,
        futures_writer(|cx| new_state(cx, "ResolveFuturesBlockingUnordered"), true),
    ),
    resolving(
        "resolve_futures_blocking_ordered",
        "Like `resolve_futures_blocking`, emitting outputs in input order.",
        r#"let (send, recv) = tideflow::util::unbounded_channel::<u32>();
let mut flow = tideflow::flow! {
    source_iter([2, 1]) -> map(|x| async move { x }) -> resolve_futures_blocking_ordered()
        -> for_each(|x| send.send(x).unwrap());
};
flow.run_available_sync();
assert_eq!(tideflow::util::collect_ready::<Vec<_>, _>(recv), [2, 1]);"#,
        0,
        OperatorKind::Suspending,
        futures_writer(|cx| new_state(cx, "ResolveFuturesBlockingOrdered"), true),
    ),
    resolving(
        "flat_map_stream_blocking",
        "Maps each item to a `Stream` and emits all of its items, stream after stream; the tick waits (suspended) until every stream has ended.",
        r#"let (send, recv) = tideflow::util::unbounded_channel::<u32>();
let mut flow = tideflow::flow! {
    source_iter([1, 3]) -> flat_map_stream_blocking(|x| futures::stream::iter([x, x + 1]))
        -> for_each(|x| send.send(x).unwrap());
};
flow.run_available_sync();
assert_eq!(tideflow::util::collect_ready::<Vec<_>, _>(recv), [1, 2, 3, 4]);"#,
        1,
        OperatorKind::Suspending,
        Writer {
            args: flat_map_stream_args,
            state: new_flatten,
            push: Some(|cx, _, item, _| {
                let (state, arg) = (&cx.state, &cx.arg_vars[0]);
                quote_spanned!(cx.span=> #state.push((#arg)(#item));)
            }),
            start: None,
            flush: Some(flush),
            tick_end: None,
            needs_run: Some(pending),
        },
    ),
    resolving(
        "flatten_stream_blocking",
        "Emits every item of each `Stream` item, stream after stream; the tick waits (suspended) until every stream has ended.",
        r#"let (send, recv) = tideflow::util::unbounded_channel::<char>();
let mut flow = tideflow::flow! {
    source_iter([futures::stream::iter(vec!['a', 'b']), futures::stream::iter(vec!['c'])])
        -> flatten_stream_blocking() -> for_each(|c| send.send(c).unwrap());
};
flow.run_available_sync();
assert_eq!(tideflow::util::collect_ready::<Vec<_>, _>(recv), ['a', 'b', 'c']);"#,
        0,
        OperatorKind::Suspending,
        Writer {
            args: stream_args,
            state: new_flatten,
            push: Some(push),
            start: None,
            flush: Some(flush),
            tick_end: None,
            needs_run: Some(pending),
        },
    ),
    OperatorSpec {
        persistence: PersistenceSpec::ONE,
        ..resolving(
            "scan_async_blocking",
            "Runs `f(&mut state, item)` for each item in order; `f` returns a future of an `Option`, whose `Some` values are emitted in item order (`None` drops the item). The tick waits (suspended) for the futures. `'static` keeps the state across ticks.",
            r#"let (send, recv) = tideflow::util::unbounded_channel::<u32>();
let mut flow = tideflow::flow! {
    source_iter([1, 2, 3, 4])
        -> scan_async_blocking(|| 0, |sum: &mut u32, x: u32| {
            *sum += x;
            let total = *sum;
            async move { (total > 3).then_some(total) }
        })
        -> for_each(|total| send.send(total).unwrap());
};
flow.run_available_sync();
assert_eq!(tideflow::util::collect_ready::<Vec<_>, _>(recv), [6, 10]);"#,
            2,
            OperatorKind::Suspending,
            Writer {
                args: scan_args,
                state: |cx| {
                    let (root, state) = (&cx.root, &cx.state);
                    let persistence = super::common::persistence(cx, 0);
                    quote_spanned!(cx.span=> let mut #state = #root::ops::resolve::ScanAsync::new(#persistence);)
                },
                push: Some(|cx, _, item, _| {
                    let (state, init, f) = (&cx.state, &cx.arg_vars[0], &cx.arg_vars[1]);
                    quote_spanned!(cx.span=> #state.push(#item, &mut #init, &mut #f);)
                }),
                start: None,
                flush: Some(flush),
                tick_end: Some(super::common::end_tick),
                needs_run: Some(pending),
            },
        )
    },
];
