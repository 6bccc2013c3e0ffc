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
use veritas_primitives::{AccountId, Balance, Nonce};
use veritas_runtime::opaque::Block;

/// What the RPC methods need from the node.
pub struct FullDeps<C, P> {
	/// The client, to read state and call runtime APIs.
	pub client: Arc<C>,
	/// The transaction pool, for nonces that count pending transactions.
	pub pool: Arc<P>,
	/// The model store, for proof documents (`inference_getProof`).
	pub store: Option<Arc<dyn veritas_engine::ModelStore>>,
	/// Runs subscriptions.
	pub executor: Arc<dyn sp_core::traits::SpawnNamed>,
}

/// All of the node's extra RPC methods in one module:
/// - `system_accountNextIndex` (the next nonce, counting the pool);
/// - `payment_queryInfo` and `payment_queryFeeDetails` (fee estimates);
/// - `inference_*` ([`inference`]): fees, models, requests, proofs, and a
///   subscription to a request's progress;
/// - `oracle_*` ([`oracle`]): data feeds, their latest values, data nodes.
pub fn create_full<C, P>(
	deps: FullDeps<C, P>,
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
		>,
	P: TransactionPool + 'static,
{
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	use inference::{Inference, InferenceRpcServer};
	use oracle::OracleRpcServer;

	let FullDeps { client, pool, store, executor } = deps;

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(Inference::new(client.clone(), store, executor).into_rpc())?;
	module.merge(oracle::Oracle::new(client).into_rpc())?;

	Ok(module)
}
