//! The invariants `try_state` checks: lines, versions and the name index
//! agree, and every deposit the records account for is held.

use frame_support::ensure;
use sp_runtime::traits::{Saturating, Zero};
use veritas_primitives::model::ModelStatus;

use crate::{
	BalanceOf, Config, HoldReason, LineByName, Lines, Models, NextLineId, NextModelId, Pallet,
	RetiredAt,
};

impl<T: Config> Pallet<T> {
	/// Checks that the registry's storage agrees with itself and with the
	/// held deposits:
	/// - every line's versions exist, are live, belong to it, share its owner
	///   and are in publishing order, and its name index points back at it;
	/// - every name index entry names a line with that owner and name;
	/// - every live version is listed by its line; every retired one that
	///   is still stored has its retirement date;
	/// - ids are below the next ids;
	/// - each owner's held deposit equals the deposits the records account.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		use frame_support::traits::fungible::InspectHold;

		let next_line = NextLineId::<T>::get();
		let next_model = NextModelId::<T>::get();
		let mut expected_holds: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut add_hold = |who: &T::AccountId, amount: BalanceOf<T>| {
			let entry = expected_holds.entry(who.clone()).or_insert_with(Zero::zero);
			*entry = entry.saturating_add(amount);
		};

		for (line_id, line) in Lines::<T>::iter() {
			ensure!(line_id < next_line, "line id at or above NextLineId");
			ensure!(!line.versions.is_empty(), "a stored line has no live version");
			ensure!(
				LineByName::<T>::get(&line.owner, &line.name) == Some(line_id),
				"line missing from the name index"
			);
			add_hold(&line.owner, line.deposit);
			let mut previous_version = 0;
			for id in line.versions.iter() {
				let record = Models::<T>::get(id).ok_or("a line lists a missing version")?;
				ensure!(record.line == line_id, "a version lists under another line");
				ensure!(record.owner == line.owner, "a version's owner differs from its line's");
				ensure!(record.status != ModelStatus::Retired, "a line lists a retired version");
				ensure!(record.version > previous_version, "versions out of order");
				ensure!(record.version < line.next_version, "version at or above next_version");
				previous_version = record.version;
			}
		}
		for (owner, name, line_id) in LineByName::<T>::iter() {
			let line = Lines::<T>::get(line_id).ok_or("the name index names a missing line")?;
			ensure!(line.owner == owner && line.name == name, "the name index disagrees");
		}
		for (id, record) in Models::<T>::iter() {
			ensure!(id < next_model, "model id at or above NextModelId");
			if record.status == ModelStatus::Retired {
				ensure!(RetiredAt::<T>::contains_key(id), "a retired version without its date");
			} else {
				let line = Lines::<T>::get(record.line).ok_or("a live version has no line")?;
				ensure!(line.versions.contains(&id), "a live version is not listed by its line");
			}
			add_hold(&record.owner, record.deposit);
		}
		for (id, _) in RetiredAt::<T>::iter() {
			let record = Models::<T>::get(id).ok_or("a retirement date of a missing version")?;
			ensure!(record.status == ModelStatus::Retired, "a live version has a retirement date");
		}
		for (who, expected) in expected_holds {
			let held = T::Currency::balance_on_hold(&HoldReason::ModelDeposit.into(), &who);
			ensure!(held == expected, "held deposit differs from the records' deposits");
		}
		Ok(())
	}
}
