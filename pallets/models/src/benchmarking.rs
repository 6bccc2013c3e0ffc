//! Benchmarks of every call, each at its worst case: the largest record
//! (all three files with the longest CIDs, the longest name) and, where the
//! cost grows with it, a line with `v` live versions.

use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::traits::fungible::Mutate;
use frame_system::RawOrigin;
use sp_runtime::{
	traits::{Bounded, Saturating},
	Permill,
};
use veritas_primitives::model::{
	Architecture, Cid, ComparisonRule, FileRef, ModelFiles, ModelFormat, ModelName, ModelPolicy,
	ModelStatus, Pricing, TaskKind, Tolerance, VerificationPolicy, MAX_CID_LENGTH,
	MAX_MODEL_NAME_LENGTH,
};

use super::*;
use crate::Pallet as Registry;

/// A funded account.
fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 4u32.into());
	who
}

fn longest_name(seed: u8) -> ModelName {
	let mut bytes = vec![b'm'; MAX_MODEL_NAME_LENGTH as usize];
	bytes[0] = b'a' + seed % 26;
	ModelName::truncate_from(bytes)
}

fn largest_file(seed: u32) -> FileRef {
	let mut cid = vec![b'b'; MAX_CID_LENGTH as usize];
	cid[..4].copy_from_slice(&seed.to_le_bytes().map(|b| b'a' + b % 26));
	FileRef { cid: Cid::truncate_from(cid), digest: [seed as u8; 32], size: u64::MAX }
}

/// The largest spec: every file present, a sampled policy (the largest
/// variant).
fn largest_spec<T: Config>(seed: u32) -> ModelSpecOf<T> {
	ModelSpec {
		files: ModelFiles {
			weights: largest_file(seed),
			config: Some(largest_file(seed + 1_000_000)),
			tokenizer: Some(largest_file(seed + 2_000_000)),
		},
		format: ModelFormat::Safetensors,
		architecture: Architecture::Bert,
		task: TaskKind::TextEmbedding { dim: 384 },
		pricing: Pricing { per_request: 1_000u32.into(), per_output_token: 0u32.into() },
		policy: ModelPolicy {
			verification: VerificationPolicy::Sampled {
				permill: Permill::from_percent(10),
				k: 2,
				n: 3,
			},
			comparison: ComparisonRule::Cosine(Tolerance(1_000)),
			min_deadline: 10u32.into(),
		},
	}
}

/// Registers a line owned by `owner` with `versions` live versions, and
/// returns the line and its newest version.
fn line_with_versions<T: Config>(owner: &T::AccountId, versions: u32) -> (ModelLineId, ModelId) {
	let line = NextLineId::<T>::get();
	Registry::<T>::register_model(
		RawOrigin::Signed(owner.clone()).into(),
		longest_name(0),
		largest_spec::<T>(0),
	)
	.expect("registers");
	for seed in 1..versions {
		Registry::<T>::publish_version(
			RawOrigin::Signed(owner.clone()).into(),
			line,
			largest_spec::<T>(seed),
		)
		.expect("publishes");
	}
	(line, NextModelId::<T>::get() - 1)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_model() {
		let owner = funded::<T>("owner", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), longest_name(1), largest_spec::<T>(0));
		assert!(LineByName::<T>::contains_key(&owner, longest_name(1)));
	}

	/// `v`: the line's live versions before publishing (each is read to
	/// refuse duplicates).
	#[benchmark]
	fn publish_version(v: Linear<1, { T::MaxVersions::get() - 1 }>) {
		let owner = funded::<T>("owner", 0);
		let (line, _) = line_with_versions::<T>(&owner, v);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), line, largest_spec::<T>(v));
		assert_eq!(Lines::<T>::get(line).map(|l| l.versions.len() as u32), Some(v + 1));
	}

	#[benchmark]
	fn set_price() {
		let owner = funded::<T>("owner", 0);
		let (_, model) = line_with_versions::<T>(&owner, 1);
		let pricing = Pricing { per_request: 7u32.into(), per_output_token: 0u32.into() };
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), model, pricing);
		assert_eq!(Models::<T>::get(model).map(|m| m.pricing), Some(pricing));
	}

	#[benchmark]
	fn set_policy() {
		let owner = funded::<T>("owner", 0);
		let (_, model) = line_with_versions::<T>(&owner, 1);
		let policy = ModelPolicy {
			verification: VerificationPolicy::Quorum { k: 3, n: 5 },
			comparison: ComparisonRule::MaxAbs(Tolerance(10)),
			min_deadline: 10u32.into(),
		};
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), model, policy);
		assert_eq!(Models::<T>::get(model).map(|m| m.policy), Some(policy));
	}

	/// Retiring is the costliest status change: it releases deposits and
	/// edits the line, whose `v` live versions are scanned.
	#[benchmark]
	fn set_status(v: Linear<1, { T::MaxVersions::get() }>) {
		let owner = funded::<T>("owner", 0);
		let (_, model) = line_with_versions::<T>(&owner, v);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), model, ModelStatus::Retired);
		assert_eq!(Models::<T>::get(model).map(|m| m.status), Some(ModelStatus::Retired));
	}

	#[benchmark]
	fn transfer_ownership() {
		let owner = funded::<T>("owner", 0);
		let (line, _) = line_with_versions::<T>(&owner, 1);
		let new_owner: T::AccountId = account("new", 0, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), line, new_owner.clone());
		assert_eq!(Lines::<T>::get(line).and_then(|l| l.pending_owner), Some(new_owner));
	}

	/// `v`: the line's live versions, whose records all change owner.
	#[benchmark]
	fn accept_ownership(v: Linear<1, { T::MaxVersions::get() }>) {
		let owner = funded::<T>("owner", 0);
		let new_owner = funded::<T>("new", 0);
		let (line, _) = line_with_versions::<T>(&owner, v);
		Registry::<T>::transfer_ownership(RawOrigin::Signed(owner).into(), line, new_owner.clone())
			.expect("offers");
		#[extrinsic_call]
		_(RawOrigin::Signed(new_owner.clone()), line);
		assert_eq!(Lines::<T>::get(line).map(|l| l.owner), Some(new_owner));
	}

	#[benchmark]
	fn force_set_status(v: Linear<1, { T::MaxVersions::get() }>) -> Result<(), BenchmarkError> {
		let owner = funded::<T>("owner", 0);
		let (_, model) = line_with_versions::<T>(&owner, v);
		let origin =
			T::ForceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, model, ModelStatus::Retired);
		assert_eq!(Models::<T>::get(model).map(|m| m.status), Some(ModelStatus::Retired));
		Ok(())
	}

	/// A retired version's record removed after its tombstone period, its
	/// deposit returned.
	#[benchmark]
	fn remove_retired() {
		let owner = funded::<T>("owner", 0);
		let (_, model) = line_with_versions::<T>(&owner, 1);
		Pallet::<T>::set_status(
			RawOrigin::Signed(owner.clone()).into(),
			model,
			ModelStatus::Retired,
		)
		.expect("retires");
		let later =
			frame_system::Pallet::<T>::block_number().saturating_add(T::TombstonePeriod::get());
		frame_system::Pallet::<T>::set_block_number(later);
		#[extrinsic_call]
		_(RawOrigin::Signed(funded::<T>("anyone", 0)), model);
		assert!(Models::<T>::get(model).is_none());
	}

	impl_benchmark_test_suite!(Registry, crate::mock::new_test_ext(), crate::mock::Test);
}
