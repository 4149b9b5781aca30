//! Two-phase commit: a coordinator and its subordinates (the `two-pc` binary).
//!
//! The coordinator reads transaction ids from standard input (`begin T1`), sends
//! [`ToSubordinate::Prepare`] to every subordinate, and decides: **commit** when every
//! subordinate votes yes, **abort** when one votes no, cannot be reached, loses its connection
//! before voting, or does not vote within the timeout. It prints the decision (`T1 committed`,
//! `T1 aborted (...)`) and sends it to every subordinate, which acknowledges it.
//!
//! A subordinate votes by its rule (`--vote yes|no`, `--vote-no T2,T3`), and prints what it
//! does: `T1 prepared yes`, `T1 committed`, `T1 aborted`. It commits only a transaction it
//! voted yes on.
//!
//! The coordinator's protocol state is a plain state machine ([`Coordinator`]), fed by one
//! flow that merges standard input, the subordinates' messages and failures, and a timer, and
//! routes its [`Action`]s to the network and the terminal with `demux_enum`.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tideflow::net::{Bytes, NetEvent, NetEvents, NetSink, RawBytes};
use tideflow::Flow;
use tokio::sync::mpsc::UnboundedSender;

use crate::common::{say, warn, StdinLine};

/// The program name used in warnings.
const PROGRAM: &str = "two-pc";

/// How often the coordinator checks for timeouts.
const TIMER_PERIOD: Duration = Duration::from_millis(50);

/// What the coordinator sends to a subordinate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ToSubordinate {
    /// Phase one: prepare `tx` and vote.
    Prepare {
        /// The transaction.
        tx: String,
    },
    /// Phase two: commit `tx`.
    Commit {
        /// The transaction.
        tx: String,
    },
    /// Phase two: abort `tx`.
    Abort {
        /// The transaction.
        tx: String,
    },
}

/// What a subordinate sends to the coordinator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ToCoordinator {
    /// The subordinate's vote on `tx`.
    Vote {
        /// The transaction.
        tx: String,
        /// Whether it can commit.
        yes: bool,
    },
    /// The subordinate carried out the decision on `tx`.
    Ack {
        /// The transaction.
        tx: String,
    },
}

/// Something the coordinator reacts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoordinatorEvent {
    /// Start a transaction (`begin T1` on standard input).
    Begin(String),
    /// A subordinate voted.
    Vote {
        /// The transaction.
        tx: String,
        /// The subordinate.
        from: SocketAddr,
        /// Its vote.
        yes: bool,
    },
    /// A subordinate acknowledged a decision.
    Ack {
        /// The transaction.
        tx: String,
        /// The subordinate.
        from: SocketAddr,
    },
    /// A subordinate cannot be reached or its connection broke.
    Down {
        /// The subordinate.
        peer: SocketAddr,
        /// What happened.
        reason: String,
    },
    /// Time passed: check the deadlines.
    Tick,
    /// Standard input ended: exit once every transaction is decided and acknowledged.
    InputEnded,
}

/// Something the coordinator does, routed by the flow with `demux_enum`.
#[derive(Debug, Clone, PartialEq, Eq, tideflow::DemuxEnum)]
pub enum Action {
    /// Send `message` to subordinate `to`.
    Send {
        /// The message.
        message: ToSubordinate,
        /// The subordinate.
        to: SocketAddr,
    },
    /// Print a line on standard output (the decision log).
    Log {
        /// The line.
        line: String,
    },
    /// Print a warning on standard error.
    Warn {
        /// The warning.
        line: String,
    },
    /// Nothing is left to do after the input ended: exit.
    Exit,
}

/// A transaction waiting for votes.
#[derive(Debug)]
struct Voting {
    yes: BTreeSet<SocketAddr>,
    deadline: Instant,
}

/// A decided transaction waiting for acknowledgements.
#[derive(Debug)]
struct Acknowledging {
    waiting_for: BTreeSet<SocketAddr>,
    deadline: Instant,
}

/// The coordinator's side of two-phase commit, as a state machine: [`Coordinator::handle`]
/// takes an event and returns the actions to take.
///
/// ```
/// use std::time::{Duration, Instant};
/// use tideflow_example_services::two_pc::{Action, Coordinator, CoordinatorEvent, ToSubordinate};
///
/// let a = "127.0.0.1:5001".parse().unwrap();
/// let b = "127.0.0.1:5002".parse().unwrap();
/// let mut coordinator = Coordinator::new(vec![a, b], Duration::from_secs(1));
/// let now = Instant::now();
/// let prepare = coordinator.handle(CoordinatorEvent::Begin("T1".into()), now);
/// assert_eq!(prepare.len(), 2); // a Prepare to each subordinate
/// coordinator.handle(CoordinatorEvent::Vote { tx: "T1".into(), from: a, yes: true }, now);
/// let decision = coordinator.handle(CoordinatorEvent::Vote { tx: "T1".into(), from: b, yes: true }, now);
/// assert!(decision.contains(&Action::Log { line: "T1 committed".into() }));
/// assert!(decision.contains(&Action::Send { message: ToSubordinate::Commit { tx: "T1".into() }, to: b }));
/// ```
#[derive(Debug)]
pub struct Coordinator {
    subordinates: Vec<SocketAddr>,
    timeout: Duration,
    voting: BTreeMap<String, Voting>,
    acknowledging: BTreeMap<String, Acknowledging>,
    begun: HashSet<String>,
    input_ended: bool,
    exited: bool,
}

impl Coordinator {
    /// A coordinator for `subordinates` that aborts a transaction when a vote (or, after the
    /// decision, an acknowledgement) takes longer than `timeout`.
    pub fn new(subordinates: Vec<SocketAddr>, timeout: Duration) -> Self {
        let mut unique = Vec::new();
        for subordinate in subordinates {
            if !unique.contains(&subordinate) {
                unique.push(subordinate);
            }
        }
        Self {
            subordinates: unique,
            timeout,
            voting: BTreeMap::new(),
            acknowledging: BTreeMap::new(),
            begun: HashSet::new(),
            input_ended: false,
            exited: false,
        }
    }

    /// Handles `event` at time `now`; returns the actions to take, in order.
    pub fn handle(&mut self, event: CoordinatorEvent, now: Instant) -> Vec<Action> {
        let mut actions = Vec::new();
        match event {
            CoordinatorEvent::Begin(tx) => self.begin(tx, now, &mut actions),
            CoordinatorEvent::Vote { tx, from, yes } => {
                if !self.subordinates.contains(&from) {
                    actions.push(Action::Warn {
                        line: format!("ignored a vote on {tx} from {from}, not a subordinate"),
                    });
                } else if yes {
                    let all_voted = self.voting.get_mut(&tx).is_some_and(|voting| {
                        voting.yes.insert(from);
                        voting.yes.len() == self.subordinates.len()
                    });
                    if all_voted {
                        self.decide(tx, true, String::new(), now, &mut actions);
                    }
                } else if self.voting.contains_key(&tx) {
                    self.decide(tx, false, format!("{from} voted no"), now, &mut actions);
                }
            }
            CoordinatorEvent::Ack { tx, from } => {
                if let Some(acknowledging) = self.acknowledging.get_mut(&tx) {
                    acknowledging.waiting_for.remove(&from);
                    if acknowledging.waiting_for.is_empty() {
                        self.acknowledging.remove(&tx);
                    }
                }
            }
            CoordinatorEvent::Down { peer, reason } => self.down(peer, &reason, now, &mut actions),
            CoordinatorEvent::Tick => self.check_deadlines(now, &mut actions),
            CoordinatorEvent::InputEnded => self.input_ended = true,
        }
        if self.input_ended
            && !self.exited
            && self.voting.is_empty()
            && self.acknowledging.is_empty()
        {
            self.exited = true;
            actions.push(Action::Exit);
        }
        actions
    }

    fn begin(&mut self, tx: String, now: Instant, actions: &mut Vec<Action>) {
        if !self.begun.insert(tx.clone()) {
            actions.push(Action::Warn {
                line: format!("{tx} was already begun; ignored"),
            });
            return;
        }
        for &to in &self.subordinates {
            let message = ToSubordinate::Prepare { tx: tx.clone() };
            actions.push(Action::Send { message, to });
        }
        let voting = Voting {
            yes: BTreeSet::new(),
            deadline: now + self.timeout,
        };
        self.voting.insert(tx, voting);
    }

    /// Records the decision on `tx`, prints it and sends it to every subordinate.
    fn decide(
        &mut self,
        tx: String,
        commit: bool,
        reason: String,
        now: Instant,
        actions: &mut Vec<Action>,
    ) {
        if self.voting.remove(&tx).is_none() {
            return; // already decided
        }
        let line = if commit {
            format!("{tx} committed")
        } else {
            format!("{tx} aborted ({reason})")
        };
        actions.push(Action::Log { line });
        for &to in &self.subordinates {
            let tx = tx.clone();
            let message = if commit {
                ToSubordinate::Commit { tx }
            } else {
                ToSubordinate::Abort { tx }
            };
            actions.push(Action::Send { message, to });
        }
        let acknowledging = Acknowledging {
            waiting_for: self.subordinates.iter().copied().collect(),
            deadline: now + self.timeout,
        };
        self.acknowledging.insert(tx, acknowledging);
    }

    /// A subordinate failed: abort what it has not voted yes on, and stop waiting for its
    /// acknowledgements (the decision stays queued for it and is delivered if it comes back).
    fn down(&mut self, peer: SocketAddr, reason: &str, now: Instant, actions: &mut Vec<Action>) {
        if !self.subordinates.contains(&peer) {
            return;
        }
        let undecided: Vec<String> = self
            .voting
            .iter()
            .filter(|(_, voting)| !voting.yes.contains(&peer))
            .map(|(tx, _)| tx.clone())
            .collect();
        for tx in undecided {
            let reason = format!("{peer} failed: {reason}");
            self.decide(tx, false, reason, now, actions);
        }
        self.acknowledging.retain(|_, acknowledging| {
            acknowledging.waiting_for.remove(&peer);
            !acknowledging.waiting_for.is_empty()
        });
    }

    fn check_deadlines(&mut self, now: Instant, actions: &mut Vec<Action>) {
        let expired: Vec<(String, Vec<SocketAddr>)> = self
            .voting
            .iter()
            .filter(|(_, voting)| voting.deadline <= now)
            .map(|(tx, voting)| {
                let silent = self
                    .subordinates
                    .iter()
                    .filter(|subordinate| !voting.yes.contains(subordinate))
                    .copied()
                    .collect();
                (tx.clone(), silent)
            })
            .collect();
        for (tx, silent) in expired {
            let silent: Vec<String> = silent.iter().map(ToString::to_string).collect();
            let reason = format!(
                "timed out after {:?} waiting for {}",
                self.timeout,
                silent.join(", ")
            );
            self.decide(tx, false, reason, now, actions);
        }
        self.acknowledging.retain(|tx, acknowledging| {
            let keep = acknowledging.deadline > now;
            if !keep {
                let silent: Vec<String> = acknowledging
                    .waiting_for
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                actions.push(Action::Warn {
                    line: format!("{tx}: no acknowledgement from {}", silent.join(", ")),
                });
            }
            keep
        });
    }
}

/// Parses a coordinator command: `begin TX`. Prints a usage message for anything else (an
/// empty line is skipped).
///
/// ```
/// use tideflow_example_services::common::StdinLine;
/// use tideflow_example_services::two_pc::{coordinator_command, CoordinatorEvent};
///
/// let begin = coordinator_command(StdinLine::Line("begin T1".into()));
/// assert_eq!(begin, Some(CoordinatorEvent::Begin("T1".into())));
/// assert_eq!(coordinator_command(StdinLine::End), Some(CoordinatorEvent::InputEnded));
/// ```
pub fn coordinator_command(line: StdinLine) -> Option<CoordinatorEvent> {
    let line = match line {
        StdinLine::Line(line) => line,
        StdinLine::End => return Some(CoordinatorEvent::InputEnded),
    };
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        [] => None,
        ["begin", tx] => Some(CoordinatorEvent::Begin((*tx).to_owned())),
        _ => {
            warn(
                PROGRAM,
                format!("unknown command `{}` (usage: begin TX)", line.trim()),
            );
            None
        }
    }
}

/// The coordinator's view of a network event: votes, acknowledgements and failures.
pub fn coordinator_event(event: NetEvent<ToCoordinator>) -> Option<CoordinatorEvent> {
    match event {
        NetEvent::Message {
            from,
            message: ToCoordinator::Vote { tx, yes },
        } => Some(CoordinatorEvent::Vote { tx, from, yes }),
        NetEvent::Message {
            from,
            message: ToCoordinator::Ack { tx },
        } => Some(CoordinatorEvent::Ack { tx, from }),
        NetEvent::ConnectFailed { peer, error, .. } => Some(CoordinatorEvent::Down {
            peer,
            reason: error.to_string(),
        }),
        NetEvent::Disconnected { peer, reason } => Some(CoordinatorEvent::Down {
            peer,
            reason: reason.to_string(),
        }),
        NetEvent::SendFailed { to, error } => Some(CoordinatorEvent::Down {
            peer: to,
            reason: error.to_string(),
        }),
        NetEvent::DecodeError { from, error } => {
            warn(PROGRAM, format!("ignored a message from {from}: {error}"));
            None
        }
        NetEvent::SocketError { error } => {
            warn(PROGRAM, format!("socket error: {error}"));
            None
        }
        NetEvent::Connected { .. } => None,
    }
}

/// The coordinator: feeds standard input, the subordinates' messages and a timer into a
/// [`Coordinator`] and carries out its actions; sends `()` to `done` when the input has ended
/// and every transaction is decided and acknowledged.
///
/// `to_subordinates` / `from_subordinates` are a connecting byte socket (`connect_tcp_bytes`).
pub fn coordinator_flow(
    to_subordinates: NetSink<Bytes, RawBytes>,
    from_subordinates: NetEvents<Bytes, RawBytes>,
    subordinates: Vec<SocketAddr>,
    timeout: Duration,
    stdin: impl futures::Stream<Item = StdinLine> + Unpin + 'static,
    done: UnboundedSender<()>,
) -> Flow<'static> {
    let mut coordinator = Coordinator::new(subordinates, timeout);
    tideflow::flow! {
        events = union()
            -> flat_map(move |event| coordinator.handle(event, std::time::Instant::now()))
            -> demux_enum::<Action>();
        source_stream(stdin) -> filter_map(coordinator_command) -> events;
        source_stream_serde::<ToCoordinator>(from_subordinates)
            -> filter_map(coordinator_event)
            -> events;
        source_interval(TIMER_PERIOD) -> map(|()| CoordinatorEvent::Tick) -> events;

        events[Send] -> dest_sink_serde(to_subordinates);
        events[Log] -> for_each(|(line,): (String,)| say(line));
        events[Warn] -> for_each(|(line,): (String,)| warn(PROGRAM, line));
        events[Exit] -> for_each(move |()| {
            // The receiver is only gone when `main` is already exiting.
            let _ = done.send(());
        });
    }
}

/// How a subordinate votes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VoteRule {
    /// The vote on transactions not listed in `no_on`.
    pub yes: bool,
    /// Transactions to vote no on.
    pub no_on: HashSet<String>,
}

impl VoteRule {
    /// The vote on `tx`.
    ///
    /// ```
    /// use tideflow_example_services::two_pc::VoteRule;
    ///
    /// let rule = VoteRule { yes: true, no_on: ["T2".to_string()].into() };
    /// assert!(rule.vote("T1"));
    /// assert!(!rule.vote("T2"));
    /// ```
    pub fn vote(&self, tx: &str) -> bool {
        self.yes && !self.no_on.contains(tx)
    }
}

/// A message as the subordinate's flow routes it, with its sender.
#[derive(Debug, tideflow::DemuxEnum)]
pub enum SubordinateInput {
    /// Prepare and vote.
    Prepare {
        /// The transaction.
        tx: String,
        /// The coordinator.
        from: SocketAddr,
    },
    /// Commit.
    Commit {
        /// The transaction.
        tx: String,
        /// The coordinator.
        from: SocketAddr,
    },
    /// Abort.
    Abort {
        /// The transaction.
        tx: String,
        /// The coordinator.
        from: SocketAddr,
    },
}

/// The subordinate's view of a network event: the coordinator's messages; failures are
/// reported on standard error.
pub fn subordinate_input(event: NetEvent<ToSubordinate>) -> Option<SubordinateInput> {
    match event {
        NetEvent::Message { from, message } => Some(match message {
            ToSubordinate::Prepare { tx } => SubordinateInput::Prepare { tx, from },
            ToSubordinate::Commit { tx } => SubordinateInput::Commit { tx, from },
            ToSubordinate::Abort { tx } => SubordinateInput::Abort { tx, from },
        }),
        NetEvent::DecodeError { from, error } => {
            warn(PROGRAM, format!("ignored a message from {from}: {error}"));
            None
        }
        NetEvent::SendFailed { to, error } => {
            warn(PROGRAM, format!("could not answer {to}: {error}"));
            None
        }
        NetEvent::SocketError { error } => {
            warn(PROGRAM, format!("socket error: {error}"));
            None
        }
        _ => None,
    }
}

/// A subordinate: votes on each `Prepare` by `rule`, commits the transactions it voted yes
/// on when told to, aborts when told to, and acknowledges decisions.
///
/// `replies` / `received` are the subordinate's bound byte socket (`bind_tcp_bytes`).
pub fn subordinate_flow(
    replies: NetSink<Bytes, RawBytes>,
    received: NetEvents<Bytes, RawBytes>,
    rule: VoteRule,
) -> Flow<'static> {
    tideflow::flow! {
        received = source_stream_serde::<ToSubordinate>(received)
            -> filter_map(subordinate_input)
            -> demux_enum::<SubordinateInput>();

        votes = received[Prepare] -> map(move |(tx, from)| (rule.vote(&tx), tx, from)) -> tee();
        votes -> for_each(|(yes, tx, _from): (bool, String, SocketAddr)| {
            say(format!("{tx} prepared {}", if yes { "yes" } else { "no" }));
        });
        votes -> map(|(yes, tx, from)| (ToCoordinator::Vote { tx, yes }, from)) -> replies;

        // Commit only what this subordinate voted yes on (remembered for good: `'static`).
        votes -> filter(|(yes, _tx, _from)| *yes) -> map(|(_yes, tx, _from)| (tx, ())) -> [1]commits;
        received[Commit] -> [0]commits;
        commits = join::<'tick, 'static>() -> map(|(tx, (from, ()))| (tx, from)) -> committed;
        committed = tee();
        committed -> for_each(|(tx, _from): (String, SocketAddr)| say(format!("{tx} committed")));
        committed -> map(|(tx, from)| (ToCoordinator::Ack { tx }, from)) -> replies;

        aborted = received[Abort] -> tee();
        aborted -> for_each(|(tx, _from): (String, SocketAddr)| say(format!("{tx} aborted")));
        aborted -> map(|(tx, from)| (ToCoordinator::Ack { tx }, from)) -> replies;

        replies = union() -> dest_sink_serde(replies);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    fn logs(actions: &[Action]) -> Vec<&str> {
        actions
            .iter()
            .filter_map(|action| match action {
                Action::Log { line } => Some(line.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn one_no_vote_aborts_and_late_votes_change_nothing() {
        let mut coordinator = Coordinator::new(vec![addr(1), addr(2)], Duration::from_secs(5));
        let now = Instant::now();
        coordinator.handle(CoordinatorEvent::Begin("T".into()), now);
        let vote = |from, yes| CoordinatorEvent::Vote {
            tx: "T".into(),
            from,
            yes,
        };
        let aborted = coordinator.handle(vote(addr(2), false), now);
        assert_eq!(logs(&aborted), ["T aborted (127.0.0.1:2 voted no)"]);
        assert_eq!(
            aborted.len(),
            3,
            "the log line and an Abort to each: {aborted:?}"
        );
        assert!(coordinator.handle(vote(addr(1), true), now).is_empty());
    }

    #[test]
    fn silence_times_out_and_failures_abort_only_what_is_not_voted() {
        let mut coordinator = Coordinator::new(vec![addr(1), addr(2)], Duration::from_secs(1));
        let start = Instant::now();
        coordinator.handle(CoordinatorEvent::Begin("A".into()), start);
        coordinator.handle(CoordinatorEvent::Begin("B".into()), start);
        let yes = CoordinatorEvent::Vote {
            tx: "A".into(),
            from: addr(1),
            yes: true,
        };
        coordinator.handle(yes, start);
        let down = CoordinatorEvent::Down {
            peer: addr(1),
            reason: "refused".into(),
        };
        let aborted = coordinator.handle(down, start);
        assert_eq!(logs(&aborted), ["B aborted (127.0.0.1:1 failed: refused)"]);
        let later = start + Duration::from_secs(2);
        let timed_out = coordinator.handle(CoordinatorEvent::Tick, later);
        assert_eq!(
            logs(&timed_out),
            ["A aborted (timed out after 1s waiting for 127.0.0.1:2)"]
        );
    }

    #[test]
    fn the_coordinator_exits_after_the_input_once_everything_is_acknowledged() {
        let mut coordinator = Coordinator::new(vec![addr(1)], Duration::from_secs(1));
        let now = Instant::now();
        coordinator.handle(CoordinatorEvent::Begin("T".into()), now);
        assert!(!coordinator
            .handle(CoordinatorEvent::InputEnded, now)
            .contains(&Action::Exit));
        let vote = CoordinatorEvent::Vote {
            tx: "T".into(),
            from: addr(1),
            yes: true,
        };
        assert_eq!(logs(&coordinator.handle(vote, now)), ["T committed"]);
        let ack = CoordinatorEvent::Ack {
            tx: "T".into(),
            from: addr(1),
        };
        assert_eq!(coordinator.handle(ack, now), [Action::Exit]);
    }
}
