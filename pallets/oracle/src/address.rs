//! Which source addresses a data node may fetch.
//!
//! Feeds are created by anyone, and a data node fetches whatever URL a feed
//! names and publishes the number it finds. A URL that points inside the
//! data node's own network (`127.0.0.1`, `10.0.0.0/8`, the cloud metadata
//! service at `169.254.169.254`, …) would turn every data node into a
//! reader of its own private services for whoever creates the feed. So
//! hosts written as private, loopback or link-local addresses, and
//! `localhost`, are refused unless the operator allows them
//! (`--data-node-allow-private`, for sources on the same machine, as the
//! tests and the demo use).
//!
//! The runtime cannot resolve names: a public name that resolves to a
//! private address is not caught here. Operators who run data nodes next
//! to private services should also filter at the network level.

/// The host part of an `http://` or `https://` URL, without port or
/// user info; `None` if the URL has no such host.
pub fn host(url: &str) -> Option<&str> {
	let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
	let authority = rest.split(['/', '?', '#']).next()?;
	let authority = authority.rsplit('@').next()?;
	let host = match authority.strip_prefix('[') {
		Some(bracketed) => bracketed.split(']').next()?,
		None => authority.split(':').next()?,
	};
	(!host.is_empty()).then_some(host)
}

/// Whether `host` names this machine or a private, loopback, link-local,
/// shared or unspecified network.
pub fn is_private(host: &str) -> bool {
	let host = host.trim_end_matches('.').to_ascii_lowercase();
	if host == "localhost" || host.ends_with(".localhost") {
		return true;
	}
	if let Some(octets) = ipv4(&host) {
		return match octets {
			[0, ..] | [10, ..] | [127, ..] => true,
			[169, 254, ..] | [192, 168, ..] => true,
			[172, second, ..] if (16..32).contains(&second) => true,
			[100, second, ..] if (64..128).contains(&second) => true,
			_ => false,
		};
	}
	if host.contains(':') {
		// IPv6: unspecified, loopback, unique local (fc00::/7), link-local
		// (fe80::/10), and IPv4-mapped addresses of any of the above.
		if host == "::" || host == "::1" {
			return true;
		}
		if let Some(mapped) = host.strip_prefix("::ffff:") {
			return ipv4(mapped).is_none_or(|_| is_private(mapped));
		}
		let first = host.split(':').next().unwrap_or_default();
		let first = u16::from_str_radix(first, 16).unwrap_or(0);
		return first & 0xfe00 == 0xfc00 || first & 0xffc0 == 0xfe80;
	}
	false
}

/// The four numbers of a dotted IPv4 address.
fn ipv4(host: &str) -> Option<[u8; 4]> {
	let mut octets = [0u8; 4];
	let mut parts = host.split('.');
	for octet in octets.iter_mut() {
		*octet = parts.next()?.parse().ok()?;
	}
	parts.next().is_none().then_some(octets)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn hosts_are_read_out_of_urls() {
		assert_eq!(host("https://api.example.com/v1/price"), Some("api.example.com"));
		assert_eq!(host("http://127.0.0.1:8080/x"), Some("127.0.0.1"));
		assert_eq!(host("http://user:pw@10.0.0.1/x"), Some("10.0.0.1"));
		assert_eq!(host("http://[::1]:9000/"), Some("::1"));
		assert_eq!(host("http://example.com?q=1"), Some("example.com"));
		assert_eq!(host("ftp://example.com"), None);
		assert_eq!(host("http:///path"), None);
	}

	#[test]
	fn private_loopback_and_link_local_addresses_are_private() {
		for private in [
			"localhost",
			"LOCALHOST.",
			"db.localhost",
			"127.0.0.1",
			"127.1.2.3",
			"10.1.2.3",
			"172.16.0.1",
			"172.31.255.255",
			"192.168.1.1",
			"169.254.169.254",
			"100.64.0.1",
			"0.0.0.0",
			"::1",
			"::",
			"fc00::1",
			"fd12:3456::1",
			"fe80::1",
			"::ffff:127.0.0.1",
		] {
			assert!(is_private(private), "{private}");
		}
		for public in
			["api.example.com", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2001:db8::1", "1.1.1.1"]
		{
			assert!(!is_private(public), "{public}");
		}
	}
}
