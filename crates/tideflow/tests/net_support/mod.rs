//! Helpers shared by the networking tests: waiting for events with a time limit, and addresses
//! nobody listens on.

#![allow(dead_code)] // Each test file uses its own subset.

use std::fmt::Debug;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use futures::{Stream, StreamExt};
use tideflow::net::{Backoff, NetConfig, NetEvent};

/// How long any one wait in a test may take before it fails.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Awaits `future`, failing the test if it takes longer than [`TIMEOUT`].
pub async fn within<F: Future>(what: &str, future: F) -> F::Output {
    match tokio::time::timeout(TIMEOUT, future).await {
        Ok(output) => output,
        Err(_) => panic!("timed out waiting for {what}"),
    }
}

/// The next event of `events`.
pub async fn next_event<T: Debug>(
    events: &mut (impl Stream<Item = NetEvent<T>> + Unpin),
) -> NetEvent<T> {
    within("the next event", events.next())
        .await
        .expect("the event stream ended")
}

/// Skips events until `pick` returns `Some`, and returns that.
pub async fn wait_for<T: Debug, R>(
    what: &str,
    events: &mut (impl Stream<Item = NetEvent<T>> + Unpin),
    mut pick: impl FnMut(NetEvent<T>) -> Option<R>,
) -> R {
    within(what, async {
        loop {
            let event = events.next().await.expect("the event stream ended");
            if let Some(picked) = pick(event) {
                return picked;
            }
        }
    })
    .await
}

/// The next `count` messages, skipping other events.
pub async fn messages<T: Debug>(
    events: &mut (impl Stream<Item = NetEvent<T>> + Unpin),
    count: usize,
) -> Vec<(T, SocketAddr)> {
    let mut messages = Vec::new();
    while messages.len() < count {
        messages.push(wait_for("a message", events, NetEvent::into_message).await);
    }
    messages
}

/// The peer of the next `Connected` event.
pub async fn connected<T: Debug>(
    events: &mut (impl Stream<Item = NetEvent<T>> + Unpin),
) -> SocketAddr {
    wait_for("a connection", events, |event| match event {
        NetEvent::Connected { peer } => Some(peer),
        _ => None,
    })
    .await
}

/// A loopback address that nobody listens on (a port that was free a moment ago).
pub fn closed_tcp_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a probe listener");
    listener.local_addr().expect("the probe's address")
}

/// A UDP loopback address with no socket behind it.
pub fn closed_udp_port() -> SocketAddr {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind a probe socket");
    socket.local_addr().expect("the probe's address")
}

/// A configuration that retries quickly, so tests about reconnecting finish fast.
pub fn fast_retries(give_up_after: Option<u32>) -> NetConfig {
    NetConfig::default().with_backoff(
        Backoff::default()
            .with_initial(Duration::from_millis(10))
            .with_max(Duration::from_millis(100))
            .with_give_up_after(give_up_after),
    )
}
