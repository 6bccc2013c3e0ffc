//! The transaction extensions every signed transaction carries, and how the
//! runtime signs its off-chain workers' transactions.

use codec::Encode;
use sp_runtime::{generic::Era, traits::Verify};

use crate::{Nonce, RuntimeCall, SignedPayload, TxExtension, UncheckedExtrinsic};

/// The extension tuple of an immortal transaction with this nonce and no tip.
pub fn transaction_extension(nonce: Nonce) -> TxExtension {
	transaction_extension_in(Era::Immortal, nonce)
}

/// The extension tuple of a transaction valid in `era`, with this nonce and
/// no tip.
pub fn transaction_extension_in(era: Era, nonce: Nonce) -> TxExtension {
	(
		frame_system::CheckNonZeroSender::new(),
		frame_system::CheckSpecVersion::new(),
		frame_system::CheckTxVersion::new(),
		frame_system::CheckGenesis::new(),
		frame_system::CheckEra::from(era),
		frame_system::CheckNonce::from(nonce),
		frame_system::CheckWeight::new(),
		pallet_transaction_payment::ChargeTransactionPayment::from(0),
		frame_system::WeightReclaim::new(),
	)
}

/// Off-chain workers' transactions: signed in the runtime with a keystore key
/// (through [`AppCrypto`]), and mortal, so that a result stuck in a pool dies
/// with its era instead of landing long after the fact.
impl<LocalCall> frame_system::offchain::CreateSignedTransaction<LocalCall> for crate::Runtime
where
	RuntimeCall: From<LocalCall>,
{
	fn create_signed_transaction<
		C: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>,
	>(
		call: RuntimeCall,
		public: Self::Public,
		account: crate::AccountId,
		nonce: Nonce,
	) -> Option<UncheckedExtrinsic> {
		let current = crate::System::block_number().saturating_sub(1);
		let era = Era::mortal(OFFCHAIN_TRANSACTION_PERIOD, current.into());
		let payload = SignedPayload::new(call, transaction_extension_in(era, nonce)).ok()?;
		let signature = payload.using_encoded(|bytes| C::sign(bytes, public))?;
		let (call, extension, _) = payload.deconstruct();
		Some(UncheckedExtrinsic::new_signed(call, account.into(), signature, extension))
	}
}

/// How many blocks an off-chain worker's transaction stays valid: about
/// three minutes at 3 s blocks.
pub const OFFCHAIN_TRANSACTION_PERIOD: u64 = 64;

impl frame_system::offchain::SigningTypes for crate::Runtime {
	type Public = <crate::Signature as Verify>::Signer;
	type Signature = crate::Signature;
}

impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for crate::Runtime
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}
