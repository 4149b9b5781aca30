//! Tuning knobs for sockets: queue sizes, frame limits, connect timeouts and reconnect backoff.

use std::time::Duration;

/// How a socket's sink and stream behave. [`NetConfig::default`] suits most transducers; the
/// `with_*` methods change one setting.
///
/// ```
/// use std::time::Duration;
/// use tideflow::net::{Backoff, NetConfig};
///
/// let config = NetConfig::default()
///     .with_queue_capacity(64)
///     .with_backoff(Backoff::default().with_initial(Duration::from_millis(10)));
/// assert_eq!(config.queue_capacity, 64);
/// assert_eq!(config.backoff.initial, Duration::from_millis(10));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NetConfig {
    /// Messages queued per peer (TCP) or per socket (UDP) that are not yet written. When a
    /// peer's queue is full, a message to it is dropped and reported as a
    /// [`super::NetEvent::SendFailed`] with [`super::NetError::QueueFull`]; other peers are
    /// unaffected. Default 4096.
    pub queue_capacity: usize,
    /// Received events buffered before the socket's readers wait for the flow to take them (then
    /// TCP's flow control slows the senders down). Default 1024.
    pub event_capacity: usize,
    /// The longest frame accepted or sent, in bytes; a longer incoming frame is a framing error
    /// that closes the connection. Default 8 MiB.
    pub max_frame_length: usize,
    /// How long one connect attempt may take. Default 5 s.
    pub connect_timeout: Duration,
    /// How connecting sinks retry.
    pub backoff: Backoff,
    /// How long a bound TCP socket keeps writing to a peer that closed its sending side (a
    /// client that half-closes, like `nc -N`, still gets its replies). The peer is reported
    /// [`super::NetEvent::Disconnected`] at once either way; until the linger ends, messages to
    /// it are still written (where a peer that closed both sides loses them unnoticed) instead
    /// of being reported as [`super::NetError::NotConnected`]. Default zero.
    pub linger: Duration,
}

impl Default for NetConfig {
    fn default() -> Self {
        Self {
            queue_capacity: 4096,
            event_capacity: 1024,
            max_frame_length: 8 * 1024 * 1024,
            connect_timeout: Duration::from_secs(5),
            backoff: Backoff::default(),
            linger: Duration::ZERO,
        }
    }
}

impl NetConfig {
    /// Sets [`NetConfig::queue_capacity`] (at least 1).
    pub fn with_queue_capacity(mut self, capacity: usize) -> Self {
        self.queue_capacity = capacity.max(1);
        self
    }

    /// Sets [`NetConfig::event_capacity`] (at least 1).
    pub fn with_event_capacity(mut self, capacity: usize) -> Self {
        self.event_capacity = capacity.max(1);
        self
    }

    /// Sets [`NetConfig::max_frame_length`].
    pub fn with_max_frame_length(mut self, bytes: usize) -> Self {
        self.max_frame_length = bytes;
        self
    }

    /// Sets [`NetConfig::connect_timeout`].
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets [`NetConfig::linger`].
    pub fn with_linger(mut self, linger: Duration) -> Self {
        self.linger = linger;
        self
    }

    /// Sets [`NetConfig::backoff`].
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }
}

/// Exponential backoff between connect attempts: the first retry waits `initial`, each next one
/// twice as long, up to `max`. After `give_up_after` consecutive failed attempts the sink gives
/// up on the peer (its queued messages are reported unsent) until the next message to it.
///
/// ```
/// use std::time::Duration;
/// use tideflow::net::Backoff;
///
/// let backoff = Backoff::default()
///     .with_initial(Duration::from_millis(100))
///     .with_max(Duration::from_millis(300));
/// let delays: Vec<_> = (1..=4).map(|attempt| backoff.delay_after(attempt)).collect();
/// assert_eq!(delays, [100, 200, 300, 300].map(Duration::from_millis));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Backoff {
    /// The wait after the first failure. Default 50 ms.
    pub initial: Duration,
    /// The longest wait. Default 2 s.
    pub max: Duration,
    /// Consecutive failed attempts before giving up; `None` retries forever. Default 10
    /// (about 12 s with the default delays).
    pub give_up_after: Option<u32>,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(50),
            max: Duration::from_secs(2),
            give_up_after: Some(10),
        }
    }
}

impl Backoff {
    /// Sets [`Backoff::initial`].
    pub fn with_initial(mut self, initial: Duration) -> Self {
        self.initial = initial;
        self
    }

    /// Sets [`Backoff::max`].
    pub fn with_max(mut self, max: Duration) -> Self {
        self.max = max;
        self
    }

    /// Sets [`Backoff::give_up_after`].
    pub fn with_give_up_after(mut self, attempts: Option<u32>) -> Self {
        self.give_up_after = attempts;
        self
    }

    /// The wait after `failures` consecutive failed attempts (`failures >= 1`).
    pub fn delay_after(&self, failures: u32) -> Duration {
        let doublings = failures.saturating_sub(1).min(31);
        self.initial.saturating_mul(1u32 << doublings).min(self.max)
    }

    /// Whether to stop after `failures` consecutive failed attempts.
    pub fn gives_up_after(&self, failures: u32) -> bool {
        self.give_up_after.is_some_and(|limit| failures >= limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_saturates_and_gives_up() {
        let backoff = Backoff::default();
        assert_eq!(backoff.delay_after(1), Duration::from_millis(50));
        assert_eq!(backoff.delay_after(3), Duration::from_millis(200));
        assert_eq!(backoff.delay_after(100), Duration::from_secs(2));
        assert!(!backoff.gives_up_after(9));
        assert!(backoff.gives_up_after(10));
        assert!(!backoff.with_give_up_after(None).gives_up_after(u32::MAX));
    }
}
