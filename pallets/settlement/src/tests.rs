//! Escrow, payouts, refunds, stakes and slashes, with their errors and the
//! conservation of funds (checked after every test by `run_test`).

use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use proptest::prelude::*;
use veritas_primitives::settlement::{Beneficiary, Bond, FeeQuote, Settlement as _};

use crate::{mock::*, Error, Escrows, Event, HoldReason};

fn escrowed(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::RequestEscrow.into(), &who)
}

fn free(who: AccountId) -> Balance {
	Balances::balance(&who)
}

#[test]
fn genesis_funds_the_treasury_with_the_existential_deposit() {
	run_test(|| assert_eq!(free(TREASURY), 10));
}

#[test]
fn quote_adds_verification_and_protocol_fees() {
	run_test(|| {
		assert_eq!(
			Settlement::quote(1_000, 3),
			FeeQuote { model: 1_000, verification: 600, protocol: 50, total: 1_650 }
		);
		assert_eq!(Settlement::quote(1_000, 0).total, 1_050);
	});
}

#[test]
fn escrow_holds_and_refund_returns_everything() {
	run_test(|| {
		assert_ok!(Settlement::escrow(7, &REQUESTER, 500));
		assert_eq!(escrowed(REQUESTER), 500);
		assert_eq!(free(REQUESTER), ENDOWMENT - 500);
		System::assert_last_event(
			Event::Escrowed { request: 7, payer: REQUESTER, amount: 500 }.into(),
		);

		assert_eq!(Settlement::refund(7), Ok(500));
		assert_eq!(escrowed(REQUESTER), 0);
		assert_eq!(free(REQUESTER), ENDOWMENT);
		assert!(Escrows::<Test>::get(7).is_none());
		System::assert_last_event(
			Event::Refunded { request: 7, payer: REQUESTER, amount: 500 }.into(),
		);
	});
}

#[test]
fn escrow_errors() {
	run_test(|| {
		assert_ok!(Settlement::escrow(1, &REQUESTER, 100));
		assert_noop!(Settlement::escrow(1, &REQUESTER, 100), Error::<Test>::EscrowExists);
		assert_noop!(Settlement::escrow(2, &REQUESTER, 0), Error::<Test>::ZeroAmount);
		assert_noop!(
			Settlement::escrow(3, &REQUESTER, ENDOWMENT * 2),
			Error::<Test>::InsufficientBalance
		);
		assert_noop!(Settlement::refund(9), Error::<Test>::UnknownEscrow);
	});
}

#[test]
fn an_accepted_request_pays_everyone_and_refunds_the_rest() {
	run_test(|| {
		assert_ok!(Settlement::escrow(1, &REQUESTER, 2_000));
		let payouts = Settlement::pay_accepted(1, &EXECUTOR, &PUBLISHER, 1_000, &VERIFIERS)
			.expect("escrow covers the cost");
		assert_eq!(payouts.royalty, 100);
		assert_eq!(payouts.executor, 900);
		assert_eq!(payouts.per_verifier, 200);
		assert_eq!(payouts.treasury, 50);
		assert_eq!(payouts.refund, 2_000 - 1_000 - 600 - 50);

		assert_eq!(free(EXECUTOR), ENDOWMENT + 900);
		assert_eq!(free(PUBLISHER), ENDOWMENT + 100);
		for verifier in VERIFIERS {
			assert_eq!(free(verifier), ENDOWMENT + 200);
		}
		assert_eq!(free(TREASURY), 10 + 50);
		assert_eq!(free(REQUESTER), ENDOWMENT - 1_650);
		assert_eq!(escrowed(REQUESTER), 0);
		assert!(Escrows::<Test>::get(1).is_none());
		System::assert_last_event(Event::Paid { request: 1, payouts }.into());
	});
}

#[test]
fn payouts_need_enough_escrow_and_change_nothing_otherwise() {
	run_test(|| {
		assert_ok!(Settlement::escrow(1, &REQUESTER, 1_000));
		assert_noop!(
			Settlement::pay_accepted(1, &EXECUTOR, &PUBLISHER, 1_000, &VERIFIERS),
			Error::<Test>::EscrowTooSmall
		);
		assert_noop!(
			Settlement::pay_accepted(2, &EXECUTOR, &PUBLISHER, 1, &[]),
			Error::<Test>::UnknownEscrow
		);
	});
}

#[test]
fn fraud_refunds_the_requester_and_shares_the_slash() {
	run_test(|| {
		assert_ok!(Settlement::hold(&EXECUTOR, Bond::ExecutorStake, 10_000));
		assert_ok!(Settlement::escrow(1, &REQUESTER, 2_000));
		let payouts =
			Settlement::punish_fraud(1, &EXECUTOR, 5_000, Some(&CHALLENGER), &VERIFIERS[..2])
				.expect("settles");
		assert_eq!(payouts.refund, 2_000);
		assert_eq!(payouts.slashed, 5_000);
		assert_eq!(payouts.challenger, 1_500);
		assert_eq!(payouts.per_verifier, 750);
		assert_eq!(payouts.treasury, 5_000 - 1_500 - 1_500);

		assert_eq!(free(REQUESTER), ENDOWMENT);
		assert_eq!(Settlement::held(&EXECUTOR, Bond::ExecutorStake), 5_000);
		assert_eq!(free(CHALLENGER), ENDOWMENT + 1_500);
		assert_eq!(free(VERIFIERS[0]), ENDOWMENT + 750);
		assert_eq!(free(VERIFIERS[2]), ENDOWMENT);
		assert_eq!(free(TREASURY), 10 + 2_000);
	});
}

#[test]
fn a_slash_never_exceeds_the_stake() {
	run_test(|| {
		assert_ok!(Settlement::hold(&EXECUTOR, Bond::ExecutorStake, 100));
		assert_ok!(Settlement::escrow(1, &REQUESTER, 50));
		let payouts = Settlement::punish_fraud(1, &EXECUTOR, 1_000, None, &[]).expect("settles");
		assert_eq!(payouts.slashed, 100);
		assert_eq!(payouts.treasury, 100);
		assert_eq!(payouts.challenger, 0);
		assert_eq!(Settlement::held(&EXECUTOR, Bond::ExecutorStake), 0);
	});
}

#[test]
fn stakes_hold_release_and_slash() {
	run_test(|| {
		assert_ok!(Settlement::hold(&VERIFIERS[0], Bond::VerifierStake, 1_000));
		assert_noop!(
			Settlement::hold(&VERIFIERS[0], Bond::VerifierStake, 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			Settlement::hold(&VERIFIERS[0], Bond::VerifierStake, ENDOWMENT),
			Error::<Test>::InsufficientBalance
		);
		assert_eq!(Settlement::held(&VERIFIERS[0], Bond::VerifierStake), 1_000);
		assert_eq!(Settlement::held(&VERIFIERS[0], Bond::ExecutorStake), 0);

		assert_eq!(
			Settlement::slash(&VERIFIERS[0], Bond::VerifierStake, 300, Beneficiary::Treasury),
			300
		);
		System::assert_last_event(
			Event::Slashed { who: VERIFIERS[0], bond: Bond::VerifierStake, amount: 300, to: None }
				.into(),
		);
		assert_eq!(
			Settlement::slash(
				&VERIFIERS[0],
				Bond::VerifierStake,
				200,
				Beneficiary::Account(CHALLENGER)
			),
			200
		);
		assert_eq!(free(CHALLENGER), ENDOWMENT + 200);
		// Releasing more than is held releases what is held.
		assert_eq!(Settlement::release(&VERIFIERS[0], Bond::VerifierStake, 10_000), 500);
		assert_eq!(free(VERIFIERS[0]), ENDOWMENT - 500);
		assert_eq!(
			Settlement::slash(&VERIFIERS[0], Bond::VerifierStake, 1, Beneficiary::Treasury),
			0
		);
	});
}

#[test]
fn try_state_detects_an_unrecorded_escrow_hold() {
	run_test(|| {
		assert_ok!(Settlement::escrow(1, &REQUESTER, 100));
		Escrows::<Test>::remove(1);
		Escrows::<Test>::insert(1, crate::Escrow { payer: REQUESTER, amount: 99 });
		assert!(Settlement::do_try_state().is_err());
		Escrows::<Test>::insert(1, crate::Escrow { payer: REQUESTER, amount: 100 });
	});
}

/// One step of a random settlement history.
#[derive(Clone, Debug)]
enum Step {
	Escrow { request: u64, amount: Balance },
	Refund { request: u64 },
	Accept { request: u64, cost: Balance, verifiers: usize },
	Fraud { request: u64, slash: Balance, challenged: bool, verifiers: usize },
	Stake { amount: Balance },
	Slash { amount: Balance },
}

fn step() -> impl Strategy<Value = Step> {
	let request = 0u64..6;
	prop_oneof![
		(request.clone(), 1u128..5_000)
			.prop_map(|(request, amount)| Step::Escrow { request, amount }),
		request.clone().prop_map(|request| Step::Refund { request }),
		(request.clone(), 0u128..3_000, 0usize..=3)
			.prop_map(|(request, cost, verifiers)| Step::Accept { request, cost, verifiers }),
		(request, 0u128..20_000, any::<bool>(), 0usize..=3).prop_map(
			|(request, slash, challenged, verifiers)| Step::Fraud {
				request,
				slash,
				challenged,
				verifiers
			}
		),
		(1u128..10_000).prop_map(|amount| Step::Stake { amount }),
		(0u128..10_000).prop_map(|amount| Step::Slash { amount }),
	]
}

proptest! {
	/// Whatever happens, and whether each step succeeds or fails, no funds
	/// are created or destroyed and the escrow records match the holds.
	#[test]
	fn random_histories_conserve_funds(steps in proptest::collection::vec(step(), 1..40)) {
		run_test(|| {
			for step in steps {
				let _ = match step {
					Step::Escrow { request, amount } =>
						Settlement::escrow(request, &REQUESTER, amount).map(|_| ()),
					Step::Refund { request } => Settlement::refund(request).map(|_| ()),
					Step::Accept { request, cost, verifiers } => Settlement::pay_accepted(
						request, &EXECUTOR, &PUBLISHER, cost, &VERIFIERS[..verifiers],
					)
					.map(|_| ()),
					Step::Fraud { request, slash, challenged, verifiers } => Settlement::punish_fraud(
						request,
						&EXECUTOR,
						slash,
						challenged.then_some(&CHALLENGER),
						&VERIFIERS[..verifiers],
					)
					.map(|_| ()),
					Step::Stake { amount } =>
						Settlement::hold(&EXECUTOR, Bond::ExecutorStake, amount),
					Step::Slash { amount } => {
						Settlement::slash(&EXECUTOR, Bond::ExecutorStake, amount, Beneficiary::Treasury);
						Ok(())
					},
				};
				Settlement::do_try_state().expect("invariants hold after every step");
			}
		});
	}
}

/// A payout below the existential deposit to an account that does not exist
/// (a publisher whose account was reaped, say) cannot land. It goes to the
/// treasury instead of failing the settlement, which would leave the verdict
/// unsettled and the escrow held.
#[test]
fn a_payout_the_recipient_cannot_receive_goes_to_the_treasury() {
	run_test(|| {
		const REAPED: AccountId = 42;
		assert_eq!(free(REAPED), 0);
		assert_ok!(Settlement::escrow(1, &REQUESTER, 200));
		let treasury = free(TREASURY);
		// A cost of 50: the royalty (5) is below the existential deposit (10).
		let payouts =
			Settlement::pay_accepted(1, &EXECUTOR, &REAPED, 50, &[]).expect("settles all the same");
		assert_eq!(payouts.royalty, 5);
		assert_eq!(free(REAPED), 0);
		// The protocol fee (2) and the royalty (5) both reach the treasury.
		assert_eq!(free(TREASURY), treasury + 2 + 5);
		assert!(System::events().iter().any(|record| record.event
			== RuntimeEvent::Settlement(Event::PaidToTreasury { intended: REAPED, amount: 5 })));
		assert!(Escrows::<Test>::get(1).is_none());
		assert_eq!(escrowed(REQUESTER), 0);
	});
}

/// A request nobody could run: the verifiers get their fees from the escrow,
/// the payer the rest, the executor and publisher nothing.
#[test]
fn pay_unrunnable_pays_only_the_verifiers_and_refunds_the_rest() {
	run_test(|| {
		assert_ok!(Settlement::escrow(1, &REQUESTER, 1_650));
		let (executor, publisher, treasury) = (free(EXECUTOR), free(PUBLISHER), free(TREASURY));
		let payouts = Settlement::pay_unrunnable(1, 1_000, &VERIFIERS[..2], None).expect("pays");
		assert_eq!((payouts.executor, payouts.royalty, payouts.treasury), (0, 0, 0));
		assert_eq!((payouts.per_verifier, payouts.verifiers, payouts.refund), (200, 2, 1_250));
		for verifier in &VERIFIERS[..2] {
			assert_eq!(free(*verifier), ENDOWMENT + 200);
		}
		assert_eq!(free(REQUESTER), ENDOWMENT - 400);
		assert_eq!(
			(free(EXECUTOR), free(PUBLISHER), free(TREASURY)),
			(executor, publisher, treasury)
		);
		assert_eq!(escrowed(REQUESTER), 0);
		assert_noop!(
			Settlement::pay_unrunnable(1, 1_000, &VERIFIERS, None),
			Error::<Test>::UnknownEscrow
		);
		// An escrow too small for the fees is refused whole.
		assert_ok!(Settlement::escrow(2, &REQUESTER, 100));
		assert_noop!(
			Settlement::pay_unrunnable(2, 1_000, &VERIFIERS, None),
			Error::<Test>::EscrowTooSmall
		);
	});
}

/// A request its executor reported unrunnable, and the verifiers agreed:
/// the executor is paid for its time, the verifiers their fees, the payer
/// gets the rest, and the publisher nothing.
#[test]
fn pay_unrunnable_pays_a_reporting_executor_for_its_time() {
	run_test(|| {
		assert_ok!(Settlement::escrow(1, &REQUESTER, 1_650));
		let (publisher, treasury) = (free(PUBLISHER), free(TREASURY));
		let executor = free(EXECUTOR);
		let payouts = Settlement::pay_unrunnable(1, 1_000, &VERIFIERS[..2], Some((&EXECUTOR, 300)))
			.expect("pays");
		assert_eq!((payouts.executor, payouts.royalty, payouts.treasury), (300, 0, 0));
		assert_eq!((payouts.per_verifier, payouts.refund), (200, 950));
		assert_eq!(free(EXECUTOR), executor + 300);
		assert_eq!(free(REQUESTER), ENDOWMENT - 700);
		assert_eq!((free(PUBLISHER), free(TREASURY)), (publisher, treasury));
		assert_eq!(escrowed(REQUESTER), 0);
		// The time and the fees must fit the escrow, or nothing moves.
		assert_ok!(Settlement::escrow(2, &REQUESTER, 500));
		assert_noop!(
			Settlement::pay_unrunnable(2, 1_000, &VERIFIERS[..2], Some((&EXECUTOR, 300))),
			Error::<Test>::EscrowTooSmall
		);
	});
}
