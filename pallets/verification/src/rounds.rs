//! The life of a verification: opening rounds, counting attestations,
//! escalating to a dispute, slashing whoever was wrong, and handing the
//! verdict back.
//!
//! The rules, in one place:
//! - every round opens on a block after the transaction that asked for it
//!   (the result, the challenge, the vote that escalated), with its seed
//!   fixed then; its members are whoever their VRFs select (`sortition.rs`);
//! - a round's size is random, so it is counted against its *expected*
//!   size `n`;
//! - a first round (a quorum's or a challenge's) can only *accept*: `k`
//!   matches (a majority of `n`, for a challenge) and, under `Exact`, no
//!   mismatch. It escalates to a dispute once more than `n − k` members
//!   said otherwise, or at its deadline without `k` matches;
//! - a dispute is *decided* when one answer holds a majority of `n`; only a
//!   decided dispute slashes anyone for a wrong attestation, and only a
//!   dispute decided for fraud slashes the executor. At its deadline, votes
//!   from a majority of `n` with no majority answer leave the result
//!   standing; fewer end it *unverified* (the requester refunded);
//! - an `Unrunnable` attestation is an answer, never slashed as wrong: it
//!   only says the verifier's node could not run it. Silence is not
//!   slashed: nobody knows who was selected and kept quiet.

use frame_support::{pallet_prelude::*, storage::with_storage_layer};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{traits::Saturating, Perbill};
use veritas_primitives::{
	inference::{Attestation, InferenceHooks, Verdict},
	model::{ComparisonRule, VerificationPolicy},
	settlement::{Beneficiary, Bond, RequestId, Settlement},
};

use crate::{
	sortition, ActiveVerifiers, Config, Due, Error, Event, Opening, Pallet, SlashReason, Stage,
	VerificationOf, Verifications, Verifiers, WeightInfo,
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
	/// Too few attested in the dispute for any verdict.
	Unverified,
}

/// Who decided the outcome, which says who may be punished for it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum DecidedBy {
	/// A majority of a dispute's seats: the wrong side of both rounds pays.
	Dispute,
	/// A first round accepted (k matches, or a challenge committee's
	/// majority): no verifier is slashed, but a challenger loses its bond.
	FirstRound,
	/// Nobody: a window that ran out, a dispute with no majority answer,
	/// or one too few attested in. Nobody is punished for a vote.
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
		Self::push_to_first_with_room(at, |block| {
			Due::<T>::try_mutate(block, |due| due.try_push(request)).is_ok()
		})
	}

	/// Adds `request` to the opening list of the block after `now` (or the
	/// first after it with room): where every round's opening goes, so that
	/// its seed is one nobody could know when asking for it.
	pub(crate) fn schedule_next_block(
		request: RequestId,
		now: BlockNumberFor<T>,
	) -> Result<BlockNumberFor<T>, DispatchError> {
		Self::push_to_first_with_room(now.saturating_add(1u32.into()), |block| {
			Opening::<T>::try_mutate(block, |opening| opening.try_push(request)).is_ok()
		})
	}

	/// Runs `push` on block `at` and on the blocks after it, at most
	/// [`MAX_DUE_SPILL`] later, until one has room: the block it landed in.
	fn push_to_first_with_room(
		at: BlockNumberFor<T>,
		push: impl Fn(BlockNumberFor<T>) -> bool,
	) -> Result<BlockNumberFor<T>, DispatchError> {
		let mut block = at;
		for _ in 0..=MAX_DUE_SPILL {
			if push(block) {
				return Ok(block);
			}
			block = block.saturating_add(1u32.into());
		}
		Err(Error::<T>::TooManyDue.into())
	}

	/// Takes `request`, in `stage`, off the list of block `at` it is on.
	pub(crate) fn unschedule(request: RequestId, at: BlockNumberFor<T>, stage: Stage) {
		match stage.is_selecting() {
			true => Opening::<T>::mutate(at, |opening| opening.retain(|due| *due != request)),
			false => Due::<T>::mutate(at, |due| due.retain(|due| *due != request)),
		}
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
			let next = now.saturating_add(1u32.into());
			let retry = match stage.is_selecting() {
				true => Self::schedule_next_block(request, now),
				false => Self::schedule(request, next),
			};
			if let (Ok(at), Some(mut record)) = (retry, Verifications::<T>::get(request)) {
				record.due = at;
				Verifications::<T>::insert(request, record);
			}
			Self::deposit_event(Event::AdvanceDeferred { request, error });
		}
		Some(stage)
	}

	/// The most that ending a verification's `stage` can cost, by the
	/// benchmarks of its dearest paths: opening a round (summing a full
	/// list's stakes), a round that ends at its deadline and escalates with
	/// the most votes it can hold, and a verdict that pays and judges the
	/// most voters. A round's end either escalates or decides, so it pays
	/// for the dearer.
	pub fn weight_to_advance(stage: Stage) -> Weight {
		let each = |weight: fn(u32) -> Weight| weight(1).saturating_sub(weight(0));
		let verdict = each(T::WeightInfo::on_initialize_verdicts);
		match stage {
			Stage::Window => verdict,
			Stage::Quorum { .. } | Stage::Challenge | Stage::Dispute => {
				each(T::WeightInfo::on_initialize_round_ends).max(verdict)
			},
			Stage::Selecting | Stage::SelectingChallenge | Stage::SelectingDispute => {
				each(T::WeightInfo::on_initialize)
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
			(Stage::Selecting, VerificationPolicy::Optimistic { window_blocks, .. }) => {
				return Self::open_window(request, record, window_blocks, now)
			},
			// Nobody challenged in time.
			(Stage::Window, _) => {
				return Self::finish(request, record, Outcome::Accepted, DecidedBy::Default, now)
			},
			// A round's deadline: the votes cast decide.
			(Stage::Quorum { .. } | Stage::Challenge | Stage::Dispute, _) => {
				return Self::tally(request, record, now, true)
			},
			_ => {},
		}
		let Some((stage, expected)) = Self::next_round(request, &record) else {
			// A sampled request whose coin did not come up.
			return Self::open_window(request, record, T::SampledWindow::get(), now);
		};
		// A dispute's redraw keeps the votes of its earlier draws; any other
		// round opens empty.
		record.sortition = Some(Self::fix_sortition(request, &record, expected, now));
		record.stage = stage;
		record.due = Self::schedule(request, now.saturating_add(T::AttestationPeriod::get()))?;
		let expected = record.sortition.map_or(0, |sortition| sortition.expected);
		Self::deposit_event(Event::RoundOpened { request, stage, expected });
		Verifications::<T>::insert(request, record);
		Ok(())
	}

	/// The round a verification waiting in a `Selecting` stage opens next,
	/// with the members it asks for, read from the runtime's randomness
	/// now; `None` for any other stage, or a sampled request whose coin
	/// does not come up.
	pub(crate) fn next_round(
		request: RequestId,
		record: &VerificationOf<T>,
	) -> Option<(Stage, u8)> {
		match (record.stage, record.policy) {
			(Stage::Selecting, VerificationPolicy::Quorum { k, n }) => {
				Some((Stage::Quorum { k }, n))
			},
			(Stage::Selecting, VerificationPolicy::Sampled { permill, k, n }) => {
				sortition::sampled(&Self::seed(request), request, permill.deconstruct())
					.then_some((Stage::Quorum { k }, n))
			},
			(Stage::SelectingChallenge, _) => {
				Some((Stage::Challenge, T::ChallengeCommitteeSize::get()))
			},
			(Stage::SelectingDispute, _) => Some((Stage::Dispute, T::DisputeCommitteeSize::get())),
			_ => None,
		}
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

	/// Decides what the votes so far (or, once `deadline_passed`, all the
	/// votes there will be) mean for the round, against its expected size.
	pub(crate) fn tally(
		request: RequestId,
		record: VerificationOf<T>,
		now: BlockNumberFor<T>,
		deadline_passed: bool,
	) -> DispatchResult {
		let expected = usize::from(record.sortition.map_or(0, |sortition| sortition.expected));
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
			// More than `n − k` said otherwise: the expected round could not
			// accept. Or time is up without `k` matches: too few revealed
			// themselves to accept, so a dispute.
			let out_of_reach = mismatches + unrunnable > expected.saturating_sub(k);
			(out_of_reach || deadline_passed).then_some(false)
		};
		// A challenge's round upholds the result by a majority.
		let first_round_k = match record.stage {
			Stage::Quorum { k } => Some(usize::from(k)),
			Stage::Challenge => Some(expected / 2 + 1),
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
				let decided = Self::majority_answer(&record, expected);
				match (decided, deadline_passed) {
					(Some(outcome), _) => {
						return Self::finish(request, record, outcome, DecidedBy::Dispute, now)
					},
					// No answer holds a majority. Enough voted that nothing is
					// proven: the result stands and nobody is slashed for a
					// vote. Too few voted to say anything: more members are
					// drawn, and when that too fails, unverified.
					(None, true) => {
						let outcome = if record.votes.len() * 2 > expected {
							Outcome::Accepted
						} else if record.redraws < crate::MAX_DISPUTE_REDRAWS {
							return Self::redraw(request, record, now);
						} else {
							Self::deposit_event(Event::Unverified {
								request,
								attested: record.votes.len() as u32,
							});
							Outcome::Unverified
						};
						return Self::finish(request, record, outcome, DecidedBy::Default, now);
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

	/// The answer that a majority of the round's expected size gave, if any.
	fn majority_answer(record: &VerificationOf<T>, expected: usize) -> Option<Outcome> {
		let majority = |votes: usize| votes * 2 > expected;
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

	/// Closes the first round and asks for a dispute, opened on the next
	/// block: the voter whose attestation escalates cannot know its seed.
	fn escalate(
		request: RequestId,
		mut record: VerificationOf<T>,
		now: BlockNumberFor<T>,
	) -> DispatchResult {
		record.first_round = core::mem::take(&mut record.votes);
		Self::open_dispute_next_block(request, record, now, Event::Escalated { request })
	}

	/// Asks for more members for a dispute too few attested in: a new seed
	/// on the next block (another round number in the sortition input),
	/// the votes cast kept, their authors out of the draw.
	fn redraw(
		request: RequestId,
		mut record: VerificationOf<T>,
		now: BlockNumberFor<T>,
	) -> DispatchResult {
		record.redraws = record.redraws.saturating_add(1);
		let event = Event::DisputeRedrawn { request, draw: record.redraws };
		Self::open_dispute_next_block(request, record, now, event)
	}

	/// Ends the round `record` is in and has a dispute round open on the
	/// next block, announced by `event`.
	fn open_dispute_next_block(
		request: RequestId,
		mut record: VerificationOf<T>,
		now: BlockNumberFor<T>,
		event: Event<T>,
	) -> DispatchResult {
		Self::close_round(request, &record, now);
		record.sortition = None;
		record.stage = Stage::SelectingDispute;
		record.due = Self::schedule_next_block(request, now)?;
		Self::deposit_event(event);
		Verifications::<T>::insert(request, record);
		Ok(())
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
			// Whoever answered did the work it was asked for.
			Outcome::Unverified => true,
		};
		// Only a match against a decided fraud, or a mismatch against a
		// decided acceptance, is a wrong attestation.
		let wrong = |vote: Attestation| match outcome {
			Outcome::Accepted => vote == Attestation::Mismatch,
			Outcome::Fraud => vote == Attestation::Match,
			Outcome::Unrunnable | Outcome::Unverified => false,
		};
		let disputed = decided_by == DecidedBy::Dispute;
		for vote in record.votes.iter().chain(record.first_round.iter()) {
			Self::count_open_vote(&vote.verifier, false);
			if outcome == Outcome::Unverified {
				continue;
			}
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
			Outcome::Unverified => Verdict::Unverified { verifiers },
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

	/// Takes the deadline of a round that ended early off the due list.
	fn close_round(request: RequestId, record: &VerificationOf<T>, now: BlockNumberFor<T>) {
		if record.due != now {
			Self::unschedule(request, record.due, record.stage);
		}
	}

	/// Takes `share` of `who`'s stake to the treasury and a point of its
	/// reputation. A verifier left below the minimum stake stops sitting in
	/// rounds.
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
		let below_minimum =
			verifier.status.is_active() && verifier.stake < T::MinVerifierStake::get();
		let stake = verifier.stake;
		Verifiers::<T>::insert(who, verifier);
		// Chances go by stake: the eligible list carries it.
		ActiveVerifiers::<T>::mutate(|active| {
			if let Some(listed) = active.iter_mut().find(|listed| &listed.verifier == who) {
				listed.stake = stake;
			}
		});
		Self::deposit_event(Event::VerifierSlashed { verifier: who.clone(), amount, reason });
		if below_minimum {
			let _ = Self::start_unbonding(who);
		}
	}

	/// Counts a vote of `who`'s in an unfinished verification (`open`), or
	/// releases one when the verification ends: its stake answers for it
	/// until then.
	pub(crate) fn count_open_vote(who: &T::AccountId, open: bool) {
		Verifiers::<T>::mutate(who, |maybe| {
			if let Some(verifier) = maybe {
				verifier.open_votes = match open {
					true => verifier.open_votes.saturating_add(1),
					false => verifier.open_votes.saturating_sub(1),
				};
			}
		});
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
