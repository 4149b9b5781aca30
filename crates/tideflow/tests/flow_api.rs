//! Behaviour of the `Flow` handle: `run_tick_sync`, `run_available_sync`, `run().await`,
//! `current_tick`, `graph()`, metrics (buffer item counts, opt-in timing), and `dest_sink`
//! backpressure that never stalls a tick.

mod common;

use common::ready;

use std::cell::RefCell;
use std::convert::Infallible;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context as TaskContext, Poll, Waker};
use std::time::Duration;

use futures::Sink;
use tideflow::util::unbounded_channel;
use tideflow::GraphView;
use tideflow_lang::render::NodeKind;

// ----- run_tick_sync / run_available_sync / current_tick -----

#[test]
fn run_tick_sync_is_true_for_the_first_tick_and_false_for_idle_ticks() {
    let (send, mut recv) = unbounded_channel::<i32>();
    let mut flow = tideflow::flow! {
        source_iter([1, 2]) -> for_each(|x| send.send(x).unwrap());
    };
    assert!(flow.run_tick_sync());
    assert_eq!(ready(&mut recv), [1, 2]);
    assert!(!flow.run_tick_sync());
    assert!(!flow.run_tick_sync());
}

#[test]
fn run_tick_sync_is_true_for_a_tick_that_received_stream_items() {
    let (input, input_recv) = unbounded_channel::<i32>();
    let (send, mut recv) = unbounded_channel::<i32>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv) -> for_each(|x| send.send(x).unwrap());
    };
    input.send(1).unwrap();
    assert!(flow.run_tick_sync());
    input.send(2).unwrap();
    assert!(flow.run_tick_sync());
    assert_eq!(ready(&mut recv), [1, 2]);
}

#[test]
fn run_tick_sync_is_false_for_a_tick_where_the_stream_had_nothing() {
    // Established semantics: a tick reports work if an external event arrived or a buffer
    // received data; polling an empty stream is neither.
    let (input, input_recv) = unbounded_channel::<i32>();
    let (send, mut recv) = unbounded_channel::<i32>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv) -> for_each(|x| send.send(x).unwrap());
    };
    input.send(1).unwrap();
    assert!(flow.run_tick_sync());
    assert!(!flow.run_tick_sync());
    assert_eq!(ready(&mut recv), [1]);
}

#[test]
fn run_available_sync_returns_the_number_of_ticks_run() {
    let mut flow = tideflow::flow! {
        source_iter([1]) -> null();
    };
    assert_eq!(flow.run_available_sync(), 1);
    assert_eq!(flow.run_available_sync(), 1);

    let mut deferred = tideflow::flow! {
        source_iter([1]) -> defer_tick() -> defer_tick() -> defer_tick() -> null();
    };
    assert_eq!(deferred.run_available_sync(), 4);
    assert_eq!(deferred.run_available_sync(), 1);
}

#[test]
fn request_tick_from_operator_code_makes_run_available_sync_run_another_tick() {
    let (send, mut recv) = unbounded_channel::<u64>();
    let mut flow = tideflow::flow! {
        source_iter([()]) -> for_each(|()| {
            send.send(context.current_tick()).unwrap();
            context.request_tick();
        });
    };
    assert_eq!(flow.run_available_sync(), 2);
    assert_eq!(ready(&mut recv), [0]);
}

#[test]
fn current_tick_counts_the_ticks_run_so_far() {
    let mut flow = tideflow::flow! {
        source_iter([1]) -> defer_tick() -> null();
    };
    assert_eq!(flow.current_tick(), 0);
    assert_eq!(flow.context().current_tick(), 0);
    flow.run_tick_sync();
    assert_eq!(flow.current_tick(), 1);
    flow.run_tick_sync();
    flow.run_tick_sync();
    assert_eq!(flow.current_tick(), 3);
    let ticks = flow.run_available_sync();
    assert_eq!(flow.current_tick(), 3 + ticks);
    assert_eq!(flow.context().current_tick(), flow.current_tick());
}

// ----- graph() -----

fn operator_names(graph: &GraphView) -> Vec<&str> {
    graph
        .nodes
        .iter()
        .filter(|node| node.kind == NodeKind::Operator)
        .map(|node| node.name.as_str())
        .collect()
}

#[test]
fn graph_lists_every_operator_with_its_source_text() {
    let (send, _recv) = unbounded_channel::<i32>();
    let flow = tideflow::flow! {
        source_iter(0..10) -> map(|x| x * 2) -> filter(|x| x % 3 == 0) -> for_each(|x| send.send(x).unwrap());
    };
    let graph = flow.graph();
    assert_eq!(
        operator_names(graph),
        ["source_iter", "map", "filter", "for_each"]
    );
    let labels: Vec<&str> = graph.nodes.iter().map(|node| node.label.as_str()).collect();
    assert!(labels.contains(&"source_iter(0..10)"), "{labels:?}");
    assert!(labels.contains(&"map(|x| x * 2)"), "{labels:?}");
    let mermaid = graph.to_mermaid();
    assert!(mermaid.contains("source_iter"), "{mermaid}");
    assert!(mermaid.contains("for_each"), "{mermaid}");
}

#[test]
fn graph_puts_every_operator_in_exactly_one_subgraph() {
    let (send, _recv) = unbounded_channel::<i32>();
    let flow = tideflow::flow! {
        t = source_iter([1, 2]) -> tee();
        t -> map(|x| x + 1) -> [0]u;
        t -> [1]u;
        u = union() -> fold(|| 0, |acc: &mut i32, x| *acc += x) -> for_each(|x| send.send(x).unwrap());
    };
    let graph = flow.graph();
    assert!(!graph.subgraphs.is_empty());
    for node in &graph.nodes {
        if node.kind != NodeKind::Operator {
            assert_eq!(node.subgraph, None, "{node:?}");
            continue;
        }
        let subgraph = node.subgraph.expect("an operator has a subgraph");
        assert!(subgraph < graph.subgraphs.len());
        let holders: Vec<usize> = graph
            .subgraphs
            .iter()
            .filter(|sg| sg.nodes.contains(&node.id))
            .map(|sg| sg.id)
            .collect();
        assert_eq!(holders, [subgraph], "{node:?}");
    }
    for (index, subgraph) in graph.subgraphs.iter().enumerate() {
        assert_eq!(subgraph.id, index);
    }
}

#[test]
fn graph_shows_a_fixpoint_component_for_recursion_and_a_defer_buffer_for_defer_tick() {
    let (send, _recv) = unbounded_channel::<u32>();
    let flow = tideflow::flow! {
        reached = union() -> unique() -> tee();
        source_iter([0]) -> reached;
        reached -> map(|v| (v, ())) -> [0]step;
        source_iter([(0, 1), (1, 2)]) -> [1]step;
        step = join() -> map(|(_, ((), next))| next) -> reached;
        reached -> defer_tick() -> for_each(|v| send.send(v).unwrap());
    };
    let graph = flow.graph();
    assert_eq!(graph.components.len(), 1);
    assert!(!graph.components[0].subgraphs.is_empty());
    assert!(graph
        .nodes
        .iter()
        .any(|node| node.kind == NodeKind::DeferBuffer));
    assert!(graph.nodes.iter().any(|node| node.name == "join"));
}

#[test]
fn graph_shows_singleton_nodes() {
    let (send, _recv) = unbounded_channel::<i32>();
    let flow = tideflow::flow! {
        max = source_iter([3, 9]) -> reduce(|a: &mut i32, b| *a = (*a).max(b)) -> singleton();
        source_iter(1..=10) -> filter(|x| x > #max) -> for_each(|x| send.send(x).unwrap());
    };
    let graph = flow.graph();
    let singletons: Vec<&str> = graph
        .nodes
        .iter()
        .filter(|node| node.kind == NodeKind::Singleton)
        .map(|node| node.label.as_str())
        .collect();
    assert_eq!(singletons, ["singleton()"]);
}

// ----- metrics -----

/// Metrics indices of the buffer nodes of `graph`, paired with their node ids, in order.
fn buffers(graph: &GraphView) -> Vec<usize> {
    graph
        .nodes
        .iter()
        .filter(|node| matches!(node.kind, NodeKind::Buffer | NodeKind::DeferBuffer))
        .map(|node| node.id)
        .collect()
}

#[test]
fn metrics_count_items_through_a_defer_buffer() {
    let mut flow = tideflow::flow! {
        source_iter([1, 2, 3]) -> defer_tick() -> null();
    };
    assert_eq!(buffers(flow.graph()).len(), 1);
    assert_eq!(flow.metrics().buffer_items(0), 0);
    flow.run_available_sync();
    assert_eq!(flow.metrics().buffer_items(0), 3);
    flow.run_available_sync();
    assert_eq!(flow.metrics().buffer_items(0), 3);
}

#[test]
fn metrics_count_items_through_every_buffer_of_a_tee_join_union_flow() {
    let (send, mut recv) = unbounded_channel::<(i32, char, char)>();
    let mut flow = tideflow::flow! {
        t = source_iter([(1, 'a'), (2, 'b'), (3, 'c')]) -> tee();
        t -> [0]j;
        source_iter([(1, 'x'), (3, 'y')]) -> [1]j;
        j = join() -> map(|(k, (a, b))| (k, a, b)) -> [joined]u;
        t -> map(|(k, a)| (k, a, '-')) -> [plain]u;
        u = union() -> map(std::future::ready) -> resolve_futures_blocking();
        // An edge into a suspending operator always gets a buffer, whatever the partitioner
        // decides about the rest.
        u -> for_each(|x| send.send(x).unwrap());
    };
    flow.run_available_sync();
    let mut got = ready(&mut recv);
    got.sort();
    assert_eq!(
        got,
        [
            (1, 'a', '-'),
            (1, 'a', 'x'),
            (2, 'b', '-'),
            (3, 'c', '-'),
            (3, 'c', 'y')
        ]
    );

    let graph = flow.graph().clone();
    let buffer_nodes = buffers(&graph);
    assert!(
        !buffer_nodes.is_empty(),
        "this flow should need at least one buffer:\n{}",
        graph.to_mermaid()
    );
    let name = |id: usize| graph.nodes[id].name.as_str();
    for (index, &buffer) in buffer_nodes.iter().enumerate() {
        let into = graph
            .edges
            .iter()
            .find(|edge| edge.dst == buffer)
            .expect("a buffer has an input edge");
        let out_of = graph
            .edges
            .iter()
            .find(|edge| edge.src == buffer)
            .expect("a buffer has an output edge");
        let expected = match (name(into.src), name(out_of.dst), out_of.dst_port.as_deref()) {
            ("source_iter", "tee", _) => 3,
            ("tee", "join", _) => 3,
            ("source_iter", "join", _) => 2,
            ("join", "map", _) => 2,
            ("tee", "map", _) => 3,
            ("map", "union", Some("joined")) => 2,
            ("map", "union", Some("plain")) => 3,
            ("map", "resolve_futures_blocking", _)
            | ("resolve_futures_blocking", "for_each", _) => 5,
            other => panic!("unexpected buffer edge {other:?}"),
        };
        assert_eq!(
            flow.metrics().buffer_items(index),
            expected,
            "buffer {index} ({} -> {})",
            name(into.src),
            name(out_of.dst)
        );
    }
    // An idle tick moves nothing.
    flow.run_tick_sync();
    let after: Vec<u64> = (0..buffer_nodes.len())
        .map(|index| flow.metrics().buffer_items(index))
        .collect();
    flow.run_tick_sync();
    let again: Vec<u64> = (0..buffer_nodes.len())
        .map(|index| flow.metrics().buffer_items(index))
        .collect();
    assert_eq!(after, again);
}

#[test]
fn metrics_count_subgraph_runs_and_time_nothing_unless_timing_is_on() {
    let mut flow = tideflow::flow! {
        source_iter(0..100) -> map(|x| x * 2) -> null();
    };
    assert!(!flow.metrics().timing_enabled());
    flow.run_available_sync();
    assert_eq!(flow.graph().subgraphs.len(), 1);
    assert_eq!(flow.metrics().subgraph_runs(0), 1);
    assert_eq!(flow.metrics().subgraph_time(0), Duration::ZERO);
}

#[test]
fn set_timing_makes_subgraph_time_non_zero_and_only_while_enabled() {
    let (input, input_recv) = unbounded_channel::<u64>();
    let total = RefCell::new(0u64);
    let mut flow = tideflow::flow! {
        source_stream(input_recv)
            -> flat_map(|n| 0..n)
            -> map(|x| x.wrapping_mul(2654435761))
            -> for_each(|x| *total.borrow_mut() ^= x);
    };
    assert_eq!(flow.graph().subgraphs.len(), 1);
    input.send(10_000).unwrap();
    flow.run_tick_sync();
    assert_eq!(flow.metrics().subgraph_time(0), Duration::ZERO);

    flow.set_timing(true);
    assert!(flow.metrics().timing_enabled());
    input.send(10_000).unwrap();
    flow.run_tick_sync();
    let timed = flow.metrics().subgraph_time(0);
    assert!(timed > Duration::ZERO);

    flow.set_timing(false);
    assert!(!flow.metrics().timing_enabled());
    input.send(10_000).unwrap();
    flow.run_tick_sync();
    assert_eq!(flow.metrics().subgraph_time(0), timed);
    assert_eq!(flow.metrics().subgraph_runs(0), 3);
}

// ----- run().await -----

#[tideflow::test]
async fn run_under_a_timeout_processes_items_sent_by_a_local_task_each_in_its_own_tick() {
    tokio::time::pause();
    let (input, input_recv) = unbounded_channel::<u32>();
    let (send, mut recv) = unbounded_channel::<(u64, u32)>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv)
            -> map(|x| (context.current_tick(), x * 2))
            -> for_each(|pair| send.send(pair).unwrap());
    };
    let producer = tokio::task::spawn_local(async move {
        for x in 0..5 {
            tokio::time::sleep(Duration::from_millis(10)).await;
            input.send(x).unwrap();
        }
    });
    let result = tokio::time::timeout(Duration::from_millis(200), flow.run()).await;
    assert!(result.is_err(), "run() never returns");
    producer.await.unwrap();
    let got = ready(&mut recv);
    let values: Vec<u32> = got.iter().map(|(_, x)| *x).collect();
    assert_eq!(values, [0, 2, 4, 6, 8]);
    let ticks: Vec<u64> = got.iter().map(|(tick, _)| *tick).collect();
    assert!(
        ticks.windows(2).all(|pair| pair[0] < pair[1]),
        "each item arrives in a later tick: {ticks:?}"
    );
}

#[tideflow::test]
async fn run_sleeps_when_idle_instead_of_spinning() {
    tokio::time::pause();
    let (input, input_recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        source_stream(input_recv) -> null();
    };
    let result = tokio::time::timeout(Duration::from_secs(60), flow.run()).await;
    assert!(result.is_err());
    // Only the first tick ran: nothing woke the flow afterwards.
    assert_eq!(flow.current_tick(), 1);
    drop(input);
}

// ----- dest_sink -----

#[test]
fn dest_sink_backed_up_does_not_stall_the_tick_and_delivers_everything_in_order() {
    // Capacity: buffer 1 + one slot for the single sender.
    let (sink, mut sink_recv) = futures::channel::mpsc::channel::<u32>(1);
    let (input, input_recv) = unbounded_channel::<u32>();
    let (send, mut recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        inp = source_stream(input_recv) -> tee();
        inp -> dest_sink(sink);
        inp -> for_each(|x| send.send(x).unwrap());
    };
    for x in 0..10 {
        input.send(x).unwrap();
    }
    flow.run_tick_sync();
    // The other branch got everything in the same tick.
    assert_eq!(ready(&mut recv), (0..10).collect::<Vec<_>>());

    // More input while the sink is still backed up (nobody reads it).
    for x in 10..15 {
        input.send(x).unwrap();
    }
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), (10..15).collect::<Vec<_>>());
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), Vec::<u32>::new());

    // Reading the sink makes room; the flow is woken and sends the rest, in order.
    let mut delivered = Vec::new();
    for _ in 0..100 {
        delivered.extend(ready(&mut sink_recv));
        if delivered.len() >= 15 {
            break;
        }
        flow.run_available_sync();
    }
    assert_eq!(delivered, (0..15).collect::<Vec<_>>());
}

#[test]
fn dest_sink_alone_keeps_sending_in_later_ticks_without_new_input() {
    let (sink, mut sink_recv) = futures::channel::mpsc::channel::<u32>(0);
    let mut flow = tideflow::flow! {
        source_iter(0..6) -> dest_sink(sink);
    };
    assert_eq!(flow.run_available_sync(), 1);
    let mut delivered = Vec::new();
    for _ in 0..100 {
        delivered.extend(ready(&mut sink_recv));
        if delivered.len() >= 6 {
            break;
        }
        flow.run_available_sync();
    }
    assert_eq!(delivered, [0, 1, 2, 3, 4, 5]);
}

/// A sink that is `Pending` until opened; opening wakes the task that found it closed.
#[derive(Default)]
struct GateState {
    open: bool,
    waker: Option<Waker>,
    delivered: Vec<u32>,
}

struct Gate(Rc<RefCell<GateState>>);

impl Gate {
    fn open(state: &Rc<RefCell<GateState>>) {
        let waker = {
            let mut state = state.borrow_mut();
            state.open = true;
            state.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl Sink<u32> for Gate {
    type Error = Infallible;

    fn poll_ready(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Result<(), Infallible>> {
        let mut state = self.0.borrow_mut();
        if state.open {
            Poll::Ready(Ok(()))
        } else {
            state.waker = Some(cx.waker().clone());
            Poll::Pending
        }
    }

    fn start_send(self: Pin<&mut Self>, item: u32) -> Result<(), Infallible> {
        self.0.borrow_mut().delivered.push(item);
        Ok(())
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut TaskContext<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _: &mut TaskContext<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }
}

#[test]
fn dest_sink_pending_sink_never_blocks_run_tick_sync_or_run_available_sync() {
    let gate = Rc::new(RefCell::new(GateState::default()));
    let (send, mut recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        inp = source_iter([1, 2, 3]) -> tee();
        inp -> dest_sink(Gate(Rc::clone(&gate)));
        inp -> for_each(|x| send.send(x).unwrap());
    };
    assert_eq!(flow.run_available_sync(), 1);
    flow.run_tick_sync();
    assert_eq!(ready(&mut recv), [1, 2, 3]);
    assert_eq!(gate.borrow().delivered, Vec::<u32>::new());
    Gate::open(&gate);
    flow.run_available_sync();
    assert_eq!(gate.borrow().delivered, [1, 2, 3]);
}

#[tideflow::test]
async fn dest_sink_pending_sink_wakes_run_when_it_opens_and_other_outputs_keep_flowing() {
    tokio::time::pause();
    let gate = Rc::new(RefCell::new(GateState::default()));
    let log = Rc::new(RefCell::new(Vec::new()));
    let (input, input_recv) = unbounded_channel::<u32>();
    let mut flow = tideflow::flow! {
        inp = source_stream(input_recv) -> tee();
        inp -> dest_sink(Gate(Rc::clone(&gate)));
        inp -> for_each(|x| log.borrow_mut().push(x));
    };
    let driver = tokio::task::spawn_local({
        let (gate, log) = (Rc::clone(&gate), Rc::clone(&log));
        async move {
            for x in 0..3 {
                input.send(x).unwrap();
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            let seen_while_closed = log.borrow().clone();
            let delivered_while_closed = gate.borrow().delivered.clone();
            Gate::open(&gate);
            tokio::time::sleep(Duration::from_millis(10)).await;
            input.send(3).unwrap();
            (seen_while_closed, delivered_while_closed)
        }
    });
    let result = tokio::time::timeout(Duration::from_millis(200), flow.run()).await;
    assert!(result.is_err(), "run() never returns");
    let (seen_while_closed, delivered_while_closed) = driver.await.unwrap();
    assert_eq!(seen_while_closed, [0, 1, 2]);
    assert_eq!(delivered_while_closed, Vec::<u32>::new());
    assert_eq!(*log.borrow(), [0, 1, 2, 3]);
    assert_eq!(gate.borrow().delivered, [0, 1, 2, 3]);
}
