//! Routing operators: one input, several outputs, each item sent to exactly one of them.
//!
//! - `partition(|item, [a, b]| ...)` asks a closure which output an item goes to. Its state,
//!   [`Partition`], only counts the items the closure sent nowhere; the argument shapers
//!   [`partition_named_fn`] and [`partition_indexed_fn`] fix the closure's parameter types;
//! - `demux_enum::<E>()` sends each value of an enum to the output named after its variant,
//!   through the [`DemuxEnum`] trait that `#[derive(DemuxEnum)]` implements.
//!
//! Both dispatch with a `match` in the generated code: no dynamic dispatch per item.

use crate::ops::Ty;

/// `partition(|item, [a, b, c]| ...)` (named ports): fixes the closure's type to
/// `FnMut(&T, [usize; N]) -> usize`.
///
/// The slice pattern names the output ports; the generated code calls the closure with
/// `[0, 1, .., N - 1]`, so each name is bound to its port's output index and the closure returns
/// the index of the port the item goes to. `ports` is that array, passed so that `N` is inferred.
///
/// ```
/// use tideflow::ops::{routing::partition_named_fn, Ty};
///
/// let mut route = partition_named_fn(Ty::<i32>::new(), [0, 1], |x, [evens, odds]| {
///     if x % 2 == 0 { evens } else { odds }
/// });
/// assert_eq!((route(&4, [0, 1]), route(&7, [0, 1])), (0, 1));
/// ```
#[inline(always)]
pub fn partition_named_fn<T, const N: usize, F: FnMut(&T, [usize; N]) -> usize>(
    input: Ty<T>,
    ports: [usize; N],
    f: F,
) -> F {
    let _ = (input, ports);
    f
}

/// `partition(|item, n| ...)` (indexed ports): fixes the closure's type to
/// `FnMut(&T, usize) -> usize`; it gets the number of outputs and returns an output index.
///
/// ```
/// use tideflow::ops::{routing::partition_indexed_fn, Ty};
///
/// let mut route = partition_indexed_fn(Ty::<u32>::new(), |x, n| *x as usize % n);
/// assert_eq!(route(&7, 3), 1);
/// ```
#[inline(always)]
pub fn partition_indexed_fn<T, F: FnMut(&T, usize) -> usize>(input: Ty<T>, f: F) -> F {
    let _ = input;
    f
}

/// `partition(...)`: counts the items whose closure returned an index with no output.
///
/// The established system has no answer for such an index. Here the item is dropped, the first
/// occurrence is logged with `tracing::error!` and every occurrence is counted, so a bad closure
/// never panics the transducer.
#[derive(Debug, Default)]
pub struct Partition {
    dropped: u64,
}

impl Partition {
    /// A partition that has dropped nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// The closure returned `index`, but there are only `outputs` outputs: drops the item.
    #[cold]
    pub fn out_of_range(&mut self, index: usize, outputs: usize) {
        if self.dropped == 0 {
            tracing::error!(
                index,
                outputs,
                "partition: the closure returned output index {index}, but there are only \
                 {outputs} outputs; the item is dropped (later ones are only counted)"
            );
        }
        self.dropped += 1;
    }

    /// How many items were dropped because the closure returned an index with no output.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }
}

/// One of two values: the building block of [`DemuxEnum::Payloads`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Either<A, B> {
    /// The first alternative.
    Left(A),
    /// The second alternative.
    Right(B),
}

/// An enum that `demux_enum::<Self>()` can route: each value goes to the output named after its
/// variant, carrying the variant's fields as a tuple (`()`, `(a,)`, `(a, b)`; named fields in
/// declaration order).
///
/// [`demux`](Self::demux) turns a value into its variant's payload inside [`Payloads`]: the
/// payloads of all variants **in alphabetical order of the variant names**, nested as
/// [`Either`]s: `P0` for one variant, `Either<P0, P1>` for two, `Either<P0, Either<P1, P2>>` for
/// three, and so on. The generated code matches on that nesting with one arm per output port,
/// the ports sorted by name too, so dispatch is a plain `match`: no dynamic dispatch and no
/// closure per output (several outputs may feed the same downstream operator). The flow
/// compiler also checks that the port names are exactly the variant names, so the two orders
/// agree. Implement it with `#[derive(DemuxEnum)]` (`tideflow::DemuxEnum`), not by hand.
///
/// [`Payloads`]: Self::Payloads
///
/// ```
/// use tideflow::ops::routing::{DemuxEnum, Either};
///
/// #[derive(tideflow::DemuxEnum)]
/// enum Shape {
///     Square(u32),
///     Rectangle { width: u32, height: u32 },
///     Point,
/// }
///
/// // Alphabetical: Point, Rectangle, Square.
/// let described: Vec<String> = [Shape::Square(2), Shape::Point, Shape::Rectangle { width: 3, height: 4 }]
///     .into_iter()
///     .map(|shape| match shape.demux() {
///         Either::Left(()) => "point".to_string(),
///         Either::Right(Either::Left((w, h))) => format!("{w}x{h}"),
///         Either::Right(Either::Right((side,))) => format!("{side}x{side}"),
///     })
///     .collect();
/// assert_eq!(described, ["2x2", "point", "3x4"]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement `DemuxEnum`",
    label = "`demux_enum` needs `#[derive(DemuxEnum)]` on `{Self}`",
    note = "derive it with `#[derive(tideflow::DemuxEnum)]`"
)]
pub trait DemuxEnum: Sized {
    /// The variants' payload tuples, alphabetical by variant name, nested as [`Either`]s.
    type Payloads;

    /// The number of variants.
    const VARIANTS: usize;

    /// `self`'s fields as a tuple, at its variant's place in [`Self::Payloads`].
    fn demux(self) -> Self::Payloads;
}

/// `demux_enum::<E>()` with `N` connected outputs: implemented by `#[derive(DemuxEnum)]` for
/// `N` = the number of variants only, so a flow that leaves a variant unconnected does not
/// compile. Generated code goes through this trait rather than [`DemuxEnum`] so that, when the
/// count is wrong, this is the only error (the payload types are then unknown, which silences
/// follow-on type errors in the outputs' closures).
#[diagnostic::on_unimplemented(
    message = "`demux_enum::<{Self}>()` must have one output per variant of `{Self}`",
    label = "the number of connected ports differs from the number of variants",
    note = "connect every variant's port, e.g. `shapes[Point] -> null();` to drop its values"
)]
pub trait DemuxOutputs<const N: usize>: DemuxEnum {
    /// [`DemuxEnum::Payloads`].
    type Outputs;

    /// [`DemuxEnum::demux`].
    fn demux_outputs(self) -> Self::Outputs;
}

/// Generated code for `demux_enum::<E>()` with `N` outputs, once when the flow is built: checks
/// the count, and returns the function that turns a value into its nested payload (a function
/// item: calls to it are static and inlined) and the witness of the nested payloads (see
/// [`DemuxEnum::Payloads`]).
#[inline(always)]
#[allow(clippy::type_complexity)]
pub fn demux_outputs<E: DemuxOutputs<N>, const N: usize>(
    input: Ty<E>,
) -> (impl Fn(E) -> E::Outputs + Copy, Ty<E::Outputs>) {
    let _ = input;
    (E::demux_outputs, Ty::new())
}

/// The witness of the left side of a witnessed [`Either`].
#[inline(always)]
pub fn left<A, B>(either: Ty<Either<A, B>>) -> Ty<A> {
    let _ = either;
    Ty::new()
}

/// The witness of the right side of a witnessed [`Either`].
#[inline(always)]
pub fn right<A, B>(either: Ty<Either<A, B>>) -> Ty<B> {
    let _ = either;
    Ty::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_shaper_binds_ports_to_indices() {
        let ports = [0, 1, 2];
        let mut route = partition_named_fn(
            Ty::<&str>::new(),
            ports,
            |word, [short, medium, long]| match word.len() {
                0..=3 => short,
                4..=6 => medium,
                _ => long,
            },
        );
        let routed: Vec<usize> = ["a", "apple", "elephant"]
            .iter()
            .map(|word| route(word, ports))
            .collect();
        assert_eq!(routed, [0, 1, 2]);
    }

    #[test]
    fn indexed_shaper_receives_the_output_count() {
        let mut route =
            partition_indexed_fn(Ty::<i64>::new(), |x, n| x.unsigned_abs() as usize % n);
        assert_eq!([route(&-5, 2), route(&6, 4)], [1, 2]);
    }

    #[test]
    fn out_of_range_indices_are_counted_not_panicked() {
        let mut partition = Partition::new();
        assert_eq!(partition.dropped(), 0);
        partition.out_of_range(7, 3);
        partition.out_of_range(3, 3);
        assert_eq!(partition.dropped(), 2);
    }

    /// What `#[derive(DemuxEnum)]` generates, written out (the derive's paths need the
    /// `tideflow` crate name, so it is tested from the integration tests).
    enum Message {
        Ping,
        Chat { from: String, text: String },
        Ack(u64),
    }

    impl DemuxOutputs<3> for Message {
        type Outputs = <Self as DemuxEnum>::Payloads;
        fn demux_outputs(self) -> Self::Outputs {
            self.demux()
        }
    }

    impl DemuxEnum for Message {
        type Payloads = Either<(u64,), Either<(String, String), ()>>;
        const VARIANTS: usize = 3;
        fn demux(self) -> Self::Payloads {
            match self {
                Message::Ack(id) => Either::Left((id,)),
                Message::Chat { from, text } => Either::Right(Either::Left((from, text))),
                Message::Ping => Either::Right(Either::Right(())),
            }
        }
    }

    #[test]
    fn demux_nests_payloads_in_alphabetical_variant_order() {
        let (demux, _) = demux_outputs::<Message, 3>(Ty::new());
        let messages = [
            Message::Ping,
            Message::Ack(3),
            Message::Chat {
                from: "ann".into(),
                text: "hi".into(),
            },
        ];
        let log: Vec<String> = messages
            .into_iter()
            .map(|message| match demux(message) {
                Either::Left((id,)) => format!("ack {id}"),
                Either::Right(Either::Left((from, text))) => format!("{from}: {text}"),
                Either::Right(Either::Right(())) => "ping".to_string(),
            })
            .collect();
        assert_eq!(log, ["ping", "ack 3", "ann: hi"]);
        let (_, payloads) = demux_outputs::<_, 3>(Ty::<Message>::new());
        let _: Ty<(u64,)> = left(payloads);
        let _: Ty<(String, String)> = left(right(payloads));
        let _: Ty<()> = right(right(payloads));
    }
}
