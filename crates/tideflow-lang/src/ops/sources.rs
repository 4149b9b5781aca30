//! Sources: operators with no input that produce items at the start of a subgraph run.

use proc_macro2::TokenStream;
use quote::quote_spanned;

use super::common::{emit_closure, no_state};
use super::{
    Arity, Emit, Emits, OpContext, OperatorKind, OperatorSpec, PersistenceSpec, PortSpec, Writer,
};

/// A source whose state is `ops::sources::<Type>::new(<args>)`.
const fn source(
    name: &'static str,
    description: &'static str,
    example: &'static str,
    args: usize,
    args_writer: fn(&OpContext) -> TokenStream,
    start: fn(&OpContext, &Emit) -> TokenStream,
    needs_run: fn(&OpContext) -> TokenStream,
) -> OperatorSpec {
    OperatorSpec {
        name,
        description,
        example,
        input_ports: PortSpec::Unnamed,
        output_ports: PortSpec::Unnamed,
        inputs: Arity::exactly(0),
        outputs: Arity::exactly(1),
        soft_min_inputs: 0,
        soft_min_outputs: 0,
        args,
        persistence: PersistenceSpec::NONE,
        type_args: Arity::exactly(0),
        blocking_inputs: &[],
        delay: None,
        kind: OperatorKind::Source,
        emits: Emits::ON_START,
        writer: Writer {
            args: args_writer,
            state: no_state,
            push: None,
            start: Some(start),
            flush: None,
            tick_end: None,
            needs_run: Some(needs_run),
        },
    }
}

/// `let mut state = ops::sources::<kind>::new(args...); let out = state.output();`
fn new_source(cx: &OpContext, kind: &str) -> TokenStream {
    let (root, state, output) = (&cx.root, &cx.state, &cx.outputs[0]);
    let kind = proc_macro2::Ident::new(kind, cx.span);
    let args = &cx.args;
    quote_spanned! {cx.span=>
        let mut #state = #root::ops::sources::#kind::new(#(#args),*);
        let #output = #state.output();
    }
}

fn run_plain(cx: &OpContext, emit: &Emit) -> TokenStream {
    let state = &cx.state;
    let closure = emit_closure(cx, emit, 0);
    quote_spanned!(cx.span=> #state.run(#closure);)
}

fn run_with_context(cx: &OpContext, emit: &Emit) -> TokenStream {
    let state = &cx.state;
    let closure = emit_closure(cx, emit, 0);
    quote_spanned!(cx.span=> #state.run(__context, #closure);)
}

fn has_work(cx: &OpContext) -> TokenStream {
    let state = &cx.state;
    quote_spanned!(cx.span=> #state.has_work())
}

fn always(cx: &OpContext) -> TokenStream {
    quote_spanned!(cx.span=> true)
}

/// Polled sources run when the flow was woken (or before their first poll).
fn when_woken(cx: &OpContext) -> TokenStream {
    let state = &cx.state;
    quote_spanned!(cx.span=> #state.needs_run(__context))
}

/// `iter_ref(#buffer)`: its argument is bound at each run (it reads a `#reference`).
fn iter_ref_args(cx: &OpContext) -> TokenStream {
    let (root, arg, output, expr) = (&cx.root, &cx.arg_vars[0], &cx.outputs[0], &cx.args[0]);
    quote_spanned!(cx.span=> let (#arg, #output) = #root::ops::sources::iter_ref_items(#expr);)
}

fn iter_ref_start(cx: &OpContext, emit: &Emit) -> TokenStream {
    let arg = &cx.arg_vars[0];
    let closure = emit_closure(cx, emit, 0);
    quote_spanned!(cx.span=> #arg.iter().for_each(#closure);)
}

pub(super) const OPERATORS: &[OperatorSpec] = &[
    source(
        "source_iter",
        "Emits every item of an `IntoIterator` in the first tick.",
        r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, mut recv) = unbounded_channel::<char>();
            let mut flow = tideflow::flow! {
                source_iter("abc".chars()) -> for_each(|c| send.send(c).unwrap());
            };
            flow.run_tick_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(&mut recv), ['a', 'b', 'c']);
            flow.run_tick_sync(); // later ticks emit nothing
            assert_eq!(collect_ready::<Vec<_>, _>(&mut recv), Vec::<char>::new());
        "#,
        1,
        |cx| new_source(cx, "SourceIter"),
        run_plain,
        has_work,
    ),
    source(
        "source_stream",
        "Emits the items of a `Stream` that are ready; a wake of the stream schedules a tick.",
        r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (input, input_recv) = unbounded_channel::<u32>();
            let (send, mut recv) = unbounded_channel::<u32>();
            let mut flow = tideflow::flow! {
                source_stream(input_recv) -> map(|x| x * 10) -> for_each(|x| send.send(x).unwrap());
            };
            input.send(1).unwrap();
            input.send(2).unwrap();
            assert_eq!(flow.run_available_sync(), 1); // the items woke the flow: one tick
            assert_eq!(collect_ready::<Vec<_>, _>(&mut recv), [10, 20]);
            input.send(3).unwrap();
            flow.run_available_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(&mut recv), [30]);
        "#,
        1,
        |cx| new_source(cx, "SourceStream"),
        run_with_context,
        when_woken,
    ),
    source(
        "source_interval",
        "Emits `()` each time a period elapses (needs a tokio runtime).",
        r#"
            use std::time::Duration;
            use tideflow::util::{collect_ready, unbounded_channel};

            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .start_paused(true) // a virtual clock (tokio's `test-util`) that only `advance` moves
                .build()
                .unwrap();
            runtime.block_on(async {
                let (send, mut recv) = unbounded_channel::<u64>();
                let mut flow = tideflow::flow! {
                    source_interval(Duration::from_millis(100))
                        -> map(|()| context.current_tick())
                        -> for_each(|tick| send.send(tick).unwrap());
                };
                flow.run_tick_sync(); // fires at once
                flow.run_tick_sync(); // no time has passed: nothing
                tokio::time::advance(Duration::from_millis(100)).await;
                flow.run_tick_sync();
                assert_eq!(collect_ready::<Vec<_>, _>(&mut recv), [0, 2]);
            });
        "#,
        1,
        |cx| new_source(cx, "SourceInterval"),
        run_with_context,
        when_woken,
    ),
    source(
        "initialize",
        "Emits a single `()` in the first tick.",
        r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, recv) = unbounded_channel::<u64>();
            let mut flow = tideflow::flow! {
                initialize() -> map(|()| context.current_tick()) -> for_each(|t| send.send(t).unwrap());
            };
            for _ in 0..3 {
                flow.run_tick_sync();
            }
            assert_eq!(collect_ready::<Vec<_>, _>(recv), [0]);
        "#,
        0,
        |cx| new_source(cx, "Initialize"),
        run_plain,
        has_work,
    ),
    source(
        "spin",
        "Emits `()` every tick and asks for another tick: a busy loop.",
        r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, recv) = unbounded_channel::<u64>();
            let mut flow = tideflow::flow! {
                spin() -> map(|()| context.current_tick()) -> for_each(|t| send.send(t).unwrap());
            };
            for _ in 0..3 {
                assert!(flow.run_tick_sync()); // spin always has work (run_available_sync would never return)
            }
            assert_eq!(collect_ready::<Vec<_>, _>(recv), [0, 1, 2]);
        "#,
        0,
        |cx| new_source(cx, "Spin"),
        run_with_context,
        always,
    ),
    source(
        "iter_ref",
        "Emits a `&T` for each item of a referenced `handoff()` (`iter_ref(#buffer)`), without copying: a zero-copy alternative to `tee()`. The references live for the run: map them to owned values before they leave the subgraph or enter operator state.",
        r#"let (send, recv) = tideflow::util::unbounded_channel::<usize>();
let mut flow = tideflow::flow! {
    words = source_iter(["apple", "kiwi"]) -> map(String::from) -> handoff();
    iter_ref(#words) -> map(|word: &String| word.len()) -> for_each(|n| send.send(n).unwrap());
};
flow.run_available_sync();
assert_eq!(tideflow::util::collect_ready::<Vec<_>, _>(recv), [5, 4]);"#,
        1,
        iter_ref_args,
        iter_ref_start,
        always,
    ),
];
