//! Weights for `pallet_oracle`: placeholders until `scripts/bench/pallets.sh`
//! generates them.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs, clippy::unnecessary_cast)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::RocksDbWeight, RuntimeDbWeight, Weight}};

/// The weight of each call of `pallet_oracle`.
pub trait WeightInfo {
	fn create_feed() -> Weight;
	fn retire_feed() -> Weight;
	fn register_data_node() -> Weight;
	fn unregister_data_node() -> Weight;
	fn withdraw_stake() -> Weight;
	fn report(n: u32) -> Weight;
	fn on_initialize(n: u32) -> Weight;
}

mod measured {
	use super::*;
	pub fn create_feed(db: RuntimeDbWeight) -> Weight { Weight::from_parts(100_000_000, 10_000).saturating_add(db.reads(6)).saturating_add(db.writes(6)) }
	pub fn retire_feed(db: RuntimeDbWeight) -> Weight { Weight::from_parts(100_000_000, 10_000).saturating_add(db.reads(6)).saturating_add(db.writes(6)) }
	pub fn register_data_node(db: RuntimeDbWeight) -> Weight { Weight::from_parts(100_000_000, 10_000).saturating_add(db.reads(4)).saturating_add(db.writes(4)) }
	pub fn unregister_data_node(db: RuntimeDbWeight) -> Weight { Weight::from_parts(100_000_000, 10_000).saturating_add(db.reads(2)).saturating_add(db.writes(2)) }
	pub fn withdraw_stake(db: RuntimeDbWeight) -> Weight { Weight::from_parts(100_000_000, 10_000).saturating_add(db.reads(3)).saturating_add(db.writes(3)) }
	pub fn report(db: RuntimeDbWeight, n: u32) -> Weight { Weight::from_parts(100_000_000, 10_000).saturating_add(Weight::from_parts(1_000_000, 0).saturating_mul(n as u64)).saturating_add(db.reads(4)).saturating_add(db.writes(3)) }
	pub fn on_initialize(db: RuntimeDbWeight, n: u32) -> Weight { Weight::from_parts(100_000_000, 10_000).saturating_add(Weight::from_parts(100_000_000, 10_000).saturating_mul(n as u64)).saturating_add(db.reads((70 as u64).saturating_mul(n as u64))).saturating_add(db.writes((70 as u64).saturating_mul(n as u64))) }
}

pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn create_feed() -> Weight { measured::create_feed(T::DbWeight::get()) }
	fn retire_feed() -> Weight { measured::retire_feed(T::DbWeight::get()) }
	fn register_data_node() -> Weight { measured::register_data_node(T::DbWeight::get()) }
	fn unregister_data_node() -> Weight { measured::unregister_data_node(T::DbWeight::get()) }
	fn withdraw_stake() -> Weight { measured::withdraw_stake(T::DbWeight::get()) }
	fn report(n: u32) -> Weight { measured::report(T::DbWeight::get(), n) }
	fn on_initialize(n: u32) -> Weight { measured::on_initialize(T::DbWeight::get(), n) }
}

impl WeightInfo for () {
	fn create_feed() -> Weight { measured::create_feed(RocksDbWeight::get()) }
	fn retire_feed() -> Weight { measured::retire_feed(RocksDbWeight::get()) }
	fn register_data_node() -> Weight { measured::register_data_node(RocksDbWeight::get()) }
	fn unregister_data_node() -> Weight { measured::unregister_data_node(RocksDbWeight::get()) }
	fn withdraw_stake() -> Weight { measured::withdraw_stake(RocksDbWeight::get()) }
	fn report(n: u32) -> Weight { measured::report(RocksDbWeight::get(), n) }
	fn on_initialize(n: u32) -> Weight { measured::on_initialize(RocksDbWeight::get(), n) }
}
