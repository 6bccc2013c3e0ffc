//! What each subcommand does.

use std::{path::PathBuf, time::Duration};

use jsonrpsee::ws_client::WsClientBuilder;
use serde_json::{json, Value};
use sp_core::{sr25519, Pair};
use veritas_engine::ModelStore;
use veritas_primitives::{
	inference::{InferenceParams, RequestInput},
	model::{
		Architecture, Cid, FileRef, InputShape, ModelFiles, ModelFormat, ModelId, ModelName,
		ModelPolicy, Pricing, TaskKind,
	},
	AccountId, Balance,
};
use veritas_rpc_api::inference::{InferenceApiClient, Output, RequestInfo, Settlement};
use veritas_runtime::{RuntimeCall, RuntimeEvent};
use veritas_worker::child::{serve_stdio, Limits, StoreLocation};

use crate::{
	chain::Chain,
	output::{amount, Report},
	parse::{self, vrt},
	Cli, Command, ExecutorCommand, ModelCommand, VerifierCommand,
};

#[derive(Debug, clap::Args)]
pub struct PublishArgs {
	/// A directory with the model's files: `model.safetensors` and
	/// `config.json` (plus `tokenizer.json` for a BERT encoder), one `.gguf`
	/// file, or one `model.onnx` file.
	pub dir: PathBuf,
	/// The model's name (unique among the publisher's models).
	#[arg(long)]
	pub name: String,
	/// What it computes: embedding:DIM, generation:CONTEXT:MAX_TOKENS,
	/// classification:INPUTS:CLASSES, regression:INPUTS, or (ONNX only)
	/// numeric-embedding:INPUTS:DIM.
	#[arg(long)]
	pub task: String,
	/// How the weights are stored: safetensors, gguf or onnx (default: from
	/// the directory's files).
	#[arg(long, value_parser = ["safetensors", "gguf", "onnx"])]
	pub format: Option<String>,
	/// An ONNX graph's input shape, the request's numbers in row-major
	/// order: `1,1,8,8` for one 8x8 image (default: `1,INPUTS`).
	#[arg(long, value_name = "DIMS")]
	pub input_shape: Option<String>,
	/// The price per request, in VRT.
	#[arg(long)]
	pub price: String,
	/// The price per generated token, in VRT.
	#[arg(long, default_value = "0")]
	pub price_per_token: String,
	/// How results are verified: quorum:K:N, optimistic:WINDOW_BLOCKS:BOND
	/// or sampled:PERMILL:K:N.
	#[arg(long, default_value = "quorum:2:3")]
	pub policy: String,
	/// How verifiers compare: exact, maxabs:MILLIONTHS, cosine:MILLIONTHS,
	/// topk:K (default: by task).
	#[arg(long)]
	pub rule: Option<String>,
	/// The shortest deadline, in blocks after a request, that requests to
	/// this model may set: enough to fetch the model and run it (a request
	/// with a shorter one is refused, so no requester can set a deadline an
	/// executor cannot meet).
	#[arg(long, value_name = "BLOCKS", default_value_t = 10)]
	pub min_deadline: u32,
	/// Upload to this Kubo RPC API (a node started with the same --ipfs-api
	/// fetches from it).
	#[arg(long, value_name = "URL", conflicts_with = "store")]
	pub ipfs_api: Option<String>,
	/// Upload into this embedded store directory: a local node's
	/// `<base-path>/model-store`.
	#[arg(long, value_name = "DIR")]
	pub store: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
	/// The request id.
	pub request: veritas_primitives::settlement::RequestId,
	/// Fetch the model's files from this Kubo RPC API.
	#[arg(long, value_name = "URL", conflicts_with = "store")]
	pub ipfs_api: Option<String>,
	/// Fetch the model's files from this embedded store directory.
	#[arg(long, value_name = "DIR")]
	pub store: Option<PathBuf>,
	/// The block to follow finality from, by hash: one you know is the
	/// chain's (from a source other than this node). By default, the genesis
	/// block the node names, which proves the node consistent with itself
	/// but not that its chain is the real one.
	#[arg(long, value_name = "HASH")]
	pub trusted_block: Option<sp_core::H256>,
	/// The memory, in MiB, the engine may use to re-run the request (it
	/// runs in a process of its own, ended if it needs more).
	#[arg(long, value_name = "MIB", default_value_t = 8192)]
	pub memory_mb: u64,
	/// How long, in seconds, fetching the model and re-running the request
	/// may take.
	#[arg(long, value_name = "SECONDS", default_value_t = 600)]
	pub time_limit: u64,
}

/// `veritas engine-worker`: the process `veritas verify` runs the engine in.
/// Started by `verify`, never by hand.
#[derive(Debug, clap::Args)]
pub struct EngineWorkerArgs {
	/// Fetch from this Kubo RPC API.
	#[arg(long, value_name = "URL", conflicts_with = "store")]
	pub ipfs_api: Option<String>,
	/// Fetch from this embedded store directory.
	#[arg(long, value_name = "DIR")]
	pub store: Option<PathBuf>,
	/// The memory, in MiB, the process may allocate.
	#[arg(long, value_name = "MIB")]
	pub memory_mb: u64,
}

const MIB: u64 = 1024 * 1024;

/// How long one request to the IPFS daemon may take.
const IPFS_TIMEOUT: Duration = Duration::from_secs(600);

impl EngineWorkerArgs {
	/// Limits this process and serves the jobs on stdin.
	pub fn serve(&self) -> Result<(), String> {
		let store = store_location(&self.ipfs_api, &self.store)?;
		let memory_bytes = self.memory_mb.saturating_mul(MIB);
		let limits = Limits {
			memory_bytes,
			// One model is loaded: the process's limit is the one that
			// holds, not the cache's.
			cache_bytes: usize::try_from(memory_bytes).unwrap_or(usize::MAX),
			threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
			max_file_bytes: memory_bytes,
		};
		serve_stdio(&store, limits)
	}
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
	/// Only models of this task: embedding, generation, classification, regression.
	#[arg(long)]
	pub task: Option<String>,
	/// Only models of this status: active, deprecated, retired.
	#[arg(long)]
	pub status: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ExecutorArgs {
	/// The models to serve, by id: 0,1,2.
	#[arg(long, value_delimiter = ',', required = true)]
	pub models: Vec<ModelId>,
	/// The stake, in VRT.
	#[arg(long, default_value = "100")]
	pub stake: String,
	/// How many requests to take at once.
	#[arg(long, default_value_t = 4)]
	pub capacity: u32,
}

#[derive(Debug, clap::Args)]
pub struct InferArgs {
	#[command(flatten)]
	pub request: RequestArgs,
	/// Blocks until the deadline.
	#[arg(long, default_value_t = 100)]
	pub deadline_blocks: u32,
	/// Follow the request until it is settled, then print its result:
	/// until the settlement is finalized (`--wait`, the default), or only
	/// until it is in the best chain (`--wait best`, sooner, but a block
	/// that may still be reverted).
	#[arg(long, value_enum, num_args = 0..=1, default_missing_value = "finalized")]
	pub wait: Option<Wait>,
}

/// What a request asks: the model, its input, how to run it and the most
/// it pays. Shared by `infer` and `subscribe`.
#[derive(Debug, clap::Args)]
pub struct RequestArgs {
	/// The model id.
	#[arg(long)]
	pub model: ModelId,
	/// The input: text, numbers like 28,0.62,590 for tabular models, or
	/// @FILE.
	#[arg(long)]
	pub input: String,
	/// The most to pay, in VRT (default: the estimate).
	#[arg(long)]
	pub max_fee: Option<String>,
	/// Tokens to generate (generation models).
	#[arg(long, default_value_t = 0)]
	pub max_new_tokens: u32,
	/// The sampler's seed (generation models).
	#[arg(long, default_value_t = 0)]
	pub seed: u64,
	/// Sampling temperature in thousandths; 0 is greedy, at most 2000.
	#[arg(long, default_value_t = 0)]
	pub temperature: u32,
	/// Sample only among the K most likely tokens; 0 for all of them.
	#[arg(long, default_value_t = 0)]
	pub top_k: u32,
	/// Nucleus sampling, in thousandths: only the most likely tokens whose
	/// probabilities add up to this; 0 for all of them.
	#[arg(long, default_value_t = 0)]
	pub top_p: u32,
	/// Have the output delivered by reference: the executor stores it in
	/// content-addressed storage and the chain keeps only its CID, length
	/// and digest (outputs too long to go inline always are).
	#[arg(long)]
	pub output_by_reference: bool,
	/// Take one feature from this data feed's latest value (read when the
	/// request is made): --input then holds the other features.
	#[arg(long, value_name = "FEED")]
	pub feed: Option<veritas_primitives::oracle::FeedId>,
	/// Where the feed's value goes among the features (0 is first).
	#[arg(long, default_value_t = 0, requires = "feed")]
	pub feed_position: u16,
	/// Refuse a feed value older than this many blocks.
	#[arg(long, default_value_t = 100, requires = "feed")]
	pub max_age_blocks: u32,
}

/// A request as the chain takes it, built from [`RequestArgs`].
pub struct RequestTerms {
	pub model: ModelId,
	pub input: RequestInput,
	pub params: InferenceParams,
	pub max_fee: Balance,
}

/// Reads the model, parses the input for its task, and checks `--max-fee`
/// against the fee estimate (which it defaults to).
pub async fn request_terms(chain: &Chain, args: &RequestArgs) -> Result<RequestTerms, String> {
	let model = chain.ask(chain.rpc().get_model(args.model)).await?;
	let input = parse::input(&args.input, &model.task)?;
	let params = InferenceParams {
		max_new_tokens: args.max_new_tokens,
		seed: args.seed,
		temperature_thousandths: args.temperature,
		top_k: args.top_k,
		top_p_thousandths: args.top_p,
		output_by_reference: args.output_by_reference,
	};
	let total = chain.ask(chain.rpc().estimate_fee(args.model, Some(params))).await?.total.0;
	let max_fee = match &args.max_fee {
		Some(text) => parse::amount(text)?,
		None => total,
	};
	if max_fee < total {
		return Err(format!(
			"fee too low: this request costs up to {}, --max-fee is {}",
			vrt(total),
			vrt(max_fee)
		));
	}
	let input: veritas_primitives::inference::InlineInput =
		input.try_into().map_err(|_| "the input is longer than 4 KiB".to_string())?;
	let input = match args.feed {
		Some(feed_id) => RequestInput::Feed {
			feed_id,
			max_age_blocks: args.max_age_blocks,
			features: input,
			position: args.feed_position,
		},
		None => RequestInput::Inline(input),
	};
	Ok(RequestTerms { model: args.model, input, params, max_fee })
}

/// How long `veritas infer --wait` follows a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Wait {
	/// Until its settlement is in the best chain.
	Best,
	/// Until its settlement is finalized.
	Finalized,
}

pub async fn run(cli: Cli) -> Result<Report, String> {
	let chain = Chain::connect(&cli.url).await?;
	// A development chain's keys are public and its funds play money;
	// nowhere else does anything sign with a well-known key by default.
	let suri = cli.suri.or_else(|| chain.is_development.then(|| "//Alice".to_string()));
	let signer = || {
		key(suri.as_deref().ok_or_else(|| {
			"this command signs: pass --suri (a secret URI, or @FILE) or set VERITAS_SURI; \
			 only a development chain signs as //Alice by default"
				.to_string()
		})?)
	};
	match cli.command {
		Command::Model(ModelCommand::Publish(args)) => publish(&chain, &signer()?, *args).await,
		Command::Model(ModelCommand::List(args)) => list(&chain, args).await,
		Command::Model(ModelCommand::Show { model }) => {
			let record = chain.ask(chain.rpc().get_model(model)).await?;
			let mut record = serde_json::to_value(record).map_err(|e| e.to_string())?;
			record["terms"] = model_terms(&chain, model).await?.into();
			Ok(Report::document(record))
		},
		Command::Model(ModelCommand::SetPrice { model, price, price_per_token }) => {
			let pricing = veritas_primitives::model::Pricing {
				per_request: parse::amount(&price)?,
				per_output_token: parse::amount(&price_per_token)?,
			};
			let call = RuntimeCall::Models(pallet_models::Call::set_price { model, pricing });
			chain.submit(call, &signer()?).await?;
			let terms = model_terms(&chain, model).await?;
			Ok(Report::new(
				json!({
					"model": model,
					"price": {
						"perRequest": amount(pricing.per_request),
						"perOutputToken": amount(pricing.per_output_token),
					},
					"terms": terms,
				}),
				format!(
					"model {model} now costs {}; its terms are at revision {terms}",
					vrt(pricing.per_request)
				),
			))
		},
		Command::Infer(args) => infer(&chain, &signer()?, args).await,
		Command::Subscribe(args) => crate::subscriptions::subscribe(&chain, &signer()?, args).await,
		Command::Subscription(command) => crate::subscriptions::run(&chain, signer, command).await,
		Command::Executor(ExecutorCommand::Register(args)) => {
			let stake = parse::amount(&args.stake)?;
			let call = RuntimeCall::Inference(pallet_inference::Call::register_executor {
				stake,
				models: args
					.models
					.clone()
					.try_into()
					.map_err(|_| "too many models for one executor".to_string())?,
				capacity: args.capacity,
			});
			let signer = signer()?;
			chain.submit(call, &signer).await?;
			Ok(Report::new(
				json!({
					"executor": AccountId::from(signer.public()).to_string(),
					"models": args.models,
					"stake": amount(stake),
					"capacity": args.capacity,
				}),
				format!("registered as the executor of models {:?}", args.models),
			))
		},
		Command::Executor(ExecutorCommand::Status { account }) => {
			let account = parse::account_or_signer(account.as_deref(), signer)?;
			executor_status(&chain, &account).await
		},
		Command::Executor(ExecutorCommand::AcceptTerms { model, terms }) => {
			let current = model_terms(&chain, model).await?;
			let terms = terms.unwrap_or(current);
			if terms != current {
				return Err(format!(
					"model {model}'s terms are at revision {current}, not {terms}: read them again"
				));
			}
			let call =
				RuntimeCall::Inference(pallet_inference::Call::accept_terms { model, terms });
			chain.submit(call, &signer()?).await?;
			Ok(Report::new(
				json!({ "model": model, "terms": terms }),
				format!("accepted revision {terms} of model {model}'s terms"),
			))
		},
		Command::Feed(command) => crate::oracle::feed(&chain, signer, command).await,
		Command::DataNode(command) => crate::oracle::data_node(&chain, signer, command).await,
		Command::Verify(args) => {
			let store = match store_location(&args.ipfs_api, &args.store)? {
				StoreLocation::Ipfs { url, .. } => ["--ipfs-api".to_string(), url],
				StoreLocation::Embedded(dir) => ["--store".to_string(), dir.display().to_string()],
			};
			let engine = crate::verify::EngineWorker {
				args: ["engine-worker".to_string()]
					.into_iter()
					.chain(store)
					.chain(["--memory-mb".to_string(), args.memory_mb.to_string()])
					.collect(),
				time_limit: Duration::from_secs(args.time_limit),
			};
			crate::verify::verify(&chain, args.request, args.trusted_block, engine).await
		},
		Command::EngineWorker(_) => Err("engine-worker runs before connecting".into()),
		Command::Balance { accounts } => {
			let (mut balances, mut lines) = (Vec::new(), Vec::new());
			for name in accounts {
				let account = account_named(&name)?;
				let key =
					frame_system::Account::<veritas_runtime::Runtime>::hashed_key_for(&account);
				let info: Option<
					frame_system::AccountInfo<
						veritas_primitives::Nonce,
						pallet_balances::AccountData<veritas_primitives::Balance>,
					>,
				> = chain.storage(&key).await?;
				let data = info.map(|info| info.data).unwrap_or_default();
				lines.push(format!(
					"{name:<10} free {:>22}  held {:>18}",
					vrt(data.free),
					vrt(data.reserved)
				));
				balances.push(json!({
					"name": name,
					"account": account.to_string(),
					"free": amount(data.free),
					"held": amount(data.reserved),
				}));
			}
			Ok(Report::new(json!({ "balances": balances }), lines.join("\n")))
		},
		Command::Verifier(VerifierCommand::Register { stake }) => {
			let stake = parse::amount(&stake)?;
			let call =
				RuntimeCall::Verification(pallet_verification::Call::register_verifier { stake });
			let signer = signer()?;
			chain.submit(call, &signer).await?;
			Ok(Report::new(
				json!({
					"verifier": AccountId::from(signer.public()).to_string(),
					"stake": amount(stake),
				}),
				"registered as a verifier",
			))
		},
		Command::Verifier(VerifierCommand::Status { account }) => {
			let account = parse::account_or_signer(account.as_deref(), signer)?;
			verifier_status(&chain, &account).await
		},
	}
}

/// Uploads one file, with a progress bar on a terminal.
fn upload(
	store: &dyn ModelStore,
	role: &str,
	bytes: &[u8],
) -> Result<veritas_engine::StoredFile, String> {
	use std::io::{IsTerminal, Write};
	let total = bytes.len() as f64 / 1e6;
	let live = std::io::stderr().is_terminal();
	let mut last_percent = u64::MAX;
	let mut progress = |sent: u64| {
		let percent = sent * 100 / (bytes.len() as u64).max(1);
		if live && percent != last_percent {
			last_percent = percent;
			let bar = "#".repeat((percent / 5) as usize);
			eprint!("\ruploading {role} [{bar:<20}] {:.1}/{total:.1} MB", sent as f64 / 1e6);
			let _ = std::io::stderr().flush();
		}
	};
	let stored = store
		.put_with_progress(bytes, &mut progress)
		.map_err(|e| format!("uploading {role}: {e}"))?;
	if live {
		eprint!("\r");
	}
	eprintln!(
		"uploaded {role} ({total:.1} MB): {} blake2-256 {}",
		stored.cid,
		veritas_engine::digest::to_hex(&stored.digest)
	);
	Ok(stored)
}

const NO_STORE: &str =
	"give --ipfs-api URL, or --store DIR (a local node's <base-path>/model-store)";

/// Where `--ipfs-api URL` or `--store DIR` says the store is.
fn store_location(
	ipfs_api: &Option<String>,
	store: &Option<PathBuf>,
) -> Result<StoreLocation, String> {
	match (ipfs_api, store) {
		(Some(url), _) => Ok(StoreLocation::Ipfs { url: url.clone(), timeout: IPFS_TIMEOUT }),
		(None, Some(dir)) => Ok(StoreLocation::Embedded(dir.clone())),
		(None, None) => Err(NO_STORE.into()),
	}
}

/// An account from an SS58 address, a secret URI, or `treasury`.
fn account_named(name: &str) -> Result<AccountId, String> {
	if name == "treasury" {
		return Ok(veritas_runtime::configs::TreasuryAccount::get());
	}
	if let Ok(account) = name.parse::<AccountId>() {
		return Ok(account);
	}
	Ok(key(name).map_err(|_| format!("bad account {name}"))?.public().into())
}

fn key(suri: &str) -> Result<sr25519::Pair, String> {
	let suri = match suri.strip_prefix('@') {
		Some(path) => std::fs::read_to_string(path).map_err(|e| format!("key file {path}: {e}"))?,
		None => suri.to_string(),
	};
	sr25519::Pair::from_string(suri.trim(), None).map_err(|e| format!("bad key: {e:?}"))
}

/// A model directory's files by role, and what they make.
struct ModelDir {
	files: Vec<(&'static str, Vec<u8>)>,
	format: ModelFormat,
	architecture: Architecture,
}

/// The files of a model directory, and what they make: an ONNX graph
/// (`model.onnx`, for `task` with `input_shape`), a GGUF decoder, or
/// safetensors weights with their config (and tokenizer).
fn model_files(dir: &PathBuf, args: &PublishArgs, task: &TaskKind) -> Result<ModelDir, String> {
	let read = |name: &str| std::fs::read(dir.join(name)).ok();
	let onnx = match args.format.as_deref() {
		Some(format) => format == "onnx",
		None => dir.join("model.onnx").is_file(),
	};
	if onnx {
		let bytes =
			read("model.onnx").ok_or_else(|| format!("{}: no model.onnx", dir.display()))?;
		let inputs = task.numeric_inputs().ok_or("an ONNX graph serves only numeric tasks")?;
		let input_shape = match &args.input_shape {
			Some(text) => parse::input_shape(text)?,
			None => InputShape::truncate_from(vec![1, inputs]),
		};
		return Ok(ModelDir {
			files: vec![("weights", bytes)],
			format: ModelFormat::Onnx,
			architecture: Architecture::OnnxGraph { input_shape },
		});
	}
	if args.input_shape.is_some() {
		return Err("--input-shape is for ONNX graphs".into());
	}
	let gguf = std::fs::read_dir(dir)
		.map_err(|e| format!("{}: {e}", dir.display()))?
		.filter_map(Result::ok)
		.map(|entry| entry.path())
		.find(|path| path.extension().is_some_and(|ext| ext == "gguf"));
	if args.format.as_deref() == Some("gguf") && gguf.is_none() {
		return Err(format!("{}: no .gguf file", dir.display()));
	}
	if let (Some(path), None | Some("gguf")) = (gguf, args.format.as_deref()) {
		let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
		return Ok(ModelDir {
			files: vec![("weights", bytes)],
			format: ModelFormat::Gguf,
			architecture: Architecture::Llama,
		});
	}
	let weights = read("model.safetensors")
		.ok_or_else(|| format!("{}: no model.safetensors or .gguf file", dir.display()))?;
	let config = read("config.json").ok_or_else(|| format!("{}: no config.json", dir.display()))?;
	Ok(match read("tokenizer.json") {
		Some(tokenizer) => ModelDir {
			files: vec![("weights", weights), ("config", config), ("tokenizer", tokenizer)],
			format: ModelFormat::Safetensors,
			architecture: Architecture::Bert,
		},
		None => ModelDir {
			files: vec![("weights", weights), ("config", config)],
			format: ModelFormat::Safetensors,
			architecture: Architecture::Mlp,
		},
	})
}

async fn publish(
	chain: &Chain,
	signer: &sr25519::Pair,
	args: PublishArgs,
) -> Result<Report, String> {
	let task = parse::task(&args.task)?;
	let ModelDir { files, format, architecture } = model_files(&args.dir, &args, &task)?;
	let store = store_location(&args.ipfs_api, &args.store)?.open()?;
	let mut refs = Vec::new();
	for (role, bytes) in files {
		let stored = upload(&*store, role, &bytes)?;
		refs.push((
			role,
			FileRef {
				cid: Cid::try_from(stored.cid.into_bytes())
					.map_err(|_| "CID too long".to_string())?,
				digest: stored.digest,
				size: stored.size,
			},
		));
	}
	let file = |role: &str| refs.iter().find(|(r, _)| *r == role).map(|(_, file)| file.clone());
	let comparison = match &args.rule {
		Some(rule) => parse::rule(rule)?,
		None => default_rule(&task),
	};
	let spec = pallet_models::ModelSpec {
		files: ModelFiles {
			weights: file("weights").ok_or("no weights")?,
			config: file("config"),
			tokenizer: file("tokenizer"),
		},
		format,
		architecture,
		task,
		pricing: Pricing {
			per_request: parse::amount(&args.price)?,
			per_output_token: parse::amount(&args.price_per_token)?,
		},
		policy: ModelPolicy {
			verification: parse::policy(&args.policy)?,
			comparison,
			min_deadline: args.min_deadline,
		},
	};
	let name = ModelName::try_from(args.name.into_bytes())
		.map_err(|_| "the name is too long".to_string())?;
	let call = RuntimeCall::Models(pallet_models::Call::register_model { name, spec });
	let included = chain.submit(call, signer).await?;
	let model = included.events.iter().find_map(|event| match event {
		RuntimeEvent::Models(pallet_models::Event::ModelRegistered { model, .. }) => Some(*model),
		_ => None,
	});
	let model = model.ok_or("registered, but the chain reported no model id")?;
	let files: serde_json::Map<String, Value> = refs
		.iter()
		.map(|(role, file)| {
			let cid = String::from_utf8_lossy(&file.cid[..]).into_owned();
			(role.to_string(), json!({ "cid": cid, "size": file.size }))
		})
		.collect();
	Ok(Report::new(json!({ "model": model, "files": files }), model.to_string()))
}

fn default_rule(task: &TaskKind) -> veritas_primitives::model::ComparisonRule {
	use veritas_primitives::model::{ComparisonRule, Tolerance};
	match task {
		TaskKind::TextEmbedding { .. } | TaskKind::TabularEmbedding { .. } => {
			ComparisonRule::Cosine(Tolerance(1_000))
		},
		TaskKind::TextGeneration { .. } => ComparisonRule::TokenTopK(5),
		_ => ComparisonRule::MaxAbs(Tolerance(1_000)),
	}
}

async fn list(chain: &Chain, args: ListArgs) -> Result<Report, String> {
	let page =
		chain.ask(chain.rpc().list_models(Some(0), Some(100), args.task, args.status)).await?;
	let mut lines = Vec::new();
	if page.models.is_empty() {
		lines.push("no models".to_string());
	}
	for model in &page.models {
		lines.push(format!(
			"{:>4}  {:<15} {:<10} {:>14}  {}",
			model.id,
			model.task,
			format!("{:?}", model.status),
			vrt(model.price.per_request.0),
			model.files.weights.cid,
		));
	}
	Ok(Report::new(json!({ "models": page.models }), lines.join("\n")))
}

/// The revision of `model`'s terms: how many times its price or policy
/// changed.
async fn model_terms(chain: &Chain, model: u64) -> Result<u32, String> {
	let key = pallet_models::Terms::<veritas_runtime::Runtime>::hashed_key_for(model);
	Ok(chain.storage(&key).await?.unwrap_or(0))
}

async fn executor_status(chain: &Chain, account: &AccountId) -> Result<Report, String> {
	let key = pallet_inference::Executors::<veritas_runtime::Runtime>::hashed_key_for(account);
	let executor: Option<pallet_inference::ExecutorOf<veritas_runtime::Runtime>> =
		chain.storage(&key).await?;
	let executor = executor.ok_or_else(|| format!("{account} is not an executor"))?;
	let mut lines = vec![
		format!("executor    {account}"),
		format!("stake       {}", vrt(executor.stake)),
		format!("models      {:?}", executor.models.to_vec()),
	];
	let mut models = Vec::new();
	// An unbonding executor serves nothing new, under any terms.
	let active = executor.status.is_active();
	for model in executor.models.iter().copied() {
		let current = model_terms(chain, model).await?;
		let key =
			pallet_inference::ModelExecutors::<veritas_runtime::Runtime>::hashed_key_for(model);
		let listed: Option<Vec<(AccountId, u32)>> = chain.storage(&key).await?;
		let accepted = listed
			.unwrap_or_default()
			.into_iter()
			.find(|(executor, _)| executor == account)
			.map(|(_, terms)| terms);
		let current_accepted = active && accepted == Some(current);
		models.push(json!({
			"model": model,
			"terms": current,
			"acceptedTerms": accepted,
			"assigned": current_accepted,
		}));
		if !active {
			continue;
		}
		lines.push(match current_accepted {
			true => format!("  model {model:<5} terms revision {current} accepted"),
			false => format!(
				"  model {model:<5} terms changed to revision {current}: not assigned until \
				 `veritas executor accept-terms {model} --terms {current}`"
			),
		});
	}
	lines.push(format!("capacity    {} ({} open)", executor.capacity, executor.open));
	lines.push(format!("reputation  {}", executor.reputation));
	lines.push(format!("status      {:?}", executor.status));
	Ok(Report::new(
		json!({
			"executor": account.to_string(),
			"stake": amount(executor.stake),
			"models": models,
			"capacity": executor.capacity,
			"open": executor.open,
			"reputation": executor.reputation,
			"status": format!("{:?}", executor.status),
		}),
		lines.join("\n"),
	))
}

async fn verifier_status(chain: &Chain, account: &AccountId) -> Result<Report, String> {
	let key = pallet_verification::Verifiers::<veritas_runtime::Runtime>::hashed_key_for(account);
	let verifier: Option<pallet_verification::VerifierOf<veritas_runtime::Runtime>> =
		chain.storage(&key).await?;
	let verifier = verifier.ok_or_else(|| format!("{account} is not a verifier"))?;
	let text = [
		format!("verifier       {account}"),
		format!("stake          {}", vrt(verifier.stake)),
		format!("reputation     {}", verifier.reputation),
		format!("status         {:?}", verifier.status),
		format!("sits from      block {}", verifier.eligible_from),
		format!("open votes     {}", verifier.open_votes),
	];
	Ok(Report::new(
		json!({
			"verifier": account.to_string(),
			"stake": amount(verifier.stake),
			"reputation": verifier.reputation,
			"status": format!("{:?}", verifier.status),
			"eligibleFrom": verifier.eligible_from,
			"openVotes": verifier.open_votes,
		}),
		text.join("\n"),
	))
}

async fn infer(chain: &Chain, signer: &sr25519::Pair, args: InferArgs) -> Result<Report, String> {
	let RequestTerms { model, input, params, max_fee } =
		request_terms(chain, &args.request).await?;
	let head = chain.best_number().await?;
	let call = RuntimeCall::Inference(pallet_inference::Call::request_inference {
		model,
		input,
		params,
		max_fee,
		deadline: head + args.deadline_blocks,
	});
	let included = chain.submit(call, signer).await?;
	let (request, place) = included
		.events
		.iter()
		.find_map(|event| match event {
			RuntimeEvent::Inference(pallet_inference::Event::RequestCreated {
				request, ..
			}) => Some((*request, None)),
			RuntimeEvent::Inference(pallet_inference::Event::RequestWaiting {
				request,
				place,
				..
			}) => Some((*request, Some(*place))),
			_ => None,
		})
		.ok_or("requested, but the chain reported no request id")?;
	eprintln!("request {request} in block {}: up to {} in escrow", included.block, vrt(max_fee));
	if let Some(place) = place {
		eprintln!(
			"request {request}: every executor is busy; it waits with {place} ahead of it, and \
			 is refunded in full if no executor is free in time"
		);
	}
	let Some(wait) = args.wait else {
		return Ok(Report::new(
			json!({ "request": request, "maxFee": amount(max_fee), "waitingPlace": place }),
			request.to_string(),
		));
	};
	let ws = WsClientBuilder::default()
		.build(chain.ws_url())
		.await
		.map_err(|e| format!("node unreachable over WebSocket: {e}"))?;
	let mut updates = ws
		.subscribe_request(request)
		.await
		.map_err(|e| format!("following request {request}: {e}"))?;
	loop {
		let update = tokio::time::timeout(Duration::from_secs(600), updates.next())
			.await
			.map_err(|_| format!("request {request}: no news for ten minutes"))?
			.ok_or_else(|| format!("request {request}: the node stopped the updates"))?
			.map_err(|e| format!("request {request}: {e}"))?;
		let status = update.request.status;
		eprintln!(
			"block {}: {status:?}{}",
			update.block,
			if update.finalized { ", finalized" } else { "" }
		);
		use veritas_primitives::inference::RequestStatus::*;
		let settled = matches!(status, Accepted | Rejected | Expired | Cancelled | Unrunnable);
		if settled && (update.finalized || wait == Wait::Best) {
			break;
		}
	}
	let settled = chain.ask(chain.rpc().get_request(request)).await?;
	let text = result_lines(&settled).join("\n");
	Ok(Report::new(serde_json::to_value(&settled).map_err(|e| e.to_string())?, text))
}

/// A settled request (`inference_getRequest`'s answer), for people.
fn result_lines(request: &RequestInfo) -> Vec<String> {
	let mut lines =
		vec![format!("request     {}", request.id), format!("status      {:?}", request.status)];
	if let Some(feed) = &request.feed {
		lines.push(format!(
			"feed        {} = {} (round {}), feature {}",
			feed.feed, feed.reading.display, feed.reading.round, feed.position
		));
	}
	let floats = |values: &[f32], count: usize| {
		values.iter().take(count).map(|v| format!("{v:.4}")).collect::<Vec<_>>().join(", ")
	};
	if let Some(result) = &request.result {
		match &result.output {
			Output::Embedding(values) => lines.push(format!(
				"output      embedding of {} floats [{}, …]",
				values.len(),
				floats(values, 4)
			)),
			Output::Classification(values) => lines.push(format!(
				"output      class probabilities [{}]",
				floats(values, values.len())
			)),
			Output::Regression(value) => lines.push(format!("output      {value}")),
			Output::Generation { text, .. } => lines.push(format!("output      {text:?}")),
			Output::Raw(bytes) => lines.push(format!("output      {bytes}")),
			Output::NotFetched => {
				lines.push("output      stored by reference, not carried in the answer".into())
			},
			Output::Unavailable(why) => lines.push(format!("output      unavailable: {why}")),
		}
		if let Some(stored) = &result.stored_output {
			lines.push(format!("stored      {} ({} bytes)", stored.cid, stored.size));
		}
		lines.push(format!("digest      {}", result.output_digest));
		lines.push(format!("proof       {} ({})", result.proof_cid, result.proof_digest));
	}
	match &request.settlement {
		Some(Settlement::Paid { executor, royalty, per_verifier, verifiers, treasury, refund }) => {
			lines.push(format!(
				"paid        executor {}, royalty {}, {verifiers} verifier(s) {} each, treasury {}, \
				 refund {}",
				vrt(executor.0),
				vrt(royalty.0),
				vrt(per_verifier.0),
				vrt(treasury.0),
				vrt(refund.0),
			))
		},
		Some(Settlement::Fraud { slashed, refund, .. }) => lines.push(format!(
			"fraud       executor slashed {}, requester refunded {}",
			vrt(slashed.0),
			vrt(refund.0)
		)),
		Some(Settlement::Refunded(amount)) => lines.push(format!("refunded    {}", vrt(amount.0))),
		None => {},
	}
	lines
}
