//! Subscriptions through the executive: runs are made at the start of their
//! block, before any transaction, so a block full of transactions cannot
//! delay them.

use frame_support::{assert_ok, dispatch::DispatchClass};
use sp_keyring::Sr25519Keyring;
use sp_runtime::transaction_validity::{InvalidTransaction, TransactionValidityError};
use veritas_primitives::subscription::{RequestSpec, RunOutcome, SubscriptionStatus};

use super::{initialize_block, new_test_ext, register_minilm, serve_model_zero, signed, MAX_FEE};
use sp_genesis_builder::DEV_RUNTIME_PRESET;

use crate::{Executive, Runtime, RuntimeCall, Subscriptions, System};

#[test]
fn runs_are_made_on_time_in_blocks_full_of_transactions() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		initialize_block(1);
		register_minilm(Sr25519Keyring::Bob, 0);
		serve_model_zero(Sr25519Keyring::Charlie);
		let spec = RequestSpec {
			model: 0,
			input: veritas_primitives::inference::RequestInput::Inline(
				b"is this loan sound?".to_vec().try_into().expect("fits"),
			),
			params: Default::default(),
			max_fee: MAX_FEE,
			deadline_after: 20,
		};
		let call = RuntimeCall::Subscriptions(pallet_subscriptions::Call::subscribe {
			spec,
			period: 2,
			runs: 3,
		});
		assert_ok!(
			Executive::apply_extrinsic(signed(call, Sr25519Keyring::Dave, 0)).expect("valid")
		);

		let weights = <Runtime as frame_system::Config>::BlockWeights::get();
		let normal = weights.get(DispatchClass::Normal).max_total.expect("a normal share");
		for number in 2..=7 {
			initialize_block(number);
			// Someone fills the block: nothing else of normal class fits.
			System::register_extra_weight_unchecked(normal, DispatchClass::Normal);
			let remark = RuntimeCall::System(frame_system::Call::remark { remark: vec![1] });
			let nonce = number - 2;
			assert_eq!(
				Executive::apply_extrinsic(signed(remark, Sr25519Keyring::Eve, nonce)),
				Err(TransactionValidityError::Invalid(InvalidTransaction::ExhaustsResources))
			);
		}
		let view = Subscriptions::subscription_view(0).expect("the subscription");
		let made: Vec<_> = view.runs.iter().map(|run| (run.due, run.made_at)).collect();
		assert_eq!(made, vec![(2, 2), (4, 4), (6, 6)], "every run on its beat");
		for run in &view.runs {
			let RunOutcome::Requested(request) = run.outcome else {
				panic!("run refused: {run:?}")
			};
			let record = pallet_inference::Requests::<Runtime>::get(request).expect("made");
			assert_eq!(record.requester, Sr25519Keyring::Dave.to_account_id());
			assert_eq!(record.executor, Some(Sr25519Keyring::Charlie.to_account_id()));
		}
		assert_eq!(view.subscription.status, SubscriptionStatus::Completed { at: 6 });
	});
}

/// pallet-subscriptions' benchmarks open subscriptions (one per subscriber)
/// whose check is the inference pallet's real one: the helper's request must
/// pass it, every time it is asked.
#[cfg(feature = "runtime-benchmarks")]
#[test]
fn the_subscription_benchmark_helper_makes_a_request_the_chain_takes() {
	use pallet_subscriptions::BenchmarkHelper;
	use veritas_primitives::subscription::InferenceRequests;
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		initialize_block(1);
		let subscriber = Sr25519Keyring::Dave.to_account_id();
		let spec = crate::configs::SubscriptionBenchmarkRequests::request_spec(&subscriber);
		assert_ok!(<crate::Inference as InferenceRequests<_, _, _>>::check(&subscriber, &spec));
		assert!(crate::Inference::request(&subscriber, &spec).is_ok());
		// Once per subscriber in a benchmark: the same model, served again.
		let other = Sr25519Keyring::Eve.to_account_id();
		let again = crate::configs::SubscriptionBenchmarkRequests::request_spec(&other);
		assert_eq!(again.model, spec.model);
		assert!(crate::Inference::request(&other, &again).is_ok());
	});
}
