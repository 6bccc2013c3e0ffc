//! Building signed transactions natively, for tests, tools and the node.
//!
//! A wallet learns the transaction extensions from the metadata; native code
//! can use the runtime's types directly. The signature covers the call, the
//! extensions and their implicit data (spec and transaction versions and the
//! genesis hash), so a transaction signed for one chain or runtime version is
//! refused by another.

use codec::Encode;
use sp_core::{sr25519, Pair};

pub use crate::transactions::transaction_extension;
use crate::{Hash, Nonce, RuntimeCall, SignedPayload, UncheckedExtrinsic, VERSION};

/// `call` signed by `signer` as its `nonce`-th transaction on the chain whose
/// genesis block is `genesis_hash`, valid forever (immortal era).
pub fn signed_transaction(
	call: RuntimeCall,
	signer: &sr25519::Pair,
	nonce: Nonce,
	genesis_hash: Hash,
) -> UncheckedExtrinsic {
	let extension = transaction_extension(nonce);
	// The immortal era's implicit data is the genesis hash too.
	let implicit = (
		(),
		VERSION.spec_version,
		VERSION.transaction_version,
		genesis_hash,
		genesis_hash,
		(),
		(),
		(),
		(),
	);
	let payload = SignedPayload::from_raw(call.clone(), extension.clone(), implicit);
	let signature = payload.using_encoded(|bytes| signer.sign(bytes));
	let signer_account: crate::AccountId = signer.public().into();
	UncheckedExtrinsic::new_signed(call, signer_account.into(), signature.into(), extension)
}
