//! Operators about time: persistence across ticks and deferral to the next tick.

use proc_macro2::TokenStream;
use quote::quote_spanned;

use super::common::{emit_closure, end_tick, needs_run, same_type};
use super::{
    AllowedLifetimes, Arity, Delay, Emit, Emits, OpContext, OperatorKind, OperatorSpec,
    PersistenceSpec, PortSpec, Writer,
};

/// `defer_tick()` / `defer_tick_lazy()`: its input edge is a double buffer, so the node itself
/// only passes items on, in the next tick.
const fn defer(
    name: &'static str,
    description: &'static str,
    example: &'static str,
    delay: Delay,
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
        args: 0,
        persistence: PersistenceSpec::NONE,
        type_args: Arity::range(0, 1),
        blocking_inputs: &[],
        delay: Some(delay),
        kind: OperatorKind::Plain,
        emits: Emits::ON_PUSH,
        writer: Writer {
            args: typed_pass_through,
            state: super::common::no_state,
            push: Some(|_, _, item, emit| emit(0, item)),
            start: None,
            flush: None,
            tick_end: None,
            needs_run: None,
        },
    }
}

/// Output of the input's type, pinned by an optional type argument.
fn typed_pass_through(cx: &OpContext) -> TokenStream {
    let (root, input, output) = (&cx.root, &cx.inputs[0], &cx.outputs[0]);
    match cx.type_args.first() {
        Some(ty) => quote_spanned!(cx.span=> let #output: #root::ops::Ty<#ty> = #input;),
        None => same_type(cx),
    }
}

fn persist_push(cx: &OpContext, _: usize, item: TokenStream, emit: &Emit) -> TokenStream {
    let state = &cx.state;
    let closure = emit_closure(cx, emit, 0);
    quote_spanned!(cx.span=> #state.push(#item, #closure);)
}

fn persist_replay(cx: &OpContext, emit: &Emit) -> TokenStream {
    let state = &cx.state;
    let closure = emit_closure(cx, emit, 0);
    quote_spanned!(cx.span=> #state.replay(#closure);)
}

pub(super) const OPERATORS: &[OperatorSpec] = &[
    OperatorSpec {
        name: "persist",
        description: "Stores every item and emits the whole history every tick (`'static` only).",
        example: r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, recv) = unbounded_channel::<(u64, i32)>();
            let mut flow = tideflow::flow! {
                source_iter([1, 2]) // tick 0 only
                    -> persist::<'static>()
                    -> map(|x| (context.current_tick(), x))
                    -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_tick_sync();
            flow.run_tick_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(recv), [(0, 1), (0, 2), (1, 1), (1, 2)]);
        "#,
        input_ports: PortSpec::Unnamed,
        output_ports: PortSpec::Unnamed,
        inputs: Arity::exactly(1),
        outputs: Arity::exactly(1),
        soft_min_inputs: 0,
        soft_min_outputs: 0,
        args: 0,
        persistence: PersistenceSpec {
            slots: 1,
            allowed: AllowedLifetimes::StaticOnly,
        },
        type_args: Arity::range(0, 1),
        blocking_inputs: &[],
        delay: None,
        kind: OperatorKind::Plain,
        emits: Emits::ON_PUSH_AND_START,
        writer: Writer {
            args: typed_pass_through,
            state: |cx| {
                let (root, state, input) = (&cx.root, &cx.state, &cx.inputs[0]);
                quote_spanned!(cx.span=> let mut #state = #root::ops::persist::Persist::new(#input);)
            },
            push: Some(persist_push),
            start: Some(persist_replay),
            flush: None,
            tick_end: Some(end_tick),
            needs_run: Some(needs_run),
        },
    },
    defer(
        "defer_tick",
        "Delays items to the next tick; pending items make the flow run that tick.",
        r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, recv) = unbounded_channel::<(u64, i32)>();
            let mut flow = tideflow::flow! {
                source_iter([1, 2])
                    -> defer_tick()
                    -> map(|x| (context.current_tick(), x))
                    -> for_each(|x| send.send(x).unwrap());
            };
            assert_eq!(flow.run_available_sync(), 2); // the deferred items asked for tick 1
            assert_eq!(collect_ready::<Vec<_>, _>(recv), [(1, 1), (1, 2)]);
        "#,
        Delay::Tick,
    ),
    defer(
        "defer_tick_lazy",
        "Delays items to the next tick, without causing one.",
        r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, recv) = unbounded_channel::<(u64, i32)>();
            let mut flow = tideflow::flow! {
                source_iter([1, 2])
                    -> defer_tick_lazy()
                    -> map(|x| (context.current_tick(), x))
                    -> for_each(|x| send.send(x).unwrap());
            };
            assert_eq!(flow.run_available_sync(), 1); // the deferred items do not ask for a tick
            flow.run_tick_sync(); // ... but come out in the next one that runs
            assert_eq!(collect_ready::<Vec<_>, _>(recv), [(1, 1), (1, 2)]);
        "#,
        Delay::TickLazy,
    ),
];
