//! Network operators: the serde pair `source_stream_serde` / `dest_sink_serde`
//! (`tideflow::ops::network`), for the byte sockets of `tideflow::net`.
//!
//! Unlike the established system, a frame that does not decode or a transport error is an item
//! the flow sees, never a silent end of the tick's input, and an encoding failure is logged and
//! counted instead of a panic.

use quote::quote_spanned;

use super::common::{emit_closure, needs_run, no_args};
use super::{Arity, Emits, OperatorKind, OperatorSpec, PersistenceSpec, PortSpec, Writer};

pub(super) const OPERATORS: &[OperatorSpec] = &[
    OperatorSpec {
        name: "source_stream_serde",
        description: "Emits the frames of a stream of received bytes decoded with serde + \
                      bincode into `T` (`source_stream_serde::<T>(stream)`, or inferred). Over \
                      the `tideflow::net::NetEvent<Bytes>` items of a byte socket \
                      (`bind_udp_bytes`, `bind_tcp_bytes`, `connect_tcp_bytes`) it emits \
                      `NetEvent<T>`: a frame that does not decode becomes a `DecodeError` \
                      event. Over `Result<(bytes, SocketAddr), E>` items it emits \
                      `Result<(T, SocketAddr), tideflow::net::NetError>`: a frame that does not \
                      decode and a transport error are `Err` items, and reading goes on (the \
                      established system silently ends the tick's input).",
        example: r#"
            use std::net::SocketAddr;
            use tideflow::net::{serialize_to_bytes, Bytes, NetError};
            use tideflow::util::{collect_ready, unbounded_channel};

            let peer: SocketAddr = "127.0.0.1:4000".parse().unwrap();
            let frames: Vec<Result<(Bytes, SocketAddr), std::io::Error>> = vec![
                Ok((serialize_to_bytes(&(1u32, "one")).unwrap(), peer)),
                Ok((Bytes::from_static(b"\xFF\xFF"), peer)), // garbage: an error item
                Err(std::io::ErrorKind::ConnectionReset.into()), // a transport error: an item too
                Ok((serialize_to_bytes(&(2u32, "two")).unwrap(), peer)),
            ];
            let (send, recv) = unbounded_channel::<String>();
            let mut flow = tideflow::flow! {
                source_stream_serde::<(u32, String)>(futures::stream::iter(frames))
                    -> map(|item| match item {
                        Ok(((number, name), _from)) => format!("{number} {name}"),
                        Err(NetError::Decode(_)) => "does not decode".to_string(),
                        Err(error) => format!("{:?}", error.io_kind()),
                    })
                    -> for_each(|line| send.send(line).unwrap());
            };
            flow.run_available_sync();
            assert_eq!(
                collect_ready::<Vec<_>, _>(recv),
                ["1 one", "does not decode", "Some(ConnectionReset)", "2 two"]
            );
        "#,
        input_ports: PortSpec::Unnamed,
        output_ports: PortSpec::Unnamed,
        inputs: Arity::exactly(0),
        outputs: Arity::exactly(1),
        soft_min_inputs: 0,
        soft_min_outputs: 0,
        args: 1,
        persistence: PersistenceSpec::NONE,
        type_args: Arity::range(0, 1),
        blocking_inputs: &[],
        delay: None,
        kind: OperatorKind::Source,
        emits: Emits::ON_START,
        writer: Writer {
            args: no_args,
            state: |cx| {
                let (root, state, output, stream) =
                    (&cx.root, &cx.state, &cx.outputs[0], &cx.args[0]);
                let message = match cx.type_args.first() {
                    Some(ty) => quote_spanned!(cx.span=> #ty),
                    None => quote_spanned!(cx.span=> _),
                };
                quote_spanned! {cx.span=>
                    let mut #state =
                        #root::ops::network::source_stream_serde::<#message, _>(#stream);
                    let #output = #state.output();
                }
            },
            push: None,
            start: Some(|cx, emit| {
                let state = &cx.state;
                let closure = emit_closure(cx, emit, 0);
                quote_spanned!(cx.span=> #state.run(__context, #closure);)
            }),
            flush: None,
            tick_end: None,
            needs_run: Some(|cx| {
                let state = &cx.state;
                quote_spanned!(cx.span=> #state.needs_run(__context))
            }),
        },
    },
    OperatorSpec {
        name: "dest_sink_serde",
        description: "Encodes `(T, SocketAddr)` items with serde + bincode and sends \
                      `(Bytes, SocketAddr)` pairs into a `futures::Sink`, such as the sink of \
                      a `tideflow::net` byte socket; like `dest_sink`, it buffers while the sink \
                      is not ready and never stalls the tick. A value that does not serialize \
                      is logged and dropped.",
        example: r#"
            use futures::StreamExt;
            use tideflow::net::{bind_udp_bytes, NetEvent};
            use tideflow::util::unbounded_channel;

            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                // One UDP socket that sends to itself: encode, send, receive, decode.
                let (outbound, inbound, addr) = bind_udp_bytes("127.0.0.1:0").await.unwrap();
                let (send, recv) = unbounded_channel::<(String, u32)>();
                let mut flow = tideflow::flow! {
                    source_iter([("ping".to_string(), 1u32), ("pong".to_string(), 2)])
                        -> map(|message| (message, addr))
                        -> dest_sink_serde(outbound);
                    source_stream_serde::<(String, u32)>(inbound)
                        -> filter_map(NetEvent::into_message)
                        -> for_each(|(message, _from)| send.send(message).unwrap());
                };
                let mut received: Vec<(String, u32)> = tokio::select! {
                    _ = flow.run() => unreachable!(),
                    received = recv.take(2).collect() => received,
                };
                received.sort(); // UDP does not promise order
                assert_eq!(received, [("ping".to_string(), 1), ("pong".to_string(), 2)]);
            });
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
                quote_spanned! {cx.span=>
                    let mut #state = #root::ops::network::DestSinkSerde::new(#sink);
                }
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
    },
];
