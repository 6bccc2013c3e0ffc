//! Opening, closing and ending rounds, and judging the reports.

use alloc::vec::Vec;
use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{Saturating, UniqueSaturatedInto};
use veritas_primitives::{
	oracle::{FeedId, FeedReading, FeedValue, RoundId},
	settlement::{Beneficiary, Bond, Settlement},
};

use crate::{
	aggregation, Config, DataNodeOf, DataNodes, Error, Event, FeedNodes, FeedOf, Feeds, Latest,
	Pallet, Round, RoundEnds, RoundOf, Rounds,
};

const LOG_TARGET: &str = "runtime::oracle";

/// How a data node did in a round.
enum Judgement {
	Agreed,
	OutOfBand,
	Silent,
}

impl<T: Config> Pallet<T> {
	/// Opens round `id` of `feed` at `now`, ending a heartbeat later.
	pub(crate) fn open_round(
		feed: FeedId,
		record: &FeedOf<T>,
		id: RoundId,
		now: BlockNumberFor<T>,
	) -> DispatchResult {
		let ends_at = now.saturating_add(record.heartbeat_blocks);
		// Each feed has one round, ending in one block: the list of a block
		// holds at most every feed, which is its bound.
		RoundEnds::<T>::try_mutate(ends_at, |ending| ending.try_push(feed))
			.map_err(|_| Error::<T>::TooManyFeeds)?;
		Rounds::<T>::insert(
			feed,
			Round { id, opened_at: now, ends_at, reports: BoundedVec::new(), closed_with: None },
		);
		Ok(())
	}

	/// Makes the stake-weighted median of `round`'s reports the feed's
	/// latest value, and returns it (`None` with no reports).
	pub(crate) fn close_round(
		feed: FeedId,
		record: &FeedOf<T>,
		round: &RoundOf<T>,
		early: bool,
	) -> Option<FeedValue> {
		let reports: Vec<(FeedValue, u128)> = round
			.reports
			.iter()
			.map(|report| (report.value, report.stake.unique_saturated_into()))
			.collect();
		let value = aggregation::weighted_median(&reports)?;
		let reporters = reports.len() as u32;
		Latest::<T>::insert(
			feed,
			FeedReading {
				value,
				decimals: record.decimals,
				round: round.id,
				updated_at: frame_system::Pallet::<T>::block_number(),
				reporters,
			},
		);
		Self::deposit_event(Event::RoundClosed { feed, round: round.id, value, reporters, early });
		Some(value)
	}

	/// Ends `feed`'s round at its heartbeat: closes it if it had not
	/// closed, judges its reports, and opens the next.
	pub(crate) fn end_round(feed: FeedId, now: BlockNumberFor<T>) {
		let (Some(record), Some(round)) = (Feeds::<T>::get(feed), Rounds::<T>::take(feed)) else {
			return;
		};
		let value = match round.closed_with {
			Some(value) => Some(value),
			None => {
				let value = Self::close_round(feed, &record, &round, false);
				if value.is_none() {
					Self::deposit_event(Event::RoundMissed { feed, round: round.id });
				}
				value
			},
		};
		Self::judge(feed, &round, value);
		if let Err(error) = Self::open_round(feed, &record, round.id.saturating_add(1), now) {
			// Cannot happen while every feed has one round (see `open_round`);
			// `try_state` checks it.
			log::error!(target: LOG_TARGET, "feed {feed}: the next round did not open: {error:?}");
		}
	}

	/// Rewards reports within the band of the round's value, and strikes
	/// those outside it and the active nodes that stayed silent.
	fn judge(feed: FeedId, round: &RoundOf<T>, value: Option<FeedValue>) {
		let mut outliers = Vec::new();
		if let Some(value) = value {
			for report in &round.reports {
				let judgement = if aggregation::in_band(report.value, value, T::OutlierBand::get())
				{
					Judgement::Agreed
				} else {
					outliers.push(report.reporter.clone());
					Judgement::OutOfBand
				};
				if let Some(node) = DataNodes::<T>::get(&report.reporter) {
					Self::record_judgement(&report.reporter, node, judgement);
				}
			}
		}
		// A round nobody reported in (a source down, or gone, for everyone)
		// says nothing of any one node: silence is struck only where others
		// could report. Otherwise a feed whose source answers 404 would
		// farm strikes off every data node.
		if round.reports.is_empty() {
			return;
		}
		// Only the nodes that chose this feed answer for it, and only for
		// rounds that opened when or after they joined: a node that joins
		// mid-round may not have the time to report.
		let mut silent = Vec::new();
		for (who, joined_at) in FeedNodes::<T>::get(feed) {
			if joined_at > round.opened_at
				|| round.reports.iter().any(|report| report.reporter == who)
			{
				continue;
			}
			let Some(node) = DataNodes::<T>::get(&who) else { continue };
			Self::record_judgement(&who, node, Judgement::Silent);
			silent.push(who);
		}
		if !outliers.is_empty() || !silent.is_empty() {
			Self::deposit_event(Event::RoundJudged { feed, round: round.id, outliers, silent });
		}
	}

	/// One round's judgement of a data node: a good report clears its
	/// strikes and earns a point; a bad or missing one is a strike (a bad
	/// one costs a point too), and the strike limit a slash.
	fn record_judgement(who: &T::AccountId, mut node: DataNodeOf<T>, judgement: Judgement) {
		match judgement {
			Judgement::Agreed => {
				node.reputation = node.reputation.saturating_add(1);
				node.strikes = 0;
				DataNodes::<T>::insert(who, node);
				return;
			},
			Judgement::OutOfBand => node.reputation = node.reputation.saturating_sub(1),
			Judgement::Silent => {},
		}
		node.strikes = node.strikes.saturating_add(1);
		if node.strikes >= T::StrikeLimit::get() {
			let amount = T::StrikeSlash::get() * node.stake;
			let slashed =
				T::Settlement::slash(who, Bond::DataNodeStake, amount, Beneficiary::Treasury);
			node.stake = node.stake.saturating_sub(slashed);
			node.strikes = 0;
			Self::deposit_event(Event::DataNodeSlashed { data_node: who.clone(), amount: slashed });
		}
		let below_minimum = node.status.is_active() && node.stake < T::MinDataNodeStake::get();
		DataNodes::<T>::insert(who, node);
		if below_minimum {
			let _ = Self::start_unbonding(who);
		}
	}
}
