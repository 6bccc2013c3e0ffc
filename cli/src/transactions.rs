//! Signed transactions that survive runtime upgrades, through subxt.
//!
//! The command line builds its calls with the runtime types it was compiled
//! with, and reads events into them, but it never trusts the indices or the
//! versions compiled into it:
//! - a call is sent by its pallet and call names, looked up in the node's own
//!   metadata (at the block it is signed at), and only if the call's shape
//!   there hashes as it does in the compiled runtime: a call that moved keeps
//!   working, and a call whose arguments changed is refused before signing;
//! - the spec and transaction versions, the genesis and the era come from
//!   the node's best block: transactions are mortal (64 blocks), and their
//!   nonce counts the signer's transactions still in the pool;
//! - the transaction is watched (`author_submitAndWatchExtrinsic`) until it
//!   is in a block, and its events are read with the node's metadata, then
//!   into the compiled types by their pallet and variant names.

use std::sync::OnceLock;

use codec::{DecodeAll, Encode};
use frame_support::traits::GetCallMetadata;
use sp_core::{sr25519, Pair};
use subxt::{
	config::DefaultExtrinsicParamsBuilder,
	error::{DispatchError, TransactionEventsError},
	ext::scale_encode::{self, EncodeAsFields, FieldIter, TypeResolver},
	metadata::Metadata,
	transactions::{Payload, Signer, TransactionStatus, ValidationDetails},
	utils::{AccountId32, MultiSignature},
	OnlineClient, PolkadotConfig,
};
use veritas_runtime::{RuntimeCall, RuntimeEvent};

/// How many blocks a transaction stays valid for.
const MORTALITY_BLOCKS: u64 = 64;

/// What a transaction did once in a block.
pub struct Included {
	/// The block it is in.
	pub block: u64,
	/// Its events, in the compiled runtime's types.
	pub events: Vec<RuntimeEvent>,
}

/// The metadata of the runtime this command line was compiled with.
fn compiled_metadata() -> Result<&'static Metadata, String> {
	static METADATA: OnceLock<Result<Metadata, String>> = OnceLock::new();
	METADATA
		.get_or_init(|| {
			let bytes = veritas_runtime::Runtime::metadata_at_version(15)
				.ok_or("the compiled runtime has no metadata v15")?;
			Metadata::decode_from(&bytes).map_err(|e| format!("the compiled metadata: {e}"))
		})
		.as_ref()
		.map_err(Clone::clone)
}

/// A compiled call, sent by its names: its arguments as the compiled
/// runtime encodes them, and the hash of its shape there.
pub struct NamedCall {
	pallet: &'static str,
	call: &'static str,
	arguments: EncodedArguments,
	shape: [u8; 32],
}

/// Arguments encoded already; the node's metadata is checked to describe
/// the same shape (the shape hash) before they are used.
pub struct EncodedArguments(Vec<u8>);

impl EncodeAsFields for EncodedArguments {
	fn encode_as_fields_to<R: TypeResolver>(
		&self,
		_fields: &mut dyn FieldIter<'_, R::TypeId>,
		_types: &R,
		out: &mut Vec<u8>,
	) -> Result<(), scale_encode::Error> {
		out.extend_from_slice(&self.0);
		Ok(())
	}
}

impl NamedCall {
	pub fn new(call: &RuntimeCall) -> Result<Self, String> {
		let names = call.get_call_metadata();
		// A runtime call is its pallet's index, the call's index, then the
		// arguments.
		let arguments = EncodedArguments(call.encode().split_off(2));
		let shape = compiled_metadata()?
			.pallet_by_name(names.pallet_name)
			.and_then(|pallet| pallet.call_hash(names.function_name))
			.ok_or_else(|| {
				format!(
					"{}.{} is not in the compiled runtime",
					names.pallet_name, names.function_name
				)
			})?;
		Ok(Self { pallet: names.pallet_name, call: names.function_name, arguments, shape })
	}
}

impl Payload for NamedCall {
	type CallData = EncodedArguments;

	fn pallet_name(&self) -> &str {
		self.pallet
	}

	fn call_name(&self) -> &str {
		self.call
	}

	fn call_data(&self) -> &EncodedArguments {
		&self.arguments
	}

	fn validation_details(&self) -> Option<ValidationDetails<'_>> {
		Some(ValidationDetails { pallet_name: self.pallet, call_name: self.call, hash: self.shape })
	}
}

/// Signs with an sr25519 key pair.
struct PairSigner<'a>(&'a sr25519::Pair);

impl Signer<PolkadotConfig> for PairSigner<'_> {
	fn account_id(&self) -> AccountId32 {
		AccountId32(self.0.public().0)
	}

	fn sign(&self, payload: &[u8]) -> MultiSignature {
		MultiSignature::Sr25519(self.0.sign(payload).0)
	}
}

/// Signs `call` as `signer` with `nonce`, under the runtime of the node's
/// best block `best` (the one its transaction pool checks against), submits
/// it, and waits until it is in a block.
pub async fn submit(
	client: &OnlineClient<PolkadotConfig>,
	call: &RuntimeCall,
	signer: &sr25519::Pair,
	best: u32,
	nonce: u64,
) -> Result<Included, String> {
	let call = NamedCall::new(call)?;
	let at = client.at_block(best).await.map_err(|e| format!("the node's best block: {e}"))?;
	let params = DefaultExtrinsicParamsBuilder::new().mortal(MORTALITY_BLOCKS).nonce(nonce).build();
	let mut progress = at
		.transactions()
		.sign_and_submit_then_watch(&call, &PairSigner(signer), params)
		.await
		.map_err(|e| match e {
			subxt::error::ExtrinsicError::IncompatibleCodegen => format!(
				"the node's runtime changed the arguments of {}.{}: this veritas is too old for it",
				call.pallet, call.call
			),
			other => format!("submitting {}.{}: {other}", call.pallet, call.call),
		})?;
	let in_block = loop {
		match progress.next().await {
			Some(Ok(TransactionStatus::InBestBlock(block)))
			| Some(Ok(TransactionStatus::InFinalizedBlock(block))) => break block,
			Some(Ok(TransactionStatus::Invalid { message })) => {
				return Err(format!("the node refused the transaction: {message}"))
			},
			Some(Ok(TransactionStatus::Dropped { message }))
			| Some(Ok(TransactionStatus::Error { message })) => {
				return Err(format!("the transaction was dropped: {message}"))
			},
			Some(Ok(_)) => continue,
			Some(Err(e)) => return Err(format!("following the transaction: {e}")),
			None => return Err("the node stopped reporting on the transaction".into()),
		}
	};
	let events = in_block.wait_for_success().await.map_err(refusal)?;
	let block = client
		.at_block(in_block.block_hash())
		.await
		.map_err(|e| format!("the transaction's block: {e}"))?
		.block_number();
	let mut compiled = Vec::new();
	for event in events.iter() {
		let event = event.map_err(|e| format!("an event of the transaction: {e}"))?;
		compiled.push(compiled_event(
			event.pallet_name(),
			event.event_name(),
			event.field_bytes(),
		)?);
	}
	Ok(Included { block, events: compiled })
}

/// Why the chain refused a transaction, as `Pallet(Error)`.
fn refusal(error: TransactionEventsError) -> String {
	match error {
		TransactionEventsError::ExtrinsicFailed(DispatchError::Module(module)) => {
			match module.details() {
				Ok(details) => format!(
					"the chain refused it: {}({})",
					details.pallet.name(),
					details.variant.name
				),
				Err(_) => format!("the chain refused it: {module}"),
			}
		},
		TransactionEventsError::ExtrinsicFailed(other) => format!("the chain refused it: {other}"),
		other => format!("the transaction's events: {other}"),
	}
}

/// An event the node's metadata names `pallet`.`variant`, in the compiled
/// runtime's type.
fn compiled_event(pallet: &str, variant: &str, fields: &[u8]) -> Result<RuntimeEvent, String> {
	let compiled = compiled_metadata()?.pallet_by_name(pallet);
	let index = compiled
		.as_ref()
		.and_then(|pallet| pallet.event_variants())
		.and_then(|variants| variants.iter().find(|v| v.name == variant))
		.map(|v| v.index);
	let (Some(pallet_metadata), Some(variant_index)) = (compiled, index) else {
		return Err(format!("the node emitted {pallet}.{variant}, unknown to this veritas"));
	};
	let mut bytes = vec![pallet_metadata.event_index(), variant_index];
	bytes.extend_from_slice(fields);
	RuntimeEvent::decode_all(&mut &bytes[..])
		.map_err(|_| format!("{pallet}.{variant} changed shape in the node's runtime"))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_call_is_its_names_its_arguments_and_its_shape() {
		let call =
			RuntimeCall::Inference(pallet_inference::Call::accept_terms { model: 7, terms: 2 });
		let named = NamedCall::new(&call).expect("a compiled call");
		assert_eq!((named.pallet, named.call), ("Inference", "accept_terms"));
		assert_eq!(named.arguments.0, (7u64, 2u32).encode());
		let metadata = compiled_metadata().expect("compiled metadata");
		let inference = metadata.pallet_by_name("Inference").expect("the pallet");
		assert_eq!(Some(named.shape), inference.call_hash("accept_terms"));
		assert_ne!(inference.call_hash("request_inference"), Some(named.shape));
	}

	#[test]
	fn events_are_read_by_their_names() {
		let event = RuntimeEvent::Inference(pallet_inference::Event::TermsAccepted {
			executor: veritas_primitives::AccountId::new([1; 32]),
			model: 3,
			terms: 4,
		});
		let encoded = event.encode();
		let read = compiled_event("Inference", "TermsAccepted", &encoded[2..]).expect("decodes");
		assert_eq!(read, event);
		assert!(compiled_event("Inference", "NoSuchEvent", &encoded[2..])
			.unwrap_err()
			.contains("unknown to this veritas"));
		assert!(compiled_event("Inference", "TermsAccepted", &encoded[2..5])
			.unwrap_err()
			.contains("changed shape"));
	}
}
