//! Network operators: `source_stream_serde(stream)` and `dest_sink_serde(sink)`, the serde pair
//! over byte sockets.
//!
//! - [`SourceStreamSerde`] reads a stream of received frames and emits each decoded with
//!   bincode ([`crate::net::deserialize_from_bytes`]). It takes either of two item shapes (see
//!   [`SerdeFrame`]): the [`NetEvent<Bytes>`]s of [`crate::net`]'s byte sockets, which become
//!   [`NetEvent<T>`]s, or established-style `Result<(bytes, SocketAddr), E>` items, which become
//!   `Result<(T, SocketAddr), NetError>`. A frame that does not decode is an error item (a
//!   [`NetEvent::DecodeError`], or an `Err`) and a transport error is an `Err` item: the
//!   established system instead silently stops reading for the rest of the tick.
//! - [`DestSinkSerde`] encodes `(T, SocketAddr)` items with bincode and sends
//!   `(Bytes, SocketAddr)` into a sink, like `dest_sink`: it never stalls the tick. A value that
//!   does not serialize is logged, counted and dropped.

use std::fmt::Display;
use std::marker::PhantomData;
use std::net::SocketAddr;

use bytes::Bytes;
use futures::{Sink, Stream};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::context::Context;
use crate::net::{deserialize_from_bytes, serialize_to_bytes, NetError, NetEvent};
use crate::ops::sinks::DestSink;
use crate::ops::sources::SourceStream;
use crate::ops::Ty;

/// An item of a stream of received frames that `source_stream_serde` can decode into `T`.
pub trait SerdeFrame<T> {
    /// What the item becomes.
    type Decoded;

    /// Decodes the frame the item carries; a failure becomes an error item.
    fn decode_frame(self) -> Self::Decoded;
}

/// The events of a byte socket: messages are decoded, a message that does not decode becomes a
/// [`NetEvent::DecodeError`], other events pass through.
impl<T: DeserializeOwned> SerdeFrame<T> for NetEvent<Bytes> {
    type Decoded = NetEvent<T>;

    fn decode_frame(self) -> NetEvent<T> {
        self.try_map(|payload| deserialize_from_bytes(&payload))
    }
}

/// Established-style items: `Ok((frame, from))` decodes to `Ok((value, from))` or to an
/// `Err(NetError::Decode(..))`; a transport `Err` becomes an `Err` item.
impl<T, B, E> SerdeFrame<T> for Result<(B, SocketAddr), E>
where
    T: DeserializeOwned,
    B: AsRef<[u8]>,
    E: Into<NetError>,
{
    type Decoded = Result<(T, SocketAddr), NetError>;

    fn decode_frame(self) -> Self::Decoded {
        match self {
            Ok((frame, from)) => match deserialize_from_bytes(frame.as_ref()) {
                Ok(value) => Ok((value, from)),
                Err(error) => {
                    tracing::warn!(%from, %error, "source_stream_serde: a frame did not decode");
                    Err(NetError::Decode(error))
                }
            },
            Err(error) => {
                let error = error.into();
                tracing::warn!(%error, "source_stream_serde: the stream reported an error");
                Err(error)
            }
        }
    }
}

/// `source_stream_serde(stream)`: [`SourceStream`] with each item decoded by [`SerdeFrame`].
pub struct SourceStreamSerde<S: Stream + Unpin, T> {
    source: SourceStream<S>,
    decoded: PhantomData<fn() -> T>,
}

/// A `source_stream_serde` source decoding `stream`'s frames into `T` (name `T` with
/// `source_stream_serde::<T, _>(stream)`, or let the flow infer it).
pub fn source_stream_serde<T, S>(stream: S) -> SourceStreamSerde<S, T>
where
    S: Stream + Unpin,
    S::Item: SerdeFrame<T>,
{
    SourceStreamSerde {
        source: SourceStream::new(stream),
        decoded: PhantomData,
    }
}

impl<S, T> SourceStreamSerde<S, T>
where
    S: Stream + Unpin,
    S::Item: SerdeFrame<T>,
{
    /// The output's type witness.
    pub fn output(&self) -> Ty<<S::Item as SerdeFrame<T>>::Decoded> {
        Ty::new()
    }

    /// Whether a run may find items (see [`SourceStream::needs_run`]).
    pub fn needs_run(&self, context: &Context) -> bool {
        self.source.needs_run(context)
    }

    /// Emits every ready item, decoded.
    pub fn run(
        &mut self,
        context: &Context,
        mut emit: impl FnMut(<S::Item as SerdeFrame<T>>::Decoded),
    ) {
        self.source
            .run(context, |item| emit(SerdeFrame::<T>::decode_frame(item)));
    }
}

/// `dest_sink_serde(sink)`: encodes `(T, SocketAddr)` items and sends them into a sink of
/// `(Bytes, SocketAddr)`, through a [`DestSink`].
pub struct DestSinkSerde<S> {
    sink: DestSink<S, (Bytes, SocketAddr)>,
    encode_errors: u64,
}

impl<S> DestSinkSerde<S>
where
    S: Sink<(Bytes, SocketAddr)> + Unpin,
    S::Error: Display,
{
    /// A sink stage with an empty queue.
    pub fn new(sink: S) -> Self {
        Self {
            sink: DestSink::new(sink),
            encode_errors: 0,
        }
    }

    /// Encodes and queues `item`; a value that does not serialize is logged, counted and
    /// dropped.
    pub fn push<T: Serialize>(&mut self, (value, to): (T, SocketAddr)) {
        match serialize_to_bytes(&value) {
            Ok(frame) => self.sink.push((frame, to)),
            Err(error) => {
                self.encode_errors += 1;
                tracing::warn!(%to, %error, "dest_sink_serde: the item is dropped");
            }
        }
    }

    /// Sends what the sink accepts now (see [`DestSink::flush`]).
    pub fn flush(&mut self, context: &Context) {
        self.sink.flush(context);
    }

    /// Whether there is work left (see [`DestSink::needs_run`]).
    pub fn needs_run(&self) -> bool {
        self.sink.needs_run()
    }

    /// How many encoded items wait in the queue.
    pub fn queued(&self) -> usize {
        self.sink.queued()
    }

    /// How many errors happened: items that did not serialize, plus sink errors.
    pub fn errors(&self) -> u64 {
        self.encode_errors + self.sink.errors()
    }
}

#[cfg(test)]
mod tests {
    use std::io;

    use super::*;
    use crate::net::DecodeError;

    fn addr() -> SocketAddr {
        "127.0.0.1:9".parse().unwrap()
    }

    fn collect<T>(run: impl FnOnce(&mut dyn FnMut(T))) -> Vec<T> {
        let mut out = Vec::new();
        run(&mut |x| out.push(x));
        out
    }

    #[test]
    fn result_items_decode_and_errors_become_items() {
        let context = Context::new(0, 0);
        let good = serialize_to_bytes(&7u16).unwrap();
        let items: Vec<io::Result<(Bytes, SocketAddr)>> = vec![
            Ok((good.clone(), addr())),
            Ok((Bytes::from_static(&[0xFF, 0xFF, 0xFF, 0xFF]), addr())),
            Err(io::Error::new(io::ErrorKind::ConnectionReset, "reset")),
            Ok((good, addr())),
        ];
        let mut source = source_stream_serde::<u16, _>(futures::stream::iter(items));
        let out = collect(|emit| source.run(&context, emit));
        assert_eq!(out.len(), 4, "an error does not end the tick's reading");
        assert_eq!(out[0], Ok((7, addr())));
        assert!(matches!(
            out[1],
            Err(NetError::Decode(DecodeError { frame_len: 4, .. }))
        ));
        assert_eq!(
            out[2].as_ref().unwrap_err().io_kind(),
            Some(io::ErrorKind::ConnectionReset)
        );
        assert_eq!(out[3], Ok((7, addr())));
    }

    #[test]
    fn events_decode_messages_and_pass_the_rest_through() {
        let context = Context::new(0, 0);
        let events = vec![
            NetEvent::Connected { peer: addr() },
            NetEvent::Message {
                from: addr(),
                message: serialize_to_bytes("hi").unwrap(),
            },
            NetEvent::Message {
                from: addr(),
                message: Bytes::from_static(&[1]),
            },
        ];
        let mut source = source_stream_serde::<String, _>(futures::stream::iter(events));
        let out = collect(|emit| source.run(&context, emit));
        assert_eq!(out[0], NetEvent::Connected { peer: addr() });
        assert_eq!(
            out[1],
            NetEvent::Message {
                from: addr(),
                message: "hi".to_string()
            }
        );
        assert!(matches!(out[2], NetEvent::DecodeError { .. }));
    }

    #[test]
    fn dest_sink_serde_encodes_items() {
        let context = Context::new(0, 0);
        let (frames, mut received) = futures::channel::mpsc::unbounded::<(Bytes, SocketAddr)>();
        let mut sink = DestSinkSerde::new(frames);
        sink.push((("a", 1u8), addr()));
        assert_eq!(sink.queued(), 1);
        sink.flush(&context);
        assert!(!sink.needs_run());
        assert_eq!(sink.errors(), 0);
        let sent: Vec<(Bytes, SocketAddr)> = crate::util::collect_ready(&mut received);
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].1, addr());
        let decoded: (String, u8) = deserialize_from_bytes(&sent[0].0).unwrap();
        assert_eq!(decoded, ("a".to_string(), 1));
    }

    /// A value whose serialization always fails.
    struct Unserializable;

    impl Serialize for Unserializable {
        fn serialize<Ser: serde::Serializer>(&self, _: Ser) -> Result<Ser::Ok, Ser::Error> {
            Err(serde::ser::Error::custom("no"))
        }
    }

    #[test]
    fn dest_sink_serde_counts_values_that_do_not_serialize() {
        let context = Context::new(0, 0);
        let (frames, _received) = futures::channel::mpsc::unbounded::<(Bytes, SocketAddr)>();
        let mut sink = DestSinkSerde::new(frames);
        sink.push((Unserializable, addr()));
        sink.flush(&context);
        assert_eq!((sink.queued(), sink.errors()), (0, 1));
    }
}
