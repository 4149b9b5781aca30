//! Stream-shaping operators: `chain`, `chain_first_n`, `zip`, `zip_longest`, `unzip`, `scan`,
//! `sort_by_key`, `fold_no_replay`, `reduce_no_replay` and `defer_signal`.
//!
//! Their runtime state lives in `tideflow::ops::streams`. Blocking inputs are declared where the
//! output depends on an input being complete: `chain`'s `[0]` (the held `[1]` may only follow a
//! complete `[0]`), both inputs of `zip_longest` (the unpaired rest), the aggregations, and, as
//! in the established system, `defer_signal`'s `[signal]`.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote_spanned};

use super::common::{emit_closure, end_tick, needs_run, persistence};
use super::{
    AllowedLifetimes, Arity, Emit, Emits, OpContext, OperatorKind, OperatorSpec, PersistenceSpec,
    PortSpec, Writer,
};

/// Two inputs `[0]`, `[1]`, one output; specs override the rest.
const BINARY: OperatorSpec = OperatorSpec {
    name: "",
    description: "",
    example: "",
    input_ports: PortSpec::Fixed(&["0", "1"]),
    output_ports: PortSpec::Unnamed,
    inputs: Arity::exactly(2),
    outputs: Arity::exactly(1),
    soft_min_inputs: 0,
    soft_min_outputs: 0,
    args: 0,
    persistence: PersistenceSpec::NONE,
    type_args: Arity::exactly(0),
    blocking_inputs: &[],
    delay: None,
    kind: OperatorKind::Plain,
    emits: Emits::ON_PUSH,
    writer: Writer::NO_CODE,
};

/// One unnamed input, one output; specs override the rest.
const UNARY: OperatorSpec = OperatorSpec {
    input_ports: PortSpec::Unnamed,
    inputs: Arity::exactly(1),
    ..BINARY
};

/// The witness of input `index` (a fresh one if, against the checks, it is missing).
fn input(cx: &OpContext, index: usize) -> TokenStream {
    let root = &cx.root;
    match cx.inputs.get(index) {
        Some(witness) => quote_spanned!(cx.span=> #witness),
        None => quote_spanned!(cx.span=> #root::ops::Ty::new()),
    }
}

/// `let mut state = ops::streams::<kind>::new(<args>);`
fn new_state(cx: &OpContext, kind: &str, args: TokenStream) -> TokenStream {
    let (root, state) = (&cx.root, &cx.state);
    let kind = Ident::new(kind, cx.span);
    quote_spanned!(cx.span=> let mut #state = #root::ops::streams::#kind::new(#args);)
}

/// `state.<method>(<args>, |item| <emit output 0>);`
fn call_with_emit(cx: &OpContext, emit: &Emit, method: &str, args: TokenStream) -> TokenStream {
    let state = &cx.state;
    let method = Ident::new(method, cx.span);
    let closure = emit_closure(cx, emit, 0);
    quote_spanned!(cx.span=> #state.#method(#args #closure);)
}

/// `state.flush(|item| <emit output 0>);`
fn flush(cx: &OpContext, emit: &Emit) -> TokenStream {
    call_with_emit(cx, emit, "flush", TokenStream::new())
}

/// Output 0 carries the items of both inputs: `let out = ops::same(in0, in1);`
fn same_as_both_inputs(cx: &OpContext) -> TokenStream {
    let (root, output) = (&cx.root, &cx.outputs[0]);
    let (first, second) = (input(cx, 0), input(cx, 1));
    quote_spanned!(cx.span=> let #output = #root::ops::same(#first, #second);)
}

/// `let out = ops::streams::<kind>::output(in0, in1);`
fn pair_output(cx: &OpContext, kind: &str) -> TokenStream {
    let (root, output) = (&cx.root, &cx.outputs[0]);
    let kind = Ident::new(kind, cx.span);
    let (first, second) = (input(cx, 0), input(cx, 1));
    quote_spanned!(cx.span=> let #output = #root::ops::streams::#kind::output(#first, #second);)
}

/// `state.push_left(item, emit)` / `state.push_right(item, emit)`.
fn left_right_push(cx: &OpContext, index: usize, item: TokenStream, emit: &Emit) -> TokenStream {
    let method = if index == 0 {
        "push_left"
    } else {
        "push_right"
    };
    call_with_emit(cx, emit, method, quote_spanned!(cx.span=> #item,))
}

// ----- chain, chain_first_n -----

fn chain_push(cx: &OpContext, index: usize, item: TokenStream, emit: &Emit) -> TokenStream {
    let state = &cx.state;
    if index == 0 {
        emit(0, item)
    } else {
        quote_spanned!(cx.span=> #state.push_second(#item);)
    }
}

/// `let n: usize = <expr>; let out = ops::same(in0, in1);`
fn chain_first_n_args(cx: &OpContext) -> TokenStream {
    let (arg, expr) = (&cx.arg_vars[0], &cx.args[0]);
    let types = same_as_both_inputs(cx);
    quote_spanned! {cx.span=>
        let #arg: usize = #expr;
        #types
    }
}

fn chain_first_n_push(cx: &OpContext, index: usize, item: TokenStream, emit: &Emit) -> TokenStream {
    let (state, n) = (&cx.state, &cx.arg_vars[0]);
    if index == 0 {
        call_with_emit(cx, emit, "push_first", quote_spanned!(cx.span=> #item, #n,))
    } else {
        quote_spanned!(cx.span=> #state.push_second(#item, #n);)
    }
}

// ----- unzip -----

fn unzip_types(cx: &OpContext) -> TokenStream {
    let root = &cx.root;
    let source = input(cx, 0);
    let first = &cx.outputs[0];
    let second = cx
        .outputs
        .get(1)
        .cloned()
        .unwrap_or_else(|| format_ident!("__unused_{}", cx.state));
    quote_spanned!(cx.span=> let (#first, #second) = #root::ops::streams::unzip_ty(#source);)
}

fn unzip_push(cx: &OpContext, _: usize, item: TokenStream, emit: &Emit) -> TokenStream {
    let first = format_ident!("{}_first", cx.state);
    let second = format_ident!("{}_second", cx.state);
    let emit_first = emit(0, quote_spanned!(cx.span=> #first));
    let emit_second = emit(1, quote_spanned!(cx.span=> #second));
    quote_spanned! {cx.span=>
        {
            let (#first, #second) = #item;
            #emit_first
            #emit_second
        }
    }
}

// ----- scan -----

fn scan_args(cx: &OpContext) -> TokenStream {
    let (root, output) = (&cx.root, &cx.outputs[0]);
    let source = input(cx, 0);
    let (init, f) = (&cx.arg_vars[0], &cx.arg_vars[1]);
    let (init_expr, f_expr) = (&cx.args[0], &cx.args[1]);
    quote_spanned! {cx.span=>
        let (mut #init, mut #f, #output) =
            #root::ops::streams::scan_fns(#source, #init_expr, #f_expr);
    }
}

fn scan_push(cx: &OpContext, _: usize, item: TokenStream, emit: &Emit) -> TokenStream {
    let (init, f) = (&cx.arg_vars[0], &cx.arg_vars[1]);
    call_with_emit(
        cx,
        emit,
        "push",
        quote_spanned!(cx.span=> #item, &mut #init, &mut #f,),
    )
}

// ----- sort_by_key -----

fn sort_by_key_args(cx: &OpContext) -> TokenStream {
    let (root, output) = (&cx.root, &cx.outputs[0]);
    let source = input(cx, 0);
    let (key, expr) = (&cx.arg_vars[0], &cx.args[0]);
    quote_spanned! {cx.span=>
        let mut #key = #root::ops::streams::sort_by_key_fn(#source, #expr);
        let #output = #source;
    }
}

fn sort_by_key_flush(cx: &OpContext, emit: &Emit) -> TokenStream {
    let key = &cx.arg_vars[0];
    call_with_emit(cx, emit, "flush", quote_spanned!(cx.span=> &mut #key,))
}

// ----- fold_no_replay, reduce_no_replay -----

fn fold_no_replay_args(cx: &OpContext) -> TokenStream {
    let (root, output) = (&cx.root, &cx.outputs[0]);
    let source = input(cx, 0);
    let (init, fold) = (&cx.arg_vars[0], &cx.arg_vars[1]);
    let (init_expr, fold_expr) = (&cx.args[0], &cx.args[1]);
    quote_spanned! {cx.span=>
        let (mut #init, mut #fold, #output) =
            #root::ops::aggregates::fold_fns(#source, #init_expr, #fold_expr);
    }
}

fn fold_no_replay_push(cx: &OpContext, _: usize, item: TokenStream, _: &Emit) -> TokenStream {
    let state = &cx.state;
    let (init, fold) = (&cx.arg_vars[0], &cx.arg_vars[1]);
    quote_spanned!(cx.span=> #state.push(#item, &mut #init, &mut #fold);)
}

fn fold_no_replay_flush(cx: &OpContext, emit: &Emit) -> TokenStream {
    let init = &cx.arg_vars[0];
    call_with_emit(cx, emit, "flush", quote_spanned!(cx.span=> &mut #init,))
}

fn reduce_no_replay_args(cx: &OpContext) -> TokenStream {
    let (root, output) = (&cx.root, &cx.outputs[0]);
    let source = input(cx, 0);
    let (f, expr) = (&cx.arg_vars[0], &cx.args[0]);
    quote_spanned! {cx.span=>
        let mut #f = #root::ops::aggregates::reduce_fn(#source, #expr);
        let #output = #source;
    }
}

fn reduce_no_replay_push(cx: &OpContext, _: usize, item: TokenStream, _: &Emit) -> TokenStream {
    let (state, f) = (&cx.state, &cx.arg_vars[0]);
    quote_spanned!(cx.span=> #state.push(#item, &mut #f);)
}

// ----- defer_signal -----

fn defer_signal_push(cx: &OpContext, index: usize, item: TokenStream, emit: &Emit) -> TokenStream {
    let method = if index == 0 {
        "push_input"
    } else {
        "push_signal"
    };
    call_with_emit(cx, emit, method, quote_spanned!(cx.span=> #item,))
}

pub(super) const OPERATORS: &[OperatorSpec] = &[
    OperatorSpec {
        name: "chain",
        description: "All of the tick's `[0]` items, then all of its `[1]` items. `[0]` streams \
                      through; `[1]` is held until the run's inputs are in. `[0]` is blocking \
                      (it must be complete before `[1]` follows), so it cannot be on a cycle.",
        example: r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, mut recv) = unbounded_channel::<u32>();
            let mut flow = tideflow::flow! {
                source_iter([3, 4]) -> [1]both;
                source_iter([1, 2]) -> [0]both;
                both = chain() -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_tick_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(&mut recv), [1, 2, 3, 4]);
        "#,
        blocking_inputs: &[0],
        emits: Emits::ON_PUSH_AND_FLUSH,
        writer: Writer {
            args: same_as_both_inputs,
            state: |cx| new_state(cx, "Chain", input(cx, 0)),
            push: Some(chain_push),
            flush: Some(flush),
            tick_end: Some(end_tick),
            ..Writer::NO_CODE
        },
        ..BINARY
    },
    OperatorSpec {
        name: "chain_first_n",
        description: "Like `chain`, but emits at most `n` items per tick, `[0]`'s first. Items \
                      past the `n`-th are consumed and discarded; at most `n` items of `[1]` are \
                      held. Takes exactly the two ports `[0]` and `[1]`.",
        example: r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, mut recv) = unbounded_channel::<u32>();
            let mut flow = tideflow::flow! {
                source_iter([1, 2]) -> [0]first;
                source_iter([10, 20, 30]) -> [1]first;
                first = chain_first_n(3) -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_tick_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(&mut recv), [1, 2, 10]);
        "#,
        args: 1,
        blocking_inputs: &[0],
        emits: Emits::ON_PUSH_AND_FLUSH,
        writer: Writer {
            args: chain_first_n_args,
            state: |cx| new_state(cx, "ChainFirstN", input(cx, 0)),
            push: Some(chain_first_n_push),
            flush: Some(|cx, emit| {
                let n = &cx.arg_vars[0];
                call_with_emit(cx, emit, "flush", quote_spanned!(cx.span=> #n,))
            }),
            tick_end: Some(end_tick),
            ..Writer::NO_CODE
        },
        ..BINARY
    },
    OperatorSpec {
        name: "zip",
        description: "Pairs the `i`-th items of `[0]` and `[1]` into `(A, B)`, emitting each pair \
                      as soon as both halves arrived. Unpaired items are dropped at the end of \
                      the tick by a `'tick` side and kept by a `'static` side: that queue is \
                      unbounded (as the semantics need) and logged with `tracing::warn!` each \
                      time it doubles past 65 536 items, never silently capped.",
        example: r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (input, input_recv) = unbounded_channel::<char>();
            let (send, mut recv) = unbounded_channel::<(u32, char)>();
            let mut flow = tideflow::flow! {
                source_iter([1, 2, 3]) -> [0]z;
                source_stream(input_recv) -> [1]z;
                // [0] keeps its unpaired items across ticks, [1] does not
                z = zip::<'static, 'tick>() -> for_each(|pair| send.send(pair).unwrap());
            };
            input.send('a').unwrap();
            flow.run_tick_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(&mut recv), [(1, 'a')]);
            input.send('b').unwrap();
            input.send('c').unwrap();
            flow.run_tick_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(&mut recv), [(2, 'b'), (3, 'c')]);
        "#,
        persistence: PersistenceSpec::TWO,
        writer: Writer {
            args: |cx| pair_output(cx, "Zip"),
            state: |cx| {
                let (left, right) = (persistence(cx, 0), persistence(cx, 1));
                new_state(cx, "Zip", quote_spanned!(cx.span=> #left, #right))
            },
            push: Some(left_right_push),
            tick_end: Some(end_tick),
            ..Writer::NO_CODE
        },
        ..BINARY
    },
    OperatorSpec {
        name: "zip_longest",
        description: "Zips `[0]` and `[1]` within the tick into \
                      `tideflow::ops::streams::EitherOrBoth`: `Both(a, b)` per pair, then \
                      `Left(a)` or `Right(b)` for the rest of the longer input. Both inputs are \
                      blocking. Only `'tick` persistence: leftovers cannot be carried across \
                      ticks (`zip_longest::<'static>()` is an error).",
        example: r#"
            use tideflow::ops::streams::EitherOrBoth;
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, mut recv) = unbounded_channel::<EitherOrBoth<u32, char>>();
            let mut flow = tideflow::flow! {
                source_iter([1, 2, 3]) -> [0]z;
                source_iter(['a']) -> [1]z;
                z = zip_longest() -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_tick_sync();
            assert_eq!(
                collect_ready::<Vec<_>, _>(&mut recv),
                [EitherOrBoth::Both(1, 'a'), EitherOrBoth::Left(2), EitherOrBoth::Left(3)]
            );
        "#,
        blocking_inputs: &[0, 1],
        emits: Emits::ON_PUSH_AND_FLUSH,
        writer: Writer {
            args: |cx| pair_output(cx, "ZipLongest"),
            state: |cx| {
                let (left, right) = (input(cx, 0), input(cx, 1));
                new_state(cx, "ZipLongest", quote_spanned!(cx.span=> #left, #right))
            },
            push: Some(left_right_push),
            flush: Some(flush),
            tick_end: Some(end_tick),
            ..Writer::NO_CODE
        },
        persistence: PersistenceSpec {
            slots: 1,
            allowed: AllowedLifetimes::TickOnly,
        },
        ..BINARY
    },
    OperatorSpec {
        name: "unzip",
        description: "Splits each pair `(A, B)`: `A` to `[0]`, `B` to `[1]`.",
        example: r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (numbers, mut numbers_recv) = unbounded_channel::<u32>();
            let (letters, mut letters_recv) = unbounded_channel::<char>();
            let mut flow = tideflow::flow! {
                pairs = source_iter([(1, 'a'), (2, 'b')]) -> unzip();
                pairs[0] -> for_each(|n| numbers.send(n).unwrap());
                pairs[1] -> for_each(|c| letters.send(c).unwrap());
            };
            flow.run_tick_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(&mut numbers_recv), [1, 2]);
            assert_eq!(collect_ready::<Vec<_>, _>(&mut letters_recv), ['a', 'b']);
        "#,
        output_ports: PortSpec::Fixed(&["0", "1"]),
        outputs: Arity::exactly(2),
        writer: Writer {
            args: unzip_types,
            push: Some(unzip_push),
            ..Writer::NO_CODE
        },
        ..UNARY
    },
    OperatorSpec {
        name: "scan",
        description: "Threads a state (`init()`, then `f(&mut state, item) -> Option<O>`) through \
                      the items and emits each `Some`. The first `None` stops all further output \
                      (later items are discarded without calling `f`) until the state resets: \
                      at the end of the tick for `'tick`, never for `'static`.",
        example: r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, mut recv) = unbounded_channel::<u32>();
            let mut flow = tideflow::flow! {
                source_iter([1, 2, 3, 4, 5])
                    -> scan(|| 0, |sum: &mut u32, x| {
                        *sum += x;
                        (*sum < 10).then_some(*sum) // stop once the running sum reaches 10
                    })
                    -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_tick_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(&mut recv), [1, 3, 6]);
        "#,
        args: 2,
        persistence: PersistenceSpec::ONE,
        writer: Writer {
            args: scan_args,
            state: |cx| {
                let persistence = persistence(cx, 0);
                new_state(cx, "Scan", quote_spanned!(cx.span=> #persistence))
            },
            push: Some(scan_push),
            tick_end: Some(end_tick),
            ..Writer::NO_CODE
        },
        ..UNARY
    },
    OperatorSpec {
        name: "sort_by_key",
        description: "Emits the tick's items sorted by `key: FnMut(&T) -> K` with `K: Ord` \
                      (stable: equal keys keep their arrival order). The key is returned by \
                      value, as for `slice::sort_by_key`: return a copy or clone of a field.",
        example: r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, mut recv) = unbounded_channel::<(&str, u32)>();
            let mut flow = tideflow::flow! {
                source_iter([("pear", 3), ("fig", 1), ("kiwi", 3), ("plum", 2)])
                    -> sort_by_key(|(_, rank)| *rank)
                    -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_tick_sync();
            assert_eq!(
                collect_ready::<Vec<_>, _>(&mut recv),
                [("fig", 1), ("plum", 2), ("pear", 3), ("kiwi", 3)]
            );
        "#,
        args: 1,
        blocking_inputs: &[0],
        emits: Emits::ON_FLUSH,
        writer: Writer {
            args: sort_by_key_args,
            state: |cx| new_state(cx, "SortByKey", input(cx, 0)),
            push: Some(|cx, _, item, _| {
                let state = &cx.state;
                quote_spanned!(cx.span=> #state.push(#item);)
            }),
            flush: Some(sort_by_key_flush),
            ..Writer::NO_CODE
        },
        ..UNARY
    },
    OperatorSpec {
        name: "fold_no_replay",
        description: "Like `fold`, but emits the accumulator only in ticks where an item \
                      arrived, and in the first tick (`init()` if nothing came). `'static` keeps \
                      folding into one accumulator.",
        example: r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (input, input_recv) = unbounded_channel::<u32>();
            let (send, mut recv) = unbounded_channel::<u32>();
            let mut flow = tideflow::flow! {
                source_stream(input_recv)
                    -> fold_no_replay::<'static>(|| 0, |sum: &mut u32, x| *sum += x)
                    -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_tick_sync(); // the first tick emits, even without input
            assert_eq!(collect_ready::<Vec<_>, _>(&mut recv), [0]);
            input.send(5).unwrap();
            flow.run_tick_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(&mut recv), [5]);
            flow.run_tick_sync(); // no input, no output
            assert_eq!(collect_ready::<Vec<_>, _>(&mut recv), Vec::<u32>::new());
            input.send(2).unwrap();
            flow.run_tick_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(&mut recv), [7]);
        "#,
        args: 2,
        outputs: Arity::range(0, 1),
        persistence: PersistenceSpec::ONE,
        blocking_inputs: &[0],
        emits: Emits::ON_FLUSH,
        writer: Writer {
            args: fold_no_replay_args,
            state: |cx| {
                let persistence = persistence(cx, 0);
                new_state(cx, "FoldNoReplay", quote_spanned!(cx.span=> #persistence))
            },
            push: Some(fold_no_replay_push),
            flush: Some(fold_no_replay_flush),
            tick_end: Some(end_tick),
            needs_run: Some(needs_run),
            ..Writer::NO_CODE
        },
        ..UNARY
    },
    OperatorSpec {
        name: "reduce_no_replay",
        description: "Like `reduce`, but emits the accumulator only in ticks where an item \
                      arrived. `'static` keeps reducing into one accumulator.",
        example: r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (input, input_recv) = unbounded_channel::<u32>();
            let (send, mut recv) = unbounded_channel::<u32>();
            let mut flow = tideflow::flow! {
                source_stream(input_recv)
                    -> reduce_no_replay::<'static>(|max, x| *max = (*max).max(x))
                    -> for_each(|x| send.send(x).unwrap());
            };
            input.send(3).unwrap();
            input.send(8).unwrap();
            flow.run_tick_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(&mut recv), [8]);
            flow.run_tick_sync(); // no input, no output
            assert_eq!(collect_ready::<Vec<_>, _>(&mut recv), Vec::<u32>::new());
            input.send(5).unwrap();
            flow.run_tick_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(&mut recv), [8]);
        "#,
        args: 1,
        outputs: Arity::range(0, 1),
        persistence: PersistenceSpec::ONE,
        blocking_inputs: &[0],
        emits: Emits::ON_FLUSH,
        writer: Writer {
            args: reduce_no_replay_args,
            state: |cx| {
                let persistence = persistence(cx, 0);
                new_state(cx, "ReduceNoReplay", quote_spanned!(cx.span=> #persistence))
            },
            push: Some(reduce_no_replay_push),
            flush: Some(flush),
            tick_end: Some(end_tick),
            ..Writer::NO_CODE
        },
        ..UNARY
    },
    OperatorSpec {
        name: "defer_signal",
        description: "Holds `[input]` items across ticks; in a tick where `[signal]` has an item, \
                      releases all of them in arrival order (and passes that tick's later input \
                      straight through). The held items are unbounded by definition: never \
                      dropped or capped, and logged with `tracing::warn!` each time they double \
                      past 65 536.",
        example: r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (input, input_recv) = unbounded_channel::<&str>();
            let (signal, signal_recv) = unbounded_channel::<()>();
            let (send, mut recv) = unbounded_channel::<&str>();
            let mut flow = tideflow::flow! {
                source_stream(input_recv) -> [input]gate;
                source_stream(signal_recv) -> [signal]gate;
                gate = defer_signal() -> for_each(|x| send.send(x).unwrap());
            };
            input.send("a").unwrap();
            flow.run_tick_sync();
            input.send("b").unwrap();
            flow.run_tick_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(&mut recv), Vec::<&str>::new());
            signal.send(()).unwrap();
            input.send("c").unwrap();
            flow.run_tick_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(&mut recv), ["a", "b", "c"]);
        "#,
        input_ports: PortSpec::Fixed(&["input", "signal"]),
        blocking_inputs: &[1],
        writer: Writer {
            args: |cx| {
                let output = &cx.outputs[0];
                let source = input(cx, 0);
                quote_spanned!(cx.span=> let #output = #source;)
            },
            state: |cx| new_state(cx, "DeferSignal", input(cx, 0)),
            push: Some(defer_signal_push),
            tick_end: Some(end_tick),
            ..Writer::NO_CODE
        },
        ..BINARY
    },
];
