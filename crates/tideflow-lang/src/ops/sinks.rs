//! Sinks: operators that hand items to the outside world.

use quote::quote_spanned;

use super::common::{needs_run, no_args};
use super::{Arity, Emits, OperatorKind, OperatorSpec, PersistenceSpec, PortSpec, Writer};

pub(super) const OPERATORS: &[OperatorSpec] = &[OperatorSpec {
    name: "dest_sink",
    description: "Sends items into a `futures::Sink`, buffering while it is not ready; never stalls the tick.",
    example: r#"
        use tideflow::util::collect_ready;

        let (sink, mut sink_recv) = futures::channel::mpsc::channel::<u32>(0); // holds one item
        let mut flow = tideflow::flow! {
            source_iter([1, 2, 3]) -> map(|x| x * 10) -> dest_sink(sink);
        };
        assert_eq!(flow.run_available_sync(), 1); // the full sink does not stall the tick
        let mut delivered = Vec::new();
        for _ in 0..3 {
            delivered.extend(collect_ready::<Vec<_>, _>(&mut sink_recv)); // makes room, wakes the flow
            flow.run_available_sync(); // which sends the next buffered item
        }
        assert_eq!(delivered, [10, 20, 30]);
    "#,
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
    kind: OperatorKind::Plain,
    emits: Emits::NEVER,
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
