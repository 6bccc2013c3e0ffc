//! The node's JSON-RPC methods beyond the standard `chain_*`, `state_*`,
//! `author_*` and `system_*` that sc-rpc serves by itself.
//!
//! Each module is a jsonrpsee `RpcModule` merged into one; a new namespace is
//! one more `module.merge(...)` here.

pub mod inference;
pub mod oracle;

use std::sync::Arc;

use jsonrpsee::RpcModule;
use sc_client_api::BlockchainEvents;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use veritas_primitives::{AccountId, Balance, BlockNumber, Nonce};
use veritas_runtime::opaque::Block;

type BlockHash = <Block as sp_runtime::traits::Block>::Hash;

/// What the RPC methods need from the node.
pub struct FullDeps<C, P, B> {
	/// The client, to read state and call runtime APIs.
	pub client: Arc<C>,
	/// The transaction pool, for nonces that count pending transactions.
	pub pool: Arc<P>,
	/// The model store, for proof documents (`inference_getProof`).
	pub store: Option<Arc<dyn veritas_engine::ModelStore>>,
	/// Runs subscriptions.
	pub executor: Arc<dyn sp_core::traits::SpawnNamed>,
	/// GRANDPA's finality, for the `grandpa_*` methods.
	pub grandpa: GrandpaDeps<B>,
}

/// What the `grandpa_*` methods read: the voter's authority set and round
/// state, its justifications as it makes them, and the finality proofs a
/// light client checks (`grandpa_proveFinality`, which `veritas verify`
/// follows from genesis).
pub struct GrandpaDeps<B> {
	pub shared_voter_state: sc_consensus_grandpa::SharedVoterState,
	pub shared_authority_set: sc_consensus_grandpa::SharedAuthoritySet<BlockHash, BlockNumber>,
	pub justification_stream: sc_consensus_grandpa::GrandpaJustificationStream<Block>,
	pub finality_provider: Arc<sc_consensus_grandpa::FinalityProofProvider<B, Block>>,
}

/// All of the node's extra RPC methods in one module:
/// - `system_accountNextIndex` (the next nonce, counting the pool);
/// - `payment_queryInfo` and `payment_queryFeeDetails` (fee estimates);
/// - `inference_*` ([`inference`]): fees, models, requests, proofs, and a
///   subscription to a request's progress;
/// - `oracle_*` ([`oracle`]): data feeds, their latest values, data nodes;
///
/// (both declared, with their typed answers, in `veritas-rpc-api`, which
/// clients share);
/// - `grandpa_*`: the round state, justifications as they are made, and
///   finality proofs.
pub fn create_full<C, P, B>(
	deps: FullDeps<C, P, B>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ BlockchainEvents<Block>
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>
		+ pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>
		+ BlockBuilder<Block>
		+ veritas_primitives::inference::InferenceApi<
			Block,
			AccountId,
			Balance,
			veritas_primitives::BlockNumber,
		> + veritas_primitives::oracle::OracleApi<
			Block,
			AccountId,
			Balance,
			veritas_primitives::BlockNumber,
		> + veritas_primitives::subscription::SubscriptionApi<
			Block,
			AccountId,
			Balance,
			veritas_primitives::BlockNumber,
		>,
	P: TransactionPool + 'static,
	B: sc_client_api::Backend<Block> + Send + Sync + 'static,
{
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	use inference::Inference;
	use veritas_rpc_api::{inference::InferenceApiServer, oracle::OracleApiServer};

	use sc_consensus_grandpa_rpc::{Grandpa, GrandpaApiServer};

	let FullDeps { client, pool, store, executor, grandpa } = deps;

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(Inference::new(client.clone(), store, executor.clone()).into_rpc())?;
	module.merge(oracle::Oracle::new(client).into_rpc())?;
	module.merge(
		Grandpa::new(
			executor,
			grandpa.shared_authority_set,
			grandpa.shared_voter_state,
			grandpa.justification_stream,
			grandpa.finality_provider,
		)
		.into_rpc(),
	)?;

	Ok(module)
}
