//! Wire formats: how a message becomes the bytes of one frame and back.
//!
//! A [`WireFormat<T>`] turns a `T` into the payload of one frame and a payload back into a `T`,
//! and says how frames are delimited on a byte stream ([`Framing`]). There are three:
//!
//! - [`Bincode`]: any `T: Serialize + DeserializeOwned`, encoded with bincode 2
//!   (`bincode::config::standard()`: little-endian, variable-length integers), in
//!   length-delimited frames. The default for the typed functions;
//! - [`RawBytes`]: the payload is the message ([`Bytes`]), in length-delimited frames;
//! - [`Lines`]: UTF-8 text (`String`), one message per line (`\n`-terminated; a `\r` before
//!   the `\n` is dropped), so it interoperates with `nc` and `telnet`.
//!
//! [`serialize_to_bytes`] and [`deserialize_from_bytes`] are the bincode encoding on its own (the
//! encoding the `source_stream_serde` / `dest_sink_serde` operators use). Decoding is bounded:
//! a frame that claims more than 64 MiB of memory fails to decode instead of allocating it, so
//! garbage from the network cannot exhaust memory. Bincode is not self-describing, so types that
//! need `deserialize_any` (`#[serde(untagged)]`, `#[serde(flatten)]`, `serde_json::Value`) do not
//! round-trip.

use std::cell::RefCell;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::event::{DecodeError, NetError};

/// How frames are delimited on a byte stream (for UDP, each datagram is one frame either way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// A 4-byte big-endian length, then the payload (`tokio_util`'s `LengthDelimitedCodec`).
    LengthDelimited,
    /// The payload, then `\n`.
    Lines,
}

/// A wire format for messages of type `T`: how a message becomes one frame's payload and back,
/// and how frames are delimited.
///
/// [`Bincode`] (any serde type), [`RawBytes`] and [`Lines`] are provided; implement it to carry
/// another encoding over the same sockets with [`super::bind_tcp_with`] and friends.
///
/// ```
/// use tideflow::net::{Bytes, DecodeError, Framing, NetError, WireFormat};
///
/// /// Big-endian `u32`s in length-delimited frames.
/// struct BigEndian;
///
/// impl WireFormat<u32> for BigEndian {
///     const FRAMING: Framing = Framing::LengthDelimited;
///     fn encode(message: u32) -> Result<Bytes, NetError> {
///         Ok(Bytes::copy_from_slice(&message.to_be_bytes()))
///     }
///     fn decode(payload: Bytes) -> Result<u32, DecodeError> {
///         let bytes: [u8; 4] = payload[..].try_into().map_err(|_| DecodeError {
///             message: "expected 4 bytes".into(),
///             frame_len: payload.len(),
///         })?;
///         Ok(u32::from_be_bytes(bytes))
///     }
/// }
///
/// assert_eq!(BigEndian::decode(BigEndian::encode(7).unwrap()), Ok(7));
/// ```
pub trait WireFormat<T> {
    /// How frames of this format are delimited.
    const FRAMING: Framing;

    /// The payload of the frame carrying `message`.
    fn encode(message: T) -> Result<Bytes, NetError>;

    /// The message a frame's payload carries.
    fn decode(payload: Bytes) -> Result<T, DecodeError>;
}

/// Serde + bincode in length-delimited frames: the default format, for any
/// `T: Serialize + DeserializeOwned`.
///
/// Messages are encoded with bincode 2's standard configuration (little-endian,
/// variable-length integers), the encoding of [`serialize_to_bytes`]. Decoding is bounded: a
/// frame that would claim more than 64 MiB of memory fails to decode instead of allocating it,
/// so garbage from the network cannot exhaust memory. Bincode is not self-describing, so types
/// that need `deserialize_any` (`#[serde(untagged)]`, `#[serde(flatten)]`,
/// `serde_json::Value`) do not round-trip.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bincode {
    _private: (),
}

/// Bytes as they are, in length-delimited frames.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawBytes {
    _private: (),
}

/// UTF-8 text, one message per line.
#[derive(Debug, Clone, Copy, Default)]
pub struct Lines {
    _private: (),
}

impl<T: Serialize + DeserializeOwned> WireFormat<T> for Bincode {
    const FRAMING: Framing = Framing::LengthDelimited;

    fn encode(message: T) -> Result<Bytes, NetError> {
        serialize_to_bytes(&message)
    }

    fn decode(payload: Bytes) -> Result<T, DecodeError> {
        deserialize_from_bytes(&payload)
    }
}

impl WireFormat<Bytes> for RawBytes {
    const FRAMING: Framing = Framing::LengthDelimited;

    fn encode(message: Bytes) -> Result<Bytes, NetError> {
        Ok(message)
    }

    fn decode(payload: Bytes) -> Result<Bytes, DecodeError> {
        Ok(payload)
    }
}

impl WireFormat<String> for Lines {
    const FRAMING: Framing = Framing::Lines;

    /// Fails on a message containing `\n`, which would arrive as several lines.
    fn encode(message: String) -> Result<Bytes, NetError> {
        if message.contains('\n') {
            return Err(NetError::Encode(
                "a line message contains a newline; send each line separately".to_owned(),
            ));
        }
        Ok(Bytes::from(message))
    }

    fn decode(payload: Bytes) -> Result<String, DecodeError> {
        let frame_len = payload.len();
        String::from_utf8(payload.into()).map_err(|error| DecodeError {
            message: format!("the line is not UTF-8: {}", error.utf8_error()),
            frame_len,
        })
    }
}

/// The most memory one decoded message may claim (bincode's limit).
const DECODE_LIMIT: usize = 64 * 1024 * 1024;

fn bincode_config() -> impl bincode::config::Config {
    bincode::config::standard().with_limit::<DECODE_LIMIT>()
}

/// `value` encoded with bincode (the payload format of [`Bincode`] and of the `_serde`
/// operators).
///
/// ```
/// use tideflow::net::{deserialize_from_bytes, serialize_to_bytes};
///
/// let bytes = serialize_to_bytes(&("hello", 42u32)).unwrap();
/// let (text, number): (String, u32) = deserialize_from_bytes(&bytes).unwrap();
/// assert_eq!((text.as_str(), number), ("hello", 42));
/// ```
pub fn serialize_to_bytes<T: Serialize + ?Sized>(value: &T) -> Result<Bytes, NetError> {
    thread_local! {
        /// Where this thread encodes: it keeps its capacity, so encoding never regrows a
        /// buffer from empty.
        static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    }
    let encode = |buffer: &mut Vec<u8>| {
        bincode::serde::encode_into_std_write(value, &mut *buffer, bincode_config())
            .map_err(|error| NetError::Encode(error.to_string()))
    };
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut buffer) => {
            buffer.clear();
            let encoded = encode(&mut buffer);
            // An exact-size copy: one allocation, and a `Bytes` that needs no shared header.
            let bytes = encoded.map(|_| Bytes::copy_from_slice(&buffer));
            if buffer.capacity() > SCRATCH_KEEP {
                *buffer = Vec::new();
            }
            bytes
        }
        // A `Serialize` implementation that serializes with this function while being
        // serialized by it.
        Err(_) => {
            let mut buffer = Vec::with_capacity(64);
            encode(&mut buffer).map(|_| Bytes::from(buffer))
        }
    })
}

/// The largest encoding buffer a thread keeps between messages.
const SCRATCH_KEEP: usize = 64 * 1024;

/// Decodes one bincode-encoded value that fills `bytes` exactly; trailing bytes are an error,
/// as is a value that would claim more than 64 MiB of memory.
///
/// ```
/// use tideflow::net::deserialize_from_bytes;
///
/// assert_eq!(deserialize_from_bytes::<u8>(&[7]).unwrap(), 7);
/// assert!(deserialize_from_bytes::<u8>(&[7, 0]).is_err()); // trailing byte
/// assert!(deserialize_from_bytes::<String>(&[0xFF]).is_err()); // garbage
/// ```
pub fn deserialize_from_bytes<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let error = |message: String| DecodeError {
        message,
        frame_len: bytes.len(),
    };
    match bincode::serde::decode_from_slice::<T, _>(bytes, bincode_config()) {
        Ok((value, read)) if read == bytes.len() => Ok(value),
        Ok((_, read)) => Err(error(format!(
            "{} trailing byte(s) after the message",
            bytes.len() - read
        ))),
        Err(decode_error) => Err(error(decode_error.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    enum Message {
        Ping(u64),
        Text { body: String },
    }

    #[test]
    fn bincode_round_trips_and_rejects_garbage() {
        let message = Message::Text { body: "hi".into() };
        let payload = <Bincode as WireFormat<Message>>::encode(message).unwrap();
        let back: Message = <Bincode as WireFormat<Message>>::decode(payload).unwrap();
        assert_eq!(back, Message::Text { body: "hi".into() });
        let garbage = <Bincode as WireFormat<Message>>::decode(Bytes::from_static(&[9, 9, 9]));
        assert!(garbage.is_err());
        assert_eq!(
            deserialize_from_bytes::<Message>(&serialize_to_bytes(&Message::Ping(5)).unwrap()),
            Ok(Message::Ping(5))
        );
    }

    #[test]
    fn a_huge_claimed_length_fails_instead_of_allocating() {
        // A string claiming u64::MAX / 2 bytes: varint marker 253 (u64) then the length.
        let mut frame = vec![253];
        frame.extend_from_slice(&(u64::MAX / 2).to_le_bytes());
        let error = deserialize_from_bytes::<String>(&frame).unwrap_err();
        assert_eq!(error.frame_len, 9);
    }

    #[test]
    fn lines_reject_invalid_utf8_and_embedded_newlines() {
        assert_eq!(
            <Lines as WireFormat<String>>::decode(Bytes::from_static(b"ok")).unwrap(),
            "ok"
        );
        assert!(<Lines as WireFormat<String>>::decode(Bytes::from_static(b"\xFF")).is_err());
        assert!(<Lines as WireFormat<String>>::encode("a\nb".into()).is_err());
    }
}
