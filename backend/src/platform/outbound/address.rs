//! Which IP addresses an outbound request may reach: public ones only, plus `IpNet` exceptions.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// IPv4 ranges that are not the public internet, as (network, prefix length).
const PRIVATE_V4: &[([u8; 4], u8)] = &[
    ([0, 0, 0, 0], 8),       // "this network"; 0.0.0.0 reaches the local host on Linux
    ([10, 0, 0, 0], 8),      // private
    ([100, 64, 0, 0], 10),   // carrier-grade NAT
    ([127, 0, 0, 0], 8),     // loopback
    ([169, 254, 0, 0], 16),  // link-local, home of cloud metadata (169.254.169.254)
    ([172, 16, 0, 0], 12),   // private
    ([192, 0, 0, 0], 24),    // IETF protocol assignments
    ([192, 0, 2, 0], 24),    // documentation (TEST-NET-1)
    ([192, 88, 99, 0], 24),  // deprecated 6to4 relay anycast
    ([192, 168, 0, 0], 16),  // private
    ([198, 18, 0, 0], 15),   // benchmarking
    ([198, 51, 100, 0], 24), // documentation (TEST-NET-2)
    ([203, 0, 113, 0], 24),  // documentation (TEST-NET-3)
    ([224, 0, 0, 0], 4),     // multicast
    ([240, 0, 0, 0], 4),     // reserved, includes broadcast 255.255.255.255
];

/// Whether `ip` is an ordinary public internet address, safe to let users point requests at.
///
/// IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo) are
/// judged by that address, since they can be routed to it.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let ip = u32::from(ip);
    !PRIVATE_V4
        .iter()
        .any(|&(net, len)| ip & mask_v4(len) == u32::from_be_bytes(net))
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let bits = u128::from(ip);
    let in_net = |net: u128, len: u8| bits & mask_v6(len) == net;
    let embedded = Ipv4Addr::from(bits as u32);

    if ip.is_unspecified() || ip.is_loopback() {
        return false;
    }
    // ::ffff:a.b.c.d (mapped), ::a.b.c.d (deprecated compatible) and 64:ff9b::a.b.c.d (NAT64)
    // all end up at a.b.c.d.
    if in_net(0xffff << 32, 96) || in_net(0, 96) || in_net(0x64_ff9b << 96, 96) {
        return is_public_v4(embedded);
    }
    // 6to4 (2002::/16) carries its IPv4 address in bits 16..48.
    if in_net(0x2002 << 112, 16) {
        return is_public_v4(Ipv4Addr::from((bits >> 80) as u32));
    }
    // Teredo (2001::/32, RFC 4380) is relayed over UDP to the client's IPv4 address, kept
    // inverted in the last 32 bits; its server's address, in bits 32..64, is contacted too.
    if in_net(0x2001_0000 << 96, 32) {
        let client = Ipv4Addr::from(!(bits as u32));
        let server = Ipv4Addr::from((bits >> 64) as u32);
        return is_public_v4(client) && is_public_v4(server);
    }
    // Only 2000::/3 is allocated as global unicast; everything else — unique-local fc00::/7,
    // link-local fe80::/10, multicast ff00::/8, local NAT64 64:ff9b:1::/48, discard 100::/64 —
    // lies outside it, so an allowlist is safer than enumerating what to refuse.
    if !in_net(0x2000 << 112, 3) {
        return false;
    }
    // Special-purpose ranges inside 2000::/3: documentation and benchmarking.
    !(in_net(0x2001_0db8 << 96, 32) || in_net(0x2001_0002 << 96, 48))
}

fn mask_v4(len: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0)
}

fn mask_v6(len: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0)
}

/// An IP network: an address and a prefix length, e.g. `10.0.0.0/8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    /// A network of `addr` with `prefix` leading bits; `None` if the prefix is too long.
    pub fn new(addr: IpAddr, prefix: u8) -> Option<Self> {
        let max = if addr.is_ipv4() { 32 } else { 128 };
        (prefix <= max).then_some(Self { addr, prefix })
    }

    pub fn addr(&self) -> IpAddr {
        self.addr
    }

    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    /// Whether `ip` lies inside the network; an IPv4-mapped IPv6 address counts as its IPv4
    /// address, so that `::ffff:127.0.0.1` matches `127.0.0.1/32`.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = mask_v4(self.prefix);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = mask_v6(self.prefix);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl From<IpAddr> for IpNet {
    fn from(addr: IpAddr) -> Self {
        let prefix = if addr.is_ipv4() { 32 } else { 128 };
        Self { addr, prefix }
    }
}

impl fmt::Display for IpNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// A string that is not `address` or `address/prefix`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid IP network {0:?}: expected e.g. 10.0.0.0/8 or 127.0.0.1")]
pub struct InvalidIpNet(pub String);

impl FromStr for IpNet {
    type Err = InvalidIpNet;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || InvalidIpNet(s.to_owned());
        let trimmed = s.trim();
        match trimmed.split_once('/') {
            None => trimmed
                .parse::<IpAddr>()
                .map(IpNet::from)
                .map_err(|_| invalid()),
            Some((addr, prefix)) => {
                let addr = addr.parse::<IpAddr>().map_err(|_| invalid())?;
                // Reject signs and spaces that `u8::from_str` would let through.
                if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(invalid());
                }
                let prefix = prefix.parse::<u8>().map_err(|_| invalid())?;
                IpNet::new(addr, prefix).ok_or_else(invalid)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn assert_private(addrs: &[&str]) {
        for a in addrs {
            assert!(!is_public(ip(a)), "{a} should be refused");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for a in [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.215.14",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.167.255.255",
            "198.17.255.255",
            "198.20.0.0",
            "223.255.255.255",
            "2606:4700::1111",
            "2001:4860:4860::8888",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ] {
            assert!(is_public(ip(a)), "{a} should be public");
        }
    }

    #[test]
    fn ipv4_private_ranges() {
        assert_private(&["10.0.0.0", "10.1.2.3", "10.255.255.255"]);
        assert_private(&["172.16.0.0", "172.20.1.1", "172.31.255.255"]);
        assert_private(&["192.168.0.1", "192.168.255.255"]);
    }

    #[test]
    fn ipv4_loopback_link_local_cgnat_this_network() {
        assert_private(&["127.0.0.1", "127.0.0.2", "127.255.255.254"]);
        assert_private(&["169.254.169.254", "169.254.0.1", "169.254.255.255"]);
        assert_private(&["100.64.0.1", "100.100.100.200", "100.127.255.255"]);
        assert_private(&["0.0.0.0", "0.1.2.3", "0.255.255.255"]);
    }

    #[test]
    fn ipv4_broadcast_multicast_reserved() {
        assert_private(&["255.255.255.255"]);
        assert_private(&["224.0.0.1", "239.255.255.250", "233.1.1.1"]);
        assert_private(&["240.0.0.1", "250.1.2.3", "254.255.255.255"]);
    }

    #[test]
    fn ipv4_documentation_benchmarking_protocol() {
        assert_private(&["192.0.2.1", "198.51.100.7", "203.0.113.200"]);
        assert_private(&["198.18.0.1", "198.19.255.255"]);
        assert_private(&["192.0.0.1", "192.0.0.170", "192.0.0.255"]);
    }

    #[test]
    fn ipv6_special_ranges() {
        assert_private(&["::1", "::"]);
        assert_private(&["fd00::1", "fc00::1", "fdff:ffff::1"]);
        assert_private(&["fe80::1", "febf::1"]);
        assert_private(&["ff02::1", "ff0e::1", "ff00::"]);
        assert_private(&["2001:db8::1", "2001:db8:ffff::1"]);
        assert_private(&["fec0::1", "100::1", "64:ff9b:1::1"]);
    }

    #[test]
    fn ipv6_embedded_ipv4_judged_by_ipv4() {
        assert_private(&[
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "::ffff:169.254.169.254",
        ]);
        assert_private(&["::ffff:0.0.0.0", "::ffff:192.168.1.1"]);
        assert_private(&[
            "64:ff9b::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b::10.0.0.1",
        ]);
        assert_private(&["::127.0.0.1", "::10.0.0.1"]);
        assert_private(&["2002:7f00:1::", "2002:a00:1::1"]);
    }

    #[test]
    fn teredo_is_judged_by_its_client_and_server_ipv4() {
        // The client's address is stored inverted: 8.8.8.8 as f7f7:f7f7, with a public
        // server (65.54.227.120).
        assert!(is_public(ip("2001:0:4136:e378:8000:63bf:f7f7:f7f7")));
        assert!(is_public(ip("2001::4136:e378:0:0:f7f7:f7f7")));
        assert_private(&[
            "2001:0:4136:e378:8000:63bf:80ff:fffe", // client 127.0.0.1
            "2001:0:4136:e378:8000:63bf:f5ff:fffe", // client 10.0.0.1
            "2001:0:4136:e378:8000:63bf:5601:5601", // client 169.254.169.254
            "2001:0:4136:e378:8000:63bf:3f57:fefe", // client 192.168.1.1
            "2001:0:4136:e378:8000:63bf:ffff:ffff", // client 0.0.0.0
            "2001:0:4136:e378:8000:63bf:3fff:fdd2", // RFC 4380's example: 192.0.2.45
            "2001:0:a00:1::f7f7:f7f7",              // server 10.0.0.1
            "2001:0:7f00:1::f7f7:f7f7",             // server 127.0.0.1
        ]);
        // Beyond 2001::/32 the last bits are no IPv4 address.
        assert!(is_public(ip("2001:4860:4860::8888")));
        assert!(is_public(ip("2001:1::80ff:fffe")));
    }

    #[test]
    fn ipnet_parses() {
        let net: IpNet = "10.0.0.0/8".parse().unwrap();
        assert_eq!((net.addr(), net.prefix()), (ip("10.0.0.0"), 8));
        let net: IpNet = "127.0.0.1".parse().unwrap();
        assert_eq!(net.prefix(), 32);
        let net: IpNet = "::1".parse().unwrap();
        assert_eq!(net.prefix(), 128);
        let net: IpNet = "fd00::/8".parse().unwrap();
        assert_eq!(net.prefix(), 8);
        assert_eq!(net.to_string(), "fd00::/8");
        for bad in [
            "",
            "10.0.0.0/33",
            "::/129",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "x/8",
            "localhost",
        ] {
            assert!(bad.parse::<IpNet>().is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn ipnet_contains() {
        let net: IpNet = "10.0.0.0/8".parse().unwrap();
        assert!(net.contains(ip("10.200.1.1")));
        assert!(!net.contains(ip("11.0.0.1")));
        assert!(!net.contains(ip("::1")));

        let one: IpNet = "127.0.0.1".parse().unwrap();
        assert!(one.contains(ip("127.0.0.1")));
        assert!(one.contains(ip("::ffff:127.0.0.1")));
        assert!(!one.contains(ip("127.0.0.2")));

        let all: IpNet = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("8.8.8.8")));

        let v6: IpNet = "fd00::/8".parse().unwrap();
        assert!(v6.contains(ip("fd12::1")));
        assert!(!v6.contains(ip("fe80::1")));
    }
}
