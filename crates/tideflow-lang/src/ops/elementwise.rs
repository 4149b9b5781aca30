//! Element-wise operators: one item in, zero or more out, fused inline.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use super::common::{emit_closure, end_tick, no_state, persistence, same_type};
use super::{
    Arity, Emit, Emits, OpContext, OperatorKind, OperatorSpec, PersistenceSpec, PortSpec, Writer,
};

/// A unary operator with one unnamed input and `outputs` unnamed outputs.
const fn unary(
    name: &'static str,
    description: &'static str,
    example: &'static str,
    args: usize,
    outputs: Arity,
    writer: Writer,
) -> OperatorSpec {
    OperatorSpec {
        name,
        description,
        example,
        input_ports: PortSpec::Unnamed,
        output_ports: PortSpec::Unnamed,
        inputs: Arity::exactly(1),
        outputs,
        soft_min_inputs: 0,
        soft_min_outputs: 0,
        args,
        persistence: PersistenceSpec::NONE,
        type_args: Arity::exactly(0),
        blocking_inputs: &[],
        delay: None,
        kind: OperatorKind::Plain,
        emits: Emits::ON_PUSH,
        writer,
    }
}

/// A writer with only arguments and a push step.
const fn stateless(args: fn(&OpContext) -> TokenStream, push: super::PushWriter) -> Writer {
    Writer {
        args,
        state: no_state,
        push: Some(push),
        start: None,
        flush: None,
        tick_end: None,
        needs_run: None,
    }
}

/// `let (mut arg, out) = ops::elementwise::<shaper>(in, expr);`
fn shaped_with_output(cx: &OpContext, shaper: &str) -> TokenStream {
    let (root, input, output, arg, expr) = (
        &cx.root,
        &cx.inputs[0],
        &cx.outputs[0],
        &cx.arg_vars[0],
        &cx.args[0],
    );
    let shaper = proc_macro2::Ident::new(shaper, cx.span);
    quote_spanned! {cx.span=>
        let (mut #arg, #output) = #root::ops::elementwise::#shaper(#input, #expr);
    }
}

/// `let mut arg = ops::elementwise::<shaper>(in, expr);` and outputs of the input's type.
fn shaped_same_type(cx: &OpContext, shaper: &str) -> TokenStream {
    let (root, input, arg, expr) = (&cx.root, &cx.inputs[0], &cx.arg_vars[0], &cx.args[0]);
    let shaper = proc_macro2::Ident::new(shaper, cx.span);
    let outputs = &cx.outputs;
    quote_spanned! {cx.span=>
        let mut #arg = #root::ops::elementwise::#shaper(#input, #expr);
        #( let #outputs = #input; )*
    }
}

/// Outputs of the input's type, optionally pinned by a type argument.
fn typed_identity(cx: &OpContext) -> TokenStream {
    let root = &cx.root;
    let outputs = &cx.outputs;
    let ty = cx.type_args.first();
    let source = match (cx.inputs.first(), ty) {
        (Some(input), Some(ty)) => {
            quote_spanned!(cx.span=> { let __typed: #root::ops::Ty<#ty> = #input; __typed })
        }
        (Some(input), None) => quote!(#input),
        (None, Some(ty)) => quote_spanned!(cx.span=> #root::ops::Ty::<#ty>::new()),
        (None, None) => quote_spanned!(cx.span=> #root::ops::Ty::new()),
    };
    quote_spanned!(cx.span=> #( let #outputs = #source; )*)
}

fn pass_through(_: &OpContext, _: usize, item: TokenStream, emit: &Emit) -> TokenStream {
    emit(0, item)
}

fn call_and_emit(cx: &OpContext, _: usize, item: TokenStream, emit: &Emit) -> TokenStream {
    let arg = &cx.arg_vars[0];
    emit(0, quote_spanned!(cx.span=> (#arg)(#item)))
}

fn filter_push(cx: &OpContext, _: usize, item: TokenStream, emit: &Emit) -> TokenStream {
    let arg = &cx.arg_vars[0];
    let value = proc_macro2::Ident::new("__value", cx.span);
    let body = emit(0, quote!(#value));
    quote_spanned! {cx.span=> { let #value = #item; if (#arg)(&#value) { #body } } }
}

fn filter_map_push(cx: &OpContext, _: usize, item: TokenStream, emit: &Emit) -> TokenStream {
    let arg = &cx.arg_vars[0];
    let value = proc_macro2::Ident::new("__value", cx.span);
    let body = emit(0, quote!(#value));
    quote_spanned! {cx.span=> if let ::std::option::Option::Some(#value) = (#arg)(#item) { #body } }
}

fn flat_map_push(cx: &OpContext, _: usize, item: TokenStream, emit: &Emit) -> TokenStream {
    let arg = &cx.arg_vars[0];
    let value = proc_macro2::Ident::new("__value", cx.span);
    let body = emit(0, quote!(#value));
    quote_spanned! {cx.span=> for #value in ::std::iter::IntoIterator::into_iter((#arg)(#item)) { #body } }
}

fn flatten_push(cx: &OpContext, _: usize, item: TokenStream, emit: &Emit) -> TokenStream {
    let value = proc_macro2::Ident::new("__value", cx.span);
    let body = emit(0, quote!(#value));
    quote_spanned! {cx.span=> for #value in ::std::iter::IntoIterator::into_iter(#item) { #body } }
}

fn inspect_push(cx: &OpContext, _: usize, item: TokenStream, emit: &Emit) -> TokenStream {
    let arg = &cx.arg_vars[0];
    let value = proc_macro2::Ident::new("__value", cx.span);
    let body = emit(0, quote!(#value));
    quote_spanned! {cx.span=> { let #value = #item; (#arg)(&#value); #body } }
}

fn for_each_push(cx: &OpContext, _: usize, item: TokenStream, _: &Emit) -> TokenStream {
    let arg = &cx.arg_vars[0];
    quote_spanned! {cx.span=> (#arg)(#item); }
}

fn tee_push(cx: &OpContext, _: usize, item: TokenStream, emit: &Emit) -> TokenStream {
    let value = proc_macro2::Ident::new("__value", cx.span);
    let last = cx.output_count.saturating_sub(1);
    let branches = (0..cx.output_count).map(|output| {
        if output == last {
            emit(output, quote!(#value))
        } else {
            emit(
                output,
                quote_spanned!(cx.span=> ::std::clone::Clone::clone(&#value)),
            )
        }
    });
    quote_spanned! {cx.span=> { let #value = #item; #( #branches )* } }
}

fn union_types(cx: &OpContext) -> TokenStream {
    let root = &cx.root;
    let output = &cx.outputs[0];
    let mut inputs = cx.inputs.iter();
    let Some(first) = inputs.next() else {
        return quote_spanned!(cx.span=> let #output = #root::ops::Ty::new(););
    };
    let mut unified = quote!(#first);
    for input in inputs {
        unified = quote_spanned!(cx.span=> #root::ops::same(#unified, #input));
    }
    quote_spanned!(cx.span=> let #output = #unified;)
}

fn stateful_new(cx: &OpContext, kind: &str, with_input: bool) -> TokenStream {
    let (root, state) = (&cx.root, &cx.state);
    let kind = proc_macro2::Ident::new(kind, cx.span);
    let persistence = persistence(cx, 0);
    let input = with_input.then(|| &cx.inputs[0]).into_iter();
    quote_spanned! {cx.span=>
        let mut #state = #root::ops::elementwise::#kind::new(#persistence #(, #input)*);
    }
}

fn enumerate_types(cx: &OpContext) -> TokenStream {
    let (root, input, output) = (&cx.root, &cx.inputs[0], &cx.outputs[0]);
    quote_spanned! {cx.span=> let #output = #root::ops::elementwise::Enumerate::output(#input); }
}

fn enumerate_push(cx: &OpContext, _: usize, item: TokenStream, emit: &Emit) -> TokenStream {
    let state = &cx.state;
    emit(0, quote_spanned!(cx.span=> #state.next(#item)))
}

fn unique_push(cx: &OpContext, _: usize, item: TokenStream, emit: &Emit) -> TokenStream {
    let state = &cx.state;
    let value = proc_macro2::Ident::new("__value", cx.span);
    let body = emit(0, quote!(#value));
    quote_spanned! {cx.span=> { let #value = #item; if #state.insert(&#value) { #body } } }
}

fn multiset_delta_state(cx: &OpContext) -> TokenStream {
    let (root, state, input) = (&cx.root, &cx.state, &cx.inputs[0]);
    quote_spanned! {cx.span=> let mut #state = #root::ops::elementwise::MultisetDelta::new(#input); }
}

fn step_push(cx: &OpContext, _: usize, item: TokenStream, emit: &Emit) -> TokenStream {
    let state = &cx.state;
    let closure = emit_closure(cx, emit, 0);
    quote_spanned! {cx.span=> #state.step(#item, #closure); }
}

pub(super) const OPERATORS: &[OperatorSpec] = &[
    unary(
        "map",
        "Applies a function to each item.",
        r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, recv) = unbounded_channel::<String>();
            let mut flow = tideflow::flow! {
                source_iter([1, 2, 3])
                    -> map(|x| x * 10)
                    -> map(|x| format!("<{x}>"))
                    -> for_each(|s| send.send(s).unwrap());
            };
            flow.run_available_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(recv), ["<10>", "<20>", "<30>"]);
        "#,
        1,
        Arity::exactly(1),
        stateless(|cx| shaped_with_output(cx, "map_fn"), call_and_emit),
    ),
    unary(
        "filter",
        "Keeps the items for which a predicate returns `true`.",
        r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, recv) = unbounded_channel::<i32>();
            let mut flow = tideflow::flow! {
                source_iter(0..10) -> filter(|x| x % 3 == 0) -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_available_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(recv), [0, 3, 6, 9]);
        "#,
        1,
        Arity::exactly(1),
        stateless(|cx| shaped_same_type(cx, "filter_fn"), filter_push),
    ),
    unary(
        "filter_map",
        "Applies a function returning `Option` and keeps the `Some` values.",
        r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, recv) = unbounded_channel::<u32>();
            let mut flow = tideflow::flow! {
                source_iter(["1", "x", "3", "", "40"])
                    -> filter_map(|s| s.parse::<u32>().ok())
                    -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_available_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(recv), [1, 3, 40]);
        "#,
        1,
        Arity::exactly(1),
        stateless(
            |cx| shaped_with_output(cx, "filter_map_fn"),
            filter_map_push,
        ),
    ),
    unary(
        "flat_map",
        "Maps each item to an iterable and emits all of its elements.",
        r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, recv) = unbounded_channel::<u32>();
            let mut flow = tideflow::flow! {
                source_iter([1, 2, 3]) -> flat_map(|n| 0..n) -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_available_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(recv), [0, 0, 1, 0, 1, 2]);
        "#,
        1,
        Arity::exactly(1),
        stateless(|cx| shaped_with_output(cx, "flat_map_fn"), flat_map_push),
    ),
    unary(
        "flatten",
        "Emits every element of each iterable item.",
        r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, recv) = unbounded_channel::<i32>();
            let mut flow = tideflow::flow! {
                source_iter([vec![1, 2], vec![], vec![3]]) -> flatten() -> for_each(|x| send.send(x).unwrap());
                source_iter([Some(4), None, Some(5)]) -> flatten() -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_available_sync();
            let mut items: Vec<i32> = collect_ready(recv);
            items.sort();
            assert_eq!(items, [1, 2, 3, 4, 5]);
        "#,
        0,
        Arity::exactly(1),
        stateless(
            |cx| {
                let (root, input, output) = (&cx.root, &cx.inputs[0], &cx.outputs[0]);
                quote_spanned!(cx.span=> let #output = #root::ops::elementwise::flatten_ty(#input);)
            },
            flatten_push,
        ),
    ),
    unary(
        "inspect",
        "Calls a function on a reference to each item and passes the item on.",
        r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let seen = std::cell::RefCell::new(Vec::new());
            let (send, recv) = unbounded_channel::<i32>();
            let mut flow = tideflow::flow! {
                source_iter([1, 2, 3])
                    -> inspect(|x| seen.borrow_mut().push(*x))
                    -> map(|x| x * 2)
                    -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_available_sync();
            assert_eq!(*seen.borrow(), [1, 2, 3]);
            assert_eq!(collect_ready::<Vec<_>, _>(recv), [2, 4, 6]);
        "#,
        1,
        Arity::range(0, 1),
        stateless(|cx| shaped_same_type(cx, "inspect_fn"), inspect_push),
    ),
    OperatorSpec {
        type_args: Arity::range(0, 1),
        ..unary(
            "identity",
            "Passes items on unchanged; `identity::<T>()` pins the item type.",
            r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, recv) = unbounded_channel::<u32>();
            let mut flow = tideflow::flow! {
                source_iter([1, 2, 255])
                    -> identity::<u8>() // the literals are `u8`s
                    -> map(|x| x.leading_zeros())
                    -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_available_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(recv), [7, 6, 0]);
        "#,
            0,
            Arity::exactly(1),
            stateless(typed_identity, pass_through),
        )
    },
    unary(
        "for_each",
        "Calls a function on each item; ends a pipeline.",
        r#"
            let mut total = 0;
            let mut flow = tideflow::flow! {
                // A closure that is not `move` borrows `total`, as in plain Rust.
                source_iter([1, 2, 3]) -> for_each(|x| total += x);
            };
            flow.run_available_sync();
            drop(flow); // ends the borrow
            assert_eq!(total, 6);
        "#,
        1,
        Arity::exactly(0),
        stateless(
            |cx| {
                let (root, input, arg, expr) =
                    (&cx.root, &cx.inputs[0], &cx.arg_vars[0], &cx.args[0]);
                quote_spanned!(cx.span=> let mut #arg = #root::ops::elementwise::for_each_fn(#input, #expr);)
            },
            for_each_push,
        ),
    ),
    OperatorSpec {
        inputs: Arity::range(0, 1),
        outputs: Arity::range(0, 1),
        type_args: Arity::range(0, 1),
        ..unary(
            "null",
            "As a source emits nothing; as a sink discards everything.",
            r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, recv) = unbounded_channel::<u32>();
            let mut flow = tideflow::flow! {
                out = union() -> for_each(|x| send.send(x).unwrap());
                source_iter([1, 2]) -> out;
                null() -> out; // as a source: emits nothing
                source_iter([3, 4]) -> null(); // as a sink: discards everything
            };
            flow.run_available_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(recv), [1, 2]);
        "#,
            0,
            Arity::range(0, 1),
            Writer {
                args: typed_identity,
                state: no_state,
                push: Some(|_, _, _, _| TokenStream::new()),
                start: None,
                flush: None,
                tick_end: None,
                needs_run: None,
            },
        )
    },
    OperatorSpec {
        output_ports: PortSpec::Variadic,
        outputs: Arity::at_least(1),
        soft_min_outputs: 2,
        ..unary(
            "tee",
            "Sends a clone of each item to every output.",
            r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (tens, tens_recv) = unbounded_channel::<i32>();
            let (odds, odds_recv) = unbounded_channel::<i32>();
            let mut flow = tideflow::flow! {
                numbers = source_iter([1, 2, 3]) -> tee();
                numbers -> map(|x| x * 10) -> for_each(|x| tens.send(x).unwrap());
                numbers -> filter(|x| x % 2 == 1) -> for_each(|x| odds.send(x).unwrap());
            };
            flow.run_available_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(tens_recv), [10, 20, 30]);
            assert_eq!(collect_ready::<Vec<_>, _>(odds_recv), [1, 3]);
        "#,
            0,
            Arity::at_least(1),
            stateless(same_type_all, tee_push),
        )
    },
    OperatorSpec {
        input_ports: PortSpec::Variadic,
        inputs: Arity::at_least(1),
        soft_min_inputs: 2,
        ..unary(
            "union",
            "Merges all inputs into one output.",
            r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, recv) = unbounded_channel::<i32>();
            let mut flow = tideflow::flow! {
                all = union() -> for_each(|x| send.send(x).unwrap());
                source_iter([1, 2]) -> [small]all;
                source_iter([100, 200]) -> [large]all;
            };
            flow.run_available_sync();
            let mut items: Vec<i32> = collect_ready(recv);
            items.sort(); // each input keeps its order; how inputs interleave is unspecified
            assert_eq!(items, [1, 2, 100, 200]);
        "#,
            0,
            Arity::exactly(1),
            stateless(union_types, pass_through),
        )
    },
    OperatorSpec {
        persistence: PersistenceSpec::ONE,
        ..unary(
            "enumerate",
            "Pairs each item with its index; `'tick` restarts at 0 each tick.",
            r#"
            use tideflow::util::{collect_ready, iter_batches_stream, unbounded_channel};

            let (tick_send, tick_recv) = unbounded_channel::<(usize, char)>();
            let (static_send, static_recv) = unbounded_channel::<(usize, char)>();
            let mut flow = tideflow::flow! {
                chars = source_stream(iter_batches_stream("abc".chars(), 2)) -> tee(); // "ab", then "c"
                chars -> enumerate() -> for_each(|x| tick_send.send(x).unwrap());
                chars -> enumerate::<'static>() -> for_each(|x| static_send.send(x).unwrap());
            };
            flow.run_available_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(tick_recv), [(0, 'a'), (1, 'b'), (0, 'c')]);
            assert_eq!(collect_ready::<Vec<_>, _>(static_recv), [(0, 'a'), (1, 'b'), (2, 'c')]);
        "#,
            0,
            Arity::exactly(1),
            Writer {
                args: enumerate_types,
                state: |cx| stateful_new(cx, "Enumerate", false),
                push: Some(enumerate_push),
                start: None,
                flush: None,
                tick_end: Some(end_tick),
                needs_run: None,
            },
        )
    },
    OperatorSpec {
        persistence: PersistenceSpec::ONE,
        ..unary(
            "unique",
            "Drops items already seen (this tick for `'tick`, ever for `'static`).",
            r#"
            use tideflow::util::{collect_ready, iter_batches_stream, unbounded_channel};

            let (tick_send, tick_recv) = unbounded_channel::<i32>();
            let (static_send, static_recv) = unbounded_channel::<i32>();
            let mut flow = tideflow::flow! {
                items = source_stream(iter_batches_stream([1, 2, 1, 2, 3], 3)) -> tee(); // 1 2 1, then 2 3
                items -> unique() -> for_each(|x| tick_send.send(x).unwrap());
                items -> unique::<'static>() -> for_each(|x| static_send.send(x).unwrap());
            };
            flow.run_available_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(tick_recv), [1, 2, 2, 3]);
            assert_eq!(collect_ready::<Vec<_>, _>(static_recv), [1, 2, 3]);
        "#,
            0,
            Arity::exactly(1),
            Writer {
                args: same_type,
                state: |cx| stateful_new(cx, "Unique", true),
                push: Some(unique_push),
                start: None,
                flush: None,
                tick_end: Some(end_tick),
                needs_run: None,
            },
        )
    },
    unary(
        "multiset_delta",
        "Emits only the occurrences of each item beyond its count in the previous tick.",
        r#"
            use tideflow::util::{collect_ready, iter_batches_stream, unbounded_channel};

            let (send, recv) = unbounded_channel::<u32>();
            let mut flow = tideflow::flow! {
                // `persist` emits 1, 2 in tick 0 and 1, 2, 3 in tick 1;
                // `multiset_delta` passes only what is new.
                source_stream(iter_batches_stream([1, 2, 3], 2))
                    -> persist::<'static>()
                    -> multiset_delta()
                    -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_available_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(recv), [1, 2, 3]);
        "#,
        0,
        Arity::exactly(1),
        Writer {
            args: same_type,
            state: multiset_delta_state,
            push: Some(step_push),
            start: None,
            flush: None,
            tick_end: Some(end_tick),
            needs_run: None,
        },
    ),
];

/// Every output has the input's type.
fn same_type_all(cx: &OpContext) -> TokenStream {
    let input = &cx.inputs[0];
    let outputs = &cx.outputs;
    quote_spanned!(cx.span=> #( let #outputs = #input; )*)
}
