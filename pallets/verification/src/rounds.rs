//! The life of a verification: drawing committees, counting attestations,
//! escalating to a dispute, slashing whoever was wrong or absent, and
//! handing the verdict back.

use alloc::vec::Vec;
use codec::Encode;
use frame_support::{
	pallet_prelude::*, storage::with_storage_layer, traits::Randomness, BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{traits::Saturating, Perbill};
use veritas_primitives::{
	inference::{Attestation, InferenceHooks, Verdict},
	model::VerificationPolicy,
	settlement::{Beneficiary, Bond, RequestId, Settlement},
};

use crate::{
	committee, ActiveVerifiers, Config, Due, Error, Event, Pallet, Seats, SlashReason, Stage,
	VerificationOf, Verifications, VerifierStatus, Verifiers,
};

const LOG_TARGET: &str = "runtime::verification";

impl<T: Config> Pallet<T> {
	/// Adds `request` to the block `at`'s due list.
	pub(crate) fn schedule(request: RequestId, at: BlockNumberFor<T>) -> DispatchResult {
		Due::<T>::try_mutate(at, |due| due.try_push(request))
			.map_err(|_| Error::<T>::TooManyDue.into())
	}

	/// Takes `request` off the block `at`'s due list.
	pub(crate) fn unschedule(request: RequestId, at: BlockNumberFor<T>) {
		Due::<T>::mutate(at, |due| due.retain(|due| *due != request));
	}

	/// Handles a verification whose stage ends now. Each runs in its own
	/// storage layer: one that fails (its due block is full, say) changes
	/// nothing and is logged.
	pub(crate) fn on_due(request: RequestId, now: BlockNumberFor<T>) {
		let outcome = with_storage_layer(|| {
			let Some(record) = Verifications::<T>::get(request) else { return Ok(()) };
			// Left over from a stage that ended early.
			if record.due != now {
				return Ok(());
			}
			Self::advance(request, record, now)
		});
		if let Err(error) = outcome {
			log::error!(target: LOG_TARGET, "request {request}: verification stuck: {error:?}");
		}
	}

	fn advance(
		request: RequestId,
		mut record: VerificationOf<T>,
		now: BlockNumberFor<T>,
	) -> DispatchResult {
		match (record.stage, record.policy) {
			(Stage::Selecting, VerificationPolicy::Quorum { k, n }) => {
				Self::start_quorum(request, record, k, n, now)
			},
			(Stage::Selecting, VerificationPolicy::Optimistic { window_blocks, .. }) => {
				Self::open_window(request, record, window_blocks, now)
			},
			(Stage::Selecting, VerificationPolicy::Sampled { permill, k, n }) => {
				if committee::sampled(&Self::seed(request), request, permill.deconstruct()) {
					Self::start_quorum(request, record, k, n, now)
				} else {
					Self::open_window(request, record, T::SampledWindow::get(), now)
				}
			},
			// Nobody challenged in time.
			(Stage::Window, _) => Self::finish(request, record, false, Vec::new(), now),
			// A round's deadline: those who did not attest pay, then the
			// votes cast decide.
			_ => {
				Self::slash_no_shows(request, &mut record);
				Self::tally(request, record, now, true)
			},
		}
	}

	/// The seed of `request`'s draws, from the runtime's randomness now.
	fn seed(request: RequestId) -> [u8; 32] {
		let (random, _) = T::Randomness::random(&(b"veritas/verification", request).encode());
		sp_io::hashing::blake2_256(&random.encode())
	}

	/// Verifiers who may sit in `record`'s next committee: active, not its
	/// executor, and (for a dispute) not in the round before.
	fn eligible(record: &VerificationOf<T>, stage: Stage) -> Vec<T::AccountId> {
		ActiveVerifiers::<T>::get()
			.into_iter()
			.filter(|member| member != &record.executor)
			.filter(|member| stage != Stage::Dispute || !record.committee.contains(member))
			.collect()
	}

	fn start_quorum(
		request: RequestId,
		mut record: VerificationOf<T>,
		k: u8,
		n: u8,
		now: BlockNumberFor<T>,
	) -> DispatchResult {
		let eligible = Self::eligible(&record, Stage::Quorum { k });
		if eligible.len() < k as usize {
			Self::deposit_event(Event::Unverified { request, eligible: eligible.len() as u32 });
			return Self::finish(request, record, false, Vec::new(), now);
		}
		Self::seat(request, &mut record, Stage::Quorum { k }, eligible, n, now)?;
		Verifications::<T>::insert(request, record);
		Ok(())
	}

	fn open_window(
		request: RequestId,
		mut record: VerificationOf<T>,
		window: BlockNumberFor<T>,
		now: BlockNumberFor<T>,
	) -> DispatchResult {
		record.stage = Stage::Window;
		record.due = now.saturating_add(window);
		Self::schedule(request, record.due)?;
		Self::deposit_event(Event::WindowOpened { request, ends: record.due });
		Verifications::<T>::insert(request, record);
		Ok(())
	}

	/// Draws a committee for `stage` (a challenge's or a dispute's) and
	/// opens its round. `false` when nobody is eligible; then nothing changed.
	pub(crate) fn open_round(
		request: RequestId,
		record: &mut VerificationOf<T>,
		stage: Stage,
		now: BlockNumberFor<T>,
	) -> Result<bool, DispatchError> {
		let size = match stage {
			Stage::Dispute => T::DisputeCommitteeSize::get(),
			_ => T::ChallengeCommitteeSize::get(),
		};
		let eligible = Self::eligible(record, stage);
		if eligible.is_empty() {
			return Ok(false);
		}
		Self::seat(request, record, stage, eligible, size, now)?;
		Ok(true)
	}

	/// Seats up to `size` of `eligible`, drawn from the seed, for a round of
	/// `stage` that ends an attestation period from now.
	fn seat(
		request: RequestId,
		record: &mut VerificationOf<T>,
		stage: Stage,
		eligible: Vec<T::AccountId>,
		size: u8,
		now: BlockNumberFor<T>,
	) -> DispatchResult {
		let round = u8::from(stage == Stage::Dispute);
		let members =
			committee::select(&Self::seed(request), request, round, eligible, size.into());
		for member in &members {
			Seats::<T>::insert(member, request, ());
			Verifiers::<T>::mutate(member, |maybe| {
				if let Some(verifier) = maybe {
					verifier.seats.saturating_inc();
				}
			});
		}
		record.committee = BoundedVec::truncate_from(members.clone());
		record.votes = Default::default();
		record.stage = stage;
		record.due = now.saturating_add(T::AttestationPeriod::get());
		Self::schedule(request, record.due)?;
		Self::deposit_event(Event::CommitteeSelected { request, stage, members });
		Ok(())
	}

	/// Decides what the votes so far (or, once `deadline_passed`, all the
	/// votes there will be) mean for the round.
	pub(crate) fn tally(
		request: RequestId,
		record: VerificationOf<T>,
		now: BlockNumberFor<T>,
		deadline_passed: bool,
	) -> DispatchResult {
		let size = record.committee.len();
		let matches = record.count(Attestation::Match);
		let mismatches = record.count(Attestation::Mismatch);
		let majority = |votes: usize| votes * 2 > size;
		match record.stage {
			Stage::Quorum { k } => {
				let k = k as usize;
				if matches >= k {
					let verifiers = record.voters(Attestation::Match);
					return Self::finish(request, record, false, verifiers, now);
				}
				// k matches are out of reach, or time is up: a dispute.
				if mismatches > size.saturating_sub(k) || deadline_passed {
					return Self::escalate(request, record, now);
				}
			},
			Stage::Challenge => {
				if majority(mismatches) || (deadline_passed && mismatches > matches) {
					let verifiers = record.voters(Attestation::Mismatch);
					return Self::finish(request, record, true, verifiers, now);
				}
				// The committee contradicts the challenge, or cannot decide.
				if majority(matches) || deadline_passed {
					return Self::escalate(request, record, now);
				}
			},
			Stage::Dispute => {
				// The last round: fraud needs more mismatches than matches.
				if majority(mismatches) || (deadline_passed && mismatches > matches) {
					let verifiers = record.voters(Attestation::Mismatch);
					return Self::finish(request, record, true, verifiers, now);
				}
				if majority(matches) || deadline_passed {
					let verifiers = record.voters(Attestation::Match);
					return Self::finish(request, record, false, verifiers, now);
				}
			},
			Stage::Selecting | Stage::Window => {},
		}
		Verifications::<T>::insert(request, record);
		Ok(())
	}

	/// Opens the second round. With nobody left to sit in it, the first
	/// round's votes decide, fraud needing more mismatches than matches.
	fn escalate(
		request: RequestId,
		mut record: VerificationOf<T>,
		now: BlockNumberFor<T>,
	) -> DispatchResult {
		Self::close_round(request, &record, now);
		record.first_round = record.votes.clone();
		Self::deposit_event(Event::Escalated { request });
		if Self::open_round(request, &mut record, Stage::Dispute, now)? {
			Verifications::<T>::insert(request, record);
			return Ok(());
		}
		let fraud = record.count(Attestation::Mismatch) > record.count(Attestation::Match);
		let side = if fraud { Attestation::Mismatch } else { Attestation::Match };
		let verifiers = record.voters(side);
		// No dispute happened: the first round is the deciding one.
		record.first_round = Default::default();
		Self::finish(request, record, fraud, verifiers, now)
	}

	/// Ends the verification: slashes the losing side, settles the
	/// challenger's bond, and hands the verdict to the inference pallet.
	fn finish(
		request: RequestId,
		record: VerificationOf<T>,
		fraud: bool,
		verifiers: Vec<T::AccountId>,
		now: BlockNumberFor<T>,
	) -> DispatchResult {
		Self::close_round(request, &record, now);
		let losing = if fraud { Attestation::Match } else { Attestation::Mismatch };
		for vote in record.votes.iter().chain(record.first_round.iter()) {
			if vote.attestation == losing {
				Self::slash_verifier(
					&vote.verifier,
					T::WrongAttestationSlash::get(),
					SlashReason::AgainstMajority,
				);
			} else {
				Self::raise_reputation(&vote.verifier);
			}
		}
		let challenger = match record.challenger {
			Some((challenger, bond)) if fraud => {
				T::Settlement::release(&challenger, Bond::ChallengeBond, bond);
				Some(challenger)
			},
			Some((challenger, bond)) => {
				let amount = T::Settlement::slash(
					&challenger,
					Bond::ChallengeBond,
					bond,
					Beneficiary::Treasury,
				);
				Self::deposit_event(Event::ChallengeBondSlashed { request, challenger, amount });
				None
			},
			None => None,
		};
		Verifications::<T>::remove(request);
		let verdict = match fraud {
			true => Verdict::Fraud { challenger, verifiers },
			false => Verdict::Accepted { verifiers },
		};
		// The inference pallet settles in its own layer: if it refuses, the
		// verification still ends, and the event says why.
		match with_storage_layer(|| T::Inference::on_verdict(request, verdict)) {
			Ok(()) => Self::deposit_event(Event::VerdictReached { request, fraud }),
			Err(error) => Self::deposit_event(Event::VerdictNotSettled { request, error }),
		}
		Ok(())
	}

	/// Frees the seats of a round that is over, and takes its deadline off
	/// the due list if it ended early.
	fn close_round(request: RequestId, record: &VerificationOf<T>, now: BlockNumberFor<T>) {
		for member in record.committee.iter() {
			Self::vacate_seat(member, request);
		}
		if record.due != now {
			Self::unschedule(request, record.due);
		}
	}

	/// Slashes the committee members that did not attest before the deadline.
	fn slash_no_shows(request: RequestId, record: &mut VerificationOf<T>) {
		let absent: Vec<T::AccountId> =
			record.committee.iter().filter(|member| !record.has_voted(member)).cloned().collect();
		for member in absent {
			Self::vacate_seat(&member, request);
			Self::slash_verifier(&member, T::NoShowSlash::get(), SlashReason::NoShow);
		}
	}

	/// Frees `who`'s seat in `request`'s committee, if it holds one.
	pub(crate) fn vacate_seat(who: &T::AccountId, request: RequestId) {
		if Seats::<T>::take(who, request).is_some() {
			Verifiers::<T>::mutate(who, |maybe| {
				if let Some(verifier) = maybe {
					verifier.seats.saturating_dec();
				}
			});
		}
	}

	/// Takes `share` of `who`'s stake to the treasury and a point of its
	/// reputation. A verifier left below the minimum stake stops taking seats.
	fn slash_verifier(who: &T::AccountId, share: Perbill, reason: SlashReason) {
		let Some(mut verifier) = Verifiers::<T>::get(who) else { return };
		let amount = T::Settlement::slash(
			who,
			Bond::VerifierStake,
			share * verifier.stake,
			Beneficiary::Treasury,
		);
		verifier.stake = verifier.stake.saturating_sub(amount);
		verifier.reputation = verifier.reputation.saturating_sub(1);
		let below_minimum = verifier.status == VerifierStatus::Active
			&& verifier.stake < T::MinVerifierStake::get();
		Verifiers::<T>::insert(who, verifier);
		Self::deposit_event(Event::VerifierSlashed { verifier: who.clone(), amount, reason });
		if below_minimum {
			let _ = Self::start_unbonding(who);
		}
	}

	fn raise_reputation(who: &T::AccountId) {
		Verifiers::<T>::mutate(who, |maybe| {
			if let Some(verifier) = maybe {
				verifier.reputation = verifier.reputation.saturating_add(1);
			}
		});
	}
}
