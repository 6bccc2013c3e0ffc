//! Private committee sortition: who checks a result, decided by each
//! verifier's own VRF.
//!
//! When a verification round opens, the runtime fixes its seed (BABE's VRF
//! output of a block after the transaction that opened it). Every verifier
//! evaluates an sr25519 VRF with its `vrvf` key over a [`SortitionInput`]
//! (a domain tag, that seed, the request and the round). A verifier whose
//! output falls under its threshold, [`threshold`] of its share of the
//! stake, sits in the round, and proves it by attaching the VRF's
//! pre-output and proof ([`SortitionProof`]) to its attestation; the
//! runtime checks the proof against the verifier's key, as BABE checks a
//! slot claim. Nobody else can evaluate another's VRF, so nobody (the block
//! author included) learns who sits in a round before its members reveal
//! themselves by attesting.
//!
//! The transcript is built here, once, for the runtime that checks a proof
//! and for the node that makes one (the `veritas_sortition` host function).

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::sr25519::{
	self,
	vrf::{VrfSignature, VrfTranscript},
};

use crate::settlement::RequestId;

/// The domain of every sortition transcript, so that a proof made for
/// anything else (a BABE slot claim, say) never counts here.
const DOMAIN: &[u8] = b"veritas/committee";

/// The context under which a pre-output becomes the bits compared with the
/// threshold.
const OUTPUT_CONTEXT: &[u8] = b"veritas/committee/output";

/// What one verifier's VRF is evaluated on for one round: the round's seed,
/// the request and the round's number (0 for a first round, 1 for a
/// dispute). A proof for another request, round or seed does not verify.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Encode, Decode, TypeInfo)]
pub struct SortitionInput {
	pub seed: [u8; 32],
	pub request: RequestId,
	pub round: u8,
}

impl SortitionInput {
	/// The VRF transcript of this input.
	pub fn transcript(&self) -> VrfTranscript {
		VrfTranscript::new(
			DOMAIN,
			&[
				(b"seed", &self.seed),
				(b"request", &self.request.to_le_bytes()),
				(b"round", &[self.round]),
			],
		)
	}
}

/// A verifier's VRF pre-output and proof over a [`SortitionInput`]: what
/// it attaches to its attestation to show it sits in the round. Raw bytes,
/// so that a malformed proof is refused by the check, not by decoding.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct SortitionProof {
	pub pre_output: [u8; 32],
	pub proof: [u8; 64],
}

impl From<VrfSignature> for SortitionProof {
	fn from(signature: VrfSignature) -> Self {
		let mut pre_output = [0; 32];
		pre_output.copy_from_slice(&signature.pre_output.encode());
		let mut proof = [0; 64];
		proof.copy_from_slice(&signature.proof.encode());
		Self { pre_output, proof }
	}
}

impl SortitionProof {
	/// The schnorrkel signature these bytes encode, if they encode one.
	fn signature(&self) -> Option<VrfSignature> {
		VrfSignature::decode(&mut &(self.pre_output, self.proof).encode()[..]).ok()
	}
}

/// Checks that `proof` is `public`'s VRF over `input`, and returns the 128
/// bits of its output that are compared with a threshold. `None` for a
/// proof that is malformed, forged, or made for another input or key.
pub fn verify(
	public: &sr25519::Public,
	input: &SortitionInput,
	proof: &SortitionProof,
) -> Option<u128> {
	use sp_core::crypto::VrfPublic;
	let signature = proof.signature()?;
	if !public.vrf_verify(&input.transcript().into_sign_data(), &signature) {
		return None;
	}
	output(public, input, &signature.pre_output)
}

/// The 128 bits compared with a threshold, from a pre-output this node made
/// itself: [`verify`] without checking the proof, which only the chain
/// needs to.
pub fn output(
	public: &sr25519::Public,
	input: &SortitionInput,
	pre_output: &sr25519::vrf::VrfPreOutput,
) -> Option<u128> {
	let bytes: [u8; 16] =
		public.make_bytes(OUTPUT_CONTEXT, &input.transcript(), pre_output).ok()?;
	Some(u128::from_le_bytes(bytes))
}

/// The output's bits from a secret key, for tests and tools that hold one.
#[cfg(feature = "std")]
pub fn prove(pair: &sr25519::Pair, input: &SortitionInput) -> SortitionProof {
	use sp_core::crypto::VrfSecret;
	pair.vrf_sign(&input.transcript().into_sign_data()).into()
}

/// The threshold under which a verifier holding `stake` of `total_stake`
/// sits in a round that expects `expected` members: its chance is
/// `expected × stake / total_stake`, at most certainty. Summed over every
/// verifier, the expected size of the round is `expected` (less when some
/// are capped at certainty, or when fewer verifiers hold stake than it
/// asks).
pub fn threshold(stake: u128, total_stake: u128, expected: u8) -> u128 {
	use sp_runtime::helpers_128bit::multiply_by_rational_with_rounding;
	if total_stake == 0 || stake == 0 {
		return 0;
	}
	let weighted = stake.saturating_mul(expected.into());
	if weighted >= total_stake {
		return u128::MAX;
	}
	multiply_by_rational_with_rounding(u128::MAX, weighted, total_stake, sp_runtime::Rounding::Down)
		.unwrap_or(u128::MAX)
}

/// Whether an output sits under a threshold. A threshold of `u128::MAX`
/// is certainty.
pub fn is_selected(output: u128, threshold: u128) -> bool {
	threshold == u128::MAX || output < threshold
}

/// The key a verifier's VRF is evaluated with, as an account holds it.
pub trait SortitionKey<AccountId> {
	/// Checks `who`'s proof over `input` and returns its output's bits.
	fn verify(who: &AccountId, input: &SortitionInput, proof: &SortitionProof) -> Option<u128>;

	/// `who`'s proof over `input`, when this node's keystore holds its key:
	/// for off-chain workers.
	fn prove(who: &AccountId, input: &SortitionInput) -> Option<SortitionProof>;

	/// As [`Self::prove`], only when the output falls under `threshold`.
	fn prove_if_selected(
		who: &AccountId,
		input: &SortitionInput,
		threshold: u128,
	) -> Option<SortitionProof> {
		let proof = Self::prove(who, input)?;
		is_selected(Self::verify(who, input, &proof)?, threshold).then_some(proof)
	}
}

/// Accounts that are sr25519 public keys (as Veritas's are), with the
/// `vrvf` key of the same account in the node's keystore.
pub struct Sr25519Accounts;

impl<AccountId: AsRef<[u8]>> SortitionKey<AccountId> for Sr25519Accounts {
	fn verify(who: &AccountId, input: &SortitionInput, proof: &SortitionProof) -> Option<u128> {
		let raw: [u8; 32] = who.as_ref().try_into().ok()?;
		verify(&sr25519::Public::from_raw(raw), input, proof)
	}

	fn prove(who: &AccountId, input: &SortitionInput) -> Option<SortitionProof> {
		let raw: [u8; 32] = who.as_ref().try_into().ok()?;
		crate::host::veritas_sortition::prove(raw, *input)
	}

	fn prove_if_selected(
		who: &AccountId,
		input: &SortitionInput,
		threshold: u128,
	) -> Option<SortitionProof> {
		let raw: [u8; 32] = who.as_ref().try_into().ok()?;
		crate::host::veritas_sortition::selected_proof(raw, *input, threshold.to_le_bytes())
	}
}

#[cfg(test)]
mod tests {
	use sp_core::Pair;

	use super::*;

	fn pair(seed: u8) -> sr25519::Pair {
		sr25519::Pair::from_seed(&[seed; 32])
	}

	fn input() -> SortitionInput {
		SortitionInput { seed: [9; 32], request: 4, round: 0 }
	}

	#[test]
	fn a_proof_verifies_for_its_key_and_input_only() {
		let alice = pair(1);
		let proof = prove(&alice, &input());
		let output = verify(&alice.public(), &input(), &proof).expect("a proof verifies");
		// Deterministic: the same key and input always give the same output.
		assert_eq!(verify(&alice.public(), &input(), &prove(&alice, &input())), Some(output));

		assert_eq!(verify(&pair(2).public(), &input(), &proof), None, "another key");
		for other in [
			SortitionInput { request: 5, ..input() },
			SortitionInput { round: 1, ..input() },
			SortitionInput { seed: [8; 32], ..input() },
		] {
			assert_eq!(verify(&alice.public(), &other, &proof), None, "reused for {other:?}");
		}
		let mut forged = proof;
		forged.proof[0] ^= 1;
		assert_eq!(verify(&alice.public(), &input(), &forged), None, "a changed proof");
		let mut forged = proof;
		forged.pre_output[3] ^= 1;
		assert_eq!(verify(&alice.public(), &input(), &forged), None, "a changed pre-output");
		let garbage = SortitionProof { pre_output: [0xff; 32], proof: [0xff; 64] };
		assert_eq!(verify(&alice.public(), &input(), &garbage), None, "bytes that are no proof");
	}

	/// Over 10,000 rounds, each verifier sits in a share of them equal to
	/// its stake share times the expected size, within five standard
	/// deviations of the binomial count (a bound a fair draw misses with a
	/// chance below one in a million per verifier).
	#[test]
	fn selection_follows_stake_share_over_ten_thousand_draws() {
		const ROUNDS: u64 = 10_000;
		let stakes: [u128; 5] = [100, 100, 200, 400, 800];
		let total: u128 = stakes.iter().sum();
		let keys: Vec<sr25519::Pair> = (0..stakes.len() as u8).map(|i| pair(10 + i)).collect();
		for expected in [1u8, 3] {
			let mut seats = [0u64; 5];
			let mut sizes = 0u64;
			for request in 0..ROUNDS {
				let input = SortitionInput { seed: [expected; 32], request, round: 0 };
				for (index, key) in keys.iter().enumerate() {
					// The output without the proof: what `verify` returns.
					let output = u128::from_le_bytes(
						key.make_bytes::<16>(OUTPUT_CONTEXT, &input.transcript()),
					);
					if is_selected(output, threshold(stakes[index], total, expected)) {
						seats[index] += 1;
						sizes += 1;
					}
				}
			}
			for (index, count) in seats.iter().enumerate() {
				let chance = (stakes[index] * u128::from(expected)) as f64 / total as f64;
				let chance = chance.min(1.0);
				let mean = chance * ROUNDS as f64;
				let deviation = (ROUNDS as f64 * chance * (1.0 - chance)).sqrt();
				assert!(
					(*count as f64 - mean).abs() <= 5.0 * deviation.max(1.0),
					"verifier {index} at expected {expected}: {count} seats, {mean} expected"
				);
			}
			// The mean round size is the expected size, less what certainty
			// caps (the largest stake, at expected 3, is always selected).
			let mean_size = sizes as f64 / ROUNDS as f64;
			let capped: f64 = stakes
				.iter()
				.map(|stake| ((stake * u128::from(expected)) as f64 / total as f64).min(1.0))
				.sum();
			assert!((mean_size - capped).abs() < 0.05, "mean size {mean_size} against {capped}");
		}
		// And the output `make_bytes` gave is the one a proof verifies to.
		let input = SortitionInput { seed: [1; 32], request: 0, round: 0 };
		let direct =
			u128::from_le_bytes(keys[0].make_bytes::<16>(OUTPUT_CONTEXT, &input.transcript()));
		assert_eq!(verify(&keys[0].public(), &input, &prove(&keys[0], &input)), Some(direct));
	}

	#[test]
	fn the_threshold_is_the_stake_share_times_the_expected_size() {
		assert_eq!(threshold(0, 100, 3), 0);
		assert_eq!(threshold(10, 0, 3), 0);
		assert_eq!(threshold(50, 100, 2), u128::MAX, "certain at a share of 1/expected");
		assert_eq!(threshold(60, 100, 2), u128::MAX, "capped at certainty");
		let quarter = threshold(25, 100, 1);
		assert_eq!(quarter, u128::MAX / 4);
		assert_eq!(threshold(25, 100, 2), u128::MAX / 2);
		assert!(is_selected(quarter - 1, quarter));
		assert!(!is_selected(quarter, quarter));
		assert!(is_selected(u128::MAX, u128::MAX));
		// Stakes of 12-decimal tokens do not overflow.
		let huge = 10u128.pow(30);
		assert_eq!(threshold(huge, 4 * huge, 1), u128::MAX / 4);
	}

	/// What a verifier's worker asks its node: the proof only where the
	/// key's output falls under the threshold, made with the keystore's key,
	/// and nothing for a key the keystore does not hold.
	#[test]
	fn the_node_proves_only_the_rounds_its_key_sits_in() {
		use sp_keystore::{testing::MemoryKeystore, Keystore, KeystoreExt};
		let keystore = MemoryKeystore::new();
		let public =
			keystore.sr25519_generate_new(crate::keys::VERIFIER_KEY_TYPE, None).expect("a key");
		let mut ext = sp_io::TestExternalities::default();
		ext.register_extension(KeystoreExt::new(keystore));
		ext.execute_with(|| {
			let ask = |threshold: u128| {
				crate::host::veritas_sortition::selected_proof(
					public.0,
					input(),
					threshold.to_le_bytes(),
				)
			};
			let proof = ask(u128::MAX).expect("certainty selects");
			let output = verify(&public, &input(), &proof).expect("the keystore's proof verifies");
			assert_eq!(ask(output), None, "an output not under the threshold");
			assert_eq!(ask(output.saturating_add(1)), Some(proof), "kept, and under it");
			assert_eq!(ask(0), None);
			let stranger = pair(3).public();
			assert_eq!(
				crate::host::veritas_sortition::selected_proof(
					stranger.0,
					input(),
					u128::MAX.to_le_bytes()
				),
				None,
				"a key the keystore does not hold"
			);
		});
	}
}
