//! Which addresses a verification may fetch: only public ones, unless the allow-list
//! (`RIGHTSDESK_FETCH_ALLOW`) names the host or a network it lies in. Pure, unit-tested.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Hosts and networks that may be fetched although private or loopback.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList {
    hosts: Vec<String>,
    networks: Vec<(IpAddr, u8)>,
}

impl AllowList {
    /// Parses `host,10.0.0.0/8,127.0.0.1,::1`: host names, addresses and CIDR networks.
    pub fn parse(raw: &str) -> Result<AllowList, String> {
        let mut list = AllowList::default();
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if let Some((addr, bits)) = part.split_once('/') {
                let addr: IpAddr = addr
                    .parse()
                    .map_err(|_| format!("'{part}' is not a network such as 10.0.0.0/8"))?;
                let max = if addr.is_ipv4() { 32 } else { 128 };
                let bits: u8 = bits
                    .parse()
                    .ok()
                    .filter(|b| *b <= max)
                    .ok_or_else(|| format!("'{part}' has a prefix length above {max}"))?;
                list.networks.push((addr, bits));
            } else if let Ok(addr) = part.trim_matches(['[', ']']).parse::<IpAddr>() {
                list.networks
                    .push((addr, if addr.is_ipv4() { 32 } else { 128 }));
            } else if part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
            {
                list.hosts.push(part.to_ascii_lowercase());
            } else {
                return Err(format!("'{part}' is neither a host name nor a network"));
            }
        }
        Ok(list)
    }

    pub fn is_empty(&self) -> bool {
        self.hosts.is_empty() && self.networks.is_empty()
    }

    /// Is the host name itself allowed (every address it resolves to is then accepted)?
    pub fn allows_host(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.hosts.contains(&host)
    }

    /// Does a listed network hold this address?
    pub fn allows_addr(&self, addr: IpAddr) -> bool {
        self.networks
            .iter()
            .any(|(net, bits)| in_network(canonical(addr), canonical(*net), *bits))
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`) are judged as the IPv4 address they carry.
fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

fn in_network(addr: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (addr, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// Why an address may not be fetched, or `None` for a public address.
pub fn refused_class(addr: IpAddr) -> Option<&'static str> {
    match canonical(addr) {
        IpAddr::V4(v4) => v4_class(v4),
        IpAddr::V6(v6) => v6_class(v6),
    }
}

fn v4_class(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip == Ipv4Addr::new(169, 254, 169, 254) {
        Some("a cloud metadata address")
    } else if ip.is_loopback() {
        Some("a loopback address")
    } else if ip.is_private() {
        Some("a private address")
    } else if ip.is_link_local() {
        Some("a link-local address")
    } else if ip.is_unspecified() || a == 0 {
        Some("an unspecified address")
    } else if ip.is_broadcast() || ip.is_multicast() || a >= 240 {
        Some("a broadcast, multicast or reserved address")
    } else if a == 100 && (64..128).contains(&b) {
        Some("a shared (carrier-grade NAT) address")
    } else {
        None
    }
}

fn v6_class(ip: Ipv6Addr) -> Option<&'static str> {
    let first = ip.segments()[0];
    if ip == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
        Some("a cloud metadata address")
    } else if ip.is_loopback() {
        Some("a loopback address")
    } else if ip.is_unspecified() {
        Some("an unspecified address")
    } else if first & 0xfe00 == 0xfc00 {
        Some("a unique-local address")
    } else if first & 0xffc0 == 0xfe80 {
        Some("a link-local address")
    } else if ip.is_multicast() {
        Some("a broadcast, multicast or reserved address")
    } else {
        None
    }
}

/// Checks every address a host resolved to: all must be public or allowed.
pub fn check_addrs(host: &str, addrs: &[IpAddr], allow: &AllowList) -> Result<(), String> {
    if addrs.is_empty() {
        return Err(format!("{host} resolves to no address"));
    }
    if allow.allows_host(host) {
        return Ok(());
    }
    for addr in addrs {
        if let Some(class) = refused_class(*addr) {
            if !allow.allows_addr(*addr) {
                return Err(format!(
                    "refused: {host} is {addr}, {class} (RIGHTSDESK_FETCH_ALLOW can allow it)"
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn classifies_addresses() {
        for (addr, class) in [
            ("127.0.0.1", Some("a loopback address")),
            ("10.1.2.3", Some("a private address")),
            ("172.16.0.1", Some("a private address")),
            ("192.168.1.1", Some("a private address")),
            ("169.254.169.254", Some("a cloud metadata address")),
            ("169.254.1.1", Some("a link-local address")),
            ("0.0.0.0", Some("an unspecified address")),
            ("100.64.0.1", Some("a shared (carrier-grade NAT) address")),
            ("::1", Some("a loopback address")),
            ("fd12::1", Some("a unique-local address")),
            ("fe80::1", Some("a link-local address")),
            ("::ffff:127.0.0.1", Some("a loopback address")),
            ("::ffff:10.0.0.1", Some("a private address")),
            ("93.184.216.34", None),
            ("2606:2800:220:1::1", None),
            ("172.32.0.1", None),
        ] {
            assert_eq!(refused_class(ip(addr)), class, "{addr}");
        }
    }

    #[test]
    fn allow_list_names_hosts_and_networks() {
        let allow = AllowList::parse("127.0.0.1, 10.0.0.0/8, intranet.example, ::1").unwrap();
        assert!(allow.allows_addr(ip("127.0.0.1")));
        assert!(allow.allows_addr(ip("::ffff:127.0.0.1")));
        assert!(!allow.allows_addr(ip("127.0.0.2")));
        assert!(allow.allows_addr(ip("10.200.1.1")));
        assert!(!allow.allows_addr(ip("11.0.0.1")));
        assert!(allow.allows_addr(ip("::1")));
        assert!(allow.allows_host("Intranet.Example."));
        assert!(AllowList::parse("10.0.0.0/33").is_err());
        assert!(AllowList::parse("not a host!").is_err());
        assert!(AllowList::parse("").unwrap().is_empty());
    }

    #[test]
    fn every_resolved_address_must_pass() {
        let none = AllowList::default();
        assert!(check_addrs("a.example", &[ip("93.184.216.34")], &none).is_ok());
        let mixed = [ip("93.184.216.34"), ip("10.0.0.1")];
        let err = check_addrs("a.example", &mixed, &none).unwrap_err();
        assert!(err.contains("private"), "{err}");
        assert!(check_addrs("a.example", &[], &none).is_err());
        let allow = AllowList::parse("10.0.0.0/24").unwrap();
        assert!(check_addrs("a.example", &mixed, &allow).is_ok());
        let by_name = AllowList::parse("a.example").unwrap();
        assert!(check_addrs("a.example", &[ip("127.0.0.1")], &by_name).is_ok());
    }
}
