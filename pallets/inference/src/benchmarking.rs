//! Benchmarks of every call and of the deadline sweep, each at its worst
//! case.

use alloc::vec::Vec;
use codec::Encode;
use frame_benchmarking::v2::*;
use frame_support::traits::fungible::Mutate;
use frame_system::RawOrigin;
use sp_runtime::traits::{Bounded, Saturating};
use veritas_primitives::{
	inference::{
		InferenceOutput, InferenceParams, OutputBytes, RequestInput, UnrunnableReason,
		MAX_OUTPUT_LENGTH, MAX_STORED_OUTPUT_LENGTH,
	},
	model::{Cid, ModelId, TaskKind, MAX_CID_LENGTH},
};

use super::*;

const GENERATION: TaskKind = TaskKind::TextGeneration { max_context: 2048, max_new_tokens: 64 };

/// An account with plenty: a hundred-thousandth of the largest balance (so
/// that the thousand-odd accounts of the largest sweep do not overflow the
/// total issuance), enough for ten thousand requests' fees.
fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 100_000u32.into());
	who
}

fn stake<T: Config>() -> BalanceOf<T> {
	T::MinExecutorStake::get().saturating_mul(10u32.into())
}

/// `count` models, all active.
fn models<T: Config>(count: u32) -> Vec<ModelId> {
	let publisher = funded::<T>("publisher", 0);
	(0..count).map(|_| T::BenchmarkHelper::register_model(&publisher, GENERATION)).collect()
}

fn served<T: Config>(models: &[ModelId]) -> ServedModels<T> {
	ServedModels::<T>::truncate_from(models.to_vec())
}

/// `count` executors of `model`; the first is returned.
fn executors<T: Config>(model: ModelId, count: u32) -> T::AccountId {
	let mut first = None;
	for index in 0..count {
		let who = funded::<T>("executor", index);
		Pallet::<T>::register_executor(
			RawOrigin::Signed(who.clone()).into(),
			stake::<T>(),
			served::<T>(&[model]),
			T::MaxCapacity::get(),
		)
		.expect("registers");
		first.get_or_insert(who);
	}
	first.expect("at least one executor")
}

/// Marks every executor of `model` as full (`busy`) or as having all its
/// places free, without making requests: what the waiting line sees.
fn set_busy<T: Config>(model: ModelId, busy: bool) {
	for (who, _) in ModelExecutors::<T>::get(model) {
		Executors::<T>::mutate(&who, |maybe| {
			if let Some(executor) = maybe {
				executor.open = if busy { executor.capacity } else { 0 };
			}
		});
	}
}

/// `count` requests of `model` waiting in its line, behind executors all
/// busy.
fn waiting<T: Config>(model: ModelId, count: u32) -> Vec<RequestId> {
	set_busy::<T>(model, true);
	let requester = funded::<T>("requester", 0);
	let ids: Vec<RequestId> = (0..count).map(|_| request::<T>(&requester, model)).collect();
	assert_eq!(WaitingLines::<T>::get(model).len() as u32, count);
	ids
}

fn largest_input() -> RequestInput {
	RequestInput::Inline(
		alloc::vec![b'a'; veritas_primitives::inference::MAX_INLINE_INPUT_LENGTH as usize]
			.try_into()
			.expect("fits"),
	)
}

fn params() -> InferenceParams {
	InferenceParams { max_new_tokens: 64, seed: 1, ..Default::default() }
}

/// Makes a request of `model` and returns its id.
fn request<T: Config>(requester: &T::AccountId, model: ModelId) -> RequestId {
	let id = NextRequestId::<T>::get();
	let deadline = frame_system::Pallet::<T>::block_number().saturating_add(T::MaxDeadline::get());
	Pallet::<T>::request_inference(
		RawOrigin::Signed(requester.clone()).into(),
		model,
		largest_input(),
		params(),
		BalanceOf::<T>::max_value() / 1_000_000_000u32.into(),
		deadline,
	)
	.expect("requests");
	id
}

/// A generation output whose canonical encoding is about `length` bytes.
fn output_of_length(length: u32) -> OutputBytes {
	let text = alloc::vec![b'x'; length.saturating_sub(300) as usize];
	let output = InferenceOutput::Generation { tokens: (0..64).collect(), text };
	output.encode().try_into().expect("fits")
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// `m`: models served.
	#[benchmark]
	fn register_executor(m: Linear<1, { T::MaxModelsPerExecutor::get() }>) {
		let served = served::<T>(&models::<T>(m));
		let who = funded::<T>("executor", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), stake::<T>(), served, T::MaxCapacity::get());
		assert!(Executors::<T>::contains_key(&who));
	}

	/// `m`: models served before and after.
	#[benchmark]
	fn update_executor(m: Linear<1, { T::MaxModelsPerExecutor::get() }>) {
		let all = models::<T>(2 * m);
		let who = funded::<T>("executor", 0);
		Pallet::<T>::register_executor(
			RawOrigin::Signed(who.clone()).into(),
			stake::<T>(),
			served::<T>(&all[..m as usize]),
			1,
		)
		.expect("registers");
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), stake::<T>(), served::<T>(&all[m as usize..]), 2);
		assert_eq!(Executors::<T>::get(&who).map(|e| e.capacity), Some(2));
	}

	/// `m`: models served, each left.
	#[benchmark]
	fn unregister_executor(m: Linear<1, { T::MaxModelsPerExecutor::get() }>) {
		let served = served::<T>(&models::<T>(m));
		let who = funded::<T>("executor", 0);
		Pallet::<T>::register_executor(
			RawOrigin::Signed(who.clone()).into(),
			stake::<T>(),
			served,
			1,
		)
		.expect("registers");
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(matches!(
			Executors::<T>::get(&who).map(|e| e.status),
			Some(StakeStatus::Unbonding { .. })
		));
	}

	#[benchmark]
	fn withdraw_stake() {
		let model = models::<T>(1)[0];
		let who = executors::<T>(model, 1);
		Pallet::<T>::unregister_executor(RawOrigin::Signed(who.clone()).into()).expect("unbonds");
		frame_system::Pallet::<T>::set_block_number(
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get()),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(!Executors::<T>::contains_key(&who));
	}

	/// `e`: executors serving the model, each considered for assignment.
	#[benchmark]
	fn request_inference(e: Linear<1, { T::MaxExecutorsPerModel::get() }>) {
		let model = models::<T>(1)[0];
		executors::<T>(model, e);
		let requester = funded::<T>("requester", 0);
		let deadline =
			frame_system::Pallet::<T>::block_number().saturating_add(T::MaxDeadline::get());
		let fee = BalanceOf::<T>::max_value() / 1_000_000_000u32.into();
		#[extrinsic_call]
		_(RawOrigin::Signed(requester), model, largest_input(), params(), fee, deadline);
		assert!(Requests::<T>::contains_key(0));
	}

	/// `e`: executors serving the model, each read and found busy before
	/// the request takes the last place in the model's line.
	#[benchmark]
	fn request_waiting(e: Linear<1, { T::MaxExecutorsPerModel::get() }>) {
		let model = models::<T>(1)[0];
		executors::<T>(model, e);
		set_busy::<T>(model, true);
		let requester = funded::<T>("requester", 0);
		let deadline =
			frame_system::Pallet::<T>::block_number().saturating_add(T::MaxDeadline::get());
		let fee = BalanceOf::<T>::max_value() / 1_000_000_000u32.into();
		#[extrinsic_call]
		request_inference(
			RawOrigin::Signed(requester),
			model,
			largest_input(),
			params(),
			fee,
			deadline,
		);
		assert_eq!(Requests::<T>::get(0).map(|r| r.status), Some(RequestStatus::Waiting));
	}

	/// `e`: executors serving the model, read once; `n`: waiting requests,
	/// each drawn an executor and assigned.
	#[benchmark]
	fn assign_waiting(
		e: Linear<1, { T::MaxExecutorsPerModel::get() }>,
		n: Linear<1, { T::MaxCapacity::get().min(T::MaxAssignedPerBlock::get()) }>,
	) {
		let model = models::<T>(1)[0];
		executors::<T>(model, e);
		let ids = waiting::<T>(model, n);
		set_busy::<T>(model, false);
		let now = frame_system::Pallet::<T>::block_number();
		#[block]
		{
			Pallet::<T>::assign_waiting(now);
		}
		for id in ids {
			assert_eq!(Requests::<T>::get(id).map(|r| r.status), Some(RequestStatus::Assigned));
		}
		assert!(WaitingModels::<T>::get().is_empty());
	}

	/// `n`: waiting requests whose deadline came too near, each refunded in
	/// full and closed.
	#[benchmark]
	fn drop_waiting(n: Linear<1, { T::MaxAssignedPerBlock::get() }>) {
		let model = models::<T>(1)[0];
		executors::<T>(model, 1);
		let ids = waiting::<T>(model, n);
		// A block before the deadline: too near to run, and each request
		// still gives its deadline slot back (the dearer close).
		let now = frame_system::Pallet::<T>::block_number()
			.saturating_add(T::MaxDeadline::get())
			.saturating_sub(1u32.into());
		#[block]
		{
			Pallet::<T>::assign_waiting(now);
		}
		for id in ids {
			assert_eq!(Requests::<T>::get(id).map(|r| r.status), Some(RequestStatus::Expired));
		}
	}

	#[benchmark]
	fn cancel_request() {
		let model = models::<T>(1)[0];
		executors::<T>(model, 1);
		let requester = funded::<T>("requester", 0);
		let id = request::<T>(&requester, model);
		#[extrinsic_call]
		_(RawOrigin::Signed(requester), id);
		assert_eq!(Requests::<T>::get(id).map(|r| r.status), Some(RequestStatus::Cancelled));
	}

	/// `o`: the output's length in bytes (decoded and hashed).
	#[benchmark]
	fn submit_result(o: Linear<400, MAX_OUTPUT_LENGTH>) {
		let model = models::<T>(1)[0];
		let executor = executors::<T>(model, 1);
		let requester = funded::<T>("requester", 0);
		let id = request::<T>(&requester, model);
		let output = output_of_length(o);
		let digest = sp_io::hashing::blake2_256(&output);
		let proof_cid = Cid::truncate_from(alloc::vec![b'b'; MAX_CID_LENGTH as usize]);
		#[extrinsic_call]
		_(RawOrigin::Signed(executor), id, output, digest, proof_cid, [1; 32]);
		assert_ne!(Requests::<T>::get(id).map(|r| r.status), Some(RequestStatus::Assigned));
	}

	/// A result stored by reference, the longest CIDs, handed to
	/// verification: constant work, whatever the output's size.
	#[benchmark]
	fn submit_stored_result() {
		let model = models::<T>(1)[0];
		let executor = executors::<T>(model, 1);
		let requester = funded::<T>("requester", 0);
		let id = request::<T>(&requester, model);
		let cid = Cid::truncate_from(alloc::vec![b'b'; MAX_CID_LENGTH as usize]);
		let output = StoredOutput {
			cid: cid.clone(),
			size: MAX_STORED_OUTPUT_LENGTH,
			digest: [2; 32],
			generated_tokens: 64,
		};
		#[extrinsic_call]
		_(RawOrigin::Signed(executor), id, output, cid, [1; 32]);
		assert_ne!(Requests::<T>::get(id).map(|r| r.status), Some(RequestStatus::Assigned));
	}

	/// An executor's report that it cannot run a request, handed to
	/// verification as a result is.
	#[benchmark]
	fn report_unrunnable() {
		let model = models::<T>(1)[0];
		let executor = executors::<T>(model, 1);
		let requester = funded::<T>("requester", 0);
		let id = request::<T>(&requester, model);
		#[extrinsic_call]
		_(RawOrigin::Signed(executor), id, UnrunnableReason::BadInput);
		assert_ne!(Requests::<T>::get(id).map(|r| r.status), Some(RequestStatus::Assigned));
	}

	/// An executor accepts a model's terms, as it does after the publisher
	/// changed them.
	#[benchmark]
	fn accept_terms() {
		let model = models::<T>(1)[0];
		// The last of the most executors the model may have.
		let first = executors::<T>(model, T::MaxExecutorsPerModel::get());
		let executor =
			ModelExecutors::<T>::get(model).last().map(|(who, _)| who.clone()).unwrap_or(first);
		let terms = T::Models::terms(model);
		#[extrinsic_call]
		_(RawOrigin::Signed(executor.clone()), model, terms);
		assert_eq!(Pallet::<T>::accepted_terms(&executor, model), Some(terms));
	}

	/// `n`: requests expiring in one block, each refunded and its executor
	/// slashed. Each has its own executor and requester, so that nothing is
	/// cached between them: the worst case, linear in `n`. Every executor
	/// stakes the minimum and serves the most models it may, so that the
	/// slash takes it below the minimum and it unbonds and leaves every
	/// model's list: the most an expiry can cost.
	#[benchmark]
	fn sweep(n: Linear<1, { T::MaxRequestsPerBlock::get() }>) {
		let mut all_models = Vec::new();
		let ids: Vec<RequestId> = (0..n)
			.map(|index| {
				let served_models = models::<T>(T::MaxModelsPerExecutor::get());
				let executor = funded::<T>("executor", index);
				Pallet::<T>::register_executor(
					RawOrigin::Signed(executor).into(),
					T::MinExecutorStake::get(),
					served::<T>(&served_models),
					1,
				)
				.expect("registers");
				all_models.extend(served_models.iter().copied());
				request::<T>(&funded::<T>("requester", index), served_models[0])
			})
			.collect();
		let deadline =
			frame_system::Pallet::<T>::block_number().saturating_add(T::MaxDeadline::get());
		frame_system::Pallet::<T>::set_block_number(deadline);
		SweepCursor::<T>::put(deadline);
		#[block]
		{
			Pallet::<T>::sweep(deadline, Weight::MAX);
		}
		for id in ids {
			let record = Requests::<T>::get(id).expect("kept");
			assert_eq!(record.status, RequestStatus::Expired);
			let executor = record.executor.and_then(|who| Executors::<T>::get(&who)).expect("kept");
			assert!(matches!(executor.status, StakeStatus::Unbonding { .. }));
		}
		for model in all_models {
			assert!(ModelExecutors::<T>::get(model).is_empty());
		}
	}

	/// `n`: settled requests whose retention ends in this block, each read
	/// and removed with its pruning entry.
	#[benchmark]
	fn prune(n: Linear<0, 64>) {
		let model = models::<T>(1)[0];
		executors::<T>(model, 1);
		let requester = funded::<T>("requester", 0);
		let ids: Vec<RequestId> = (0..n)
			.map(|_| {
				let id = request::<T>(&requester, model);
				Pallet::<T>::cancel_request(RawOrigin::Signed(requester.clone()).into(), id)
					.expect("cancels");
				id
			})
			.collect();
		let due =
			frame_system::Pallet::<T>::block_number().saturating_add(T::RetentionPeriod::get());
		#[block]
		{
			Pallet::<T>::prune(due, Weight::MAX);
		}
		for id in ids {
			assert!(Requests::<T>::get(id).is_none());
		}
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
