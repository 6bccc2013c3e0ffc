//! A minimal runtime for settlement's tests: System, Balances, Settlement.

use frame_support::derive_impl;
use sp_runtime::BuildStorage;

use crate as pallet_settlement;

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
pub type Balance = u128;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Settlement: pallet_settlement,
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
	type ExistentialDeposit = frame_support::traits::ConstU128<10>;
}

pub const TREASURY: AccountId = 99;
pub const REQUESTER: AccountId = 1;
pub const EXECUTOR: AccountId = 2;
pub const PUBLISHER: AccountId = 3;
pub const VERIFIERS: [AccountId; 3] = [4, 5, 6];
pub const CHALLENGER: AccountId = 7;
pub const ENDOWMENT: Balance = 1_000_000;

crate::impl_test_config!(Test, TREASURY);

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default()
		.build_storage()
		.expect("system genesis builds");
	let accounts = [REQUESTER, EXECUTOR, PUBLISHER, CHALLENGER]
		.into_iter()
		.chain(VERIFIERS)
		.map(|who| (who, ENDOWMENT))
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

/// Runs `test`, then checks settlement's invariants and that no funds were
/// created or destroyed.
pub fn run_test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		let issuance = Balances::total_issuance();
		test();
		Settlement::do_try_state().expect("settlement invariants hold");
		assert_eq!(Balances::total_issuance(), issuance, "settlement conserves funds");
	});
}
