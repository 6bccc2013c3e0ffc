//! A runtime for pallet-oracle's tests: real Balances and Settlement, so
//! that stakes, deposits and slashes really move funds.

use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, ConstU64, Hooks},
};
use frame_system::EnsureRoot;
use sp_runtime::{BuildStorage, Perbill, Permill};
use veritas_primitives::oracle::{FeedId, FeedName, JsonPath, SourceUrl};

use crate as pallet_oracle;

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
pub type Balance = u128;
pub type BlockNumber = u64;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Settlement: pallet_settlement,
		Oracle: pallet_oracle,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
	type ExistentialDeposit = ConstU128<1>;
}

pub const TREASURY: AccountId = 99;

parameter_types! {
	pub const Treasury: AccountId = TREASURY;
	pub const Share: Perbill = Perbill::from_percent(10);
	pub const OutlierBand: Permill = Permill::from_percent(1);
	pub const StrikeSlash: Perbill = Perbill::from_percent(10);
}

impl pallet_settlement::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Treasury = Treasury;
	type PublisherRoyalty = Share;
	type VerifierFeeRate = Share;
	type ProtocolFeeRate = Share;
	type ChallengerReward = Share;
	type VerifierReward = Share;
}

veritas_primitives::impl_mock_signing!(Test, RuntimeCall, AccountId, TestDataNodeAuthority);

pub const FEED_DEPOSIT: Balance = 50;
pub const MIN_STAKE: Balance = 1_000;
pub const MAX_FEEDS: u32 = 3;
pub const MAX_DATA_NODES: u32 = 5;
pub const UNBONDING: BlockNumber = 30;
pub const STRIKE_LIMIT: u32 = 3;

impl pallet_oracle::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type Settlement = Settlement;
	type AdminOrigin = EnsureRoot<AccountId>;
	type DataNodeAuthority = TestDataNodeAuthority;
	type FeedDeposit = ConstU128<FEED_DEPOSIT>;
	type MaxFeeds = ConstU32<MAX_FEEDS>;
	type MinHeartbeat = ConstU64<2>;
	type MaxHeartbeat = ConstU64<20>;
	type MinDataNodeStake = ConstU128<MIN_STAKE>;
	type MaxDataNodes = ConstU32<MAX_DATA_NODES>;
	type UnbondingPeriod = ConstU64<UNBONDING>;
	type OutlierBand = OutlierBand;
	type StrikeLimit = ConstU32<STRIKE_LIMIT>;
	type StrikeSlash = StrikeSlash;
	type WeightInfo = ();
}

/// Creates feeds and reports; not a data node.
pub const CREATOR: AccountId = 1;
/// Registered as data nodes by `run_test`, with [`NODE_STAKES`].
pub const NODES: [AccountId; 4] = [11, 12, 13, 14];
pub const NODE_STAKES: [Balance; 4] = [1_000, 2_000, 3_000, 4_000];
/// Funded, not registered.
pub const SPARE: AccountId = 15;
pub const EXTRA: AccountId = 16;
pub const POOR: AccountId = 17;
pub const ENDOWMENT: Balance = 1_000_000;
pub const HEARTBEAT: BlockNumber = 5;

pub fn name(text: &str) -> FeedName {
	FeedName::truncate_from(text.as_bytes().to_vec())
}

pub fn url(text: &str) -> SourceUrl {
	SourceUrl::truncate_from(text.as_bytes().to_vec())
}

pub fn path(text: &str) -> JsonPath {
	JsonPath::truncate_from(text.as_bytes().to_vec())
}

pub const PRICE_URL: &str = "https://prices.example/btc-usd";

/// `CREATOR` creates a 2-decimal feed of [`PRICE_URL`] with a
/// [`HEARTBEAT`] and `min_reporters`, every active node in [`NODES`] joins
/// it, and the new feed's id is returned.
pub fn create_feed(min_reporters: u32) -> FeedId {
	let id = unserved_feed(CREATOR, PRICE_URL, min_reporters);
	for node in NODES {
		let active = |record: crate::DataNodeOf<Test>| record.status.is_active();
		if crate::DataNodes::<Test>::get(node).is_some_and(active) {
			join(node, id);
		}
	}
	id
}

/// `creator` creates a 2-decimal feed of `source` (path `$.data.price`)
/// with a [`HEARTBEAT`] and `min_reporters`, which no node serves yet; the
/// new feed's id is returned.
pub fn unserved_feed(creator: AccountId, source: &str, min_reporters: u32) -> FeedId {
	let id = crate::NextFeedId::<Test>::get();
	Oracle::create_feed(
		RuntimeOrigin::signed(creator),
		name("BTC/USD"),
		url(source),
		path("$.data.price"),
		2,
		HEARTBEAT,
		min_reporters,
	)
	.expect("the feed is created");
	id
}

/// `node` serves `feed` as well as what it served.
pub fn join(node: AccountId, feed: FeedId) {
	let mut served = crate::ServedFeeds::<Test>::get(node);
	served.try_push(feed).expect("room for the feed");
	Oracle::serve_feeds(RuntimeOrigin::signed(node), served).expect("serves");
}

/// Moves to block `n`, running `on_initialize` of every block on the way.
pub fn run_to(n: BlockNumber) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Oracle::on_initialize(next);
	}
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default()
		.build_storage()
		.expect("system genesis builds");
	let accounts = [CREATOR, SPARE, EXTRA]
		.into_iter()
		.chain(NODES)
		.map(|who| (who, ENDOWMENT))
		.chain([(POOR, 10)])
		.collect();
	pallet_balances::GenesisConfig::<Test> { balances: accounts, ..Default::default() }
		.assimilate_storage(&mut storage)
		.expect("balances genesis builds");
	pallet_settlement::GenesisConfig::<Test>::default()
		.assimilate_storage(&mut storage)
		.expect("settlement genesis builds");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test` with the data nodes in [`NODES`] registered at block 1 and
/// the chain moved to block 2, then checks the invariants and that no funds
/// were created or destroyed.
pub fn run_test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		let issuance = Balances::total_issuance();
		for (node, stake) in NODES.into_iter().zip(NODE_STAKES) {
			Oracle::register_data_node(RuntimeOrigin::signed(node), stake).expect("registers");
		}
		run_to(2);
		test();
		Oracle::do_try_state().expect("oracle invariants hold");
		Settlement::do_try_state().expect("settlement invariants hold");
		assert_eq!(Balances::total_issuance(), issuance, "no funds created or destroyed");
	});
}
