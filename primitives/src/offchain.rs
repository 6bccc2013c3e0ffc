//! What an off-chain worker remembers about each request it acts on, across
//! blocks and restarts, so that it never posts the same transaction twice.
//!
//! A record lives in the node's persistent off-chain storage under the
//! worker's role and what it works on: for the engine's workers, the job's
//! [`crate::host::JobKey`], so that the same request id on two forks is two
//! records. A worker claims a request with a
//! compare-and-set before submitting, so overlapping workers cannot both
//! post. A claim lapses after `resubmit_after` blocks: if the transaction was
//! dropped and the chain still waits, the worker posts again.

use alloc::vec::Vec;
use codec::{Decode, Encode};
use sp_runtime::offchain::storage::{StorageRetrievalError, StorageValueRef};

#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug)]
enum Handled<BlockNumber> {
	/// A transaction was submitted at this block.
	Submitted(BlockNumber),
	/// The work was refused (a digest mismatch, say); it was logged.
	Refused,
}

/// A worker's record of one request.
#[derive(Clone)]
pub struct WorkRecord {
	key: Vec<u8>,
}

impl WorkRecord {
	/// The record of `subject` (a job's key, a feed's round, …) for the
	/// worker of `role` (`b"executor"`, `b"verifier"`, …).
	pub fn new(role: &[u8], subject: &impl Encode) -> Self {
		Self { key: (b"veritas/", role, subject).encode() }
	}

	/// Whether the worker should leave the request alone at block `now`: it
	/// was refused, or submitted less than `resubmit_after` blocks ago.
	pub fn is_handled<BlockNumber>(&self, now: BlockNumber, resubmit_after: BlockNumber) -> bool
	where
		BlockNumber: Decode + PartialOrd + sp_runtime::traits::Saturating + Copy,
	{
		match StorageValueRef::persistent(&self.key).get::<Handled<BlockNumber>>() {
			Ok(Some(Handled::Refused)) => true,
			Ok(Some(Handled::Submitted(at))) => now < at.saturating_add(resubmit_after),
			_ => false,
		}
	}

	/// Claims the request for a submission at `now`; `false` if it is
	/// handled already or another worker claimed it first.
	pub fn claim<BlockNumber>(&self, now: BlockNumber, resubmit_after: BlockNumber) -> bool
	where
		BlockNumber: Encode + Decode + PartialOrd + sp_runtime::traits::Saturating + Copy,
	{
		StorageValueRef::persistent(&self.key)
			.mutate(|previous: Result<Option<Handled<BlockNumber>>, StorageRetrievalError>| {
				match previous {
					Ok(Some(Handled::Refused)) => Err(()),
					Ok(Some(Handled::Submitted(at))) if now < at.saturating_add(resubmit_after) => {
						Err(())
					},
					_ => Ok(Handled::Submitted(now)),
				}
			})
			.is_ok()
	}

	/// The whole of posting once: claims the request at `now`, runs `send`
	/// (which signs and submits, and says whether the pool took it), and gives
	/// the claim back if it did not, so that a later block tries again. Logs
	/// the outcome under `target` as `what`.
	pub fn send_once<BlockNumber>(
		&self,
		now: BlockNumber,
		resubmit_after: BlockNumber,
		log: (&str, &dyn core::fmt::Display),
		send: impl FnOnce() -> bool,
	) -> Sent
	where
		BlockNumber: Encode + Decode + PartialOrd + sp_runtime::traits::Saturating + Copy,
	{
		send_batch(alloc::vec![(self.clone(), ())], now, resubmit_after, log, |_| send())
	}

	/// Gives a claim back (the pool refused the transaction): the next block
	/// tries again.
	pub fn release(&self) {
		StorageValueRef::persistent(&self.key).clear();
	}

	/// Counts one more failed attempt at the work (a fetch that failed, say)
	/// and returns how many there have been.
	pub fn count_attempt(&self) -> u32 {
		let key = (&self.key, b"/attempts").encode();
		let attempts = StorageValueRef::persistent(&key);
		let count = attempts.get::<u32>().ok().flatten().unwrap_or(0).saturating_add(1);
		attempts.set(&count);
		count
	}

	/// Marks the request refused: the worker will not act on it again.
	pub fn refuse<BlockNumber: Encode>(&self) {
		StorageValueRef::persistent(&self.key).set(&Handled::<BlockNumber>::Refused);
	}
}

/// Posts many pieces of work in one transaction: claims each item's record
/// at `now` (leaving out those handled already or claimed by another worker
/// first), runs `send` with the items claimed (it signs and submits one
/// transaction carrying them all, and says whether the pool took it), and
/// gives every claim back if the pool refused it, so that a later block
/// tries again. Logs the outcome under `target` as `what`.
///
/// Items are claimed one by one, so a batch that overlaps another worker's
/// carries only what that worker did not claim.
pub fn send_batch<Item, BlockNumber>(
	batch: Vec<(WorkRecord, Item)>,
	now: BlockNumber,
	resubmit_after: BlockNumber,
	(target, what): (&str, &dyn core::fmt::Display),
	send: impl FnOnce(Vec<Item>) -> bool,
) -> Sent
where
	BlockNumber: Encode + Decode + PartialOrd + sp_runtime::traits::Saturating + Copy,
{
	let (records, items): (Vec<_>, Vec<_>) =
		batch.into_iter().filter(|(record, _)| record.claim(now, resubmit_after)).unzip();
	if items.is_empty() {
		return Sent::AlreadyHandled;
	}
	let count = items.len();
	if send(items) {
		log::info!(target: target, "{what}: sent ({count} in one transaction)");
		Sent::Pooled
	} else {
		records.iter().for_each(WorkRecord::release);
		log::warn!(target: target, "{what}: the transaction pool refused it; trying again later");
		Sent::Refused
	}
}

/// How long a worker's run may hold its lock before another run may take
/// it anyway (a run that died, say): longer than any run takes.
pub const RUN_LOCK_MS: u64 = 60_000;

/// Runs `run` unless a run of the same `role` is still going, and says
/// whether it ran. A node starts a worker run for every block it imports;
/// a run that outlasts its block would otherwise overlap the next one, and
/// two runs signing with one key read the same nonce, so that one's
/// transaction is dropped. A skipped block's work is done by the next run:
/// nothing a worker does belongs to one block only.
pub fn one_run_at_a_time(role: &[u8], run: impl FnOnce()) -> bool {
	use sp_runtime::offchain::{
		storage_lock::{StorageLock, Time},
		Duration,
	};
	let key = (b"veritas/lock/", role).encode();
	let mut lock = StorageLock::<Time>::with_deadline(&key, Duration::from_millis(RUN_LOCK_MS));
	let Ok(_guard) = lock.try_lock() else { return false };
	run();
	true
}

/// How many times a worker tries to fetch a job's files and input before it
/// says nobody serves them.
pub const FETCH_ATTEMPTS: u32 = 3;

/// What [`WorkRecord::send_once`] did.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Sent {
	/// Handled already (refused, or sent less than a resubmission period
	/// ago), or claimed by another worker first: nothing was sent.
	AlreadyHandled,
	/// The transaction is in the pool.
	Pooled,
	/// The pool refused it; the claim was given back.
	Refused,
}

/// Helpers for off-chain worker tests against mock runtimes.
#[cfg(feature = "testing")]
pub mod testing {
	use codec::{Decode, DecodeWithMemTracking};
	use sp_core::offchain::testing::PoolState;
	use sp_runtime::{generic::Preamble, testing::TestXt};

	/// The transactions a worker put in a test pool, in order, as (signer,
	/// call): for mock runtimes whose extrinsics are `TestXt<Call, ()>`
	/// signed by account numbers. Panics on anything else, which in a test
	/// is the failure to report.
	pub fn pooled_calls<Call: DecodeWithMemTracking>(pool: &PoolState) -> Vec<(u64, Call)> {
		pool.transactions
			.iter()
			.map(|bytes| {
				let extrinsic = TestXt::<Call, ()>::decode(&mut &bytes[..])
					.unwrap_or_else(|error| panic!("not an extrinsic of this runtime: {error}"));
				let Preamble::Signed(signer, ..) = extrinsic.preamble else {
					panic!("an unsigned transaction in the pool")
				};
				(signer, extrinsic.function)
			})
			.collect()
	}
}

/// Lets a pallet's mock runtime `$runtime` sign and submit transactions
/// from off-chain workers as the real runtime does: keys are account numbers
/// (`UintAuthorityId`, set with `UintAuthorityId::set_all_keys`) with mock
/// signatures, and transactions are `Extrinsic = TestXt<$call, ()>`, signed
/// by the key's account (read back with [`testing::pooled_calls`]).
/// `$authority` names the unit struct the mock's `Config` takes as its
/// worker's key type. The mock crate needs `frame-system`, `sp-runtime` and
/// `codec`.
#[cfg(feature = "testing")]
#[macro_export]
macro_rules! impl_mock_signing {
	($runtime:ty, $call:ty, $account:ty, $authority:ident) => {
		/// A mock transaction: a call and its signer's account number.
		pub type Extrinsic = sp_runtime::testing::TestXt<$call, ()>;

		impl frame_system::offchain::SigningTypes for $runtime {
			type Public = sp_runtime::testing::UintAuthorityId;
			type Signature = sp_runtime::testing::TestSignature;
		}

		impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for $runtime
		where
			$call: From<LocalCall>,
		{
			type Extrinsic = Extrinsic;
			type RuntimeCall = $call;
		}

		impl<LocalCall> frame_system::offchain::CreateSignedTransaction<LocalCall> for $runtime
		where
			$call: From<LocalCall>,
		{
			fn create_signed_transaction<
				C: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>,
			>(
				call: $call,
				public: sp_runtime::testing::UintAuthorityId,
				account: $account,
				nonce: u32,
			) -> Option<Extrinsic> {
				// The key must sign; the mock extrinsic carries no signature.
				C::sign(&codec::Encode::encode(&(nonce, &call)), public)?;
				Some(Extrinsic::new_signed(call, account, (), ()))
			}
		}

		/// The worker's key type in this mock: any `UintAuthorityId`.
		pub struct $authority;

		impl
			frame_system::offchain::AppCrypto<
				sp_runtime::testing::UintAuthorityId,
				sp_runtime::testing::TestSignature,
			> for $authority
		{
			type RuntimeAppPublic = sp_runtime::testing::UintAuthorityId;
			type GenericPublic = sp_runtime::testing::UintAuthorityId;
			type GenericSignature = sp_runtime::testing::TestSignature;
		}
	};
}

#[cfg(test)]
mod tests {
	use sp_core::offchain::{testing::TestOffchainExt, OffchainDbExt, OffchainWorkerExt};

	use super::*;

	/// A run that starts while another of its role is going is skipped;
	/// once that one ends, the next runs. Roles do not hold each other up.
	#[test]
	fn overlapping_runs_are_skipped() {
		let (offchain, _) = TestOffchainExt::new();
		let mut ext = sp_io::TestExternalities::default();
		ext.register_extension(OffchainDbExt::new(offchain.clone()));
		ext.register_extension(OffchainWorkerExt::new(offchain));
		ext.execute_with(|| {
			let (mut overlapping, mut other_role) = (None, None);
			let first = one_run_at_a_time(b"verifier", || {
				overlapping = Some(one_run_at_a_time(b"verifier", || {}));
				other_role = Some(one_run_at_a_time(b"executor", || {}));
			});
			assert!(first);
			assert_eq!(overlapping, Some(false), "skipped while the first runs");
			assert_eq!(other_role, Some(true));
			assert!(one_run_at_a_time(b"verifier", || {}), "the lock is given back");
		});
	}
}
