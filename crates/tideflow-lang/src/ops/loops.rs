//! Loop boundaries: `batch()` and its variants carry items into a `loop { }` block;
//! `all_iterations()` carries every iteration's items out of it.
//!
//! A `loop { }` block written at the top level of a flow runs at most once per tick, when
//! items enter it. A loop nested in another loop iterates within its parent's run: each
//! iteration's `defer_tick()` items are the next iteration's input, and it stops when nothing
//! enters or is deferred. `'tick` state inside loops lives for the whole tick (it accumulates
//! across iterations).

use proc_macro2::TokenStream;
use quote::quote_spanned;

use super::common::no_state;
use super::{
    Arity, Emits, LoopTrigger, OpContext, OperatorKind, OperatorSpec, PersistenceSpec, PortSpec,
    Writer,
};

/// The boundary operators pass items through unchanged (optionally pinning their type).
fn typed_pass_through(cx: &OpContext) -> TokenStream {
    let (root, input, output) = (&cx.root, &cx.inputs[0], &cx.outputs[0]);
    match cx.type_args.first() {
        Some(ty) => quote_spanned!(cx.span=> let #output: #root::ops::Ty<#ty> = #input;),
        None => quote_spanned!(cx.span=> let #output = #input;),
    }
}

const fn boundary(
    name: &'static str,
    description: &'static str,
    example: &'static str,
    kind: OperatorKind,
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
        delay: None,
        kind,
        emits: Emits::ON_PUSH,
        writer: Writer {
            args: typed_pass_through,
            state: no_state,
            push: Some(|_, _, item, emit| emit(0, item)),
            start: None,
            flush: None,
            tick_end: None,
            needs_run: None,
        },
    }
}

pub(super) const OPERATORS: &[OperatorSpec] = &[
    boundary(
        "batch",
        "Carries items into a `loop { }` block; the loop runs when items arrive.",
        r#"let (send, recv) = tideflow::util::unbounded_channel::<u32>();
let mut flow = tideflow::flow! {
    numbers = source_iter([1, 2, 3]);
    loop {
        numbers -> batch() -> map(|x| x * 10) -> out;
    };
    out = all_iterations() -> for_each(|x| send.send(x).unwrap());
};
flow.run_available_sync();
assert_eq!(tideflow::util::collect_ready::<Vec<_>, _>(recv), [10, 20, 30]);"#,
        OperatorKind::LoopEntry(LoopTrigger::OnInput),
    ),
    boundary(
        "batch_lazy",
        "Carries items into a `loop { }` block without making it run: they are seen if the loop runs for another reason this tick, and dropped otherwise.",
        r#"let (send, recv) = tideflow::util::unbounded_channel::<&str>();
let mut flow = tideflow::flow! {
    lazy = source_iter(["lazy"]);
    loop {
        lazy -> batch_lazy() -> out;
    };
    out = all_iterations() -> for_each(|x| send.send(x).unwrap());
};
flow.run_available_sync();
assert_eq!(tideflow::util::collect_ready::<Vec<_>, _>(recv), Vec::<&str>::new());"#,
        OperatorKind::LoopEntry(LoopTrigger::Lazy),
    ),
    boundary(
        "batch_eager",
        "Carries items into a top-level `loop { }` block and makes it run every tick, even without items.",
        r#"let (send, recv) = tideflow::util::unbounded_channel::<usize>();
let mut flow = tideflow::flow! {
    none = null::<u32>();
    loop {
        none -> batch_eager() -> fold(|| 0, |count: &mut usize, _| *count += 1) -> out;
    };
    out = all_iterations() -> for_each(|n| send.send(n).unwrap());
};
flow.run_tick_sync();
flow.run_tick_sync();
assert_eq!(tideflow::util::collect_ready::<Vec<_>, _>(recv), [0, 0]);"#,
        OperatorKind::LoopEntry(LoopTrigger::EveryTick),
    ),
    boundary(
        "all_iterations",
        "Carries items out of a `loop { }` block: the enclosing scope gets every iteration's items after the loop has finished.",
        r#"let (send, recv) = tideflow::util::unbounded_channel::<u32>();
let mut flow = tideflow::flow! {
    start = source_iter([1]);
    loop {
        outer = start -> batch();
        loop {
            outer -> batch() -> step;
            step = union() -> map(|x| x * 2) -> tee();
            step -> filter(|x| *x < 20) -> defer_tick() -> step;
            step -> out;
        };
        out = all_iterations() -> all;
    };
    all = all_iterations() -> for_each(|x| send.send(x).unwrap());
};
flow.run_available_sync();
assert_eq!(tideflow::util::collect_ready::<Vec<_>, _>(recv), [2, 4, 8, 16, 32]);"#,
        OperatorKind::LoopExit,
    ),
];
