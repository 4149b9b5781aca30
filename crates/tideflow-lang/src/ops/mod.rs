//! The operator table: one [`OperatorSpec`] per operator, grouped by family.
//!
//! A spec is data (ports, arities, argument count, persistence and type-argument ranges, blocking
//! and delay inputs) plus a [`Writer`]: small functions that generate the calls into the runtime's
//! operator library (`tideflow::ops`). Validation, partitioning and code generation read specs;
//! none of them special-cases an operator by name. Adding an operator means adding one spec to its
//! family's file.

use proc_macro2::{Ident, Span, TokenStream};

use crate::parse::Port;

pub use reference::{families, family_of, operator_reference_markdown, Family};

mod aggregates;
mod assertions;
mod elementwise;
mod fused;
mod io;
mod joins;
mod lattices;
mod loops;
mod network;
mod reference;
mod resolve;
mod routing;
mod sinks;
mod sources;
mod streams;
mod time;

/// Which ports an operator has on one side.
#[derive(Debug, Clone, Copy)]
pub enum PortSpec {
    /// Unnamed ports only (`a -> map(...)`); the arity range says how many.
    Unnamed,
    /// Exactly these named or numbered ports, e.g. `["0", "1"]` for `join`, `["pos", "neg"]`.
    Fixed(&'static [&'static str]),
    /// Any number of ports, named or not (`union`, `tee`).
    Variadic,
    /// These named ports, each of which may be left unconnected (`state`'s `[items]` and
    /// `[state]`).
    Optional(&'static [&'static str]),
    /// Ports that depend on the operator instance, e.g. named by its closure (`partition`).
    Custom(&'static CustomPorts),
}

/// Ports decided per operator instance: `partition(|item, [a, b]| ...)` has the output ports
/// `[a]` and `[b]`. The generic check calls [`CustomPorts::resolve`] instead of matching ports
/// against a fixed list.
#[derive(Debug)]
pub struct CustomPorts {
    /// How the ports are named, for the operator reference.
    pub description: &'static str,
    /// Checks one instance's ports and assigns each edge its slot.
    pub resolve: ResolvePorts,
}

/// Given an operator instance, its span and the port of each of its edges on one side (in edge
/// order), returns each edge's slot (`0..n` for `n` edges, each once; the writer's `emit` and
/// witnesses use them), or the diagnostics saying why the ports do not fit. Never panics.
pub type ResolvePorts = fn(
    &crate::graph::OperatorNode,
    Span,
    &[Option<&(Port, Span)>],
) -> Result<Vec<usize>, Vec<crate::diagnostic::Diagnostic>>;

/// An inclusive range of counts; `max: None` means unbounded.
#[derive(Debug, Clone, Copy)]
pub struct Arity {
    /// Fewest allowed.
    pub min: usize,
    /// Most allowed.
    pub max: Option<usize>,
}

impl Arity {
    /// Exactly `n`.
    pub const fn exactly(n: usize) -> Self {
        Self {
            min: n,
            max: Some(n),
        }
    }

    /// From `min` to `max`.
    pub const fn range(min: usize, max: usize) -> Self {
        Self {
            min,
            max: Some(max),
        }
    }

    /// At least `min`.
    pub const fn at_least(min: usize) -> Self {
        Self { min, max: None }
    }

    /// Whether `n` is allowed.
    pub fn contains(&self, n: usize) -> bool {
        n >= self.min && self.max.is_none_or(|max| n <= max)
    }

    /// Human description with a noun, e.g. `no outputs`, `exactly 1 input(s)`, `0 to 1 type
    /// argument(s)`.
    pub fn describe_count(&self, noun: &str) -> String {
        match self.max {
            Some(0) => format!("no {noun}s"),
            _ => format!("{} {noun}(s)", self.describe()),
        }
    }

    /// Human description, e.g. `exactly 1`, `0 to 1`, `at least 2`.
    pub fn describe(&self) -> String {
        match self.max {
            Some(max) if max == self.min => format!("exactly {max}"),
            Some(max) => format!("{} to {max}", self.min),
            None => format!("at least {}", self.min),
        }
    }
}

/// A delay on an operator's input: data crosses into the next tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delay {
    /// `defer_tick()`: pending data makes the flow run another tick.
    Tick,
    /// `defer_tick_lazy()`: pending data waits for a tick that happens anyway.
    TickLazy,
}

/// Persistence lifetimes an operator accepts.
#[derive(Debug, Clone, Copy)]
pub struct PersistenceSpec {
    /// How many lifetimes the operator has (0: none accepted; 2: one per input port).
    pub slots: usize,
    /// Which lifetimes may be written.
    pub allowed: AllowedLifetimes,
}

/// Which persistence lifetimes an operator accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllowedLifetimes {
    /// `'tick` (the default) and `'static`.
    Both,
    /// Only `'static`, which is also the default (`persist`).
    StaticOnly,
    /// Only `'tick` (`zip_longest`: its leftovers cannot be kept across ticks).
    TickOnly,
}

impl PersistenceSpec {
    /// No persistence arguments.
    pub const NONE: Self = Self {
        slots: 0,
        allowed: AllowedLifetimes::Both,
    };
    /// One lifetime, `'tick` by default.
    pub const ONE: Self = Self {
        slots: 1,
        allowed: AllowedLifetimes::Both,
    };
    /// One lifetime per input of a binary operator; one given applies to both.
    pub const TWO: Self = Self {
        slots: 2,
        allowed: AllowedLifetimes::Both,
    };
}

/// Which code phases of an operator emit items (for fusion: how many places call downstream).
#[derive(Debug, Clone, Copy)]
pub struct Emits {
    /// Its per-item step emits (map: yes; fold: no).
    pub on_push: bool,
    /// It emits at the start of a subgraph run (sources, `'static` replays).
    pub on_start: bool,
    /// It emits after all inputs were pushed (blocking operators).
    pub on_flush: bool,
}

impl Emits {
    /// Emits only from its per-item step (`map`, `filter`, ...).
    pub const ON_PUSH: Self = Self::new(true, false, false);
    /// Emits only at the start of a run (sources).
    pub const ON_START: Self = Self::new(false, true, false);
    /// Emits only after the run's inputs (blocking operators).
    pub const ON_FLUSH: Self = Self::new(false, false, true);
    /// Emits per item and replays at the start of a run (streaming joins, `persist`).
    pub const ON_PUSH_AND_START: Self = Self::new(true, true, false);
    /// Emits per item and after the run's inputs (`state`, `zip_longest`, ...).
    pub const ON_PUSH_AND_FLUSH: Self = Self::new(true, false, true);
    /// Never emits (sinks).
    pub const NEVER: Self = Self::new(false, false, false);

    const fn new(on_push: bool, on_start: bool, on_flush: bool) -> Self {
        Self {
            on_push,
            on_start,
            on_flush,
        }
    }
}

/// Everything the generator knows about one operator instance, handed to its [`Writer`].
pub struct OpContext {
    /// Path of the runtime crate, `::tideflow`, spanned at the operator.
    pub root: TokenStream,
    /// The operator's span; generated code is spanned here so type errors point at it.
    pub span: Span,
    /// Identifier of this operator's state variable.
    pub state: Ident,
    /// Identifiers bound to this operator's evaluated arguments: `args[i]` is in `arg_vars[i]`.
    pub arg_vars: Vec<Ident>,
    /// The arguments' expressions (with `#references` already replaced by accessors).
    pub args: Vec<TokenStream>,
    /// Type witnesses of the inputs, by input index.
    pub inputs: Vec<Ident>,
    /// Type witnesses to define for the outputs, by output index.
    pub outputs: Vec<Ident>,
    /// Persistence per slot, as runtime values (`::tideflow::ops::Persistence::Tick`).
    pub persistence: Vec<TokenStream>,
    /// Type arguments.
    pub type_args: Vec<syn::Type>,
    /// Number of connected outputs (for `tee`).
    pub output_count: usize,
    /// The operator's subgraph may run several times in one tick (it is inside a nested
    /// `loop { }`), so `'tick` state must survive between runs of the same tick.
    pub runs_repeatedly: bool,
    /// The port written on each output, by output slot (`None`: elided or not connected), with
    /// its span: for operators whose code depends on port names (`demux_enum`).
    pub output_ports: Vec<Option<(Port, Span)>>,
}

/// Generates the code to emit one item on output `index`: `emit(index, item_expression)`.
pub type Emit<'a> = dyn Fn(usize, TokenStream) -> TokenStream + 'a;

/// Generates the code that handles one item arriving on an input: `(context, input index, item
/// expression, emit)`.
pub type PushWriter = fn(&OpContext, usize, TokenStream, &Emit) -> TokenStream;

/// The code-generation functions of one operator.
#[derive(Clone, Copy)]
pub struct Writer {
    /// Binds `arg_vars` (and output witnesses, when the arguments decide them). Runs once when
    /// the flow is built, or at every run if the arguments use `context` or `#references`.
    pub args: fn(&OpContext) -> TokenStream,
    /// Creates the state (once, when the flow is built) and defines any output witness `args`
    /// did not.
    pub state: fn(&OpContext) -> TokenStream,
    /// Handles one item arriving on input `index`.
    pub push: Option<PushWriter>,
    /// Emits at the start of a run (sources, replays).
    pub start: Option<fn(&OpContext, &Emit) -> TokenStream>,
    /// Emits after all inputs were pushed (blocking operators, sinks flushing).
    pub flush: Option<fn(&OpContext, &Emit) -> TokenStream>,
    /// Resets `'tick` state at the end of every tick.
    pub tick_end: Option<fn(&OpContext) -> TokenStream>,
    /// A `bool` expression: the operator has work even without input this run.
    pub needs_run: Option<fn(&OpContext) -> TokenStream>,
}

impl Writer {
    /// A writer that generates nothing; specs override the phases they have.
    pub const NO_CODE: Self = Self {
        args: common::no_args,
        state: common::no_state,
        push: None,
        start: None,
        flush: None,
        tick_end: None,
        needs_run: None,
    };
}

/// The static description of one operator.
#[derive(Debug)]
pub struct OperatorSpec {
    /// Name as written in flows.
    pub name: &'static str,
    /// One-line description.
    pub description: &'static str,
    /// A runnable example: the body of a Rust doc test that builds a flow using this operator,
    /// runs it and asserts its exact output. Rendered into `docs/operators.md`.
    pub example: &'static str,
    /// Input ports.
    pub input_ports: PortSpec,
    /// Output ports.
    pub output_ports: PortSpec,
    /// Allowed number of input edges.
    pub inputs: Arity,
    /// Allowed number of output edges.
    pub outputs: Arity,
    /// Fewer inputs than this is allowed but warned about (`union` with one input).
    pub soft_min_inputs: usize,
    /// Fewer outputs than this is allowed but warned about (`tee` with one output).
    pub soft_min_outputs: usize,
    /// Number of arguments.
    pub args: usize,
    /// Persistence lifetimes.
    pub persistence: PersistenceSpec,
    /// Allowed number of type arguments.
    pub type_args: Arity,
    /// Input indices that block: they need their whole input for the tick before emitting.
    pub blocking_inputs: &'static [usize],
    /// A delay on the (single) input.
    pub delay: Option<Delay>,
    /// What kind of operator this is, for the rules that depend on it.
    pub kind: OperatorKind,
    /// Which phases emit.
    pub emits: Emits,
    /// Code generation.
    pub writer: Writer,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Writer")
    }
}

/// Kinds of operators that scheduling and validation treat specially.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperatorKind {
    /// Items in, items out.
    Plain,
    /// Produces items without input; starts a pipeline.
    Source,
    /// A blocking asynchronous operator: its `flush` returns `false` while work is pending, and
    /// the tick is then suspended at its subgraph until the flow is woken. Its input is always
    /// buffered, it is the only root of its subgraph, and it may not sit on a cycle.
    Suspending,
    /// Enters a `loop { }` block (`batch`, `batch_lazy`, `batch_eager`): its input comes from
    /// outside the loop.
    LoopEntry(LoopTrigger),
    /// Leaves a `loop { }` block (`all_iterations`): gathers every iteration's items for the
    /// enclosing scope.
    LoopExit,
}

/// Whether items entering a loop make it run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoopTrigger {
    /// `batch()`: the loop runs when items arrive.
    OnInput,
    /// `batch_lazy()`: items never make the loop run; they are seen if it runs anyway.
    Lazy,
    /// `batch_eager()`: the loop runs every tick, even without items.
    EveryTick,
}

impl OperatorSpec {
    /// Whether the operator is a source (no inputs, starts a pipeline).
    pub fn is_source(&self) -> bool {
        self.kind == OperatorKind::Source
    }

    /// Index of the input that `port` selects, if the operator has it.
    pub fn input_index(&self, port: Option<&Port>) -> Option<usize> {
        port_index(self.input_ports, port)
    }

    /// Index of the output that `port` selects, if the operator has it.
    pub fn output_index(&self, port: Option<&Port>) -> Option<usize> {
        port_index(self.output_ports, port)
    }

    /// Whether input `index` is blocking.
    pub fn is_blocking_input(&self, index: usize) -> bool {
        self.blocking_inputs.contains(&index)
    }
}

fn port_index(spec: PortSpec, port: Option<&Port>) -> Option<usize> {
    match (spec, port) {
        (PortSpec::Unnamed, None) => Some(0),
        (PortSpec::Unnamed, Some(_)) => None,
        (PortSpec::Variadic, _) => Some(0),
        (PortSpec::Fixed(names) | PortSpec::Optional(names), Some(port)) => {
            let text = port.to_string();
            names.iter().position(|name| *name == text)
        }
        (PortSpec::Fixed(_) | PortSpec::Optional(_), None) => None,
        (PortSpec::Custom(_), _) => None,
    }
}

/// Every operator, in catalogue order.
pub fn all_operators() -> impl Iterator<Item = &'static OperatorSpec> {
    sources::OPERATORS
        .iter()
        .chain(elementwise::OPERATORS)
        .chain(joins::OPERATORS)
        .chain(fused::OPERATORS)
        .chain(aggregates::OPERATORS)
        .chain(lattices::OPERATORS)
        .chain(streams::OPERATORS)
        .chain(time::OPERATORS)
        .chain(resolve::OPERATORS)
        .chain(loops::OPERATORS)
        .chain(sinks::OPERATORS)
        .chain(routing::OPERATORS)
        .chain(assertions::OPERATORS)
        .chain(io::OPERATORS)
        .chain(network::OPERATORS)
}

/// The spec of the operator called `name`.
pub fn find_operator(name: &str) -> Option<&'static OperatorSpec> {
    all_operators().find(|spec| spec.name == name)
}

/// Names of all operators and pseudo-operators, for suggestions.
pub fn operator_names() -> impl Iterator<Item = &'static str> {
    all_operators()
        .map(|spec| spec.name)
        .chain(["handoff", "singleton", "optional"])
}

/// Writer pieces shared by many operators.
pub(crate) mod common {
    use proc_macro2::TokenStream;
    use quote::quote_spanned;

    use super::OpContext;

    /// No arguments to bind.
    pub fn no_args(_: &OpContext) -> TokenStream {
        TokenStream::new()
    }

    /// Output 0 has the same item type as input 0.
    pub fn same_type(cx: &OpContext) -> TokenStream {
        let (input, output) = (&cx.inputs[0], &cx.outputs[0]);
        quote_spanned!(cx.span=> let #output = #input;)
    }

    /// The state holds nothing and outputs are already defined by the argument shaper.
    pub fn no_state(_: &OpContext) -> TokenStream {
        TokenStream::new()
    }

    /// `state.end_tick()`.
    pub fn end_tick(cx: &OpContext) -> TokenStream {
        let state = &cx.state;
        quote_spanned!(cx.span=> #state.end_tick();)
    }

    /// `state.needs_run()`.
    pub fn needs_run(cx: &OpContext) -> TokenStream {
        let state = &cx.state;
        quote_spanned!(cx.span=> #state.needs_run())
    }

    /// A closure `|item| <emit output 0>` for library calls that take an emit function.
    pub fn emit_closure(cx: &OpContext, emit: &super::Emit, output: usize) -> TokenStream {
        let item = proc_macro2::Ident::new("__item", cx.span);
        let body = emit(output, quote::quote!(#item));
        quote_spanned!(cx.span=> |#item| { #body })
    }

    /// The persistence for slot `index`.
    pub fn persistence(cx: &OpContext, index: usize) -> &TokenStream {
        &cx.persistence[index.min(cx.persistence.len().saturating_sub(1))]
    }
}
