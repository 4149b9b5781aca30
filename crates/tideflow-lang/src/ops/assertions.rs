//! Assertion operators: testing aids that check a stream and pass it on unchanged.
//!
//! They panic on purpose when a check fails (see `tideflow::ops::assertions`); the runtime calls
//! are `#[track_caller]` and the generated calls are spanned at the operator, so the panic
//! points at the operator in the flow.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};

use super::common::{no_state, same_type};
use super::{
    Arity, Emit, Emits, OpContext, OperatorKind, OperatorSpec, PersistenceSpec, PortSpec, Writer,
};

/// A pass-through check: one input, an optional output of the same type.
const fn check(
    name: &'static str,
    description: &'static str,
    example: &'static str,
    writer: Writer,
) -> OperatorSpec {
    OperatorSpec {
        name,
        description,
        example,
        input_ports: PortSpec::Unnamed,
        output_ports: PortSpec::Unnamed,
        inputs: Arity::exactly(1),
        outputs: Arity::range(0, 1),
        soft_min_inputs: 0,
        soft_min_outputs: 0,
        args: 1,
        persistence: PersistenceSpec::NONE,
        type_args: Arity::exactly(0),
        blocking_inputs: &[],
        delay: None,
        kind: OperatorKind::Plain,
        emits: Emits::ON_PUSH,
        writer,
    }
}

fn assert_args(cx: &OpContext) -> TokenStream {
    let (root, input, arg, expr) = (&cx.root, &cx.inputs[0], &cx.arg_vars[0], &cx.args[0]);
    let outputs = &cx.outputs;
    quote_spanned! {cx.span=>
        let mut #arg = #root::ops::assertions::assert_fn(#input, #expr);
        #( let #outputs = #input; )*
    }
}

fn assert_push(cx: &OpContext, _: usize, item: TokenStream, emit: &Emit) -> TokenStream {
    let (root, arg) = (&cx.root, &cx.arg_vars[0]);
    let value = format_ident!("__value", span = cx.span);
    let body = emit(0, quote!(#value));
    quote_spanned! {cx.span=>
        {
            let #value = #item;
            #root::ops::assertions::check_item((#arg)(&#value), &#value);
            #body
        }
    }
}

fn assert_eq_state(cx: &OpContext) -> TokenStream {
    let (root, state, input, expected) = (&cx.root, &cx.state, &cx.inputs[0], &cx.args[0]);
    quote_spanned! {cx.span=>
        let mut #state = #root::ops::assertions::AssertEq::new(#input, #expected);
    }
}

fn assert_eq_push(cx: &OpContext, _: usize, item: TokenStream, emit: &Emit) -> TokenStream {
    let state = &cx.state;
    let value = format_ident!("__value", span = cx.span);
    let body = emit(0, quote!(#value));
    quote_spanned! {cx.span=>
        {
            let #value = #item;
            #state.check(&#value);
            #body
        }
    }
}

pub(super) const OPERATORS: &[OperatorSpec] = &[
    check(
        "assert",
        "A testing aid: panics if the predicate (`FnMut(&T) -> bool`) is false for an item, with \
         a message showing the item (`T: Debug`) and pointing at the operator; passes items on. \
         It panics on purpose; do not use it to validate input from users or the network.",
        r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (send, mut recv) = unbounded_channel::<i32>();
            let mut flow = tideflow::flow! {
                source_iter([2, 4, 6]) -> assert(|x| x % 2 == 0) -> for_each(|x| send.send(x).unwrap());
            };
            flow.run_available_sync();
            assert_eq!(collect_ready::<Vec<_>, _>(&mut recv), [2, 4, 6]);

            let mut failing = tideflow::flow! {
                source_iter([1, 3]) -> assert(|x| *x < 2);
            };
            let run = std::panic::AssertUnwindSafe(|| failing.run_available_sync());
            let panic = std::panic::catch_unwind(run).unwrap_err();
            let message = panic.downcast_ref::<String>().unwrap();
            assert_eq!(message, "`assert` operator failed: the predicate returned false for 3");
        "#,
        Writer {
            args: assert_args,
            state: no_state,
            push: Some(assert_push),
            start: None,
            flush: None,
            tick_end: None,
            needs_run: None,
        },
    ),
    check(
        "assert_eq",
        "A testing aid: compares the stream, item by item, with an expected array, slice or \
         `Vec` of the same item type; the position persists across ticks. Panics at the first \
         item that differs or comes after the expected ones, showing both (`T: PartialEq + \
         Debug`); passes items on. Fewer items than expected is not an error (a flow has no end).",
        r#"
            use tideflow::util::{collect_ready, unbounded_channel};

            let (input, input_recv) = unbounded_channel::<char>();
            let (send, mut recv) = unbounded_channel::<char>();
            let mut flow = tideflow::flow! {
                source_stream(input_recv)
                    -> assert_eq(['a', 'b', 'c'])
                    -> for_each(|c| send.send(c).unwrap());
            };
            input.send('a').unwrap();
            flow.run_available_sync();
            input.send('b').unwrap();
            input.send('c').unwrap();
            flow.run_available_sync(); // the position carried over from the first tick
            assert_eq!(collect_ready::<Vec<_>, _>(&mut recv), ['a', 'b', 'c']);

            input.send('d').unwrap();
            let run = std::panic::AssertUnwindSafe(|| flow.run_available_sync());
            let panic = std::panic::catch_unwind(run).unwrap_err();
            let message = panic.downcast_ref::<String>().unwrap();
            assert_eq!(
                message,
                "`assert_eq` operator failed: item 3 is 'd', but only 3 item(s) were expected"
            );
        "#,
        Writer {
            args: same_type,
            state: assert_eq_state,
            push: Some(assert_eq_push),
            start: None,
            flush: None,
            tick_end: None,
            needs_run: None,
        },
    ),
];

#[cfg(test)]
mod tests {
    #[test]
    fn assertion_specs_take_one_argument_and_pass_items_on() {
        for name in ["assert", "assert_eq"] {
            let spec = super::super::find_operator(name).expect("registered");
            assert_eq!(spec.args, 1);
            assert!(spec.outputs.contains(0) && spec.outputs.contains(1));
            assert!(!spec.example.is_empty());
        }
    }
}
