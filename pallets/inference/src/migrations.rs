//! Storage migrations.

use codec::Decode;
pub use veritas_primitives::migration::Raw;
use veritas_primitives::{model::ModelId, settlement::RequestId};

use crate::{Config, Pallet};

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
		inference::{InferenceParamsV4, OutputBytes, RequestInput, RequestStatus},
		model::{Cid, Digest, ModelId, ModelPolicyV1, Pricing, TaskKind},
		oracle::FeedInput,
		request::Settled,
	};

	use super::{
		executor_at, raw,
		v5::{RequestV4, ResultCommitmentV4},
		Raw,
	};
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
		pub params: InferenceParamsV4,
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
				// Version 3's layout: version 4's, with the executor not
				// optional.
				let request = RequestV4 {
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
					result: old.result.map(|result| ResultCommitmentV4 {
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

/// Version 5: a result's output may be stored by reference
/// ([`veritas_primitives::inference::ResultOutput`]), and a request's
/// parameters say whether it asked for that
/// ([`veritas_primitives::inference::InferenceParams::output_by_reference`]).
/// Every request stored before asked for its output inline, and every result
/// carries it inline.
pub mod v5 {
	use codec::{Decode, Encode};
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};
	use frame_system::pallet_prelude::BlockNumberFor;
	use veritas_primitives::{
		inference::{InferenceParamsV4, OutputBytes, RequestInput, RequestStatus, ResultOutput},
		model::{Cid, Digest, ModelId, ModelPolicy, Pricing, TaskKind},
		oracle::FeedInput,
		request::{Request, ResultCommitment, Settled},
	};

	use crate::{BalanceOf, Config, Pallet, RequestOf, Requests};

	/// A result as version 4 stored it: its output always inline.
	#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
	pub struct ResultCommitmentV4<BlockNumber> {
		pub output: OutputBytes,
		pub output_digest: Digest,
		pub proof_cid: Cid,
		pub proof_digest: Digest,
		pub generated_tokens: u32,
		pub submitted_at: BlockNumber,
		pub reported: Option<veritas_primitives::inference::UnrunnableReason>,
	}

	/// A request as version 4 stored it.
	#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
	pub struct RequestV4<AccountId, Balance, BlockNumber> {
		pub requester: AccountId,
		pub model: ModelId,
		pub executor: Option<AccountId>,
		pub publisher: AccountId,
		pub input: RequestInput,
		pub feed: Option<FeedInput<BlockNumber>>,
		pub params: InferenceParamsV4,
		pub max_fee: Balance,
		pub pricing: Pricing<Balance>,
		pub policy: ModelPolicy<Balance, BlockNumber>,
		pub task: TaskKind,
		pub created: BlockNumber,
		pub deadline: BlockNumber,
		pub status: RequestStatus,
		pub result: Option<ResultCommitmentV4<BlockNumber>>,
		pub settled: Option<Settled<Balance>>,
		pub finished_at: Option<BlockNumber>,
	}

	type RequestV4Of<T> =
		RequestV4<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

	impl<AccountId, Balance, BlockNumber> RequestV4<AccountId, Balance, BlockNumber> {
		/// The request in version 5's layout.
		pub fn upgraded(self) -> Request<AccountId, Balance, BlockNumber> {
			Request {
				requester: self.requester,
				model: self.model,
				executor: self.executor,
				publisher: self.publisher,
				input: self.input,
				feed: self.feed,
				params: self.params.upgraded(),
				max_fee: self.max_fee,
				pricing: self.pricing,
				policy: self.policy,
				task: self.task,
				created: self.created,
				deadline: self.deadline,
				status: self.status,
				result: self.result.map(|result| ResultCommitment {
					output: ResultOutput::Inline(result.output),
					output_digest: result.output_digest,
					proof_cid: result.proof_cid,
					proof_digest: result.proof_digest,
					generated_tokens: result.generated_tokens,
					submitted_at: result.submitted_at,
					reported: result.reported,
				}),
				settled: self.settled,
				finished_at: self.finished_at,
			}
		}
	}

	#[cfg(test)]
	impl<AccountId, Balance, BlockNumber> RequestV4<AccountId, Balance, BlockNumber> {
		/// How version 4 stored `request` (one asking for its output inline,
		/// with an inline result if any).
		pub fn from_current(request: Request<AccountId, Balance, BlockNumber>) -> Self {
			let params = request.params;
			assert!(!params.output_by_reference, "version 4 had no outputs by reference");
			Self {
				requester: request.requester,
				model: request.model,
				executor: request.executor,
				publisher: request.publisher,
				input: request.input,
				feed: request.feed,
				params: InferenceParamsV4 {
					max_new_tokens: params.max_new_tokens,
					seed: params.seed,
					temperature_thousandths: params.temperature_thousandths,
					top_k: params.top_k,
					top_p_thousandths: params.top_p_thousandths,
				},
				max_fee: request.max_fee,
				pricing: request.pricing,
				policy: request.policy,
				task: request.task,
				created: request.created,
				deadline: request.deadline,
				status: request.status,
				result: request.result.map(|result| ResultCommitmentV4 {
					output: match result.output {
						ResultOutput::Inline(bytes) => bytes,
						ResultOutput::Stored { .. } => panic!("version 4 stored outputs inline"),
					},
					output_digest: result.output_digest,
					proof_cid: result.proof_cid,
					proof_digest: result.proof_digest,
					generated_tokens: result.generated_tokens,
					submitted_at: result.submitted_at,
					reported: result.reported,
				}),
				settled: request.settled,
				finished_at: request.finished_at,
			}
		}
	}

	/// Rewrites every stored request in version 5's layout.
	pub struct OutputsByReference<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for OutputsByReference<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut count = 0u64;
			Requests::<T>::translate::<RequestV4Of<T>, _>(|_, old| {
				count += 1;
				let request: RequestOf<T> = old.upgraded();
				Some(request)
			});
			T::DbWeight::get().reads_writes(count, count)
		}
	}

	/// The migration from version 4, run once.
	pub type MigrateV4ToV5<T> = VersionedMigration<
		4,
		5,
		OutputsByReference<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
