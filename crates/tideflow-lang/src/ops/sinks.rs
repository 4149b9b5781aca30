//! Sinks: operators that hand items to the outside world.

use quote::quote_spanned;

use super::common::{needs_run, no_args};
use super::{Arity, Emits, OperatorSpec, PersistenceSpec, PortSpec, Writer};

pub(super) const OPERATORS: &[OperatorSpec] = &[OperatorSpec {
    name: "dest_sink",
    description: "Sends items into a `futures::Sink`, buffering while it is not ready; never stalls the tick.",
    example: "",
    input_ports: PortSpec::Unnamed,
    output_ports: PortSpec::Unnamed,
    inputs: Arity::exactly(1),
    outputs: Arity::exactly(0),
    soft_min_inputs: 0,
    soft_min_outputs: 0,
    args: 1,
    persistence: PersistenceSpec::NONE,
    type_args: Arity::exactly(0),
    blocking_inputs: &[],
    delay: None,
    is_source: false,
    emits: Emits {
        on_push: false,
        on_start: false,
        on_flush: false,
    },
    writer: Writer {
        args: no_args,
        state: |cx| {
            let (root, state, sink) = (&cx.root, &cx.state, &cx.args[0]);
            quote_spanned!(cx.span=> let mut #state = #root::ops::sinks::DestSink::new(#sink);)
        },
        push: Some(|cx, _, item, _| {
            let state = &cx.state;
            quote_spanned!(cx.span=> #state.push(#item);)
        }),
        start: None,
        flush: Some(|cx, _| {
            let state = &cx.state;
            quote_spanned!(cx.span=> #state.flush(__context);)
        }),
        tick_end: None,
        needs_run: Some(needs_run),
    },
}];
