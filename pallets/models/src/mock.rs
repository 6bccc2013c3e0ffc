//! A minimal runtime for the registry's tests: System, Balances and the
//! registry, with a settable count of open requests standing in for
//! pallet-inference.

use core::cell::RefCell;
use std::collections::BTreeMap;

use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64},
};
use sp_runtime::BuildStorage;
use veritas_primitives::model::{ModelId, ModelUsage, PolicyBounds, MAX_COMMITTEE_SIZE};

use crate as pallet_models;

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
pub type Balance = u128;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Registry: pallet_models,
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
}

parameter_types! {
	pub const DepositBase: Balance = 100;
	pub const DepositPerByte: Balance = 1;
}

thread_local! {
	static OPEN_REQUESTS: RefCell<BTreeMap<ModelId, u32>> = const { RefCell::new(BTreeMap::new()) };
}

/// Open requests per model, as pallet-inference would report them.
pub struct TestUsage;

impl TestUsage {
	pub fn set_open_requests(model: ModelId, count: u32) {
		OPEN_REQUESTS.with(|open| open.borrow_mut().insert(model, count));
	}
}

impl ModelUsage for TestUsage {
	fn open_requests(model: ModelId) -> u32 {
		OPEN_REQUESTS.with(|open| open.borrow().get(&model).copied().unwrap_or(0))
	}
}

parameter_types! {
	pub const Bounds: PolicyBounds<Balance, u64> = PolicyBounds {
		max_committee: MAX_COMMITTEE_SIZE,
		max_window: 1_000,
		challenge_bond: (10, 100_000),
		min_deadline: (2, 500),
	};
}

impl pallet_models::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type DepositBase = DepositBase;
	type DepositPerByte = DepositPerByte;
	type MaxVersions = ConstU32<4>;
	type PolicyBounds = Bounds;
	type ForceOrigin = frame_system::EnsureRoot<AccountId>;
	type Usage = TestUsage;
	type TombstonePeriod = ConstU64<TOMBSTONE_PERIOD>;
	type WeightInfo = ();
}

/// How long a retired version's record stays.
pub const TOMBSTONE_PERIOD: u64 = 100;

pub const ALICE: AccountId = 1;
pub const BOB: AccountId = 2;
pub const CHARLIE: AccountId = 3;
/// Has just enough for nothing: the existential deposit.
pub const PAUPER: AccountId = 4;
pub const ENDOWMENT: Balance = 1_000_000;

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default()
		.build_storage()
		.expect("system genesis builds");
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(ALICE, ENDOWMENT), (BOB, ENDOWMENT), (CHARLIE, ENDOWMENT), (PAUPER, 1)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.expect("balances genesis builds");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		OPEN_REQUESTS.with(|open| open.borrow_mut().clear());
	});
	ext
}

/// Runs `test`, then checks the registry's invariants.
pub fn run_test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Registry::do_try_state().expect("registry invariants hold");
	});
}
