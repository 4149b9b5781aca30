//! I/O operators: stdin and files as sources, a file as a sink.
//!
//! - [`SourceStdin`] (`source_stdin()`) and [`SourceFile`] (`source_file(path)`) emit the lines
//!   of stdin or a file as `io::Result<String>` items, read with tokio and polled with the flow's
//!   waker, so a tick never waits for input: a line that arrives later wakes the flow;
//! - [`SourceJson`] (`source_json(path)`) reads and parses one JSON value, once;
//! - [`DestFile`] (`dest_file(path, append)`) writes items as lines, never blocking the tick.
//!
//! The established system panics on any I/O or UTF-8 error in these operators. Here the sources
//! emit errors as `Err` items, so the flow can observe and handle them (a line that is not UTF-8
//! is one `Err` item and reading goes on), and the sink logs and counts its errors. Nothing here
//! panics on what the file system or the user's input does.
//!
//! [`SourceLines`] is the line reader under the two line sources, usable over any
//! `AsyncBufRead` (tests feed it from memory).

use std::fmt;
use std::future::Future;
use std::io;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use serde::de::DeserializeOwned;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, BufReader, Lines};

use crate::context::Context;
use crate::ops::Ty;

/// An I/O error with where it happened (`path:line`), keeping the original error's kind and the
/// error itself as its source.
#[derive(Debug)]
struct LocatedError {
    location: String,
    source: io::Error,
}

impl fmt::Display for LocatedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.source)
    }
}

impl std::error::Error for LocatedError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

fn located(location: String, source: io::Error) -> io::Error {
    io::Error::new(source.kind(), LocatedError { location, source })
}

/// Whether a tokio runtime is available to drive tokio's file and stdin I/O. Logs `what` needs
/// one, once per `reported` flag, when there is none.
fn runtime_available(what: &str, reported: &mut bool) -> bool {
    if tokio::runtime::Handle::try_current().is_ok() {
        return true;
    }
    if !*reported {
        *reported = true;
        tracing::error!(
            "{what} needs a tokio runtime; it does nothing until run inside one (use \
             `run().await` in a `#[tideflow::main]` or `#[tokio::main]` function)"
        );
    }
    false
}

/// The lines of an [`AsyncBufRead`], as `io::Result<String>` items; the reader under
/// [`SourceStdin`] and [`SourceFile`].
///
/// Each [`run`](Self::run) emits every line that is ready, polling with the flow's waker until
/// the reader is pending (a later line wakes the flow) or at its end. Line endings (`\n` or
/// `\r\n`) are removed; a last line without one is still a line. A line that is not valid UTF-8
/// is emitted as an `Err` of kind [`io::ErrorKind::InvalidData`] and reading goes on with the
/// next line; any other read error is emitted as an `Err` and ends the source, so a broken
/// reader is not polled in a loop. Error messages start with `label:line`.
pub struct SourceLines<R> {
    lines: Lines<R>,
    label: String,
    /// Lines read so far, including ones that failed.
    line: u64,
    ended: bool,
    polled: bool,
}

impl<R: AsyncBufRead + Unpin> SourceLines<R> {
    /// The lines of `reader`; `label` names it in error messages (a path, `stdin`).
    pub fn new(reader: R, label: impl Into<String>) -> Self {
        Self {
            lines: reader.lines(),
            label: label.into(),
            line: 0,
            ended: false,
            polled: false,
        }
    }

    /// The output's type witness.
    pub fn output(&self) -> Ty<io::Result<String>> {
        Ty::new()
    }

    /// Whether a run may find lines: the reader has not ended, and it was never polled or the
    /// flow was woken since.
    pub fn needs_run(&self, context: &Context) -> bool {
        !self.ended && (!self.polled || context.was_woken())
    }

    /// Whether the reader has ended (at its end, or after a read error).
    pub fn is_ended(&self) -> bool {
        self.ended
    }

    /// Emits every line that is ready now (see the type's documentation).
    pub fn run(&mut self, context: &Context, mut emit: impl FnMut(io::Result<String>)) {
        if self.ended {
            return;
        }
        self.polled = true;
        let mut cx = TaskContext::from_waker(context.waker());
        loop {
            match Pin::new(&mut self.lines).poll_next_line(&mut cx) {
                Poll::Ready(Ok(Some(line))) => {
                    self.line += 1;
                    emit(Ok(line));
                }
                Poll::Ready(Ok(None)) => {
                    self.ended = true;
                    return;
                }
                Poll::Ready(Err(error)) => {
                    self.line += 1;
                    let fatal = error.kind() != io::ErrorKind::InvalidData;
                    emit(Err(located(format!("{}:{}", self.label, self.line), error)));
                    if fatal {
                        self.ended = true;
                        return;
                    }
                }
                Poll::Pending => return,
            }
        }
    }
}

/// `source_stdin()`: the lines of the process's standard input, as `io::Result<String>` items.
///
/// Reads through tokio's stdin (a blocking read on tokio's blocking thread pool), so it needs a
/// tokio runtime: without one it logs an error once and emits nothing until it runs inside one.
/// Lines are emitted as they arrive; at the end of stdin the source ends. Errors are items, as
/// for [`SourceLines`]. As with any tokio stdin, a read in progress cannot be cancelled, so a
/// runtime shutting down may wait for one more line.
#[derive(Default)]
pub struct SourceStdin {
    lines: Option<SourceLines<BufReader<tokio::io::Stdin>>>,
    reported: bool,
}

impl SourceStdin {
    /// A source that starts reading in its first run inside a tokio runtime.
    pub fn new() -> Self {
        Self::default()
    }

    /// The output's type witness.
    pub fn output(&self) -> Ty<io::Result<String>> {
        Ty::new()
    }

    /// Whether a run may find lines (see [`SourceLines::needs_run`]); always before the first
    /// successful start.
    pub fn needs_run(&self, context: &Context) -> bool {
        self.lines
            .as_ref()
            .is_none_or(|lines| lines.needs_run(context))
    }

    /// Emits the lines that are ready now.
    pub fn run(&mut self, context: &Context, emit: impl FnMut(io::Result<String>)) {
        if !runtime_available("source_stdin", &mut self.reported) {
            return;
        }
        self.lines
            .get_or_insert_with(|| SourceLines::new(BufReader::new(tokio::io::stdin()), "stdin"))
            .run(context, emit);
    }
}

type OpenFuture = Pin<Box<dyn Future<Output = io::Result<tokio::fs::File>>>>;

enum FileState<T> {
    /// Not started: waiting for a run inside a tokio runtime.
    Closed,
    Opening(OpenFuture),
    Open(T),
    Ended,
}

/// `source_file(path)`: the lines of a file, as `io::Result<String>` items.
///
/// The file is opened in the first run inside a tokio runtime and read with tokio (on its
/// blocking thread pool), so a large or slow file never holds a tick up: each run emits the lines
/// read so far and the flow is woken when more are ready. Without a runtime it logs an error once
/// and emits nothing until it runs inside one. If the file cannot be opened, the source emits
/// one `Err` item and ends; read errors are items as for [`SourceLines`]. Error messages start
/// with the path (and the line number).
pub struct SourceFile {
    path: PathBuf,
    state: FileState<SourceLines<BufReader<tokio::fs::File>>>,
    reported: bool,
}

impl SourceFile {
    /// A source over the file at `path`, opened at its first run.
    pub fn new(path: impl AsRef<Path>) -> Self {
        Self {
            path: path.as_ref().to_path_buf(),
            state: FileState::Closed,
            reported: false,
        }
    }

    /// The output's type witness.
    pub fn output(&self) -> Ty<io::Result<String>> {
        Ty::new()
    }

    /// Whether a run may find lines: not started yet, or the flow was woken while opening or
    /// reading.
    pub fn needs_run(&self, context: &Context) -> bool {
        match &self.state {
            FileState::Closed => true,
            FileState::Opening(_) => context.was_woken(),
            FileState::Open(lines) => lines.needs_run(context),
            FileState::Ended => false,
        }
    }

    /// Whether the source has ended: the whole file was read, or it failed.
    pub fn is_ended(&self) -> bool {
        match &self.state {
            FileState::Ended => true,
            FileState::Open(lines) => lines.is_ended(),
            FileState::Closed | FileState::Opening(_) => false,
        }
    }

    /// Emits the lines that are ready now, opening the file first if needed.
    pub fn run(&mut self, context: &Context, mut emit: impl FnMut(io::Result<String>)) {
        if matches!(self.state, FileState::Ended) {
            return;
        }
        if !runtime_available("source_file", &mut self.reported) {
            return;
        }
        if matches!(self.state, FileState::Closed) {
            self.state = FileState::Opening(Box::pin(tokio::fs::File::open(self.path.clone())));
        }
        if let FileState::Opening(opening) = &mut self.state {
            let mut cx = TaskContext::from_waker(context.waker());
            match opening.as_mut().poll(&mut cx) {
                Poll::Pending => return,
                Poll::Ready(Ok(file)) => {
                    let label = self.path.display().to_string();
                    self.state = FileState::Open(SourceLines::new(BufReader::new(file), label));
                }
                Poll::Ready(Err(error)) => {
                    self.state = FileState::Ended;
                    emit(Err(located(self.path.display().to_string(), error)));
                    return;
                }
            }
        }
        if let FileState::Open(lines) = &mut self.state {
            lines.run(context, emit);
        }
    }
}

/// `source_json(path)` / `source_json::<T>(path)`: reads the file at `path` and parses it as one
/// JSON value of type `T`, emitting it once, as an `io::Result<T>` item.
///
/// The file is read and parsed in the first run (tick 0), synchronously, which suits the small
/// configuration files this is for; stream large files with `source_file` instead. A read error
/// or a parse error is the one item, as an `Err` (parse errors have kind
/// [`io::ErrorKind::InvalidData`], or [`io::ErrorKind::UnexpectedEof`] for a truncated value)
/// whose message starts with the path, instead of the established system's panic.
pub struct SourceJson<T> {
    path: PathBuf,
    done: bool,
    _value: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> SourceJson<T> {
    /// A source that reads `path` in its first run.
    pub fn new(path: impl AsRef<Path>) -> Self {
        Self {
            path: path.as_ref().to_path_buf(),
            done: false,
            _value: PhantomData,
        }
    }

    /// The output's type witness.
    pub fn output(&self) -> Ty<io::Result<T>> {
        Ty::new()
    }

    /// Whether the value has not been read yet.
    pub fn has_work(&self) -> bool {
        !self.done
    }

    /// Reads and parses the file, the first time only, and emits the result.
    pub fn run(&mut self, mut emit: impl FnMut(io::Result<T>)) {
        if std::mem::replace(&mut self.done, true) {
            return;
        }
        let parsed = std::fs::read(&self.path)
            .and_then(|bytes| serde_json::from_slice::<T>(&bytes).map_err(io::Error::from));
        emit(parsed.map_err(|error| located(self.path.display().to_string(), error)));
    }
}

/// Lines waiting to be written, written through an [`AsyncWrite`] without blocking; the writer
/// under [`DestFile`].
///
/// [`push`](Self::push) appends a line and its `\n` to a buffer; [`flush`](Self::flush) writes
/// as much of the buffer as the writer accepts now, then flushes it, registering the flow's waker
/// where the writer is not ready. A write error is logged, counted, and loses the lines not yet
/// written; writing goes on with later lines.
pub struct LineWriter<W> {
    writer: W,
    buffer: Vec<u8>,
    /// Bytes of `buffer` already written.
    written: usize,
    unflushed: bool,
    errors: u64,
    lost_lines: u64,
    label: String,
}

impl<W: AsyncWrite + Unpin> LineWriter<W> {
    /// A writer of lines into `writer`; `label` names it in log messages.
    pub fn new(writer: W, label: impl Into<String>) -> Self {
        Self {
            writer,
            buffer: Vec::new(),
            written: 0,
            unflushed: false,
            errors: 0,
            lost_lines: 0,
            label: label.into(),
        }
    }

    /// Appends `line` and a `\n` to the buffer. A `line` containing `\n` becomes several lines.
    pub fn push(&mut self, line: &str) {
        self.buffer.extend_from_slice(line.as_bytes());
        self.buffer.push(b'\n');
    }

    /// Writes what the writer accepts now, then flushes it; never waits. A write error loses
    /// the lines not yet written; what was written is still flushed.
    pub fn flush(&mut self, context: &Context) {
        let mut cx = TaskContext::from_waker(context.waker());
        while self.written < self.buffer.len() {
            let pending = &self.buffer[self.written..];
            match Pin::new(&mut self.writer).poll_write(&mut cx, pending) {
                Poll::Ready(Ok(0)) => {
                    let error =
                        io::Error::new(io::ErrorKind::WriteZero, "the writer took no bytes");
                    self.fail("write", &error);
                }
                Poll::Ready(Ok(written)) => {
                    self.written += written;
                    self.unflushed = true;
                }
                Poll::Ready(Err(error)) => self.fail("write", &error),
                Poll::Pending => return,
            }
        }
        self.buffer.clear();
        self.written = 0;
        if self.unflushed {
            match Pin::new(&mut self.writer).poll_flush(&mut cx) {
                Poll::Ready(Ok(())) => self.unflushed = false,
                Poll::Ready(Err(error)) => {
                    self.unflushed = false;
                    self.fail("flush", &error);
                }
                Poll::Pending => {}
            }
        }
    }

    /// Logs and counts an error; the lines not yet written are lost.
    fn fail(&mut self, during: &str, error: &io::Error) {
        let lost = self.buffer[self.written..]
            .iter()
            .filter(|&&byte| byte == b'\n')
            .count() as u64;
        self.errors += 1;
        self.lost_lines += lost;
        tracing::error!(
            %error,
            during,
            lost_lines = lost,
            "{}: writing failed; {lost} line(s) not yet written are lost",
            self.label,
        );
        self.buffer.clear();
        self.written = 0;
    }

    /// Whether there is work left: bytes to write or a flush not finished.
    pub fn needs_run(&self) -> bool {
        self.written < self.buffer.len() || self.unflushed
    }

    /// How many write or flush errors happened.
    pub fn errors(&self) -> u64 {
        self.errors
    }

    /// How many lines were lost to errors.
    pub fn lost_lines(&self) -> u64 {
        self.lost_lines
    }

    /// The underlying writer.
    pub fn get_ref(&self) -> &W {
        &self.writer
    }
}

/// `dest_file(path, append)`: writes each item (a `String`, or anything `AsRef<str>`) as a line
/// of the file at `path`.
///
/// The file is created if missing, and truncated unless `append` is `true`, in the sink's first
/// run (tick 0), even if no item arrives. Writing goes through tokio's file (its blocking thread
/// pool) and a [`LineWriter`], so it never blocks the tick: lines that cannot be written yet stay
/// buffered, and the flow is woken to write them. It needs a tokio runtime; without one it logs
/// an error once and keeps the lines buffered until it runs inside one.
///
/// Errors never panic (the established system panics): if the file cannot be opened, that is
/// logged once, counted in [`errors`](Self::errors), and every line is dropped and counted in
/// [`lost_lines`](Self::lost_lines); a write error is logged, counted and loses the lines not yet
/// written, and writing goes on.
pub struct DestFile {
    path: PathBuf,
    append: bool,
    state: FileState<LineWriter<tokio::fs::File>>,
    /// Lines pushed before the file is open.
    waiting: Vec<String>,
    /// Open errors, and lines lost because the file could not be opened.
    open_errors: u64,
    lost_before_open: u64,
    reported: bool,
}

impl DestFile {
    /// A sink writing lines to `path`, appending if `append`, truncating otherwise.
    pub fn new(path: impl AsRef<Path>, append: bool) -> Self {
        Self {
            path: path.as_ref().to_path_buf(),
            append,
            state: FileState::Closed,
            waiting: Vec::new(),
            open_errors: 0,
            lost_before_open: 0,
            reported: false,
        }
    }

    /// Queues `line` to be written by a later [`flush`](Self::flush).
    #[inline]
    pub fn push(&mut self, line: impl AsRef<str>) {
        match &mut self.state {
            FileState::Open(writer) => writer.push(line.as_ref()),
            FileState::Ended => self.lost_before_open += 1,
            FileState::Closed | FileState::Opening(_) => {
                self.waiting.push(line.as_ref().to_owned())
            }
        }
    }

    /// Opens the file if needed and writes what it accepts now; never waits.
    pub fn flush(&mut self, context: &Context) {
        if matches!(self.state, FileState::Ended) {
            return;
        }
        if !runtime_available("dest_file", &mut self.reported) {
            return;
        }
        if matches!(self.state, FileState::Closed) {
            let mut options = tokio::fs::OpenOptions::new();
            options
                .write(true)
                .create(true)
                .append(self.append)
                .truncate(!self.append);
            let path = self.path.clone();
            self.state = FileState::Opening(Box::pin(async move { options.open(path).await }));
        }
        if let FileState::Opening(opening) = &mut self.state {
            let mut cx = TaskContext::from_waker(context.waker());
            match opening.as_mut().poll(&mut cx) {
                Poll::Pending => return,
                Poll::Ready(Ok(file)) => {
                    let mut writer = LineWriter::new(file, self.path.display().to_string());
                    for line in self.waiting.drain(..) {
                        writer.push(&line);
                    }
                    self.waiting = Vec::new();
                    self.state = FileState::Open(writer);
                }
                Poll::Ready(Err(error)) => {
                    self.open_errors += 1;
                    self.lost_before_open += self.waiting.len() as u64;
                    self.waiting = Vec::new();
                    self.state = FileState::Ended;
                    tracing::error!(
                        %error,
                        path = %self.path.display(),
                        "dest_file: cannot open {}; every line sent to it is dropped",
                        self.path.display()
                    );
                    return;
                }
            }
        }
        if let FileState::Open(writer) = &mut self.state {
            writer.flush(context);
        }
    }

    /// Whether there is work left: the file is not open yet, or lines or a flush are pending.
    pub fn needs_run(&self) -> bool {
        match &self.state {
            FileState::Closed | FileState::Opening(_) => true,
            FileState::Open(writer) => writer.needs_run(),
            FileState::Ended => false,
        }
    }

    /// How many errors happened: failing to open the file, and write or flush errors.
    pub fn errors(&self) -> u64 {
        self.open_errors
            + match &self.state {
                FileState::Open(writer) => writer.errors(),
                _ => 0,
            }
    }

    /// How many lines were lost to errors.
    pub fn lost_lines(&self) -> u64 {
        self.lost_before_open
            + match &self.state {
                FileState::Open(writer) => writer.lost_lines(),
                _ => 0,
            }
    }
}

#[cfg(test)]
mod tests;
