mod socket;
pub mod tls;

#[cfg(feature = "_rt-tokio")]
pub use socket::PINNED_ADDRESS;
pub use socket::{
    connect_tcp, connect_uds, BufferedSocket, Socket, SocketIntoBox, WithSocket, WriteBuffer,
};
