//! Splitting a TCP byte stream into frames: length-delimited or newline-delimited.
//!
//! [`FrameCodec`] is a `tokio_util` codec over either framing, with a maximum frame length: a
//! frame longer than that is a framing error (`io::ErrorKind::InvalidData`), after which the
//! stream cannot be resynchronised and the connection is closed. A frame that is well delimited
//! but whose payload does not decode is not a framing error: that is decided later, per message.

use std::io;

use bytes::{Buf, BufMut, Bytes, BytesMut};
use tokio_util::codec::{Decoder, Encoder, LengthDelimitedCodec};

use super::format::Framing;

/// A codec for one [`Framing`], yielding frame payloads.
#[derive(Debug)]
pub(crate) enum FrameCodec {
    /// 4-byte big-endian length prefix.
    LengthDelimited(LengthDelimitedCodec),
    /// `\n`-terminated lines.
    Lines(LineCodec),
}

impl FrameCodec {
    /// A codec for `framing` rejecting frames longer than `max_frame_length` bytes.
    pub(crate) fn new(framing: Framing, max_frame_length: usize) -> Self {
        match framing {
            Framing::LengthDelimited => FrameCodec::LengthDelimited(
                LengthDelimitedCodec::builder()
                    .max_frame_length(max_frame_length)
                    .new_codec(),
            ),
            Framing::Lines => FrameCodec::Lines(LineCodec { max_frame_length }),
        }
    }
}

impl Decoder for FrameCodec {
    type Item = BytesMut;
    type Error = io::Error;

    fn decode(&mut self, src: &mut BytesMut) -> io::Result<Option<BytesMut>> {
        match self {
            FrameCodec::LengthDelimited(codec) => codec.decode(src),
            FrameCodec::Lines(codec) => codec.decode(src),
        }
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> io::Result<Option<BytesMut>> {
        match self {
            FrameCodec::LengthDelimited(codec) => codec.decode_eof(src),
            FrameCodec::Lines(codec) => codec.decode_eof(src),
        }
    }
}

impl Encoder<Bytes> for FrameCodec {
    type Error = io::Error;

    fn encode(&mut self, payload: Bytes, dst: &mut BytesMut) -> io::Result<()> {
        match self {
            FrameCodec::LengthDelimited(codec) => codec.encode(payload, dst),
            FrameCodec::Lines(codec) => codec.encode(payload, dst),
        }
    }
}

/// Appends the frame carrying `payload` to `dst`: what [`FrameCodec`] encodes, for a payload
/// whose length was already checked against the maximum frame length.
pub(crate) fn encode_frame(framing: Framing, payload: &[u8], dst: &mut BytesMut) {
    match framing {
        Framing::LengthDelimited => {
            // The sink rejects payloads over the maximum frame length, which fits a `u32`
            // unless configured beyond 4 GiB; such frames could not be read back anyway.
            let len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
            dst.reserve(4 + payload.len());
            dst.put_u32(len);
            dst.put_slice(payload);
        }
        Framing::Lines => {
            dst.reserve(payload.len() + 1);
            dst.put_slice(payload);
            dst.put_u8(b'\n');
        }
    }
}

/// Newline-delimited frames: `payload\n` on the wire; a `\r` before the `\n` is dropped when
/// decoding, and a last line without `\n` at the end of the stream is still a frame.
#[derive(Debug)]
pub(crate) struct LineCodec {
    max_frame_length: usize,
}

impl LineCodec {
    fn too_long(&self) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "a line is longer than the maximum frame length ({} bytes)",
                self.max_frame_length
            ),
        )
    }
}

impl Decoder for LineCodec {
    type Item = BytesMut;
    type Error = io::Error;

    fn decode(&mut self, src: &mut BytesMut) -> io::Result<Option<BytesMut>> {
        let Some(newline) = src.iter().position(|&byte| byte == b'\n') else {
            if src.len() > self.max_frame_length {
                return Err(self.too_long());
            }
            return Ok(None);
        };
        if newline > self.max_frame_length {
            return Err(self.too_long());
        }
        let mut line = src.split_to(newline + 1);
        line.truncate(newline);
        if line.last() == Some(&b'\r') {
            line.truncate(newline - 1);
        }
        Ok(Some(line))
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> io::Result<Option<BytesMut>> {
        match self.decode(src)? {
            Some(line) => Ok(Some(line)),
            None if src.is_empty() => Ok(None),
            None => {
                let mut line = src.split();
                if line.last() == Some(&b'\r') {
                    line.truncate(line.len() - 1);
                }
                Ok(Some(line))
            }
        }
    }
}

impl Encoder<Bytes> for LineCodec {
    type Error = io::Error;

    fn encode(&mut self, payload: Bytes, dst: &mut BytesMut) -> io::Result<()> {
        if payload.len() > self.max_frame_length {
            return Err(self.too_long());
        }
        dst.reserve(payload.len() + 1);
        dst.put(payload);
        dst.put_u8(b'\n');
        Ok(())
    }
}

/// Splits one UDP datagram into frame payloads: the whole datagram for length-delimited
/// formats, each line for [`Framing::Lines`] (so `nc -u` input works).
pub(crate) fn datagram_frames(framing: Framing, datagram: Bytes) -> Vec<Bytes> {
    match framing {
        Framing::LengthDelimited => vec![datagram],
        Framing::Lines => {
            let mut rest = datagram;
            let mut lines = Vec::new();
            while rest.has_remaining() {
                let end = rest.iter().position(|&byte| byte == b'\n');
                let mut line = match end {
                    Some(end) => {
                        let line = rest.split_to(end);
                        rest.advance(1);
                        line
                    }
                    None => std::mem::take(&mut rest),
                };
                if line.last() == Some(&b'\r') {
                    line.truncate(line.len() - 1);
                }
                lines.push(line);
            }
            lines
        }
    }
}

/// The datagram carrying one frame payload: as it is, or with a `\n` for [`Framing::Lines`].
pub(crate) fn datagram_of(framing: Framing, payload: Bytes) -> Bytes {
    match framing {
        Framing::LengthDelimited => payload,
        Framing::Lines => {
            let mut datagram = BytesMut::with_capacity(payload.len() + 1);
            datagram.put(payload);
            datagram.put_u8(b'\n');
            datagram.freeze()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(codec: &mut FrameCodec, input: &[u8]) -> io::Result<Vec<Vec<u8>>> {
        let mut src = BytesMut::from(input);
        let mut frames = Vec::new();
        while let Some(frame) = codec.decode_eof(&mut src)? {
            frames.push(frame.to_vec());
        }
        Ok(frames)
    }

    #[test]
    fn lines_split_on_newlines_and_drop_carriage_returns() {
        let mut codec = FrameCodec::new(Framing::Lines, 16);
        let frames = decode_all(&mut codec, b"one\r\ntwo\n\nlast").unwrap();
        assert_eq!(
            frames,
            [b"one".to_vec(), b"two".to_vec(), vec![], b"last".to_vec()]
        );
    }

    #[test]
    fn a_too_long_line_is_an_error() {
        let mut codec = FrameCodec::new(Framing::Lines, 4);
        assert!(decode_all(&mut codec, b"0123456789").is_err());
        let mut codec = FrameCodec::new(Framing::Lines, 4);
        assert!(decode_all(&mut codec, b"0123456\n").is_err());
    }

    #[test]
    fn length_delimited_round_trip_and_oversized_frames() {
        let mut codec = FrameCodec::new(Framing::LengthDelimited, 8);
        let mut wire = BytesMut::new();
        codec.encode(Bytes::from_static(b"abc"), &mut wire).unwrap();
        assert_eq!(&wire[..], b"\0\0\0\x03abc");
        assert_eq!(decode_all(&mut codec, &wire).unwrap(), [b"abc".to_vec()]);
        let mut codec = FrameCodec::new(Framing::LengthDelimited, 8);
        assert!(decode_all(&mut codec, b"GET / HTTP/1.1\r\n").is_err());
    }

    #[test]
    fn datagrams_carry_one_frame_or_several_lines() {
        let datagram = Bytes::from_static(b"a\r\nb\n");
        assert_eq!(
            datagram_frames(Framing::Lines, datagram.clone()),
            [Bytes::from_static(b"a"), Bytes::from_static(b"b")]
        );
        assert_eq!(
            datagram_frames(Framing::LengthDelimited, datagram.clone()),
            [datagram]
        );
        assert_eq!(
            datagram_of(Framing::Lines, Bytes::from_static(b"x")),
            Bytes::from_static(b"x\n")
        );
    }
}
