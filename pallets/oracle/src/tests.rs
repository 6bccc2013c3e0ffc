//! Tests of every call and error, rounds closing early and at the
//! heartbeat, judging, strikes and slashes.

use frame_support::{
	assert_noop, assert_ok,
	dispatch::Pays,
	traits::fungible::{Inspect, InspectHold},
};
use sp_runtime::DispatchError;
use veritas_primitives::{
	oracle::{DataFeeds, FeedError, FeedReading, FeedValue, RoundId},
	stake::StakeStatus,
};

use crate::{
	mock::*, ActiveDataNodes, DataNodes, Error, Event, FeedCount, FeedNodes, Feeds, Latest,
	RoundEnds, Rounds, ServedFeeds,
};

fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Oracle(event) => Some(event),
			_ => None,
		})
		.collect()
}

fn report(node: AccountId, feed: u32, round: RoundId, value: FeedValue) {
	let info =
		Oracle::report(RuntimeOrigin::signed(node), feed, round, value).expect("the report lands");
	assert_eq!(info.pays_fee, Pays::No, "a report that lands is free");
}

fn strikes(node: AccountId) -> u32 {
	DataNodes::<Test>::get(node).expect("a data node").strikes
}

fn reputation(node: AccountId) -> u32 {
	DataNodes::<Test>::get(node).expect("a data node").reputation
}

fn stake_held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&pallet_settlement::HoldReason::DataNodeStake.into(), &who)
}

#[test]
fn anyone_creates_a_feed_with_a_deposit_and_its_first_round_opens() {
	run_test(|| {
		let feed = create_feed(2);
		let record = Feeds::<Test>::get(feed).expect("stored");
		assert_eq!(record.owner, Some(CREATOR));
		assert_eq!(record.deposit, FEED_DEPOSIT);
		assert_eq!(
			Balances::balance_on_hold(&pallet_settlement::HoldReason::FeedDeposit.into(), &CREATOR),
			FEED_DEPOSIT
		);
		let round = Rounds::<Test>::get(feed).expect("open");
		assert_eq!((round.id, round.opened_at, round.ends_at), (0, 2, 2 + HEARTBEAT));
		assert_eq!(RoundEnds::<Test>::get(2 + HEARTBEAT).to_vec(), vec![feed]);
		assert_eq!(<Oracle as DataFeeds<_>>::latest(feed), Err(FeedError::NoValue));
		assert!(events().contains(&Event::FeedCreated {
			feed,
			owner: Some(CREATOR),
			name: name("BTC/USD")
		}));
	});
}

#[test]
fn the_admin_creates_feeds_without_a_deposit() {
	run_test(|| {
		assert_ok!(Oracle::create_feed(
			RuntimeOrigin::root(),
			name("EUR rate"),
			url("http://127.0.0.1:8080/rate"),
			path("rates[0].value"),
			6,
			2,
			1
		));
		let record = Feeds::<Test>::get(0).expect("stored");
		assert_eq!((record.owner, record.deposit), (None, 0));
	});
}

#[test]
fn create_feed_errors() {
	run_test(|| {
		let create = |origin: RuntimeOrigin,
		              feed_name: &str,
		              source: &str,
		              json_path: &str,
		              decimals: u8,
		              heartbeat: BlockNumber,
		              min_reporters: u32| {
			Oracle::create_feed(
				origin,
				name(feed_name),
				url(source),
				path(json_path),
				decimals,
				heartbeat,
				min_reporters,
			)
		};
		let signed = || RuntimeOrigin::signed(CREATOR);
		assert_noop!(
			create(RuntimeOrigin::none(), "a", PRICE_URL, "p", 2, 5, 1),
			DispatchError::BadOrigin
		);
		assert_noop!(create(signed(), "", PRICE_URL, "p", 2, 5, 1), Error::<Test>::EmptyName);
		for bad_url in ["ftp://prices.example", "https://", "prices.example", ""] {
			assert_noop!(create(signed(), "a", bad_url, "p", 2, 5, 1), Error::<Test>::BadSourceUrl);
		}
		for bad_path in ["$..p", "$.p[", "$.p[x]"] {
			assert_noop!(
				create(signed(), "a", PRICE_URL, bad_path, 2, 5, 1),
				Error::<Test>::BadJsonPath
			);
		}
		assert_noop!(
			create(signed(), "a", PRICE_URL, "p", 19, 5, 1),
			Error::<Test>::TooManyDecimals
		);
		assert_noop!(create(signed(), "a", PRICE_URL, "p", 2, 1, 1), Error::<Test>::BadHeartbeat);
		assert_noop!(create(signed(), "a", PRICE_URL, "p", 2, 21, 1), Error::<Test>::BadHeartbeat);
		assert_noop!(
			create(signed(), "a", PRICE_URL, "p", 2, 5, 0),
			Error::<Test>::BadMinReporters
		);
		assert_noop!(
			create(signed(), "a", PRICE_URL, "p", 2, 5, MAX_DATA_NODES + 1),
			Error::<Test>::BadMinReporters
		);
		assert_noop!(
			create(RuntimeOrigin::signed(POOR), "a", PRICE_URL, "p", 2, 5, 1),
			Error::<Test>::InsufficientBalance
		);
		for _ in 0..MAX_FEEDS {
			create_feed(1);
		}
		assert_noop!(create(signed(), "a", PRICE_URL, "p", 2, 5, 1), Error::<Test>::TooManyFeeds);
	});
}

#[test]
fn retiring_a_feed_returns_the_deposit_and_forgets_it() {
	run_test(|| {
		let feed = create_feed(1);
		report(NODES[0], feed, 0, 5);
		let free = Balances::balance(&CREATOR);
		assert_noop!(
			Oracle::retire_feed(RuntimeOrigin::signed(SPARE), feed),
			Error::<Test>::NotFeedOwner
		);
		assert_ok!(Oracle::retire_feed(RuntimeOrigin::signed(CREATOR), feed));
		assert_eq!(Balances::balance(&CREATOR), free + FEED_DEPOSIT);
		assert!(Feeds::<Test>::get(feed).is_none());
		assert!(Rounds::<Test>::get(feed).is_none());
		assert!(Latest::<Test>::get(feed).is_none());
		assert!(RoundEnds::<Test>::get(2 + HEARTBEAT).is_empty());
		assert_eq!(FeedCount::<Test>::get(), 0);
		assert_eq!(<Oracle as DataFeeds<_>>::latest(feed), Err(FeedError::Unknown));
		assert!(events().contains(&Event::FeedRetired { feed, refunded: FEED_DEPOSIT }));
		assert_noop!(
			Oracle::retire_feed(RuntimeOrigin::signed(CREATOR), feed),
			Error::<Test>::UnknownFeed
		);
		// Its round's end does nothing any more.
		run_to(2 + HEARTBEAT);
		assert!(Rounds::<Test>::get(feed).is_none());
	});
}

#[test]
fn the_admin_retires_any_feed() {
	run_test(|| {
		let feed = create_feed(1);
		let free = Balances::balance(&CREATOR);
		assert_ok!(Oracle::retire_feed(RuntimeOrigin::root(), feed));
		// The creator still gets its deposit back.
		assert_eq!(Balances::balance(&CREATOR), free + FEED_DEPOSIT);
	});
}

#[test]
fn data_nodes_register_unbond_and_withdraw() {
	run_test(|| {
		let free = Balances::balance(&SPARE);
		assert_ok!(Oracle::register_data_node(RuntimeOrigin::signed(SPARE), MIN_STAKE));
		assert_eq!(stake_held(SPARE), MIN_STAKE);
		assert!(ActiveDataNodes::<Test>::get().contains(&SPARE));
		assert_ok!(Oracle::unregister_data_node(RuntimeOrigin::signed(SPARE)));
		assert!(!ActiveDataNodes::<Test>::get().contains(&SPARE));
		let until = 2 + UNBONDING;
		assert_eq!(
			DataNodes::<Test>::get(SPARE).expect("kept").status,
			StakeStatus::Unbonding { until }
		);
		assert_noop!(
			Oracle::withdraw_stake(RuntimeOrigin::signed(SPARE)),
			Error::<Test>::StillUnbonding
		);
		run_to(until);
		assert_ok!(Oracle::withdraw_stake(RuntimeOrigin::signed(SPARE)));
		assert_eq!(Balances::balance(&SPARE), free);
		assert!(DataNodes::<Test>::get(SPARE).is_none());
		let evs = events();
		assert!(evs.contains(&Event::DataNodeRegistered { data_node: SPARE, stake: MIN_STAKE }));
		assert!(evs.contains(&Event::DataNodeUnbonding { data_node: SPARE, until }));
		assert!(evs.contains(&Event::DataNodeWithdrawn { data_node: SPARE, stake: MIN_STAKE }));
	});
}

#[test]
fn data_node_errors() {
	run_test(|| {
		let signed = RuntimeOrigin::signed;
		assert_noop!(
			Oracle::register_data_node(signed(NODES[0]), MIN_STAKE),
			Error::<Test>::AlreadyDataNode
		);
		assert_noop!(
			Oracle::register_data_node(signed(SPARE), MIN_STAKE - 1),
			Error::<Test>::StakeTooLow
		);
		assert_noop!(
			Oracle::register_data_node(signed(POOR), MIN_STAKE),
			Error::<Test>::InsufficientBalance
		);
		assert_ok!(Oracle::register_data_node(signed(SPARE), MIN_STAKE));
		assert_noop!(
			Oracle::register_data_node(signed(EXTRA), MIN_STAKE),
			Error::<Test>::TooManyDataNodes
		);
		assert_noop!(Oracle::unregister_data_node(signed(EXTRA)), Error::<Test>::NotDataNode);
		assert_noop!(Oracle::withdraw_stake(signed(EXTRA)), Error::<Test>::NotDataNode);
		assert_noop!(Oracle::withdraw_stake(signed(SPARE)), Error::<Test>::NotUnbonding);
		assert_ok!(Oracle::unregister_data_node(signed(SPARE)));
		assert_noop!(Oracle::unregister_data_node(signed(SPARE)), Error::<Test>::DataNodeUnbonding);
		// Unbonding frees a place.
		assert_ok!(Oracle::register_data_node(signed(EXTRA), MIN_STAKE));
	});
}

#[test]
fn report_errors() {
	run_test(|| {
		let feed = create_feed(3);
		let signed = RuntimeOrigin::signed;
		assert_noop!(Oracle::report(signed(SPARE), feed, 0, 1), Error::<Test>::NotDataNode);
		assert_noop!(Oracle::report(signed(NODES[0]), 9, 0, 1), Error::<Test>::UnknownFeed);
		assert_noop!(Oracle::report(signed(NODES[0]), feed, 1, 1), Error::<Test>::WrongRound);
		report(NODES[0], feed, 0, 1);
		assert_noop!(Oracle::report(signed(NODES[0]), feed, 0, 2), Error::<Test>::AlreadyReported);
		assert_ok!(Oracle::unregister_data_node(signed(NODES[1])));
		assert_noop!(
			Oracle::report(signed(NODES[1]), feed, 0, 1),
			Error::<Test>::DataNodeUnbonding
		);
		run_to(2 + HEARTBEAT);
		// Round 0 is over.
		assert_noop!(Oracle::report(signed(NODES[2]), feed, 0, 1), Error::<Test>::WrongRound);
	});
}

#[test]
fn a_round_closes_at_min_reporters_with_the_stake_weighted_median() {
	run_test(|| {
		let feed = create_feed(3);
		report(NODES[0], feed, 0, 100);
		report(NODES[1], feed, 0, 200);
		assert_eq!(Latest::<Test>::get(feed), None);
		run_to(3);
		// Stakes 1000, 2000, 3000: exactly half lies at or below 200, so the
		// median is the mean of 200 and 300.
		report(NODES[2], feed, 0, 300);
		let reading =
			FeedReading { value: 250, decimals: 2, round: 0, updated_at: 3, reporters: 3 };
		assert_eq!(<Oracle as DataFeeds<_>>::latest(feed), Ok(reading));
		assert!(events().contains(&Event::RoundClosed {
			feed,
			round: 0,
			value: 250,
			reporters: 3,
			early: true
		}));
		// A late report is taken, and changes nothing.
		report(NODES[3], feed, 0, 10_000);
		assert_eq!(<Oracle as DataFeeds<_>>::latest(feed), Ok(reading));
		assert_eq!(Rounds::<Test>::get(feed).expect("open").closed_with, Some(250));
	});
}

#[test]
fn an_even_number_of_reports_weighs_by_stake() {
	run_test(|| {
		let feed = create_feed(4);
		for (node, value) in NODES.into_iter().zip([100, 200, 300, 400]) {
			report(node, feed, 0, value);
		}
		// Stakes 1000..4000: 6000 of 10000 lies at or below 300.
		assert_eq!(Latest::<Test>::get(feed).expect("closed").value, 300);
	});
}

#[test]
fn a_round_that_misses_min_reporters_closes_at_its_heartbeat() {
	run_test(|| {
		let feed = create_feed(3);
		report(NODES[1], feed, 0, 777);
		run_to(1 + HEARTBEAT);
		assert_eq!(Latest::<Test>::get(feed), None);
		run_to(2 + HEARTBEAT);
		assert_eq!(
			Latest::<Test>::get(feed),
			Some(FeedReading {
				value: 777,
				decimals: 2,
				round: 0,
				updated_at: 2 + HEARTBEAT,
				reporters: 1
			})
		);
		assert!(events().contains(&Event::RoundClosed {
			feed,
			round: 0,
			value: 777,
			reporters: 1,
			early: false
		}));
		let next = Rounds::<Test>::get(feed).expect("the next round");
		assert_eq!((next.id, next.opened_at, next.ends_at), (1, 2 + HEARTBEAT, 2 + 2 * HEARTBEAT));
		assert!(next.reports.is_empty());
		// The others were silent.
		assert_eq!(strikes(NODES[1]), 0);
		assert_eq!(reputation(NODES[1]), 1);
		for node in [NODES[0], NODES[2], NODES[3]] {
			assert_eq!(strikes(node), 1);
		}
	});
}

#[test]
fn a_round_without_reports_keeps_the_old_value_which_ages() {
	run_test(|| {
		let feed = create_feed(1);
		report(NODES[0], feed, 0, 5);
		run_to(2 + HEARTBEAT);
		run_to(2 + 2 * HEARTBEAT);
		assert!(events().contains(&Event::RoundMissed { feed, round: 1 }));
		let reading = Latest::<Test>::get(feed).expect("the old value");
		assert_eq!((reading.value, reading.round, reading.updated_at), (5, 0, 2));
		assert_eq!(Rounds::<Test>::get(feed).expect("open").id, 2);
		// Nobody reported in round 1: a source down for everyone strikes
		// nobody. Round 0's silent nodes keep the strike they got there.
		assert_eq!(strikes(NODES[0]), 0);
		assert!(NODES[1..].iter().all(|node| strikes(*node) == 1));
		assert!(!events().iter().any(|event| matches!(event, Event::RoundJudged { round: 1, .. })));
	});
}

#[test]
fn reports_out_of_band_cost_reputation_and_are_named() {
	run_test(|| {
		let feed = create_feed(3);
		// Earn a point first.
		for node in NODES {
			report(node, feed, 0, 10_000);
		}
		run_to(2 + HEARTBEAT);
		assert!(NODES.iter().all(|node| reputation(*node) == 1));
		// 1% of 10000 is 100: 10100 agrees, 10101 does not.
		report(NODES[0], feed, 1, 10_000);
		report(NODES[1], feed, 1, 10_100);
		report(NODES[2], feed, 1, 10_000);
		report(NODES[3], feed, 1, 10_101);
		run_to(2 + 2 * HEARTBEAT);
		assert_eq!(Latest::<Test>::get(feed).expect("closed").value, 10_000);
		assert_eq!(
			[
				reputation(NODES[0]),
				reputation(NODES[1]),
				reputation(NODES[2]),
				reputation(NODES[3])
			],
			[2, 2, 2, 0]
		);
		assert_eq!(strikes(NODES[3]), 1);
		assert!(events().contains(&Event::RoundJudged {
			feed,
			round: 1,
			outliers: vec![NODES[3]],
			silent: vec![]
		}));
	});
}

#[test]
fn persistent_strikes_are_slashed_and_a_good_report_clears_them() {
	run_test(|| {
		let feed = create_feed(2);
		let treasury = Balances::balance(&TREASURY);
		let mut round = 0;
		let mut play = |liar_value: Option<FeedValue>| {
			report(NODES[0], feed, round, 500);
			report(NODES[1], feed, round, 500);
			report(NODES[2], feed, round, 500);
			if let Some(value) = liar_value {
				report(NODES[3], feed, round, value);
			}
			run_to(System::block_number() + HEARTBEAT);
			round += 1;
		};
		// Out of band, silent, then a good report: no slash.
		play(Some(900));
		play(None);
		assert_eq!(strikes(NODES[3]), 2);
		play(Some(500));
		assert_eq!(strikes(NODES[3]), 0);
		// Three bad rounds in a row: 10% of 4000.
		play(Some(1));
		play(None);
		play(Some(i128::MIN));
		assert_eq!(strikes(NODES[3]), 0);
		assert_eq!(stake_held(NODES[3]), 3_600);
		assert_eq!(DataNodes::<Test>::get(NODES[3]).expect("kept").stake, 3_600);
		assert_eq!(Balances::balance(&TREASURY), treasury + 400);
		assert!(events().contains(&Event::DataNodeSlashed { data_node: NODES[3], amount: 400 }));
		// It is still active: 3600 is above the minimum.
		assert!(ActiveDataNodes::<Test>::get().contains(&NODES[3]));
	});
}

#[test]
fn a_slash_below_the_minimum_stake_starts_unbonding() {
	run_test(|| {
		let feed = create_feed(1);
		// NODES[0] has the minimum stake; three silent rounds slash it.
		for round in 0..3 {
			report(NODES[1], feed, round, 1);
			run_to(System::block_number() + HEARTBEAT);
		}
		let node = DataNodes::<Test>::get(NODES[0]).expect("kept");
		assert_eq!(node.stake, MIN_STAKE - 100);
		assert!(matches!(node.status, StakeStatus::Unbonding { .. }));
		assert!(!ActiveDataNodes::<Test>::get().contains(&NODES[0]));
	});
}

#[test]
fn nodes_registered_after_a_round_opened_are_not_silent_in_it() {
	run_test(|| {
		let feed = create_feed(1);
		run_to(3);
		assert_ok!(Oracle::register_data_node(RuntimeOrigin::signed(SPARE), MIN_STAKE));
		join(SPARE, feed);
		report(NODES[0], feed, 0, 1);
		run_to(2 + HEARTBEAT);
		assert_eq!(strikes(SPARE), 0);
		assert_eq!(strikes(NODES[1]), 1);
		// In the next round it is expected (others report there, so its
		// silence is its own).
		report(NODES[0], feed, 1, 1);
		run_to(2 + 2 * HEARTBEAT);
		assert_eq!(strikes(SPARE), 1);
	});
}

#[test]
fn extreme_values_aggregate_without_overflow() {
	run_test(|| {
		let feed = create_feed(2);
		report(NODES[0], feed, 0, i128::MIN);
		report(NODES[1], feed, 0, i128::MAX);
		// Stakes 1000 and 2000: the larger stake decides.
		assert_eq!(Latest::<Test>::get(feed).expect("closed").value, i128::MAX);
		report(NODES[2], feed, 0, 0);
		run_to(2 + HEARTBEAT);
		assert_eq!(strikes(NODES[0]), 1);
		assert_eq!(strikes(NODES[2]), 1);
	});
}

#[test]
fn feeds_are_listed_and_viewed() {
	run_test(|| {
		let first = create_feed(1);
		let second = create_feed(2);
		report(NODES[0], second, 0, 42);
		assert_eq!(Oracle::feed_ids(0, 10), vec![first, second]);
		assert_eq!(Oracle::feed_ids(1, 10), vec![second]);
		assert_eq!(Oracle::feed_ids(0, 1), vec![first]);
		let view = Oracle::feed_view(second).expect("a feed");
		let round = view.round.expect("open");
		assert_eq!((round.round, round.reports, round.closed_with), (0, 1, None));
		assert_eq!(view.latest, None);
		assert!(Oracle::feed_view(7).is_none());
	});
}

/// The attack: a feed whose source answers 404 (created by anyone, for 10
/// VRT) gave every data node a strike each round, and three strikes cost 1%
/// of the stake, ejecting nodes at the minimum. Rounds nobody could report
/// in now strike nobody, however many go by.
#[test]
fn a_source_nobody_can_read_does_not_farm_strikes() {
	run_test(|| {
		let feed = create_feed(1);
		let stakes: Vec<_> = NODES.iter().map(|node| stake_held(*node)).collect();
		for _ in 0..10 {
			run_to(System::block_number() + HEARTBEAT);
		}
		assert!(Rounds::<Test>::get(feed).expect("open").id >= 9);
		for (node, stake) in NODES.iter().zip(stakes) {
			assert_eq!((strikes(*node), stake_held(*node)), (0, stake));
			assert!(ActiveDataNodes::<Test>::get().contains(node));
		}
	});
}

/// Feeds as `serve_feeds` takes them.
fn feeds(ids: &[u32]) -> frame_support::BoundedVec<u32, <Test as crate::Config>::MaxFeeds> {
	ids.to_vec().try_into().expect("within the bound")
}

/// The attack: anyone creates a feed (10 VRT) whose source answers only its
/// own data node (a 404 for everyone else), reports in every round, and so
/// strikes every other data node for silence until the minimum stakes are
/// ejected. A data node now answers only for the feeds it chose: nobody who
/// did not choose the attacker's feed is struck in it.
#[test]
fn a_feed_a_node_did_not_choose_never_strikes_it() {
	run_test(|| {
		assert_ok!(Oracle::register_data_node(RuntimeOrigin::signed(SPARE), MIN_STAKE));
		let feed = unserved_feed(SPARE, "https://attacker.example/only-for-me", 1);
		join(SPARE, feed);
		let stakes: Vec<_> = NODES.iter().map(|node| stake_held(*node)).collect();
		for round in 0..10 {
			report(SPARE, feed, round, 1);
			run_to(System::block_number() + HEARTBEAT);
		}
		for (node, stake) in NODES.iter().zip(stakes) {
			assert_eq!((strikes(*node), stake_held(*node)), (0, stake));
		}
		assert_noop!(
			Oracle::report(RuntimeOrigin::signed(NODES[0]), feed, 10, 1),
			Error::<Test>::NotServingFeed
		);
	});
}

#[test]
fn serve_feeds_sets_what_a_node_serves() {
	run_test(|| {
		let first = create_feed(1);
		let second = create_feed(1);
		assert_eq!(ServedFeeds::<Test>::get(NODES[0]).to_vec(), vec![first, second]);
		assert_ok!(Oracle::serve_feeds(RuntimeOrigin::signed(NODES[0]), feeds(&[second])));
		assert!(events().contains(&Event::FeedsServed { data_node: NODES[0], feeds: vec![second] }));
		assert!(!FeedNodes::<Test>::get(first).iter().any(|(node, _)| *node == NODES[0]));
		assert_noop!(
			Oracle::report(RuntimeOrigin::signed(NODES[0]), first, 0, 1),
			Error::<Test>::NotServingFeed
		);
		report(NODES[0], second, 0, 1);
		// Retiring a feed takes it off everyone who served it.
		assert_ok!(Oracle::retire_feed(RuntimeOrigin::signed(CREATOR), second));
		assert!(ServedFeeds::<Test>::get(NODES[0]).is_empty());
		assert!(FeedNodes::<Test>::get(second).is_empty());
		// Unbonding leaves every feed.
		assert_ok!(Oracle::unregister_data_node(RuntimeOrigin::signed(NODES[1])));
		assert!(ServedFeeds::<Test>::get(NODES[1]).is_empty());
		assert!(!FeedNodes::<Test>::get(first).iter().any(|(node, _)| *node == NODES[1]));
	});
}

#[test]
fn serve_feeds_errors() {
	run_test(|| {
		let feed = create_feed(1);
		assert_noop!(
			Oracle::serve_feeds(RuntimeOrigin::signed(SPARE), feeds(&[feed])),
			Error::<Test>::NotDataNode
		);
		assert_noop!(
			Oracle::serve_feeds(RuntimeOrigin::signed(NODES[0]), feeds(&[feed + 1])),
			Error::<Test>::UnknownFeed
		);
		assert_noop!(
			Oracle::serve_feeds(RuntimeOrigin::signed(NODES[0]), feeds(&[feed, feed])),
			Error::<Test>::DuplicateFeed
		);
		assert_ok!(Oracle::unregister_data_node(RuntimeOrigin::signed(NODES[0])));
		assert_noop!(
			Oracle::serve_feeds(RuntimeOrigin::signed(NODES[0]), feeds(&[feed])),
			Error::<Test>::DataNodeUnbonding
		);
	});
}

/// Before data nodes chose their feeds, every active one served every feed;
/// the upgrade keeps it so, as from its registration.
#[test]
fn the_v2_migration_has_every_active_node_serve_every_feed() {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	run_test(|| {
		let first = create_feed(1);
		let second = create_feed(1);
		assert_ok!(Oracle::unregister_data_node(RuntimeOrigin::signed(NODES[2])));
		let _ = ServedFeeds::<Test>::clear(u32::MAX, None);
		let _ = FeedNodes::<Test>::clear(u32::MAX, None);
		StorageVersion::new(1).put::<Oracle>();
		crate::migrations::v2::MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(Oracle::on_chain_storage_version(), 2);
		for node in &NODES[..2] {
			assert_eq!(ServedFeeds::<Test>::get(node).to_vec(), vec![first, second]);
		}
		assert!(ServedFeeds::<Test>::get(NODES[2]).is_empty(), "an unbonding node serves nothing");
		let registered = DataNodes::<Test>::get(NODES[0]).expect("registered").registered_at;
		assert!(FeedNodes::<Test>::get(first).contains(&(NODES[0], registered)));
	});
}
