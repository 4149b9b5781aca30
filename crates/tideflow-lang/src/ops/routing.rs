//! Routing operators: one input, several outputs, each item sent to exactly one of them.
//!
//! `partition` names its output ports in its closure, so its ports are [`PortSpec::Custom`]:
//! [`resolve_partition_ports`] reads the closure's second parameter (with `syn`) at check time,
//! checks the ports the flow connects against it and gives each edge its output slot; the writer
//! reads the closure the same way to generate the call and a `match` over the returned index.
//!
//! - **named**: `partition(|item, [a, b, c]| ...)`: the slice pattern names the ports; the
//!   closure is called with `[0, 1, 2]`, so each name is bound to its port's slot and the closure
//!   returns one of them. Port `[a]` is slot 0 and so on, in pattern order.
//! - **indexed**: `partition(|item, n| ...)`: the closure gets the number of ports and returns an
//!   index; the ports must be `[0]` to `[n - 1]` with no gaps. Port `[i]` is slot `i`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::{
    Arity, CustomPorts, Emit, Emits, OpContext, OperatorKind, OperatorSpec, PersistenceSpec,
    PortSpec, Writer,
};
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::graph::OperatorNode;
use crate::parse::Port;

/// The ports a `partition` closure declares.
#[derive(Debug, Clone)]
enum PartitionPorts {
    /// `|item, [a, b, c]| ...`: the names with their spans, in pattern order, and the pattern's
    /// span.
    Named {
        names: Vec<(String, Span)>,
        pattern: Span,
    },
    /// `|item, n| ...`.
    Indexed,
}

impl PartitionPorts {
    fn names(&self) -> Vec<&str> {
        match self {
            PartitionPorts::Named { names, .. } => names.iter().map(|(n, _)| n.as_str()).collect(),
            PartitionPorts::Indexed => Vec::new(),
        }
    }
}

const CLOSURE_HELP: &str = "write `partition(|item, [a, b]| ...)` to name the output ports (the \
                            closure returns one of the names), or `partition(|item, n| ...)` for \
                            ports `[0]` to `[n - 1]` (the closure returns an index)";

/// Reads the ports from `partition`'s argument; a diagnostic if it is not a closure of the two
/// supported shapes. Never panics, whatever the argument is.
fn partition_ports(argument: &syn::Expr) -> Result<PartitionPorts, Diagnostic> {
    let mut expr = argument;
    loop {
        match expr {
            syn::Expr::Paren(inner) => expr = &inner.expr,
            syn::Expr::Group(inner) => expr = &inner.expr,
            _ => break,
        }
    }
    let syn::Expr::Closure(closure) = expr else {
        return Err(Diagnostic::error(
            argument.span(),
            "`partition` needs a closure literal as its argument, to read its output ports from",
        )
        .with_help(CLOSURE_HELP));
    };
    if closure.inputs.len() != 2 {
        return Err(Diagnostic::error(
            closure.or1_token.span,
            format!(
                "`partition`'s closure must have two parameters (the item and its ports), \
                 it has {}",
                closure.inputs.len()
            ),
        )
        .through(closure.or2_token.span)
        .with_help(CLOSURE_HELP));
    }
    let mut ports = &closure.inputs[1];
    loop {
        match ports {
            syn::Pat::Type(typed) => ports = &typed.pat,
            syn::Pat::Paren(inner) => ports = &inner.pat,
            _ => break,
        }
    }
    match ports {
        syn::Pat::Ident(ident) if ident.subpat.is_none() => Ok(PartitionPorts::Indexed),
        syn::Pat::Wild(_) => Ok(PartitionPorts::Indexed),
        syn::Pat::Slice(slice) => {
            if slice.elems.is_empty() {
                return Err(Diagnostic::error(
                    slice.span(),
                    "`partition`'s port pattern names no ports",
                )
                .with_help(CLOSURE_HELP));
            }
            let mut names: Vec<(String, Span)> = Vec::new();
            for element in &slice.elems {
                let syn::Pat::Ident(ident) = element else {
                    return Err(Diagnostic::error(
                        element.span(),
                        "each element of `partition`'s port pattern must be a port name",
                    )
                    .with_help("write the ports as plain names, e.g. `[evens, odds]`"));
                };
                if ident.subpat.is_some() || ident.by_ref.is_some() || ident.mutability.is_some() {
                    return Err(Diagnostic::error(
                        element.span(),
                        "each element of `partition`'s port pattern must be a plain port name",
                    )
                    .with_help("write the ports as plain names, e.g. `[evens, odds]`"));
                }
                let name = ident.ident.to_string();
                if let Some((_, first)) = names.iter().find(|(seen, _)| *seen == name) {
                    return Err(Diagnostic::error(
                        ident.ident.span(),
                        format!("port `{name}` is named twice in `partition`'s pattern"),
                    )
                    .with_note(*first, "first named here"));
                }
                names.push((name, ident.ident.span()));
            }
            Ok(PartitionPorts::Named {
                names,
                pattern: slice.span(),
            })
        }
        other => Err(Diagnostic::error(
            other.span(),
            "`partition`'s second closure parameter must be a slice pattern of port names \
             (`[a, b]`) or a name for the number of ports (`n`)",
        )
        .with_help(CLOSURE_HELP)),
    }
}

/// [`CustomPorts::resolve`] for `partition`'s outputs: each edge's slot, or why the ports do not
/// match the closure.
fn resolve_partition_ports(
    operator: &OperatorNode,
    span: Span,
    ports: &[Option<&(Port, Span)>],
) -> Result<Vec<usize>, Vec<Diagnostic>> {
    // A wrong argument count is reported by the generic check.
    let Some(argument) = operator.args.first() else {
        return Err(Vec::new());
    };
    let declared = partition_ports(argument).map_err(|diagnostic| vec![diagnostic])?;
    let mut errors = Vec::new();
    let mut slots = Vec::with_capacity(ports.len());
    // The first edge of each slot, for "connected twice".
    let mut taken: Vec<(usize, Span)> = Vec::new();
    for port in ports {
        let slot = match (&declared, port) {
            (PartitionPorts::Named { names, .. }, None) => {
                let expected: Vec<String> = names.iter().map(|(n, _)| format!("`[{n}]`")).collect();
                errors.push(
                    Diagnostic::error(
                        span,
                        format!(
                            "each output of `partition` needs one of its ports: {}",
                            expected.join(", ")
                        ),
                    )
                    .with_help(
                        "name the port on the output, e.g. `p = partition(...); p[a] -> ...`",
                    ),
                );
                None
            }
            (PartitionPorts::Named { names, pattern }, Some((port, port_span))) => {
                let text = port.to_string();
                let index = names.iter().position(|(name, _)| *name == text);
                if index.is_none() {
                    let listed: Vec<String> = names.iter().map(|(n, _)| format!("`{n}`")).collect();
                    let mut error = Diagnostic::error(
                        *port_span,
                        format!(
                            "`partition` has no output port `{text}`; its closure names the ports \
                             {}",
                            listed.join(", ")
                        ),
                    )
                    .with_note(*pattern, "the ports are named here");
                    if let Some(help) = did_you_mean(&text, declared.names()) {
                        error = error.with_help(help);
                    } else if matches!(port, Port::Index(_)) {
                        error = error.with_help(
                            "use one of the names, or write the closure as `|item, n| ...` for \
                             numbered ports",
                        );
                    }
                    errors.push(error);
                }
                index
            }
            (PartitionPorts::Indexed, None) => {
                errors.push(
                    Diagnostic::error(
                        span,
                        "each output of an indexed `partition` needs a numbered port, `[0]`, \
                         `[1]`, ...",
                    )
                    .with_help(
                        "number the port on the output, e.g. `p = partition(...); p[0] -> ...`",
                    ),
                );
                None
            }
            (PartitionPorts::Indexed, Some((Port::Name(name), port_span))) => {
                errors.push(
                    Diagnostic::error(
                        *port_span,
                        format!(
                            "indexed `partition` has numbered ports `[0]`, `[1]`, ..., not \
                             `[{name}]`"
                        ),
                    )
                    .with_help(
                        "number the ports, or name them in the closure with a slice pattern: \
                         `|item, [a, b]| ...`",
                    ),
                );
                None
            }
            (PartitionPorts::Indexed, Some((Port::Index(index), _))) => {
                Some(usize::try_from(*index).unwrap_or(usize::MAX))
            }
        };
        let Some(slot) = slot else {
            slots.push(0);
            continue;
        };
        let port_span = port.map_or(span, |(_, port_span)| *port_span);
        if let Some((_, first)) = taken.iter().find(|(taken, _)| *taken == slot) {
            let text = port.map_or("<elided>".to_string(), |(port, _)| port.to_string());
            errors.push(
                Diagnostic::error(
                    port_span,
                    format!("output port `{text}` of `partition` is connected twice"),
                )
                .with_note(*first, "first connected here")
                .with_help("use `tee()` to send one output to several places"),
            );
        } else {
            taken.push((slot, port_span));
        }
        slots.push(slot);
    }
    match &declared {
        PartitionPorts::Named { names, .. } => {
            for (index, (name, name_span)) in names.iter().enumerate() {
                if !taken.iter().any(|(slot, _)| *slot == index) {
                    errors.push(
                        Diagnostic::error(
                            *name_span,
                            format!("`partition` port `{name}` is not connected"),
                        )
                        .with_help(format!(
                            "send it somewhere, e.g. `p[{name}] -> null();`, or remove it from \
                             the pattern"
                        )),
                    );
                }
            }
        }
        PartitionPorts::Indexed if errors.is_empty() => {
            let count = ports.len();
            let missing: Vec<String> = (0..count)
                .filter(|index| !taken.iter().any(|(slot, _)| slot == index))
                .map(|index| format!("`[{index}]`"))
                .collect();
            for (slot, port_span) in &taken {
                if *slot >= count {
                    errors.push(
                        Diagnostic::error(
                            *port_span,
                            format!(
                                "indexed `partition` ports must be numbered `[0]` to `[{}]` \
                                 without gaps, but this is `[{slot}]`; missing: {}",
                                count.saturating_sub(1),
                                missing.join(", ")
                            ),
                        )
                        .with_help(
                            "the closure gets the number of connected ports and returns an index \
                             below it; renumber the ports from `[0]`",
                        ),
                    );
                }
            }
        }
        PartitionPorts::Indexed => {}
    }
    if errors.is_empty() {
        Ok(slots)
    } else {
        Err(errors)
    }
}

const PARTITION_PORTS: CustomPorts = CustomPorts {
    description: "named by the closure: `[a]`, `[b]`, ... for `|item, [a, b, ...]|`, or `[0]` to \
                  `[n - 1]` without gaps for `|item, n|`",
    resolve: resolve_partition_ports,
};

/// The closure's ports as the writer sees them (its argument after `#reference` substitution).
fn writer_ports(cx: &OpContext) -> Result<PartitionPorts, TokenStream> {
    let error = |message: &str| {
        let message = format!("internal error in `partition`: {message}");
        quote_spanned!(cx.span=> ::core::compile_error!(#message);)
    };
    let argument = cx.args.first().ok_or_else(|| error("no argument"))?;
    let expr: syn::Expr =
        syn::parse2(argument.clone()).map_err(|_| error("the argument does not parse"))?;
    partition_ports(&expr).map_err(|diagnostic| error(&diagnostic.message))
}

/// `[0usize, 1usize, ..]`: the values the named ports are bound to.
fn port_values(count: usize) -> TokenStream {
    let values = (0..count).map(|index| quote!(#index));
    quote!([#(#values),*])
}

fn partition_args(cx: &OpContext) -> TokenStream {
    let (root, input, arg, expr) = (&cx.root, &cx.inputs[0], &cx.arg_vars[0], &cx.args[0]);
    let outputs = &cx.outputs;
    let shaped = match writer_ports(cx) {
        Ok(PartitionPorts::Named { names, .. }) => {
            let values = port_values(names.len());
            quote_spanned! {cx.span=>
                let mut #arg = #root::ops::routing::partition_named_fn(#input, #values, #expr);
            }
        }
        Ok(PartitionPorts::Indexed) => quote_spanned! {cx.span=>
            let mut #arg = #root::ops::routing::partition_indexed_fn(#input, #expr);
        },
        Err(error) => error,
    };
    quote_spanned! {cx.span=>
        #shaped
        #( let #outputs = #input; )*
    }
}

fn partition_push(cx: &OpContext, _: usize, item: TokenStream, emit: &Emit) -> TokenStream {
    let (state, arg) = (&cx.state, &cx.arg_vars[0]);
    let (ports, count) = match writer_ports(cx) {
        Ok(PartitionPorts::Named { names, .. }) => (port_values(names.len()), names.len()),
        Ok(PartitionPorts::Indexed) => {
            let count = cx.output_count;
            (quote!(#count), count)
        }
        Err(error) => return error,
    };
    let value = format_ident!("__value", span = cx.span);
    let index = format_ident!("__index", span = cx.span);
    let arms = (0..count).map(|slot| {
        let body = emit(slot, quote!(#value));
        quote!(#slot => { #body })
    });
    quote_spanned! {cx.span=>
        {
            let #value = #item;
            match (#arg)(&#value, #ports) {
                #( #arms )*
                #index => #state.out_of_range(#index, #count),
            }
        }
    }
}

/// [`CustomPorts::resolve`] for `demux_enum`'s outputs: the ports must be variant names
/// (checked against the enum by the generated code), each once; slots are the names in
/// alphabetical order, the order of `tideflow::ops::routing::DemuxEnum::Payloads`. A single elided
/// port is allowed for a single-variant enum.
fn resolve_demux_enum_ports(
    _: &OperatorNode,
    span: Span,
    ports: &[Option<&(Port, Span)>],
) -> Result<Vec<usize>, Vec<Diagnostic>> {
    if let [None] = ports {
        return Ok(vec![0]);
    }
    let mut errors = Vec::new();
    let mut names: Vec<(String, Span)> = Vec::with_capacity(ports.len());
    for port in ports {
        match port {
            None => errors.push(
                Diagnostic::error(
                    span,
                    "each output of `demux_enum` needs a port naming a variant of the enum",
                )
                .with_help(
                    "write the variant on the output, e.g. `shapes = demux_enum::<Shape>(); \
                     shapes[Circle] -> ...`; only a single-variant enum may leave its one port \
                     unnamed",
                ),
            ),
            Some((Port::Name(name), port_span)) if syn::parse_str::<syn::Ident>(name).is_ok() => {
                if let Some((_, first)) = names.iter().find(|(seen, _)| seen == name) {
                    errors.push(
                        Diagnostic::error(
                            *port_span,
                            format!("output port `{name}` of `demux_enum` is connected twice"),
                        )
                        .with_note(*first, "first connected here")
                        .with_help("use `tee()` to send one output to several places"),
                    );
                } else {
                    names.push((name.clone(), *port_span));
                }
            }
            Some((port, port_span)) => errors.push(
                Diagnostic::error(
                    *port_span,
                    format!("`demux_enum` ports are variant names, not `[{port}]`"),
                )
                .with_help("name the port after the enum variant it receives, e.g. `[Circle]`"),
            ),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut sorted: Vec<&str> = names.iter().map(|(name, _)| name.as_str()).collect();
    sorted.sort_unstable();
    Ok(ports
        .iter()
        .map(|port| {
            let name = port.map(|(port, _)| port.to_string()).unwrap_or_default();
            sorted
                .iter()
                .position(|sorted| **sorted == name)
                .unwrap_or(0)
        })
        .collect())
}

const DEMUX_ENUM_PORTS: CustomPorts = CustomPorts {
    description: "one per variant of the enum, named after it (`[Circle]`); all variants must be \
                  connected",
    resolve: resolve_demux_enum_ports,
};

/// The enum's path for patterns (`Shape`, `crate::Shape`, `Wrapper::<u8>`), from the type
/// argument.
fn enum_path(ty: &syn::Type) -> Option<syn::Path> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    if path.qself.is_some() {
        return None;
    }
    let mut path = path.path.clone();
    for segment in &mut path.segments {
        if let syn::PathArguments::AngleBracketed(arguments) = &mut segment.arguments {
            arguments.colon2_token = Some(Default::default());
        }
    }
    Some(path)
}

/// Build code: the state (the function from a value to its nested payload), each output's
/// witness, and the check that the ports are exactly the variants.
fn demux_enum_state(cx: &OpContext) -> TokenStream {
    let (root, input) = (&cx.root, &cx.inputs[0]);
    let error = |message: &str| quote_spanned!(cx.span=> ::core::compile_error!(#message););
    let Some(ty) = cx.type_args.first() else {
        return error("`demux_enum` needs the enum as its type argument: `demux_enum::<E>()`");
    };
    let count = cx.outputs.len();
    let (state, payloads) = (&cx.state, format_ident!("__payloads", span = cx.span));
    let values = format_ident!("__values", span = cx.span);
    let mut code = quote_spanned! {cx.span=>
        let #values: #root::ops::Ty<#ty> = #input;
        let (#state, #payloads) = #root::ops::routing::demux_outputs::<_, #count>(#values);
    };
    // Slot i: Left of Right^i, the last slot Right^(n-1).
    let mut rest = quote!(#payloads);
    for (slot, output) in cx.outputs.iter().enumerate() {
        if slot + 1 == count {
            code.extend(quote_spanned!(cx.span=> let #output = #rest;));
        } else {
            code.extend(quote_spanned!(cx.span=> let #output = #root::ops::routing::left(#rest);));
            rest = quote_spanned!(cx.span=> #root::ops::routing::right(#rest));
        }
    }
    // A misspelt port is "no variant named ..." at the port; a variant without a port is a
    // non-exhaustive match at the operator.
    let named: Vec<syn::Ident> = cx
        .output_ports
        .iter()
        .filter_map(|port| match port {
            Some((Port::Name(name), span)) => {
                let mut ident = syn::parse_str::<syn::Ident>(name).ok()?;
                ident.set_span(*span);
                Some(ident)
            }
            _ => None,
        })
        .collect();
    if !named.is_empty() {
        let Some(path) = enum_path(ty) else {
            return error(
                "`demux_enum`'s type argument must be the path of an enum, e.g. \
                 `demux_enum::<Message>()`",
            );
        };
        code.extend(quote_spanned! {cx.span=>
            let _ = |__variant: &#ty| match __variant {
                #( #path::#named { .. } => {} )*
            };
        });
    }
    code
}

fn demux_enum_push(cx: &OpContext, _: usize, item: TokenStream, emit: &Emit) -> TokenStream {
    let root = &cx.root;
    let count = cx.outputs.len();
    let payload = format_ident!("__payload", span = cx.span);
    let state = &cx.state;
    let demuxed = quote_spanned!(cx.span=> (#state)(#item));
    if count == 1 {
        let body = emit(0, quote!(#payload));
        return quote_spanned!(cx.span=> { let #payload = #demuxed; #body });
    }
    let arms = (0..count).map(|slot| {
        let mut pattern = if slot + 1 == count {
            quote!(#payload)
        } else {
            quote_spanned!(cx.span=> #root::ops::routing::Either::Left(#payload))
        };
        for _ in 0..slot {
            pattern = quote_spanned!(cx.span=> #root::ops::routing::Either::Right(#pattern));
        }
        let body = emit(slot, quote!(#payload));
        quote!(#pattern => { #body })
    });
    quote_spanned! {cx.span=>
        match #demuxed {
            #( #arms )*
        }
    }
}

pub(super) const OPERATORS: &[OperatorSpec] = &[
    OperatorSpec {
        name: "partition",
        description: "Sends each item to the one output its closure picks. Named ports: \
                  `partition(|item, [a, b, c]| ...)` returns one of the names bound by the slice \
                  pattern; indexed ports: `partition(|item, n| ...)` gets the number of outputs \
                  and returns an index, and the ports must be `[0]` to `[n - 1]` without gaps. \
                  The closure takes `&T`. Every port must be connected. Where the established \
                  system panics on an odd closure, an index without an output is logged, counted \
                  and its item dropped.",
        example: r#"
        use tideflow::util::{collect_ready, unbounded_channel};

        let (small_send, mut small) = unbounded_channel::<u32>();
        let (large_send, mut large) = unbounded_channel::<u32>();
        let (digit_send, mut digits) = unbounded_channel::<(usize, u32)>();
        let mut flow = tideflow::flow! {
            sizes = source_iter([3, 40, 7, 500]) -> partition(|x, [small, large]| {
                if *x < 10 { small } else { large }
            });
            sizes[small] -> for_each(|x| small_send.send(x).unwrap());
            sizes[large] -> for_each(|x| large_send.send(x).unwrap());

            by_digit = source_iter([10, 21, 32, 43]) -> partition(|x, n| *x as usize % n);
            by_digit[0] -> for_each(|x| digit_send.send((0, x)).unwrap());
            by_digit[1] -> for_each(|x| digit_send.send((1, x)).unwrap());
            by_digit[2] -> for_each(|x| digit_send.send((2, x)).unwrap());
        };
        flow.run_available_sync();
        assert_eq!(collect_ready::<Vec<_>, _>(&mut small), [3, 7]);
        assert_eq!(collect_ready::<Vec<_>, _>(&mut large), [40, 500]);
        assert_eq!(
            collect_ready::<Vec<_>, _>(&mut digits),
            [(1, 10), (0, 21), (2, 32), (1, 43)]
        );
    "#,
        input_ports: PortSpec::Unnamed,
        output_ports: PortSpec::Custom(&PARTITION_PORTS),
        inputs: Arity::exactly(1),
        outputs: Arity::at_least(2),
        soft_min_inputs: 0,
        soft_min_outputs: 0,
        args: 1,
        persistence: PersistenceSpec::NONE,
        type_args: Arity::exactly(0),
        blocking_inputs: &[],
        delay: None,
        kind: OperatorKind::Plain,
        emits: Emits::ON_PUSH,
        writer: Writer {
            args: partition_args,
            state: |cx| {
                let (root, state) = (&cx.root, &cx.state);
                quote_spanned!(cx.span=> let mut #state = #root::ops::routing::Partition::new();)
            },
            push: Some(partition_push),
            start: None,
            flush: None,
            tick_end: None,
            needs_run: None,
        },
    },
    OperatorSpec {
        name: "demux_enum",
        description: "Sends each value of an enum `E` (`demux_enum::<E>()`, `E` deriving \
                  `tideflow::DemuxEnum`) to the output named after its variant, as the tuple of \
                  the variant's fields: `()`, `(a,)`, `(a, b)` (named fields in declaration \
                  order). The ports must be exactly the variant names, each connected once; a \
                  single-variant enum may use one unnamed output. Dispatch is one `match`.",
        example: r#"
        use tideflow::util::{collect_ready, unbounded_channel};

        #[derive(tideflow::DemuxEnum)]
        enum Shape {
            Circle(f64),
            Rectangle { width: f64, height: f64 },
            Point,
        }

        let (send, mut recv) = unbounded_channel::<String>();
        let mut flow = tideflow::flow! {
            shapes = source_iter([
                Shape::Circle(1.0),
                Shape::Point,
                Shape::Rectangle { width: 2.0, height: 3.0 },
            ]) -> demux_enum::<Shape>();
            shapes[Circle] -> map(|(radius,)| format!("circle {radius}")) -> out;
            shapes[Rectangle] -> map(|(w, h)| format!("rectangle {w}x{h}")) -> out;
            shapes[Point] -> map(|()| "point".to_string()) -> out;
            out = union() -> for_each(|s| send.send(s).unwrap());
        };
        flow.run_available_sync();
        assert_eq!(
            collect_ready::<Vec<_>, _>(&mut recv),
            ["circle 1", "point", "rectangle 2x3"]
        );
    "#,
        input_ports: PortSpec::Unnamed,
        output_ports: PortSpec::Custom(&DEMUX_ENUM_PORTS),
        inputs: Arity::exactly(1),
        outputs: Arity::at_least(1),
        soft_min_inputs: 0,
        soft_min_outputs: 0,
        args: 0,
        persistence: PersistenceSpec::NONE,
        type_args: Arity::exactly(1),
        blocking_inputs: &[],
        delay: None,
        kind: OperatorKind::Plain,
        emits: Emits::ON_PUSH,
        writer: Writer {
            args: super::common::no_args,
            state: demux_enum_state,
            push: Some(demux_enum_push),
            start: None,
            flush: None,
            tick_end: None,
            needs_run: None,
        },
    },
];

#[cfg(test)]
mod tests;
