//! The light client's checks on made-up justifications and header chains:
//! what an honest supermajority signs passes, and every way of bending it
//! is refused.

use codec::Encode;
use finality_grandpa::{Commit, Precommit, SignedPrecommit};
use sp_consensus_grandpa::{
	localized_payload, AuthorityPair, AuthoritySignature, Message, ScheduledChange,
};
use sp_core::Pair;
use sp_runtime::{traits::Header as _, Digest};

use super::*;

const ROUND: u64 = 7;

fn authority(seed: &str) -> AuthorityPair {
	AuthorityPair::from_string(&format!("//{seed}"), None).expect("a dev seed")
}

/// Alice, Bob, Charlie and Dave, each of weight 1, as set `set_id`.
fn four_authorities(set_id: SetId) -> AuthoritySet {
	let authorities =
		["Alice", "Bob", "Charlie", "Dave"].iter().map(|s| (authority(s).public(), 1)).collect();
	AuthoritySet { set_id, authorities }
}

fn header(number: BlockNumber, parent: H256, digest: Digest) -> Header {
	Header::new(number, H256::repeat_byte(1), H256::repeat_byte(2), parent, digest)
}

/// `count` headers after `from`, each the child of the one before.
fn descendants(from: &Header, count: usize) -> Vec<Header> {
	let mut headers: Vec<Header> = Vec::new();
	for _ in 0..count {
		let parent = headers.last().unwrap_or(from);
		headers.push(header(parent.number + 1, parent.hash(), Digest::default()));
	}
	headers
}

/// One authority's signed precommit.
type Signed =
	SignedPrecommit<H256, BlockNumber, AuthoritySignature, sp_consensus_grandpa::AuthorityId>;

fn precommit(signer: &str, target: &Header, set_id: SetId) -> Signed {
	let precommit = Precommit { target_hash: target.hash(), target_number: target.number };
	let message = Message::<Header>::Precommit(precommit.clone());
	let pair = authority(signer);
	let signature = pair.sign(&localized_payload(ROUND, set_id, &message));
	SignedPrecommit { precommit, signature, id: pair.public() }
}

fn justification(
	target: &Header,
	precommits: Vec<Signed>,
	votes_ancestries: Vec<Header>,
) -> GrandpaJustification<Header> {
	GrandpaJustification {
		round: ROUND,
		commit: Commit { target_hash: target.hash(), target_number: target.number, precommits },
		votes_ancestries,
	}
}

/// A justification of `target` by `signers`, each precommitting to it, for
/// set `set_id`.
fn signed_by(signers: &[&str], target: &Header, set_id: SetId) -> GrandpaJustification<Header> {
	justification(target, signers.iter().map(|s| precommit(s, target, set_id)).collect(), vec![])
}

fn target() -> Header {
	header(10, H256::repeat_byte(9), Digest::default())
}

#[test]
fn three_of_four_authorities_finalize_a_block_even_voting_for_its_child() {
	let target = target();
	let child = descendants(&target, 1).remove(0);
	let proof = justification(
		&target,
		vec![
			precommit("Alice", &target, 0),
			precommit("Bob", &target, 0),
			precommit("Charlie", &child, 0),
		],
		vec![child],
	);
	assert_eq!(check_justification(&proof, &four_authorities(0)), Ok((target.hash(), 10)));
}

#[test]
fn two_of_four_authorities_are_no_supermajority() {
	let target = target();
	let proof = signed_by(&["Alice", "Bob"], &target, 0);
	let refused = check_justification(&proof, &four_authorities(0)).unwrap_err();
	assert!(refused.contains("lacks a supermajority"), "{refused}");
}

#[test]
fn a_signer_outside_the_set_does_not_count() {
	let target = target();
	let proof = signed_by(&["Alice", "Bob", "Eve"], &target, 0);
	let refused = check_justification(&proof, &four_authorities(0)).unwrap_err();
	assert!(refused.contains("lacks a supermajority"), "{refused}");
}

#[test]
fn the_same_signer_twice_counts_once() {
	let target = target();
	let proof = signed_by(&["Alice", "Alice", "Bob"], &target, 0);
	assert!(check_justification(&proof, &four_authorities(0)).is_err());
}

#[test]
fn signatures_from_another_authority_set_are_refused() {
	let target = target();
	let proof = justified(&target, 1);
	let refused = check_justification(&proof, &four_authorities(0)).unwrap_err();
	assert!(refused.contains("signature does not verify"), "{refused}");
}

#[test]
fn a_commit_moved_to_another_block_is_refused() {
	let target = target();
	let made_up = header(10, H256::repeat_byte(8), Digest::default());
	let mut proof = justified(&target, 0);
	// The node keeps the real signatures but names its own block.
	proof.commit.target_hash = made_up.hash();
	for signed in &mut proof.commit.precommits {
		signed.precommit.target_hash = made_up.hash();
	}
	let refused = check_justification(&proof, &four_authorities(0)).unwrap_err();
	assert!(refused.contains("signature does not verify"), "{refused}");
}

#[test]
fn a_precommit_off_the_commit_chain_is_refused() {
	let target = target();
	let elsewhere = header(11, H256::repeat_byte(7), Digest::default());
	let proof = justification(
		&target,
		vec![
			precommit("Alice", &target, 0),
			precommit("Bob", &target, 0),
			precommit("Charlie", &elsewhere, 0),
		],
		vec![],
	);
	let refused = check_justification(&proof, &four_authorities(0)).unwrap_err();
	assert!(refused.contains("does not descend"), "{refused}");
}

#[test]
fn headers_no_precommit_uses_are_refused() {
	let target = target();
	let mut proof = justified(&target, 0);
	proof.votes_ancestries = descendants(&target, 1);
	let refused = check_justification(&proof, &four_authorities(0)).unwrap_err();
	assert!(refused.contains("no precommit uses"), "{refused}");
}

fn trusted(header: Header) -> ProvenBlock {
	ProvenBlock { hash: header.hash(), header, set: four_authorities(3) }
}

/// A justification of `target` by Alice, Bob and Charlie, for set `set_id`.
fn justified(target: &Header, set_id: SetId) -> GrandpaJustification<Header> {
	signed_by(&["Alice", "Bob", "Charlie"], target, set_id)
}

fn change_in(header: &mut Header, log: ConsensusLog<BlockNumber>) {
	header.digest.push(DigestItem::Consensus(GRANDPA_ENGINE_ID, log.encode()));
}

fn relink(start: &Header, headers: &mut [Header]) {
	let mut parent = start.hash();
	for header in headers {
		header.parent_hash = parent;
		parent = header.hash();
	}
}

fn no_stored() -> HashMap<H256, GrandpaJustification<Header>> {
	HashMap::new()
}

#[test]
fn a_justified_chain_from_the_trusted_block_is_proven_in_the_same_set() {
	let start = trusted(target());
	let headers = descendants(&start.header, 5);
	let end = headers[4].clone();
	let proven = prove(&start, headers, &no_stored(), &justified(&end, 3)).expect("proven");
	assert_eq!((proven.hash, proven.number(), proven.set), (end.hash(), 15, four_authorities(3)));
}

#[test]
fn a_header_that_does_not_follow_its_parent_is_a_lie() {
	let start = trusted(target());
	let mut headers = descendants(&start.header, 5);
	headers[2].state_root = H256::repeat_byte(0xee);
	let newest = justified(&headers[4], 3);
	assert!(matches!(
		prove(&start, headers, &no_stored(), &newest),
		Err(Refusal::Lie(what)) if what.contains("does not follow")
	));
}

#[test]
fn headers_that_end_before_the_justified_block_are_a_lie() {
	let start = trusted(target());
	let mut headers = descendants(&start.header, 5);
	let newest = justified(&headers[4], 3);
	headers.pop();
	assert!(matches!(
		prove(&start, headers, &no_stored(), &newest),
		Err(Refusal::Lie(what)) if what.contains("not at the justified one")
	));
}

#[test]
fn a_justification_by_another_set_is_a_lie() {
	let start = trusted(target());
	let headers = descendants(&start.header, 2);
	let newest = justified(&headers[1], 2);
	assert!(matches!(
		prove(&start, headers, &no_stored(), &newest),
		Err(Refusal::Lie(what)) if what.contains("signature does not verify")
	));
}

/// Five headers after the trusted block; the second schedules Ferdie and
/// Eve as the next set, enacted at the fourth.
fn chain_with_a_change() -> (ProvenBlock, Vec<Header>, AuthorityList) {
	let start = trusted(target());
	let mut headers = descendants(&start.header, 5);
	let next = vec![(authority("Ferdie").public(), 1), (authority("Eve").public(), 1)];
	change_in(
		&mut headers[1],
		ConsensusLog::ScheduledChange(ScheduledChange { next_authorities: next.clone(), delay: 2 }),
	);
	relink(&start.header, &mut headers);
	(start, headers, next)
}

#[test]
fn changes_are_found_where_they_are_enacted() {
	let (_, headers, next) = chain_with_a_change();
	let found = enactments(&headers).expect("no forced change");
	assert_eq!(
		found,
		vec![Enactment { number: 14, hash: headers[3].hash(), next_authorities: next }]
	);
	// Enacted after the last header: still pending, nothing to follow yet.
	assert_eq!(enactments(&headers[..3]), Ok(vec![]));
}

#[test]
fn the_next_set_is_followed_through_the_justification_stored_where_it_starts() {
	let (start, headers, next) = chain_with_a_change();
	let stored = HashMap::from([(headers[3].hash(), justified(&headers[3], 3))]);
	let newest = signed_by(&["Ferdie", "Eve"], &headers[4], 4);
	let proven = prove(&start, headers.clone(), &stored, &newest).expect("proven");
	assert_eq!(proven.hash, headers[4].hash());
	assert_eq!(proven.set, AuthoritySet { set_id: 4, authorities: next });
}

#[test]
fn the_old_set_signing_past_its_term_is_a_lie() {
	let (start, headers, _) = chain_with_a_change();
	let stored = HashMap::from([(headers[3].hash(), justified(&headers[3], 3))]);
	// The replaced authorities sign a block after their last one.
	let newest = justified(&headers[4], 3);
	assert!(matches!(
		prove(&start, headers, &stored, &newest),
		Err(Refusal::Lie(what)) if what.contains("signature does not verify")
	));
}

#[test]
fn a_change_without_its_stored_justification_is_not_followed() {
	let (start, headers, _) = chain_with_a_change();
	let newest = signed_by(&["Ferdie", "Eve"], &headers[4], 4);
	assert!(matches!(
		prove(&start, headers, &no_stored(), &newest),
		Err(Refusal::Unanswered(what)) if what.contains("no justification for block #14")
	));
}

#[test]
fn a_block_that_ends_its_set_is_proven_by_the_set_it_ends() {
	let (start, mut headers, next) = chain_with_a_change();
	headers.truncate(4);
	let stored = HashMap::from([(headers[3].hash(), justified(&headers[3], 3))]);
	let proven =
		prove(&start, headers.clone(), &stored, &justified(&headers[3], 3)).expect("proven");
	assert_eq!(proven.hash, headers[3].hash());
	assert_eq!(proven.set.set_id, 4, "its descendants are the next set's: {next:?}");
}

#[test]
fn a_forced_change_is_not_followed() {
	let start = trusted(target());
	let mut headers = descendants(&start.header, 2);
	change_in(
		&mut headers[0],
		ConsensusLog::ForcedChange(
			0,
			ScheduledChange { next_authorities: vec![(authority("Ferdie").public(), 1)], delay: 0 },
		),
	);
	relink(&start.header, &mut headers);
	assert!(matches!(
		enactments(&headers),
		Err(Refusal::Unanswered(what)) if what.contains("trust a block after it")
	));
}
