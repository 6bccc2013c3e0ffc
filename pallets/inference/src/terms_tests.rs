//! A publisher against the executors serving its model: terms changed after
//! they joined bind only those who accept them.

use frame_support::{assert_noop, assert_ok};
use veritas_primitives::model::{ModelInspect, Pricing};

use crate::{
	mock::*,
	tests::{models, register, request_embedding, run_to, try_request, FEE, STAKE},
	Error, Event, ModelExecutors, Requests,
};

fn accept(executor: AccountId, model: u64, terms: u32) -> sp_runtime::DispatchResult {
	Inference::accept_terms(RuntimeOrigin::signed(executor), model, terms)
}

fn price_of(request: u64) -> Pricing<Balance> {
	Requests::<Test>::get(request).expect("stored").pricing
}

/// The attack: an executor joins a model at a fair price; the publisher then
/// cuts the price to nothing and the executor's stake is on the line for
/// requests it is paid nothing for. Now the executor is not assigned the
/// model's new requests until it accepts the new terms; requests made
/// before the change keep the old price; and accepting takes the revision
/// the executor read.
#[test]
fn a_price_cut_after_joining_binds_no_executor_that_did_not_accept_it() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 4);
		let fair = TestModels::model(EMBEDDING_MODEL).expect("registered").pricing;
		let before = request_embedding(FEE);
		assert_eq!(Inference::accepted_terms(&EXECUTOR, EMBEDDING_MODEL), Some(0));

		TestModels::change_terms(EMBEDDING_MODEL, Pricing { per_request: 0, per_output_token: 0 });
		assert_eq!(TestModels::terms(EMBEDDING_MODEL), 1);
		assert_noop!(
			try_request(EMBEDDING_MODEL, Default::default(), FEE),
			Error::<Test>::NoExecutorAvailable
		);
		assert_eq!(price_of(before), fair, "a request keeps the terms it was made under");

		// Accepting a revision it has not read is refused.
		assert_noop!(accept(EXECUTOR, EMBEDDING_MODEL, 0), Error::<Test>::TermsChanged);
		assert_noop!(accept(EXECUTOR, EMBEDDING_MODEL, 2), Error::<Test>::TermsChanged);
		assert_ok!(accept(EXECUTOR, EMBEDDING_MODEL, 1));
		assert!(System::events().iter().any(|record| record.event
			== RuntimeEvent::Inference(Event::TermsAccepted {
				executor: EXECUTOR,
				model: EMBEDDING_MODEL,
				terms: 1
			})));
		let after = request_embedding(FEE);
		assert_eq!(price_of(after).per_request, 0);
		assert_eq!(Requests::<Test>::get(after).expect("stored").executor, Some(EXECUTOR));
	});
}

/// The attack: the publisher sees an executor's registration in the pool
/// and places a price cut ahead of it in the same block, so that joining
/// would accept terms the executor never saw. Joining accepts only the
/// terms that stood as the block began; a change in the same block still
/// needs `accept_terms`.
#[test]
fn a_change_placed_ahead_of_a_registration_is_not_accepted_by_it() {
	run_test(|| {
		TestModels::change_terms(EMBEDDING_MODEL, Pricing { per_request: 0, per_output_token: 0 });
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 4);
		assert_eq!(Inference::accepted_terms(&EXECUTOR, EMBEDDING_MODEL), Some(0));
		assert_noop!(
			try_request(EMBEDDING_MODEL, Default::default(), FEE),
			Error::<Test>::NoExecutorAvailable
		);
		// A block later the change is there to read: joining accepts it.
		run_to(System::block_number() + 1);
		register(OTHER_EXECUTOR, STAKE, &[EMBEDDING_MODEL], 4);
		assert_eq!(Inference::accepted_terms(&OTHER_EXECUTOR, EMBEDDING_MODEL), Some(1));
		let request = request_embedding(FEE);
		assert_eq!(Requests::<Test>::get(request).expect("stored").executor, Some(OTHER_EXECUTOR));
	});
}

/// Executors that accepted keep being drawn; those that did not are passed
/// over, whatever their stake.
#[test]
fn only_executors_that_accepted_the_current_terms_are_drawn() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 4);
		register(OTHER_EXECUTOR, STAKE * 50, &[EMBEDDING_MODEL], 4);
		TestModels::change_terms(EMBEDDING_MODEL, Pricing { per_request: 7, per_output_token: 0 });
		assert_ok!(accept(EXECUTOR, EMBEDDING_MODEL, 1));
		for _ in 0..4 {
			let request = request_embedding(FEE);
			assert_eq!(Requests::<Test>::get(request).expect("stored").executor, Some(EXECUTOR));
		}
	});
}

#[test]
fn accepting_terms_needs_an_active_executor_of_the_model() {
	run_test(|| {
		assert_noop!(accept(EXECUTOR, EMBEDDING_MODEL, 0), Error::<Test>::NotExecutor);
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 4);
		assert_noop!(accept(EXECUTOR, GENERATION_MODEL, 0), Error::<Test>::ModelNotServed);
		assert_ok!(Inference::unregister_executor(RuntimeOrigin::signed(EXECUTOR)));
		assert_noop!(accept(EXECUTOR, EMBEDDING_MODEL, 0), Error::<Test>::ExecutorUnbonding);
	});
}

/// Changing the models served keeps the revision accepted for models kept,
/// accepts the current one for models joined, and forgets models left; an
/// executor that withdraws leaves nothing behind.
#[test]
fn the_terms_recorded_follow_the_models_served() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL, GENERATION_MODEL], 4);
		TestModels::change_terms(EMBEDDING_MODEL, Pricing { per_request: 7, per_output_token: 0 });
		TestModels::change_terms(TABULAR_MODEL, Pricing { per_request: 9, per_output_token: 0 });
		run_to(System::block_number() + 1);
		assert_ok!(Inference::update_executor(
			RuntimeOrigin::signed(EXECUTOR),
			0,
			models(&[EMBEDDING_MODEL, TABULAR_MODEL]),
			4
		));
		assert_eq!(
			Inference::accepted_terms(&EXECUTOR, EMBEDDING_MODEL),
			Some(0),
			"kept, unaccepted"
		);
		assert_eq!(
			Inference::accepted_terms(&EXECUTOR, TABULAR_MODEL),
			Some(1),
			"joined: accepted"
		);
		assert_eq!(Inference::accepted_terms(&EXECUTOR, GENERATION_MODEL), None, "left");
		Inference::do_try_state().expect("invariants hold");

		assert_ok!(Inference::unregister_executor(RuntimeOrigin::signed(EXECUTOR)));
		run_to(System::block_number() + <<Test as crate::Config>::UnbondingPeriod as frame_support::traits::Get<u64>>::get());
		assert_ok!(Inference::withdraw_stake(RuntimeOrigin::signed(EXECUTOR)));
		assert!(ModelExecutors::<Test>::iter_values().all(|listed| listed.is_empty()));
	});
}

/// Executors registered before terms were recorded accept, on upgrade, the
/// terms of every model they serve.
#[test]
fn the_upgrade_records_the_terms_every_executor_serves_under() {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL, GENERATION_MODEL], 4);
		register(OTHER_EXECUTOR, STAKE, &[EMBEDDING_MODEL], 4);
		// As version 2 stored the lists: accounts only.
		for model in [EMBEDDING_MODEL, GENERATION_MODEL] {
			let accounts: Vec<AccountId> =
				ModelExecutors::<Test>::get(model).into_iter().map(|(who, _)| who).collect();
			frame_support::storage::unhashed::put(
				&ModelExecutors::<Test>::hashed_key_for(model),
				&accounts,
			);
		}
		StorageVersion::new(2).put::<Inference>();
		crate::migrations::v3::MigrateV2ToV3::<Test>::on_runtime_upgrade();
		assert_eq!(Inference::on_chain_storage_version(), 3);
		for (who, model) in [
			(EXECUTOR, EMBEDDING_MODEL),
			(EXECUTOR, GENERATION_MODEL),
			(OTHER_EXECUTOR, EMBEDDING_MODEL),
		] {
			assert_eq!(Inference::accepted_terms(&who, model), Some(0));
		}
		assert_ok!(try_request(EMBEDDING_MODEL, Default::default(), FEE));
	});
}
