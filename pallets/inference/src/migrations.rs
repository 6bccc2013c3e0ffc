//! Storage migrations.

use alloc::vec::Vec;
use codec::{Decode, Encode, EncodeLike, Input, Output};
use veritas_primitives::{model::ModelId, settlement::RequestId};

use crate::{Config, Pallet};

/// A stored value's bytes as they are, for migrations that move a field
/// without restating every field of a record.
pub struct Raw(pub Vec<u8>);

impl Encode for Raw {
	fn size_hint(&self) -> usize {
		self.0.len()
	}

	fn encode_to<W: Output + ?Sized>(&self, dest: &mut W) {
		dest.write(&self.0)
	}
}

impl EncodeLike for Raw {}

impl Decode for Raw {
	fn decode<I: Input>(input: &mut I) -> Result<Self, codec::Error> {
		let length = input.remaining_len()?.ok_or("a stored value has a known length")?;
		let mut bytes = alloc::vec![0; length];
		input.read(&mut bytes)?;
		Ok(Self(bytes))
	}
}

/// Stored items read and written as bytes (an alias takes its storage's
/// name from its own).
pub mod raw {
	use super::*;

	/// [`crate::Requests`], as bytes.
	#[frame_support::storage_alias]
	pub type Requests<T: Config> =
		StorageMap<Pallet<T>, frame_support::Twox64Concat, RequestId, Raw>;
}

/// Where a stored request's executor starts: after its requester and its
/// model, which no version has changed.
fn executor_at<T: Config>(bytes: &[u8]) -> Option<usize> {
	let mut rest = bytes;
	T::AccountId::decode(&mut rest).ok()?;
	ModelId::decode(&mut rest).ok()?;
	Some(bytes.len() - rest.len())
}

/// Version 2: a request's policy carries the model's minimum deadline, and
/// its result may be the executor's report that it could not run it.
/// Requests stored before get the chain's `MinDeadline` (what they were held
/// to) and results that are not reports.
pub mod v2 {
	use codec::{Decode, Encode};
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};
	use frame_system::pallet_prelude::BlockNumberFor;
	use veritas_primitives::{
		inference::{InferenceParams, OutputBytes, RequestInput, RequestStatus},
		model::{Cid, Digest, ModelId, ModelPolicyV1, Pricing, TaskKind},
		oracle::FeedInput,
		request::{Request, ResultCommitment, Settled},
	};

	use super::{executor_at, raw, Raw};
	use crate::{BalanceOf, Config, Pallet};

	/// A result as version 1 stored it.
	#[derive(Decode)]
	pub struct ResultCommitmentV1<BlockNumber> {
		pub output: OutputBytes,
		pub output_digest: Digest,
		pub proof_cid: Cid,
		pub proof_digest: Digest,
		pub generated_tokens: u32,
		pub submitted_at: BlockNumber,
	}

	/// A request as version 1 stored it.
	#[derive(Decode)]
	pub struct RequestV1<AccountId, Balance, BlockNumber> {
		pub requester: AccountId,
		pub model: ModelId,
		pub executor: AccountId,
		pub publisher: AccountId,
		pub input: RequestInput,
		pub feed: Option<FeedInput<BlockNumber>>,
		pub params: InferenceParams,
		pub max_fee: Balance,
		pub pricing: Pricing<Balance>,
		pub policy: ModelPolicyV1<Balance, BlockNumber>,
		pub task: TaskKind,
		pub created: BlockNumber,
		pub deadline: BlockNumber,
		pub status: RequestStatus,
		pub result: Option<ResultCommitmentV1<BlockNumber>>,
		pub settled: Option<Settled<Balance>>,
		pub finished_at: Option<BlockNumber>,
	}

	type RequestV1Of<T> =
		RequestV1<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

	/// Rewrites every stored request in version 2's layout.
	pub struct AddMinDeadlineAndReports<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for AddMinDeadlineAndReports<T> {
		fn on_runtime_upgrade() -> Weight {
			let shortest = T::MinDeadline::get();
			let mut count = 0u64;
			raw::Requests::<T>::translate::<RequestV1Of<T>, _>(|_, old| {
				count += 1;
				// Version 3's layout: today's, with the executor not optional.
				let request = Request {
					requester: old.requester,
					model: old.model,
					executor: Some(old.executor),
					publisher: old.publisher,
					input: old.input,
					feed: old.feed,
					params: old.params,
					max_fee: old.max_fee,
					pricing: old.pricing,
					policy: old.policy.with_min_deadline(shortest),
					task: old.task,
					created: old.created,
					deadline: old.deadline,
					status: old.status,
					result: old.result.map(|result| ResultCommitment {
						output: result.output,
						output_digest: result.output_digest,
						proof_cid: result.proof_cid,
						proof_digest: result.proof_digest,
						generated_tokens: result.generated_tokens,
						submitted_at: result.submitted_at,
						reported: None,
					}),
					settled: old.settled,
					finished_at: old.finished_at,
				};
				let mut bytes = request.encode();
				bytes.remove(executor_at::<T>(&bytes)?);
				Some(Raw(bytes))
			});
			T::DbWeight::get().reads_writes(count, count)
		}
	}

	/// The migration from version 1, run once.
	pub type MigrateV1ToV2<T> = VersionedMigration<
		1,
		2,
		AddMinDeadlineAndReports<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// Version 3: each model's executor list carries the terms revision each
/// executor accepted ([`crate::ModelExecutors`]), and executors are drawn
/// only under the current one. Executors listed before joined under the
/// terms then, and no terms had changed yet: each accepts the model's
/// current revision.
pub mod v3 {
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
		BoundedVec,
	};
	use veritas_primitives::model::ModelInspect;

	use crate::{Config, ModelExecutors, Pallet};

	/// Adds the model's current terms revision to every listed executor.
	pub struct AcceptServedTerms<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for AcceptServedTerms<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut count = 0u64;
			ModelExecutors::<T>::translate::<BoundedVec<T::AccountId, T::MaxExecutorsPerModel>, _>(
				|model, executors| {
					count += 1;
					let terms = T::Models::terms(model);
					Some(BoundedVec::truncate_from(
						executors.into_iter().map(|who| (who, terms)).collect(),
					))
				},
			);
			T::DbWeight::get().reads_writes(count.saturating_mul(2), count)
		}
	}

	/// The migration from version 2, run once.
	pub type MigrateV2ToV3<T> = VersionedMigration<
		2,
		3,
		AcceptServedTerms<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// Version 4: a request's executor is optional, `None` while the request
/// waits in its model's waiting line. Every request stored before was
/// assigned when it was made: its executor becomes `Some`, every other
/// byte stays as it was.
pub mod v4 {
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};

	use super::{executor_at, raw, Raw};
	use crate::{Config, Pallet};

	/// Marks every stored request's executor as present.
	pub struct OptionalExecutor<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for OptionalExecutor<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut count = 0u64;
			raw::Requests::<T>::translate::<Raw, _>(|_, Raw(mut bytes)| {
				count += 1;
				// `Some`'s tag, ahead of the account.
				bytes.insert(executor_at::<T>(&bytes)?, 1);
				Some(Raw(bytes))
			});
			T::DbWeight::get().reads_writes(count, count)
		}
	}

	/// The migration from version 3, run once.
	pub type MigrateV3ToV4<T> = VersionedMigration<
		3,
		4,
		OptionalExecutor<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
