//! Behaviour of the routing operators: `partition` in its named and indexed forms, and the
//! `DemuxEnum` derive that `demux_enum` builds on.

mod common;

use common::ready;

use tideflow::ops::routing::Either;
use tideflow::util::unbounded_channel;
use tideflow::DemuxEnum;

// ----- partition, named ports -----

#[test]
fn partition_named_sends_each_item_to_the_port_the_closure_returns() {
    let (send, mut recv) = unbounded_channel::<(&str, i32)>();
    let mut flow = tideflow::flow! {
        parts = source_iter([-2i32, 5, 0, 7, -1]) -> partition(|x, [negative, zero, positive]| {
            match x.signum() {
                -1 => negative,
                0 => zero,
                _ => positive,
            }
        });
        parts[positive] -> for_each(|x| send.send(("positive", x)).unwrap());
        parts[negative] -> for_each(|x| send.send(("negative", x)).unwrap());
        parts[zero] -> for_each(|x| send.send(("zero", x)).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(
        ready(&mut recv),
        [
            ("negative", -2),
            ("positive", 5),
            ("zero", 0),
            ("positive", 7),
            ("negative", -1)
        ]
    );
}

#[test]
fn partition_named_ports_can_be_declared_in_any_order_and_typed() {
    let (send, mut recv) = unbounded_channel::<String>();
    let mut flow = tideflow::flow! {
        words = source_iter(["apple", "kiwi", "banana"])
            -> partition(move |word: &&str, [long, short]: [usize; 2]| if word.len() > 4 { long } else { short });
        words[short] -> map(|w| format!("short {w}")) -> out;
        words[long] -> map(|w| format!("long {w}")) -> out;
        out = union() -> for_each(|line| send.send(line).unwrap());
    };
    flow.run_available_sync();
    let mut lines = ready(&mut recv);
    lines.sort();
    assert_eq!(lines, ["long apple", "long banana", "short kiwi"]);
}

#[test]
fn partition_outputs_feeding_one_union_stay_in_arrival_order() {
    let (send, mut recv) = unbounded_channel::<(bool, u32)>();
    let mut flow = tideflow::flow! {
        parity = source_iter(1..=6) -> partition(|x, [even, odd]| if x % 2 == 0 { even } else { odd });
        parity[even] -> map(|x| (true, x)) -> both;
        parity[odd] -> map(|x| (false, x)) -> both;
        both = union() -> for_each(|pair| send.send(pair).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(
        ready(&mut recv),
        [
            (false, 1),
            (true, 2),
            (false, 3),
            (true, 4),
            (false, 5),
            (true, 6)
        ]
    );
}

#[test]
fn partition_closure_state_persists_across_ticks() {
    let (input, input_recv) = unbounded_channel::<char>();
    let (send, mut recv) = unbounded_channel::<(char, char)>();
    let mut count = 0;
    let mut flow = tideflow::flow! {
        alternate = source_stream(input_recv) -> partition(move |_, [first, second]| {
            count += 1;
            if count % 2 == 1 { first } else { second }
        });
        alternate[first] -> for_each(|c| send.send(('1', c)).unwrap());
        alternate[second] -> for_each(|c| send.send(('2', c)).unwrap());
    };
    input.send('a').unwrap();
    flow.run_available_sync();
    input.send('b').unwrap();
    input.send('c').unwrap();
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [('1', 'a'), ('2', 'b'), ('1', 'c')]);
}

#[test]
fn partition_closure_can_read_a_reference() {
    let (send, mut recv) = unbounded_channel::<(bool, i32)>();
    let mut flow = tideflow::flow! {
        limit = source_iter([10]) -> singleton();
        split = source_iter([5, 15, 10, 20]) -> partition(|x, [above, rest]| if *x > *#limit { above } else { rest });
        split[above] -> for_each(|x| send.send((true, x)).unwrap());
        split[rest] -> for_each(|x| send.send((false, x)).unwrap());
    };
    flow.run_available_sync();
    let mut items = ready(&mut recv);
    items.sort();
    assert_eq!(items, [(false, 5), (false, 10), (true, 15), (true, 20)]);
}

// ----- partition, indexed ports -----

#[test]
fn partition_indexed_gets_the_port_count_and_returns_an_index() {
    let (send, mut recv) = unbounded_channel::<(usize, u32)>();
    let mut flow = tideflow::flow! {
        shards = source_iter(0..7) -> partition(|x, n| *x as usize % n);
        shards[2] -> for_each(|x| send.send((2, x)).unwrap());
        shards[0] -> for_each(|x| send.send((0, x)).unwrap());
        shards[1] -> for_each(|x| send.send((1, x)).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(
        ready(&mut recv),
        [(0, 0), (1, 1), (2, 2), (0, 3), (1, 4), (2, 5), (0, 6)]
    );
}

#[test]
fn partition_indexed_out_of_range_index_drops_the_item_without_panicking() {
    let (send, mut recv) = unbounded_channel::<(usize, u32)>();
    let mut flow = tideflow::flow! {
        routed = source_iter([0, 1, 2, 3]) -> partition(|x, _| *x as usize);
        routed[0] -> for_each(|x| send.send((0, x)).unwrap());
        routed[1] -> for_each(|x| send.send((1, x)).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [(0, 0), (1, 1)]);
}

#[test]
fn partition_output_can_continue_into_other_subgraphs() {
    let (send, mut recv) = unbounded_channel::<(u64, i32)>();
    let mut flow = tideflow::flow! {
        split = source_iter([1, 2, 3, 4]) -> partition(|x, n| (*x as usize) % n);
        split[0] -> defer_tick() -> map(|x| (context.current_tick(), x)) -> out;
        split[1] -> map(|x| (context.current_tick(), x)) -> out;
        out = union() -> for_each(|pair| send.send(pair).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [(0, 1), (0, 3), (1, 2), (1, 4)]);
}

// ----- the DemuxEnum derive -----

#[derive(DemuxEnum, Debug, Clone, PartialEq)]
enum Shape {
    Square(u32),
    Rectangle { width: u32, height: u32 },
    Point,
    Label(String, char),
}

/// Names each payload by its place in the nesting: variants are alphabetical (`Label`, `Point`,
/// `Rectangle`, `Square`).
fn describe(shape: Shape) -> String {
    match shape.demux() {
        Either::Left((text, mark)) => format!("label {text}{mark}"),
        Either::Right(Either::Left(())) => "point".to_string(),
        Either::Right(Either::Right(Either::Left((width, height)))) => {
            format!("rectangle {width}x{height}")
        }
        Either::Right(Either::Right(Either::Right((side,)))) => format!("square {side}"),
    }
}

#[test]
fn derive_nests_payloads_in_alphabetical_variant_order() {
    assert_eq!(<Shape as DemuxEnum>::VARIANTS, 4);
    let shapes = [
        Shape::Square(2),
        Shape::Point,
        Shape::Rectangle {
            height: 4,
            width: 3,
        },
        Shape::Label("a".into(), '!'),
    ];
    let described: Vec<String> = shapes.into_iter().map(describe).collect();
    assert_eq!(
        described,
        ["square 2", "point", "rectangle 3x4", "label a!"]
    );
}

#[derive(tideflow::DemuxEnum)]
enum Only {
    One { value: u8 },
}

#[test]
fn derive_single_variant_payload_is_the_tuple_itself() {
    let (value,): (u8,) = Only::One { value: 7 }.demux();
    assert_eq!(value, 7);
    assert_eq!(<Only as DemuxEnum>::VARIANTS, 1);
}

#[derive(tideflow::DemuxEnum)]
enum Event<T: Clone>
where
    T: Default,
{
    Data(T),
    Stop,
}

#[test]
fn derive_supports_generic_enums() {
    let payloads: Vec<Either<(Vec<u8>,), ()>> = vec![
        Event::Data(vec![1u8]).demux(),
        Event::<Vec<u8>>::Stop.demux(),
    ];
    assert_eq!(payloads, [Either::Left((vec![1],)), Either::Right(())]);
}

// ----- demux_enum -----

#[test]
fn demux_enum_routes_each_variant_to_its_port_with_its_fields() {
    let (send, mut recv) = unbounded_channel::<String>();
    let mut flow = tideflow::flow! {
        shapes = source_iter([
            Shape::Square(2),
            Shape::Point,
            Shape::Rectangle { width: 3, height: 4 },
            Shape::Label("x".to_string(), '?'),
        ]) -> demux_enum::<Shape>();
        shapes[Square] -> map(|(side,)| format!("square {side}")) -> out;
        shapes[Rectangle] -> map(|(w, h)| format!("rectangle {w}x{h}")) -> out;
        shapes[Point] -> map(|()| "point".to_string()) -> out;
        shapes[Label] -> map(|(text, mark)| format!("label {text}{mark}")) -> out;
        out = union() -> for_each(|s| send.send(s).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(
        ready(&mut recv),
        ["square 2", "point", "rectangle 3x4", "label x?"]
    );
}

#[test]
fn demux_enum_outputs_can_go_to_separate_sinks_and_subgraphs() {
    let (points, mut points_recv) = unbounded_channel::<u64>();
    let (squares, mut squares_recv) = unbounded_channel::<(u64, u32)>();
    let mut flow = tideflow::flow! {
        shapes = source_iter([Shape::Square(1), Shape::Point, Shape::Square(5)]) -> demux_enum::<Shape>();
        shapes[Point] -> for_each(|()| points.send(context.current_tick()).unwrap());
        shapes[Square] -> defer_tick() -> for_each(|(side,)| squares.send((context.current_tick(), side)).unwrap());
        shapes[Rectangle] -> null();
        shapes[Label] -> null();
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut points_recv), [0]);
    assert_eq!(ready(&mut squares_recv), [(1, 1), (1, 5)]);
}

#[test]
fn demux_enum_single_variant_enum_maps_directly() {
    let (send, mut recv) = unbounded_channel::<u8>();
    let mut flow = tideflow::flow! {
        source_iter([Only::One { value: 3 }, Only::One { value: 4 }])
            -> demux_enum::<Only>()
            -> for_each(|(value,)| send.send(value).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [3, 4]);
}

#[test]
fn demux_enum_single_variant_enum_with_a_named_port() {
    let (send, mut recv) = unbounded_channel::<u8>();
    let mut flow = tideflow::flow! {
        only = source_iter([Only::One { value: 9 }]) -> demux_enum::<Only>();
        only[One] -> for_each(|(value,)| send.send(value).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [9]);
}

#[test]
fn demux_enum_generic_enum_by_path() {
    let (send, mut recv) = unbounded_channel::<Vec<u8>>();
    let mut flow = tideflow::flow! {
        events = source_iter([Event::Data(vec![1]), Event::Stop, Event::Data(vec![2, 3])])
            -> demux_enum::<Event<Vec<u8>>>();
        events[Data] -> for_each(|(data,)| send.send(data).unwrap());
        events[Stop] -> for_each(|()| send.send(Vec::new()).unwrap());
    };
    flow.run_available_sync();
    assert_eq!(ready(&mut recv), [vec![1], vec![], vec![2, 3]]);
}
