//! The schema of a Veritas node's own JSON-RPC methods, written once.
//!
//! Each namespace is a jsonrpsee trait declared with `#[rpc(server,
//! client)]`: the node implements the generated `…Server` trait, and a Rust
//! client calls the generated `…Client` methods on any jsonrpsee client. Both
//! sides read and write the same typed answers, so a change to an answer is
//! a change to a type that both sides compile against.
//!
//! - [`inference`]: fees, models, requests, proof documents, and a
//!   subscription to a request's progress;
//! - [`oracle`]: data feeds, their latest values, data nodes.
//!
//! The wire format is what `docs/rpc.md` describes (its examples are checked
//! against these types by this crate's tests): balances are decimal strings
//! ([`Amount`]), since they overflow JavaScript numbers; digests are
//! `0x`-prefixed hex; accounts are SS58; field names are camelCase.

pub mod inference;
pub mod oracle;

use jsonrpsee::types::ErrorObjectOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An error answer: one of the namespaces' `codes`, and a message that names
/// the problem.
pub fn error(code: i32, message: impl Into<String>) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(code, message.into(), None::<()>)
}

/// An amount in the chain's smallest unit (1 VRT = 10¹² units), written as
/// a decimal string.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Amount(pub u128);

impl Serialize for Amount {
	fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
		serializer.serialize_str(&self.0.to_string())
	}
}

impl<'de> Deserialize<'de> for Amount {
	fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
		let text = String::deserialize(deserializer)?;
		text.parse().map(Amount).map_err(|_| {
			serde::de::Error::custom(format!("{text:?} is not an amount in decimal digits"))
		})
	}
}

impl From<u128> for Amount {
	fn from(value: u128) -> Self {
		Amount(value)
	}
}

#[cfg(test)]
mod tests;
