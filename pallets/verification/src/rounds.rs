//! The life of a verification: drawing committees, counting attestations,
//! escalating to a dispute, slashing whoever was wrong or absent, and
//! handing the verdict back.
//!
//! The rules, in one place:
//! - every committee is drawn on a block after the transaction that asked
//!   for it (the result, the challenge, the vote that escalated);
//! - a first round (a quorum's or a challenge's) can only *accept*: `k`
//!   matches (a majority, for a challenge) and, under `Exact`, no mismatch.
//!   Anything else goes to a dispute;
//! - a dispute is *decided* when one answer holds a majority of its seats;
//!   only a decided dispute slashes anyone for a wrong attestation, and only
//!   a dispute decided for fraud slashes the executor;
//! - an `Unrunnable` attestation is an answer, never a no-show, and is never
//!   slashed as wrong: it only says the verifier's node could not run it.

use alloc::vec::Vec;
use codec::Encode;
use frame_support::{
	pallet_prelude::*, storage::with_storage_layer, traits::Randomness, BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{Saturating, UniqueSaturatedInto},
	Perbill,
};
use veritas_primitives::{
	inference::{Attestation, InferenceHooks, Verdict},
	model::{ComparisonRule, VerificationPolicy},
	settlement::{Beneficiary, Bond, RequestId, Settlement},
};

use crate::{
	committee, ActiveVerifiers, Config, Due, Error, Event, Pallet, Seats, SlashReason, Stage,
	VerificationOf, Verifications, VerifierStatus, Verifiers, WeightInfo,
};

const LOG_TARGET: &str = "runtime::verification";

/// How many blocks past the one asked for a due entry may spill to when
/// that block's list is full.
pub const MAX_DUE_SPILL: u32 = 256;

/// What a verification ends with.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Outcome {
	Accepted,
	Fraud,
	Unrunnable,
}

/// Who decided the outcome, which says who may be punished for it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum DecidedBy {
	/// A majority of a dispute's seats: the wrong side of both rounds pays.
	Dispute,
	/// A first round accepted (k matches, or a challenge committee's
	/// majority): no verifier is slashed, but a challenger loses its bond.
	FirstRound,
	/// Nobody: a window that ran out, too few verifiers, or votes with no
	/// majority. The result stands; nobody is punished for a vote.
	Default,
}

impl<T: Config> Pallet<T> {
	/// Adds `request` to the due list of block `at` or, when that list is
	/// full, of the first block after it with room (at most
	/// [`MAX_DUE_SPILL`] later): the block it landed in.
	pub(crate) fn schedule(
		request: RequestId,
		at: BlockNumberFor<T>,
	) -> Result<BlockNumberFor<T>, DispatchError> {
		let mut block = at;
		for _ in 0..=MAX_DUE_SPILL {
			if Due::<T>::try_mutate(block, |due| due.try_push(request)).is_ok() {
				return Ok(block);
			}
			block = block.saturating_add(1u32.into());
		}
		Err(Error::<T>::TooManyDue.into())
	}

	/// [`Self::schedule`] from the block after `now`: where every draw goes,
	/// so that its seed is one nobody could know when asking for it.
	pub(crate) fn schedule_next_block(
		request: RequestId,
		now: BlockNumberFor<T>,
	) -> Result<BlockNumberFor<T>, DispatchError> {
		Self::schedule(request, now.saturating_add(1u32.into()))
	}

	/// Takes `request` off the block `at`'s due list.
	pub(crate) fn unschedule(request: RequestId, at: BlockNumberFor<T>) {
		Due::<T>::mutate(at, |due| due.retain(|due| *due != request));
	}

	/// Handles a verification whose stage ends now. Each runs in its own
	/// storage layer: one that fails changes nothing, and is put on a later
	/// block's list to be tried again (anyone may also push it on with
	/// `advance`), so that no verification is ever left without a due block.
	///
	/// Returns the stage it tried to end, if any: what the block is charged.
	pub(crate) fn on_due(request: RequestId, now: BlockNumberFor<T>) -> Option<Stage> {
		let record = Verifications::<T>::get(request)?;
		// Left over from a stage that ended early.
		if record.due != now {
			return None;
		}
		let stage = record.stage;
		let outcome = with_storage_layer(|| Self::advance_stage(request, record, now));
		if let Err(error) = outcome {
			log::error!(target: LOG_TARGET, "request {request}: could not advance: {error:?}");
			let retry = Self::schedule_next_block(request, now);
			if let (Ok(at), Some(mut record)) = (retry, Verifications::<T>::get(request)) {
				record.due = at;
				Verifications::<T>::insert(request, record);
			}
			Self::deposit_event(Event::AdvanceDeferred { request, error });
		}
		Some(stage)
	}

	/// The most that ending a verification's `stage` can cost, by the
	/// benchmarks of its dearest paths: drawing the largest committee from a
	/// full list, a round of the largest committee in which nobody attested
	/// (each member slashed and unbonded), and a verdict that pays the
	/// largest committee. A round's end may slash and then decide, so it
	/// pays for both.
	pub fn weight_to_advance(stage: Stage) -> Weight {
		let each = |weight: fn(u32) -> Weight| weight(1).saturating_sub(weight(0));
		let verdict = each(T::WeightInfo::on_initialize_verdicts);
		match stage {
			Stage::Window => verdict,
			Stage::Quorum { .. } | Stage::Challenge | Stage::Dispute => {
				each(T::WeightInfo::on_initialize_round_ends).saturating_add(verdict)
			},
			// A draw, or a verdict when nobody is left to draw.
			Stage::Selecting | Stage::SelectingChallenge | Stage::SelectingDispute => {
				each(T::WeightInfo::on_initialize).max(verdict)
			},
		}
	}

	/// The most [`Self::weight_to_advance`] charges, whatever the stage.
	pub fn most_to_advance() -> Weight {
		[Stage::Selecting, Stage::Window, Stage::Dispute]
			.into_iter()
			.map(Self::weight_to_advance)
			.fold(Weight::zero(), |most, weight| most.max(weight))
	}

	/// Ends the stage `record` is in, at `now`, its due block or later.
	pub(crate) fn advance_stage(
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
			(Stage::Window, _) => {
				Self::finish(request, record, Outcome::Accepted, DecidedBy::Default, now)
			},
			(Stage::SelectingChallenge, _) => {
				if Self::open_round(request, &mut record, Stage::Challenge, now)? {
					Verifications::<T>::insert(request, record);
					return Ok(());
				}
				// Everyone left between the challenge and the draw: the
				// result stands unverified, and the challenger loses nothing.
				Self::deposit_event(Event::Unverified { request, eligible: 0 });
				Self::finish(request, record, Outcome::Accepted, DecidedBy::Default, now)
			},
			(Stage::SelectingDispute, _) => Self::open_dispute(request, record, now),
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

	/// Verifiers who may sit in `record`'s next committee, with their
	/// stakes: active, not its executor, and (for a dispute) not in the
	/// round before.
	pub(crate) fn eligible(record: &VerificationOf<T>, stage: Stage) -> Vec<(T::AccountId, u128)> {
		ActiveVerifiers::<T>::get()
			.into_iter()
			.filter(|(member, _)| member != &record.executor)
			.filter(|(member, _)| stage != Stage::Dispute || !record.committee.contains(member))
			.map(|(member, stake)| (member, stake.unique_saturated_into()))
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
			return Self::finish(request, record, Outcome::Accepted, DecidedBy::Default, now);
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
		record.due = Self::schedule(request, now.saturating_add(window))?;
		Self::deposit_event(Event::WindowOpened { request, ends: record.due });
		Verifications::<T>::insert(request, record);
		Ok(())
	}

	/// Draws a committee for `stage` (a challenge's or a dispute's) and
	/// opens its round. `false` when nobody is eligible; then nothing changed.
	fn open_round(
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

	/// Seats up to `size` of `eligible`, drawn by stake from the seed, for a
	/// round of `stage` that ends an attestation period from now.
	fn seat(
		request: RequestId,
		record: &mut VerificationOf<T>,
		stage: Stage,
		eligible: Vec<(T::AccountId, u128)>,
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
		record.due = Self::schedule(request, now.saturating_add(T::AttestationPeriod::get()))?;
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
		let matches = record.count(|vote| vote == Attestation::Match);
		let mismatches = record.count(|vote| vote == Attestation::Mismatch);
		let unrunnable = record.count(|vote| matches!(vote, Attestation::Unrunnable(_)));
		// Under `Exact` outputs are deterministic: one verifier who got
		// other bytes is a disagreement worth a dispute, whatever the rest say.
		let contradicted = record.comparison == ComparisonRule::Exact && mismatches > 0;
		let first_round_accepts = |k: usize| {
			if contradicted {
				return Some(false);
			}
			if matches >= k {
				return Some(true);
			}
			// k matches are out of reach, or time is up: a dispute.
			let out_of_reach = mismatches + unrunnable > size.saturating_sub(k);
			(out_of_reach || deadline_passed).then_some(false)
		};
		// A challenge's committee upholds the result by a majority.
		let first_round_k = match record.stage {
			Stage::Quorum { k } => Some(usize::from(k)),
			Stage::Challenge => Some(size / 2 + 1),
			_ => None,
		};
		match record.stage {
			Stage::Quorum { .. } | Stage::Challenge => {
				match first_round_k.and_then(first_round_accepts) {
					Some(true) => {
						let by = DecidedBy::FirstRound;
						return Self::finish(request, record, Outcome::Accepted, by, now);
					},
					Some(false) => return Self::escalate(request, record, now),
					None => {},
				}
			},
			Stage::Dispute => {
				let decided = Self::majority_answer(&record);
				match (decided, deadline_passed) {
					(Some(outcome), _) => {
						return Self::finish(request, record, outcome, DecidedBy::Dispute, now)
					},
					// No answer holds a majority: nothing is proven, so the
					// result stands and nobody is slashed for a vote.
					(None, true) => {
						return Self::finish(
							request,
							record,
							Outcome::Accepted,
							DecidedBy::Default,
							now,
						)
					},
					(None, false) => {},
				}
			},
			Stage::Selecting
			| Stage::Window
			| Stage::SelectingChallenge
			| Stage::SelectingDispute => {},
		}
		Verifications::<T>::insert(request, record);
		Ok(())
	}

	/// The answer a majority of the committee's seats gave, if any.
	fn majority_answer(record: &VerificationOf<T>) -> Option<Outcome> {
		let majority = |votes: usize| votes * 2 > record.committee.len();
		if majority(record.count(|vote| vote == Attestation::Mismatch)) {
			Some(Outcome::Fraud)
		} else if majority(record.count(|vote| vote == Attestation::Match)) {
			Some(Outcome::Accepted)
		} else if majority(record.count(|vote| matches!(vote, Attestation::Unrunnable(_)))) {
			Some(Outcome::Unrunnable)
		} else {
			None
		}
	}

	/// Closes the first round and asks for a dispute committee, drawn on the
	/// next block: the voter whose attestation escalates cannot know it.
	fn escalate(
		request: RequestId,
		mut record: VerificationOf<T>,
		now: BlockNumberFor<T>,
	) -> DispatchResult {
		Self::close_round(request, &record, now);
		record.first_round = core::mem::take(&mut record.votes);
		record.stage = Stage::SelectingDispute;
		record.due = Self::schedule_next_block(request, now)?;
		Self::deposit_event(Event::Escalated { request });
		Verifications::<T>::insert(request, record);
		Ok(())
	}

	/// Opens the dispute. With nobody left to sit in it, the first round's
	/// votes decide by a majority of its committee, and slash nobody: no
	/// dispute was decided.
	fn open_dispute(
		request: RequestId,
		mut record: VerificationOf<T>,
		now: BlockNumberFor<T>,
	) -> DispatchResult {
		if Self::open_round(request, &mut record, Stage::Dispute, now)? {
			Verifications::<T>::insert(request, record);
			return Ok(());
		}
		record.votes = core::mem::take(&mut record.first_round);
		let outcome = Self::majority_answer(&record).unwrap_or(Outcome::Accepted);
		Self::finish(request, record, outcome, DecidedBy::Default, now)
	}

	/// Ends the verification: slashes the losing side when a dispute
	/// decided it, settles the challenger's bond, and hands the verdict to
	/// the inference pallet.
	fn finish(
		request: RequestId,
		record: VerificationOf<T>,
		outcome: Outcome,
		decided_by: DecidedBy,
		now: BlockNumberFor<T>,
	) -> DispatchResult {
		Self::close_round(request, &record, now);
		let winning = |vote: Attestation| match outcome {
			Outcome::Accepted => vote == Attestation::Match,
			Outcome::Fraud => vote == Attestation::Mismatch,
			Outcome::Unrunnable => matches!(vote, Attestation::Unrunnable(_)),
		};
		// Only a match against a decided fraud, or a mismatch against a
		// decided acceptance, is a wrong attestation.
		let wrong = |vote: Attestation| match outcome {
			Outcome::Accepted => vote == Attestation::Mismatch,
			Outcome::Fraud => vote == Attestation::Match,
			Outcome::Unrunnable => false,
		};
		let disputed = decided_by == DecidedBy::Dispute;
		for vote in record.votes.iter().chain(record.first_round.iter()) {
			if winning(vote.attestation) {
				Self::adjust_reputation(&vote.verifier, 1);
			} else if disputed && wrong(vote.attestation) {
				Self::slash_verifier(
					&vote.verifier,
					T::WrongAttestationSlash::get(),
					SlashReason::AgainstMajority,
				);
			} else if disputed {
				Self::adjust_reputation(&vote.verifier, -1);
			}
		}
		// A challenge loses its bond only when the result was upheld by a
		// vote; one that proved nothing either way gets it back.
		let challenge_was_false = outcome == Outcome::Accepted && decided_by != DecidedBy::Default;
		let challenger = match record.challenger {
			Some((challenger, bond)) if challenge_was_false => {
				let amount = T::Settlement::slash(
					&challenger,
					Bond::ChallengeBond,
					bond,
					Beneficiary::Treasury,
				);
				Self::deposit_event(Event::ChallengeBondSlashed { request, challenger, amount });
				None
			},
			Some((challenger, bond)) => {
				T::Settlement::release(&challenger, Bond::ChallengeBond, bond);
				(outcome == Outcome::Fraud).then_some(challenger)
			},
			None => None,
		};
		let verifiers = record
			.votes
			.iter()
			.filter(|vote| winning(vote.attestation))
			.map(|vote| vote.verifier.clone())
			.collect();
		Verifications::<T>::remove(request);
		let verdict = match outcome {
			Outcome::Fraud => Verdict::Fraud { challenger, verifiers },
			Outcome::Accepted => Verdict::Accepted { verifiers },
			Outcome::Unrunnable => Verdict::Unrunnable { verifiers },
		};
		// The inference pallet settles in its own layer: if it refuses, the
		// verification still ends, and the event says why.
		match with_storage_layer(|| T::Inference::on_verdict(request, verdict)) {
			Ok(()) => Self::deposit_event(Event::VerdictReached {
				request,
				fraud: outcome == Outcome::Fraud,
			}),
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
		let stake = verifier.stake;
		Verifiers::<T>::insert(who, verifier);
		// Seats go by stake: the eligible list carries it.
		ActiveVerifiers::<T>::mutate(|active| {
			if let Some(entry) = active.iter_mut().find(|(member, _)| member == who) {
				entry.1 = stake;
			}
		});
		Self::deposit_event(Event::VerifierSlashed { verifier: who.clone(), amount, reason });
		if below_minimum {
			let _ = Self::start_unbonding(who);
		}
	}

	/// Moves `who`'s reputation by `change` points.
	fn adjust_reputation(who: &T::AccountId, change: i32) {
		Verifiers::<T>::mutate(who, |maybe| {
			if let Some(verifier) = maybe {
				verifier.reputation = verifier.reputation.saturating_add(change);
			}
		});
	}
}
