//! Unit tests of `io`.
use super::*;

fn collect<T>(run: impl FnOnce(&mut dyn FnMut(T))) -> Vec<T> {
    let mut out = Vec::new();
    run(&mut |x| out.push(x));
    out
}

fn lines_of(items: Vec<io::Result<String>>) -> Vec<Result<String, io::ErrorKind>> {
    items
        .into_iter()
        .map(|item| item.map_err(|error| error.kind()))
        .collect()
}

#[test]
fn source_lines_reads_lines_and_ends() {
    let context = Context::new(0, 0);
    let mut source = SourceLines::new(&b"one\r\ntwo\n\nlast"[..], "memory");
    let _: Ty<io::Result<String>> = source.output();
    assert!(source.needs_run(&context));
    let items = collect(|e| source.run(&context, e));
    assert_eq!(
        lines_of(items),
        [
            Ok("one".to_string()),
            Ok("two".to_string()),
            Ok(String::new()),
            Ok("last".to_string())
        ]
    );
    assert!(source.is_ended());
    assert!(!source.needs_run(&context));
    assert!(collect(|e| source.run(&context, e)).is_empty());
}

#[test]
fn source_lines_reports_invalid_utf8_and_goes_on() {
    let context = Context::new(0, 0);
    let mut source = SourceLines::new(&b"ok\n\xff\xfe\nafter\n"[..], "memory");
    let items = collect(|e| source.run(&context, e));
    assert_eq!(items.len(), 3);
    let error = items[1].as_ref().unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::InvalidData);
    assert!(error.to_string().starts_with("memory:2: "), "{error}");
    assert_eq!(items[2].as_ref().unwrap(), "after");
}

/// A reader that fails on every read.
struct Broken;

impl tokio::io::AsyncRead for Broken {
    fn poll_read(
        self: Pin<&mut Self>,
        _: &mut TaskContext<'_>,
        _: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Poll::Ready(Err(io::Error::other("disk on fire")))
    }
}

#[test]
fn source_lines_ends_after_a_read_error() {
    let context = Context::new(0, 0);
    let mut source = SourceLines::new(BufReader::new(Broken), "broken");
    let items = collect(|e| source.run(&context, e));
    assert_eq!(lines_of(items), [Err(io::ErrorKind::Other)]);
    assert!(source.is_ended());
    assert!(collect(|e| source.run(&context, e)).is_empty());
}

#[tokio::test]
async fn source_lines_emits_what_is_ready_and_wakes_for_more() {
    let context = Context::new(0, 0);
    let (mut writer, reader) = tokio::io::duplex(64);
    let mut source = SourceLines::new(BufReader::new(reader), "pipe");
    tokio::io::AsyncWriteExt::write_all(&mut writer, b"a\nb")
        .await
        .unwrap();
    let items = collect(|e| source.run(&context, e));
    assert_eq!(lines_of(items), [Ok("a".to_string())]);
    assert!(!source.is_ended());
    tokio::io::AsyncWriteExt::write_all(&mut writer, b"\nc\n")
        .await
        .unwrap();
    assert!(context.take_wake(), "new data wakes the flow");
    drop(writer);
    let items = collect(|e| source.run(&context, e));
    assert_eq!(lines_of(items), [Ok("b".to_string()), Ok("c".to_string())]);
    assert!(source.is_ended());
}

#[test]
fn stdin_and_file_without_runtime_emit_nothing() {
    let context = Context::new(0, 0);
    let mut stdin = SourceStdin::new();
    assert!(collect(|e| stdin.run(&context, e)).is_empty());
    assert!(stdin.reported && stdin.lines.is_none());
    let mut file = SourceFile::new("/nonexistent");
    assert!(collect(|e| file.run(&context, e)).is_empty());
    assert!(file.reported && !file.is_ended());
}

#[derive(serde::Deserialize, Debug, PartialEq)]
struct Config {
    name: String,
    ports: Vec<u16>,
}

/// A fresh temporary directory (removed when dropped) and a path `name` in it.
fn temp_path(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    (dir, path)
}

#[test]
fn source_json_reads_once() {
    let (_dir, path) = temp_path("config.json");
    std::fs::write(&path, r#"{"name": "a", "ports": [1, 2]}"#).unwrap();
    let mut source = SourceJson::<Config>::new(&path);
    assert!(source.has_work());
    let items = collect(|e| source.run(e));
    assert_eq!(items.len(), 1);
    assert_eq!(
        items[0].as_ref().unwrap(),
        &Config {
            name: "a".into(),
            ports: vec![1, 2]
        }
    );
    assert!(!source.has_work());
    assert!(collect(|e| source.run(e)).is_empty());
}

#[test]
fn source_json_errors_are_items() {
    let (_dir, path) = temp_path("bad.json");
    std::fs::write(&path, r#"{"name": 3}"#).unwrap();
    let items = collect(|e| SourceJson::<Config>::new(&path).run(e));
    let error = items[0].as_ref().unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::InvalidData);
    assert!(error.to_string().starts_with(&path.display().to_string()));
    let missing = path.with_file_name("missing.json");
    let items = collect(|e| SourceJson::<Config>::new(&missing).run(e));
    assert_eq!(
        items[0].as_ref().unwrap_err().kind(),
        io::ErrorKind::NotFound
    );
}

#[test]
fn line_writer_writes_lines_into_memory() {
    let context = Context::new(0, 0);
    let mut writer = LineWriter::new(Vec::<u8>::new(), "memory");
    writer.push("a");
    writer.push("b c");
    assert!(writer.needs_run());
    writer.flush(&context);
    assert_eq!(writer.get_ref().as_slice(), b"a\nb c\n");
    assert!(!writer.needs_run());
    assert_eq!((writer.errors(), writer.lost_lines()), (0, 0));
}

/// Accepts two bytes per write, and fails every write after `fail_after` bytes.
struct Slow {
    written: Vec<u8>,
    fail_after: usize,
}

impl AsyncWrite for Slow {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut TaskContext<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.written.len() >= self.fail_after {
            return Poll::Ready(Err(io::Error::other("full")));
        }
        let n = buf.len().min(2);
        self.written.extend_from_slice(&buf[..n]);
        Poll::Ready(Ok(n))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut TaskContext<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut TaskContext<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[test]
fn line_writer_counts_errors_and_goes_on() {
    let context = Context::new(0, 0);
    let slow = Slow {
        written: Vec::new(),
        fail_after: 4,
    };
    let mut writer = LineWriter::new(slow, "slow");
    writer.push("abc");
    writer.push("de");
    writer.flush(&context);
    assert_eq!(writer.get_ref().written, b"abc\n");
    assert_eq!((writer.errors(), writer.lost_lines()), (1, 1));
    assert!(!writer.needs_run(), "the written line was flushed");
    writer.push("f");
    writer.flush(&context);
    assert_eq!((writer.errors(), writer.lost_lines()), (2, 2));
    assert!(!writer.needs_run());
}

#[test]
fn dest_file_without_runtime_keeps_lines() {
    let context = Context::new(0, 0);
    let (_dir, path) = temp_path("never.txt");
    let mut sink = DestFile::new(&path, false);
    sink.push("kept");
    sink.flush(&context);
    assert!(sink.reported);
    assert_eq!(sink.waiting, ["kept"]);
    assert!(sink.needs_run());
}

/// Runs `flush` until the sink has no work, yielding to tokio's blocking pool between calls.
async fn settle(sink: &mut DestFile, context: &Context) {
    for _ in 0..1000 {
        sink.flush(context);
        if !sink.needs_run() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    panic!("dest_file did not settle");
}

#[tokio::test]
async fn dest_file_writes_truncates_and_appends() {
    let context = Context::new(0, 0);
    let (_dir, path) = temp_path("out.txt");
    std::fs::write(&path, "old\n").unwrap();
    let mut sink = DestFile::new(&path, false);
    sink.push("one");
    sink.push(String::from("two"));
    settle(&mut sink, &context).await;
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "one\ntwo\n");
    let mut appending = DestFile::new(&path, true);
    appending.push("three");
    settle(&mut appending, &context).await;
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "one\ntwo\nthree\n");
    assert_eq!((sink.errors(), appending.errors()), (0, 0));
}

#[tokio::test]
async fn dest_file_that_cannot_open_drops_and_counts() {
    let context = Context::new(0, 0);
    let (_dir, dir) = temp_path("no-such-dir");
    let path = dir.join("out.txt");
    let mut sink = DestFile::new(&path, false);
    sink.push("a");
    settle(&mut sink, &context).await;
    sink.push("b");
    assert_eq!((sink.errors(), sink.lost_lines()), (1, 2));
    assert!(!sink.needs_run());
}
