//! A light client's view of the chain: which block is final, proven without
//! trusting the node that answers.
//!
//! Trust starts at one block the user trusts: the genesis block by default,
//! or any block given with `--trusted-block`. Its header must hash to the
//! trusted hash, and the GRANDPA authority set is read from its state with a
//! storage proof against that header's state root.
//!
//! The node then proves a newer block final: its newest GRANDPA
//! justification (`grandpa_subscribeJustifications`), the signed
//! precommits of a supermajority of the authorities for a block `F`. The
//! client walks back from `F` to the trusted block by parent hashes, each
//! header checked against the hash its child names, and reads any change of
//! authorities from those headers' digests. A change enacted at block `E`
//! is followed with `E`'s own stored justification, signed by the set that
//! ends there; `F`'s justification must then verify against the set the
//! walk ends with.
//!
//! State is then read at `F` with storage proofs against its state root
//! ([`LightClient::read`]). A node can refuse to answer, but any answer it
//! makes up fails one of these checks and is reported as a [`Refusal::Lie`].

use std::{
	collections::{HashMap, HashSet},
	time::Duration,
};

use codec::Decode;
use jsonrpsee::{core::client::SubscriptionClientT, rpc_params, ws_client::WsClientBuilder};
use serde_json::Value;
use sp_consensus_grandpa::{
	AuthorityList, ConsensusLog, GrandpaJustification, SetId, GRANDPA_ENGINE_ID,
};
use sp_core::H256;
use sp_runtime::{traits::BlakeTwo256, DigestItem, Justifications};
use sp_state_machine::{read_proof_check, StorageProof};
use veritas_primitives::BlockNumber;
use veritas_runtime::{Header, Runtime};

use crate::chain::{hex, unhex, Chain};

/// Why a proven read failed.
#[derive(Debug, PartialEq)]
pub enum Refusal {
	/// The node's answer fails a check: it is false.
	Lie(String),
	/// The node did not answer (unreachable, an RPC error, nothing to prove).
	Unanswered(String),
}

impl From<String> for Refusal {
	fn from(error: String) -> Self {
		Refusal::Unanswered(error)
	}
}

fn lie(what: impl Into<String>) -> Refusal {
	Refusal::Lie(what.into())
}

/// A GRANDPA authority set, and the id the chain numbers it by.
#[derive(Clone, Debug, PartialEq)]
pub struct AuthoritySet {
	pub set_id: SetId,
	pub authorities: AuthorityList,
}

/// A block known to be final, and the authority set that finalizes its
/// descendants.
#[derive(Clone, Debug)]
pub struct ProvenBlock {
	pub hash: H256,
	pub header: Header,
	pub set: AuthoritySet,
}

impl ProvenBlock {
	pub fn number(&self) -> BlockNumber {
		self.header.number
	}
}

/// The most headers the client walks back through. Past this many blocks
/// since the trusted one, start from a later trusted block.
const MAX_HEADERS: u32 = 100_000;

/// How long to wait for the node's next justification: GRANDPA finalizes
/// within seconds of each block.
const JUSTIFICATION_WAIT: Duration = Duration::from_secs(60);

/// The node, read through proofs.
pub struct LightClient<'a> {
	chain: &'a Chain,
	/// The newest block proven final.
	pub finalized: ProvenBlock,
}

impl<'a> LightClient<'a> {
	/// Starts from `trusted` (the genesis block by default) and follows
	/// finality to the newest block the node can prove final.
	pub async fn sync(chain: &'a Chain, trusted: Option<H256>) -> Result<Self, Refusal> {
		let trusted = match trusted {
			Some(hash) => hash,
			None => chain.call("chain_getBlockHash", rpc_params![0]).await?,
		};
		let header = header(chain, trusted).await?;
		let mut client = Self {
			chain,
			finalized: ProvenBlock {
				hash: trusted,
				header,
				set: AuthoritySet { set_id: 0, authorities: Vec::new() },
			},
		};
		client.finalized.set = client.authority_set_at_trusted_block().await?;
		let newest = newest_justification(chain).await?;
		if newest.commit.target_number <= client.finalized.number() {
			// The trusted block is as new as anything the node proves.
			return Ok(client);
		}
		let headers = headers_back(chain, newest.commit.target_hash, &client.finalized).await?;
		let mut stored = HashMap::new();
		for enactment in enactments(&headers)? {
			stored.insert(enactment.hash, stored_justification(chain, enactment.hash).await?);
		}
		client.finalized = prove(&client.finalized, headers, &stored, &newest)?;
		Ok(client)
	}

	/// Reads `key` in the state of the newest proven block.
	pub async fn read<T: Decode>(&self, key: &[u8]) -> Result<Option<T>, Refusal> {
		read_proven(self.chain, self.finalized.hash, self.finalized.header.state_root, key).await
	}

	/// The authority set in the trusted block's state. A block between the
	/// signal of a change and its enactment is refused: the set it names is
	/// not the one that finalizes its next blocks.
	async fn authority_set_at_trusted_block(&self) -> Result<AuthoritySet, Refusal> {
		// One proof for the three values.
		let keys = [
			pallet_grandpa::Authorities::<Runtime>::hashed_key(),
			pallet_grandpa::CurrentSetId::<Runtime>::hashed_key(),
			pallet_grandpa::PendingChange::<Runtime>::hashed_key(),
		];
		let [authorities, set_id, pending] = proven_values(
			self.chain,
			self.finalized.hash,
			self.finalized.header.state_root,
			keys.each_ref().map(|key| &key[..]),
		)
		.await?;
		if pending.is_some() {
			return Err(Refusal::Unanswered(format!(
				"block {:?} is inside a change of GRANDPA authorities: trust a block after it",
				self.finalized.hash
			)));
		}
		let authorities: Vec<(sp_consensus_grandpa::AuthorityId, u64)> = decoded(authorities)?
			.ok_or_else(|| lie("the trusted block's state has no GRANDPA authorities"))?;
		let set_id: SetId = decoded(set_id)?.unwrap_or(0);
		Ok(AuthoritySet { set_id, authorities })
	}
}

/// The node's next GRANDPA justification, as it finalizes a block.
async fn newest_justification(chain: &Chain) -> Result<GrandpaJustification<Header>, Refusal> {
	let ws = WsClientBuilder::default()
		.build(chain.ws_url())
		.await
		.map_err(|e| format!("node unreachable over WebSocket: {e}"))?;
	let mut justifications = ws
		.subscribe::<String, _>(
			"grandpa_subscribeJustifications",
			rpc_params![],
			"grandpa_unsubscribeJustifications",
		)
		.await
		.map_err(|e| format!("following GRANDPA's justifications: {e}"))?;
	let encoded = tokio::time::timeout(JUSTIFICATION_WAIT, justifications.next())
		.await
		.map_err(|_| "the node finalized nothing for a minute".to_string())?
		.ok_or_else(|| "the node stopped sending justifications".to_string())?
		.map_err(|e| lie(format!("not a justification: {e}")))?;
	GrandpaJustification::<Header>::decode(&mut &unhex(&encoded).map_err(lie)?[..])
		.map_err(|e| lie(format!("undecodable GRANDPA justification: {e}")))
}

/// The justification the node stored with block `hash`: it keeps one for
/// every block that ends an authority set.
async fn stored_justification(
	chain: &Chain,
	hash: H256,
) -> Result<GrandpaJustification<Header>, Refusal> {
	let block: Option<Value> = chain.call("chain_getBlock", rpc_params![hash]).await?;
	let justifications: Option<Justifications> =
		serde_json::from_value(block.unwrap_or_default()["justifications"].take())
			.map_err(|e| lie(format!("not a block's justifications: {e}")))?;
	let encoded = justifications
		.and_then(|all| all.into_justification(GRANDPA_ENGINE_ID))
		.ok_or_else(|| {
			Refusal::Unanswered(format!(
				"the node has no justification for block {hash:?}, where the GRANDPA \
				 authorities changed"
			))
		})?;
	GrandpaJustification::<Header>::decode(&mut &encoded[..])
		.map_err(|e| lie(format!("undecodable GRANDPA justification: {e}")))
}

/// The headers after `trusted` up to block `to`, oldest first, fetched from
/// `to` back by parent hashes: each is checked against the hash its child
/// names, so they are the chain that ends at `to`.
async fn headers_back(
	chain: &Chain,
	to: H256,
	trusted: &ProvenBlock,
) -> Result<Vec<Header>, Refusal> {
	let mut headers = Vec::new();
	let mut hash = to;
	loop {
		let header = header(chain, hash).await?;
		if header.number <= trusted.number() {
			return Err(lie(format!(
				"the justified block {to:?} does not descend from the trusted block"
			)));
		}
		if header.number - trusted.number() > MAX_HEADERS {
			return Err(Refusal::Unanswered(format!(
				"more than {MAX_HEADERS} blocks since the trusted one: trust a later block"
			)));
		}
		hash = header.parent_hash;
		let reached = header.number == trusted.number() + 1;
		headers.push(header);
		if reached {
			break;
		}
	}
	headers.reverse();
	Ok(headers)
}

/// Fetches the header of `hash`, and checks that it hashes to `hash`.
async fn header(chain: &Chain, hash: H256) -> Result<Header, Refusal> {
	let json: Option<Value> = chain.call("chain_getHeader", rpc_params![hash]).await?;
	let json =
		json.ok_or_else(|| Refusal::Unanswered(format!("the node has no block {hash:?}")))?;
	let header: Header =
		serde_json::from_value(json).map_err(|e| lie(format!("not a header: {e}")))?;
	if header.hash() != hash {
		return Err(lie(format!("the header the node sent for block {hash:?} hashes to another")));
	}
	Ok(header)
}

/// Reads `key` at block `at`, checked against `root` with a storage proof.
async fn read_proven<T: Decode>(
	chain: &Chain,
	at: H256,
	root: H256,
	key: &[u8],
) -> Result<Option<T>, Refusal> {
	let [value] = proven_values(chain, at, root, [key]).await?;
	decoded(value)
}

fn decoded<T: Decode>(value: Option<Vec<u8>>) -> Result<Option<T>, Refusal> {
	value
		.map(|bytes| {
			T::decode(&mut &bytes[..]).map_err(|e| lie(format!("undecodable record: {e}")))
		})
		.transpose()
}

/// The values of `keys` at block `at`, from one read proof checked against
/// `root`.
async fn proven_values<const N: usize>(
	chain: &Chain,
	at: H256,
	root: H256,
	keys: [&[u8]; N],
) -> Result<[Option<Vec<u8>>; N], Refusal> {
	let hex_keys: Vec<String> = keys.iter().map(|key| hex(key)).collect();
	let proof: Value = chain.call("state_getReadProof", rpc_params![hex_keys, at]).await?;
	let nodes = proof["proof"]
		.as_array()
		.ok_or_else(|| lie("the node sent no read proof"))?
		.iter()
		.map(|node| unhex(node.as_str().unwrap_or_default()))
		.collect::<Result<Vec<_>, _>>()
		.map_err(lie)?;
	let mut values = read_proof_check::<BlakeTwo256, _>(root, StorageProof::new(nodes), keys)
		.map_err(|e| lie(format!("the read proof does not match the proven state root: {e}")))?;
	Ok(keys.map(|key| values.remove(key).flatten()))
}

/// Checks a GRANDPA justification against `set`: every precommit is signed
/// by a member of the set for this round and set id, every precommit's
/// block descends from the commit's through the headers it carries (and
/// every header is used), and the signers hold a supermajority of the set's
/// weight. Returns the finalized block's hash and number.
pub fn check_justification(
	justification: &GrandpaJustification<Header>,
	set: &AuthoritySet,
) -> Result<(H256, BlockNumber), String> {
	let commit = &justification.commit;
	let voters = finality_grandpa::voter_set::VoterSet::new(set.authorities.iter().cloned())
		.ok_or("the trusted authority set is empty")?;
	let ancestry = Ancestry(
		justification.votes_ancestries.iter().map(|header| (header.hash(), header)).collect(),
	);
	let mut visited = HashSet::new();
	for signed in &commit.precommits {
		let message = sp_consensus_grandpa::Message::<Header>::Precommit(signed.precommit.clone());
		let checked = sp_consensus_grandpa::check_message_signature(
			&message,
			&signed.id,
			&signed.signature,
			justification.round,
			set.set_id,
		);
		if checked != sp_consensus_grandpa::SignatureResult::Valid {
			return Err(format!(
				"a precommit's signature does not verify for authority set {}",
				set.set_id
			));
		}
		let route = finality_grandpa::Chain::ancestry(
			&ancestry,
			commit.target_hash,
			signed.precommit.target_hash,
		)
		.map_err(|_| "a precommit is for a block that does not descend from the commit's")?;
		if signed.precommit.target_hash != commit.target_hash {
			visited.insert(signed.precommit.target_hash);
		}
		visited.extend(route);
	}
	if visited.len() != ancestry.0.len() || !ancestry.0.keys().all(|hash| visited.contains(hash)) {
		return Err("the justification carries headers no precommit uses".into());
	}
	let validation = finality_grandpa::validate_commit(commit, &voters, &ancestry)
		.map_err(|e| format!("invalid commit: {e:?}"))?;
	if !validation.is_valid() {
		return Err(format!(
			"the commit for block #{} lacks a supermajority of authority set {}",
			commit.target_number, set.set_id
		));
	}
	Ok((commit.target_hash, commit.target_number))
}

/// The headers a justification carries, by hash.
struct Ancestry<'h>(HashMap<H256, &'h Header>);

impl finality_grandpa::Chain<H256, BlockNumber> for Ancestry<'_> {
	fn ancestry(&self, base: H256, block: H256) -> Result<Vec<H256>, finality_grandpa::Error> {
		let mut route = Vec::new();
		let mut current = block;
		while current != base {
			let header = self.0.get(&current).ok_or(finality_grandpa::Error::NotDescendent)?;
			current = header.parent_hash;
			route.push(current);
		}
		// The route ends with the base itself, which is not its own ancestor.
		route.pop();
		Ok(route)
	}
}

/// A change of GRANDPA authorities, enacted at a block: that block is the
/// last the old set finalizes.
#[derive(Debug, PartialEq)]
pub struct Enactment {
	pub number: BlockNumber,
	pub hash: H256,
	pub next_authorities: AuthorityList,
}

/// The changes of authorities that `headers` (consecutive blocks) schedule
/// and enact within them. A forced change (GRANDPA's recovery from a stall)
/// is not followed.
pub fn enactments(headers: &[Header]) -> Result<Vec<Enactment>, Refusal> {
	let Some(first) = headers.first().map(|header| header.number) else { return Ok(Vec::new()) };
	let mut enacted = Vec::new();
	for header in headers {
		for log in header.digest.logs() {
			let DigestItem::Consensus(engine, data) = log else { continue };
			if *engine != GRANDPA_ENGINE_ID {
				continue;
			}
			match ConsensusLog::<BlockNumber>::decode(&mut &data[..]) {
				Ok(ConsensusLog::ScheduledChange(change)) => {
					let at = header.number.saturating_add(change.delay);
					if let Some(enacting) = headers.get((at - first) as usize) {
						enacted.push(Enactment {
							number: at,
							hash: enacting.hash(),
							next_authorities: change.next_authorities,
						});
					}
				},
				Ok(ConsensusLog::ForcedChange(..)) => {
					return Err(Refusal::Unanswered(format!(
						"block #{} forces a change of GRANDPA authorities, which this client \
						 does not follow: trust a block after it",
						header.number
					)));
				},
				_ => {},
			}
		}
	}
	Ok(enacted)
}

/// Proves the last of `headers` final, from `trusted`: the headers must be
/// the chain from `trusted`'s child to the block `newest` justifies; each
/// change of authorities they enact must be justified (in `stored`) by the
/// set it ends; and `newest` must be signed by the set in office after the
/// last change.
pub fn prove(
	trusted: &ProvenBlock,
	headers: Vec<Header>,
	stored: &HashMap<H256, GrandpaJustification<Header>>,
	newest: &GrandpaJustification<Header>,
) -> Result<ProvenBlock, Refusal> {
	let mut parent = (trusted.hash, trusted.number());
	for header in &headers {
		if header.parent_hash != parent.0 || header.number != parent.1 + 1 {
			return Err(lie(format!(
				"the header of block #{} does not follow block #{}",
				header.number, parent.1
			)));
		}
		parent = (header.hash(), header.number);
	}
	if parent.0 != newest.commit.target_hash {
		return Err(lie(format!(
			"the headers end at block #{}, not at the justified one",
			parent.1
		)));
	}
	let mut set = trusted.set.clone();
	let mut last_justified = None;
	for enactment in enactments(&headers)? {
		let justification = stored.get(&enactment.hash).ok_or_else(|| {
			Refusal::Unanswered(format!("no justification for block #{}", enactment.number))
		})?;
		let (target, _) = check_justification(justification, &set).map_err(lie)?;
		if target != enactment.hash {
			return Err(lie(format!(
				"the justification stored with block #{} is for another block",
				enactment.number
			)));
		}
		set = AuthoritySet { set_id: set.set_id + 1, authorities: enactment.next_authorities };
		last_justified = Some(enactment.hash);
	}
	// A block that ends its set was proven by that set's signatures just now.
	if last_justified != Some(parent.0) {
		check_justification(newest, &set).map_err(lie)?;
	}
	let hash = parent.0;
	let header = headers.into_iter().last().ok_or_else(|| lie("the node sent no headers"))?;
	Ok(ProvenBlock { hash, header, set })
}

#[cfg(test)]
mod tests;
