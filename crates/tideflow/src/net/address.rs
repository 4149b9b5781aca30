//! Turning `host:port` text into a [`SocketAddr`].

use std::io;
use std::net::{SocketAddr, ToSocketAddrs};

/// The first IPv4 address `address` (`"host:port"`) resolves to.
///
/// Resolution may query DNS and block the thread: call it while setting up, not inside a tick.
///
/// ```
/// use tideflow::net::ipv4_resolve;
///
/// let addr = ipv4_resolve("localhost:8080").unwrap();
/// assert!(addr.ip().is_loopback());
/// assert_eq!(addr.port(), 8080);
/// assert!(ipv4_resolve("no port here").is_err());
/// ```
pub fn ipv4_resolve(address: &str) -> io::Result<SocketAddr> {
    address
        .to_socket_addrs()?
        .find(SocketAddr::is_ipv4)
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("`{address}` has no IPv4 address"),
            )
        })
}
