//! I/O operators: stdin and files as sources, a file as a sink (`tideflow::ops::io`).
//!
//! Unlike the established system, none of them panics on an I/O error: the sources emit errors
//! as `Err` items (their items are `std::io::Result<_>`), and the sink logs and counts them.

use proc_macro2::TokenStream;
use quote::quote_spanned;

use super::common::{emit_closure, needs_run, no_args};
use super::{
    Arity, Emit, Emits, OpContext, OperatorKind, OperatorSpec, PersistenceSpec, PortSpec, Writer,
};

/// A source whose state is `ops::io::<Type>::new(<args>)` (with the type argument, if any).
const fn source(
    name: &'static str,
    description: &'static str,
    example: &'static str,
    args: usize,
    type_args: Arity,
    writer: Writer,
) -> OperatorSpec {
    OperatorSpec {
        name,
        description,
        example,
        input_ports: PortSpec::Unnamed,
        output_ports: PortSpec::Unnamed,
        inputs: Arity::exactly(0),
        outputs: Arity::exactly(1),
        soft_min_inputs: 0,
        soft_min_outputs: 0,
        args,
        persistence: PersistenceSpec::NONE,
        type_args,
        blocking_inputs: &[],
        delay: None,
        kind: OperatorKind::Source,
        emits: Emits::ON_START,
        writer,
    }
}

/// `let mut state = ops::io::<kind>[::<T>]::new(args...); let out = state.output();`
fn new_source(cx: &OpContext, kind: &str) -> TokenStream {
    let (root, state, output) = (&cx.root, &cx.state, &cx.outputs[0]);
    let kind = proc_macro2::Ident::new(kind, cx.span);
    let args = &cx.args;
    let turbofish = cx
        .type_args
        .first()
        .map(|ty| quote_spanned!(cx.span=> ::<#ty>));
    quote_spanned! {cx.span=>
        let mut #state = #root::ops::io::#kind #turbofish::new(#(#args),*);
        let #output = #state.output();
    }
}

/// A source polled with the flow's context: it reads asynchronously and runs when woken.
const fn polled_source(new: fn(&OpContext) -> TokenStream) -> Writer {
    Writer {
        args: no_args,
        state: new,
        push: None,
        start: Some(run_with_context),
        flush: None,
        tick_end: None,
        needs_run: Some(|cx| {
            let state = &cx.state;
            quote_spanned!(cx.span=> #state.needs_run(__context))
        }),
    }
}

fn run_with_context(cx: &OpContext, emit: &Emit) -> TokenStream {
    let state = &cx.state;
    let closure = emit_closure(cx, emit, 0);
    quote_spanned!(cx.span=> #state.run(__context, #closure);)
}

pub(super) const OPERATORS: &[OperatorSpec] = &[
    source(
        "source_stdin",
        "Emits the lines of standard input as `std::io::Result<String>` items, as they arrive \
         (tokio stdin; needs a tokio runtime, and without one logs an error once and emits \
         nothing). A line that is not UTF-8 is an `Err` item and reading goes on; another read \
         error is an `Err` item and ends the source; the established system panics instead.",
        r#"
            use std::io::Write;
            use std::process::{Command, Stdio};

            use futures::StreamExt;
            use tideflow::util::unbounded_channel;

            // The example runs itself again as a child process, to give that process a stdin.
            if std::env::var_os("TIDEFLOW_STDIN_EXAMPLE").is_some() {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async {
                    let (send, recv) = unbounded_channel::<String>();
                    let mut flow = tideflow::flow! {
                        source_stdin()
                            -> map(|line| line.unwrap().to_uppercase())
                            -> for_each(|line| send.send(line).unwrap());
                    };
                    let lines: Vec<String> = tokio::select! {
                        _ = flow.run() => unreachable!(),
                        lines = recv.take(2).collect() => lines,
                    };
                    print!("{}", lines.join(","));
                });
                return;
            }
            let mut child = Command::new(std::env::current_exe().unwrap())
                .env("TIDEFLOW_STDIN_EXAMPLE", "1")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            child.stdin.take().unwrap().write_all(b"hello\nworld\n").unwrap();
            let output = child.wait_with_output().unwrap();
            assert_eq!(String::from_utf8(output.stdout).unwrap(), "HELLO,WORLD");
        "#,
        0,
        Arity::exactly(0),
        polled_source(|cx| new_source(cx, "SourceStdin")),
    ),
    source(
        "source_file",
        "Emits the lines of the file at a path as `std::io::Result<String>` items, read with \
         tokio so a large or slow file never holds a tick up (needs a tokio runtime; without one \
         it logs an error once and emits nothing). A file that cannot be opened is one `Err` item; \
         a line that is not UTF-8 is an `Err` item and reading goes on; another read error is an \
         `Err` item and ends the source. The established system panics on all of these.",
        r#"
            use futures::StreamExt;
            use std::io::ErrorKind;
            use tideflow::util::unbounded_channel;

            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("input.txt");
            std::fs::write(&path, b"first\n\xFF\xFE\nlast\n").unwrap();

            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let (send, recv) = unbounded_channel::<Result<String, ErrorKind>>();
                let mut flow = tideflow::flow! {
                    source_file(path)
                        -> map(|line| line.map_err(|error| error.kind()))
                        -> for_each(|line| send.send(line).unwrap());
                };
                let lines: Vec<_> = tokio::select! {
                    _ = flow.run() => unreachable!(),
                    lines = recv.take(3).collect() => lines,
                };
                assert_eq!(
                    lines,
                    [Ok("first".to_string()), Err(ErrorKind::InvalidData), Ok("last".to_string())]
                );
            });
        "#,
        1,
        Arity::exactly(0),
        polled_source(|cx| new_source(cx, "SourceFile")),
    ),
    source(
        "source_json",
        "Reads the file at a path once, in the first tick, and emits it parsed as one JSON value \
         of type `T` (`source_json::<T>(path)`, or inferred; `T: serde::de::DeserializeOwned`), \
         as a `std::io::Result<T>` item. A read or parse error is the item, as an `Err` (parse \
         errors have kind `InvalidData`), instead of the established system's panic. The file is \
         read synchronously: meant for small configuration files.",
        r##"
            use tideflow::util::{collect_ready, unbounded_channel};

            #[derive(serde::Deserialize, Debug, PartialEq)]
            struct Config {
                name: String,
                replicas: u32,
            }

            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("config.json");
            std::fs::write(&path, r#"{"name": "kv", "replicas": 3}"#).unwrap();
            let missing = dir.path().join("missing.json");

            let (send, mut recv) = unbounded_channel::<Result<Config, std::io::ErrorKind>>();
            let mut flow = tideflow::flow! {
                configs = union() -> for_each(|config| send.send(config).unwrap());
                source_json::<Config>(path) -> map(|c| c.map_err(|e| e.kind())) -> configs;
                source_json::<Config>(missing) -> map(|c| c.map_err(|e| e.kind())) -> configs;
            };
            flow.run_available_sync();
            assert_eq!(
                collect_ready::<Vec<_>, _>(&mut recv),
                [Ok(Config { name: "kv".into(), replicas: 3 }), Err(std::io::ErrorKind::NotFound)]
            );
        "##,
        1,
        Arity::range(0, 1),
        Writer {
            args: no_args,
            state: |cx| new_source(cx, "SourceJson"),
            push: None,
            start: Some(|cx, emit| {
                let state = &cx.state;
                let closure = emit_closure(cx, emit, 0);
                quote_spanned!(cx.span=> #state.run(#closure);)
            }),
            flush: None,
            tick_end: None,
            needs_run: Some(|cx| {
                let state = &cx.state;
                quote_spanned!(cx.span=> #state.has_work())
            }),
        },
    ),
    OperatorSpec {
        name: "dest_file",
        description:
            "Writes each item (a `String`, or anything `AsRef<str>`) as a line of the file \
                      at a path; `dest_file(path, append)` truncates the file in tick 0 unless \
                      `append` is `true`. Writes with tokio and never blocks the tick: lines wait \
                      in a buffer and the flow is woken to write them (needs a tokio runtime). \
                      Where the established system panics, an error opening or writing the file \
                      is logged and counted, the affected lines are dropped, and the flow goes on.",
        example: r#"
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("out.txt");

            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let mut flow = tideflow::flow! {
                    source_iter(["alpha", "beta"]) -> map(String::from) -> dest_file(path.clone(), false);
                };
                // The file is written in the background; wait for it while the flow runs.
                let written = async {
                    let mut text = String::new();
                    for _ in 0..1000 {
                        text = tokio::fs::read_to_string(&path).await.unwrap_or_default();
                        if text == "alpha\nbeta\n" {
                            break;
                        }
                        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                    }
                    text
                };
                let text = tokio::select! {
                    _ = flow.run() => unreachable!(),
                    text = written => text,
                };
                assert_eq!(text, "alpha\nbeta\n");
            });
        "#,
        input_ports: PortSpec::Unnamed,
        output_ports: PortSpec::Unnamed,
        inputs: Arity::exactly(1),
        outputs: Arity::exactly(0),
        soft_min_inputs: 0,
        soft_min_outputs: 0,
        args: 2,
        persistence: PersistenceSpec::NONE,
        type_args: Arity::exactly(0),
        blocking_inputs: &[],
        delay: None,
        kind: OperatorKind::Plain,
        emits: Emits::NEVER,
        writer: Writer {
            args: no_args,
            state: |cx| {
                let (root, state) = (&cx.root, &cx.state);
                let (path, append) = (&cx.args[0], &cx.args[1]);
                quote_spanned! {cx.span=>
                    let mut #state = #root::ops::io::DestFile::new(#path, #append);
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
