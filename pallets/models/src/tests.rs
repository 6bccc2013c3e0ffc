//! Tests of every call, every error, the deposits and the invariants.

use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use sp_runtime::{DispatchError, Permill};
use veritas_primitives::model::{
	Architecture, Cid, ComparisonRule, FileRef, InputShape, ModelFiles, ModelFormat, ModelInspect,
	ModelName, ModelPolicy, ModelStatus, Pricing, TaskKind, Tolerance, VerificationPolicy,
	MAX_COMMITTEE_SIZE,
};

use crate::{
	mock::*, Error, Event, HoldReason, LineByName, Lines, ModelSpecOf, Models, NextLineId,
	NextModelId, RetiredAt,
};

fn name(text: &str) -> ModelName {
	ModelName::truncate_from(text.as_bytes().to_vec())
}

fn file(seed: u8, size: u64) -> FileRef {
	FileRef {
		cid: Cid::truncate_from(
			format!("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzd{seed}")
				.into_bytes(),
		),
		digest: [seed; 32],
		size,
	}
}

/// A MiniLM-like embedding model under Quorum(2, 3) with a cosine rule.
fn embedding_spec(seed: u8) -> ModelSpecOf<Test> {
	ModelSpecOf::<Test> {
		files: ModelFiles {
			weights: file(seed, 90_000_000),
			config: Some(file(seed.wrapping_add(100), 600)),
			tokenizer: Some(file(seed.wrapping_add(200), 700_000)),
		},
		format: ModelFormat::Safetensors,
		architecture: Architecture::Bert,
		task: TaskKind::TextEmbedding { dim: 384 },
		pricing: Pricing { per_request: 10, per_output_token: 0 },
		policy: ModelPolicy {
			verification: VerificationPolicy::Quorum { k: 2, n: 3 },
			comparison: ComparisonRule::Cosine(Tolerance(1_000)),
			min_deadline: 10,
		},
	}
}

/// A SmolLM-like generation model under an optimistic policy.
fn generation_spec() -> ModelSpecOf<Test> {
	ModelSpecOf::<Test> {
		files: ModelFiles { weights: file(50, 90_000_000), config: None, tokenizer: None },
		format: ModelFormat::Gguf,
		architecture: Architecture::Llama,
		task: TaskKind::TextGeneration { max_context: 2048, max_new_tokens: 128 },
		pricing: Pricing { per_request: 5, per_output_token: 1 },
		policy: ModelPolicy {
			verification: VerificationPolicy::Optimistic { window_blocks: 10, challenge_bond: 500 },
			comparison: ComparisonRule::TokenTopK(5),
			min_deadline: 10,
		},
	}
}

/// A publisher's ONNX digit classifier: one 1x8x8 image in, ten
/// probabilities out.
fn onnx_spec(input_shape: &[u32]) -> ModelSpecOf<Test> {
	ModelSpecOf::<Test> {
		files: ModelFiles { weights: file(70, 19_379), config: None, tokenizer: None },
		format: ModelFormat::Onnx,
		architecture: Architecture::OnnxGraph {
			input_shape: InputShape::try_from(input_shape.to_vec()).expect("within the rank"),
		},
		task: TaskKind::TabularClassification { inputs: 64, classes: 10 },
		pricing: Pricing { per_request: 10, per_output_token: 0 },
		policy: ModelPolicy {
			verification: VerificationPolicy::Quorum { k: 2, n: 3 },
			comparison: ComparisonRule::MaxAbs(Tolerance(1_000)),
			min_deadline: 10,
		},
	}
}

fn register(owner: AccountId, model_name: &str, spec: ModelSpecOf<Test>) -> (u64, u64) {
	let line = NextLineId::<Test>::get();
	let model = NextModelId::<Test>::get();
	assert_ok!(Registry::register_model(RuntimeOrigin::signed(owner), name(model_name), spec));
	(line, model)
}

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::ModelDeposit.into(), &who)
}

/// Alice's "minilm" line with versions 1 and 2: the line and version 1.
fn two_versions() -> (u64, u64) {
	let (line, first) = register(ALICE, "minilm", embedding_spec(1));
	assert_ok!(Registry::publish_version(RuntimeOrigin::signed(ALICE), line, embedding_spec(2)));
	(line, first)
}

fn last_event() -> RuntimeEvent {
	System::events().pop().expect("an event was emitted").event
}

// --- register_model -------------------------------------------------------

#[test]
fn register_model_stores_line_and_version_and_holds_the_deposit() {
	run_test(|| {
		let (line, model) = register(ALICE, "all-MiniLM-L6-v2", embedding_spec(1));
		assert_eq!((line, model), (0, 0));

		let record = Models::<Test>::get(model).expect("stored");
		assert_eq!(record.owner, ALICE);
		assert_eq!(record.version, 1);
		assert_eq!(record.status, ModelStatus::Active);
		assert_eq!(record.files, embedding_spec(1).files);
		assert_eq!(record.published_at, 1);
		let model_line = Lines::<Test>::get(line).expect("stored");
		assert_eq!(model_line.versions.to_vec(), vec![model]);
		assert_eq!(model_line.next_version, 2);
		assert_eq!(LineByName::<Test>::get(ALICE, name("all-MiniLM-L6-v2")), Some(line));

		// The deposit is the base plus a byte price, for the line and the record.
		let expected_record_deposit = 100 + codec::Encode::encoded_size(&record) as u128;
		assert_eq!(record.deposit, expected_record_deposit);
		let total = record.deposit + model_line.deposit;
		assert_eq!(held(ALICE), total);
		assert_eq!(Balances::balance(&ALICE), ENDOWMENT - total);
		assert_eq!(
			last_event(),
			Event::ModelRegistered {
				line,
				model,
				owner: ALICE,
				name: name("all-MiniLM-L6-v2"),
				deposit: total
			}
			.into()
		);
	});
}

#[test]
fn names_are_unique_per_owner_only() {
	run_test(|| {
		register(ALICE, "shared", embedding_spec(1));
		assert_noop!(
			Registry::register_model(
				RuntimeOrigin::signed(ALICE),
				name("shared"),
				embedding_spec(2)
			),
			Error::<Test>::NameTaken
		);
		register(BOB, "shared", embedding_spec(1));
	});
}

#[test]
fn register_model_refuses_bad_names_and_origins() {
	run_test(|| {
		let register = |who, model_name: ModelName| {
			Registry::register_model(RuntimeOrigin::signed(who), model_name, embedding_spec(1))
		};
		assert_noop!(register(ALICE, name("")), Error::<Test>::EmptyName);
		assert_noop!(
			register(ALICE, ModelName::truncate_from(vec![0xff, 0xfe])),
			Error::<Test>::NameNotUtf8
		);
		assert_noop!(
			Registry::register_model(RuntimeOrigin::none(), name("x"), embedding_spec(1)),
			DispatchError::BadOrigin
		);
		assert_noop!(register(PAUPER, name("poor")), Error::<Test>::InsufficientBalance);
	});
}

/// Registers `spec` and expects `error`, with nothing stored or held.
fn assert_spec_refused(spec: ModelSpecOf<Test>, error: Error<Test>) {
	assert_noop!(Registry::register_model(RuntimeOrigin::signed(ALICE), name("m"), spec), error);
}

#[test]
fn register_model_refuses_bad_files() {
	run_test(|| {
		let mut spec = embedding_spec(1);
		spec.files.weights.cid = Cid::default();
		assert_spec_refused(spec, Error::<Test>::EmptyCid);

		let mut spec = embedding_spec(1);
		spec.files.tokenizer =
			Some(FileRef { cid: Cid::truncate_from(b"bafy 1".to_vec()), ..file(1, 5) });
		assert_spec_refused(spec, Error::<Test>::MalformedCid);

		let mut spec = embedding_spec(1);
		spec.files.config = Some(file(9, 0));
		assert_spec_refused(spec, Error::<Test>::EmptyFile);
	});
}

#[test]
fn register_model_refuses_mismatched_format_task_and_tokenizer() {
	run_test(|| {
		let mut spec = embedding_spec(1);
		spec.format = ModelFormat::Gguf;
		assert_spec_refused(spec, Error::<Test>::FormatDoesNotFitArchitecture);

		let mut spec = embedding_spec(1);
		spec.task = TaskKind::TabularRegression { inputs: 3 };
		assert_spec_refused(spec, Error::<Test>::TaskDoesNotFitArchitecture);

		let mut spec = embedding_spec(1);
		spec.task = TaskKind::TextEmbedding { dim: 0 };
		assert_spec_refused(spec, Error::<Test>::MalformedTask);

		let mut spec = embedding_spec(1);
		spec.files.tokenizer = None;
		assert_spec_refused(spec, Error::<Test>::TokenizerDoesNotFitArchitecture);

		let mut spec = embedding_spec(1);
		spec.architecture = Architecture::Mlp;
		spec.task = TaskKind::TabularClassification { inputs: 4, classes: 2 };
		assert_spec_refused(spec, Error::<Test>::TokenizerDoesNotFitArchitecture);

		let mut spec = embedding_spec(1);
		spec.pricing.per_output_token = 1;
		assert_spec_refused(spec, Error::<Test>::TokenPriceWithoutGeneration);
	});
}

#[test]
fn an_onnx_graph_is_registered_with_an_input_shape_that_holds_its_task() {
	run_test(|| {
		let (_, model) = register(ALICE, "digits", onnx_spec(&[1, 1, 8, 8]));
		let record = Registry::model(model).expect("registered");
		assert_eq!(record.format, ModelFormat::Onnx);
		assert_eq!(
			record.architecture,
			Architecture::OnnxGraph { input_shape: InputShape::truncate_from(vec![1, 1, 8, 8]) }
		);
		// The same graph declared flat is another valid description.
		register(ALICE, "digits-flat", onnx_spec(&[64]));
		// A numeric embedding is an ONNX graph's task too.
		let mut spec = onnx_spec(&[2, 32]);
		spec.task = TaskKind::TabularEmbedding { inputs: 64, dim: 16 };
		spec.files.weights = file(71, 10_000);
		register(ALICE, "digits-embedding", spec);
	});
}

#[test]
fn an_onnx_graph_is_refused_when_its_description_does_not_fit() {
	run_test(|| {
		for shape in [&[1, 8, 8, 8][..], &[], &[64, 0], &[u32::MAX, u32::MAX, 4]] {
			assert_spec_refused(onnx_spec(shape), Error::<Test>::InputShapeDoesNotFitTask);
		}
		let mut spec = onnx_spec(&[1, 64]);
		spec.format = ModelFormat::Safetensors;
		assert_spec_refused(spec, Error::<Test>::FormatDoesNotFitArchitecture);

		let mut spec = embedding_spec(1);
		spec.format = ModelFormat::Onnx;
		assert_spec_refused(spec, Error::<Test>::FormatDoesNotFitArchitecture);

		let mut spec = onnx_spec(&[1, 64]);
		spec.task = TaskKind::TextEmbedding { dim: 64 };
		assert_spec_refused(spec, Error::<Test>::TaskDoesNotFitArchitecture);

		let mut spec = onnx_spec(&[1, 64]);
		spec.task = TaskKind::TabularEmbedding { inputs: 64, dim: 0 };
		assert_spec_refused(spec, Error::<Test>::MalformedTask);

		let mut spec = onnx_spec(&[1, 64]);
		spec.files.tokenizer = Some(file(72, 100));
		assert_spec_refused(spec, Error::<Test>::TokenizerDoesNotFitArchitecture);

		let mut spec = onnx_spec(&[1, 64]);
		spec.files.config = Some(file(73, 100));
		assert_spec_refused(spec, Error::<Test>::ConfigDoesNotFitArchitecture);

		// A numeric embedding is not a text embedding: no MLP or BERT serves it.
		let mut spec = embedding_spec(1);
		spec.task = TaskKind::TabularEmbedding { inputs: 4, dim: 384 };
		assert_spec_refused(spec, Error::<Test>::TaskDoesNotFitArchitecture);
	});
}

#[test]
fn register_model_refuses_bad_policies() {
	run_test(|| {
		let with = |verification, comparison| {
			let mut spec = embedding_spec(1);
			spec.policy = ModelPolicy { verification, comparison, min_deadline: 10 };
			spec
		};
		let cosine = ComparisonRule::Cosine(Tolerance(100));
		assert_spec_refused(
			with(VerificationPolicy::Quorum { k: 1, n: 0 }, cosine),
			Error::<Test>::BadCommitteeSize,
		);
		assert_spec_refused(
			with(VerificationPolicy::Quorum { k: 1, n: MAX_COMMITTEE_SIZE + 1 }, cosine),
			Error::<Test>::BadCommitteeSize,
		);
		assert_spec_refused(
			with(VerificationPolicy::Quorum { k: 4, n: 3 }, cosine),
			Error::<Test>::BadThreshold,
		);
		assert_spec_refused(
			with(
				VerificationPolicy::Sampled { permill: Permill::from_percent(5), k: 0, n: 3 },
				cosine,
			),
			Error::<Test>::BadThreshold,
		);
		assert_spec_refused(
			with(VerificationPolicy::Optimistic { window_blocks: 0, challenge_bond: 10 }, cosine),
			Error::<Test>::BadWindow,
		);
		// The terms a publisher could use against executors and challengers:
		// a window that holds results for centuries, a bond of zero (results
		// nobody can challenge) or one nobody can pay, a deadline too short
		// to run the model or longer than the chain allows.
		assert_spec_refused(
			with(
				VerificationPolicy::Optimistic { window_blocks: u64::MAX, challenge_bond: 10 },
				cosine,
			),
			Error::<Test>::BadWindow,
		);
		assert_spec_refused(
			with(VerificationPolicy::Optimistic { window_blocks: 40, challenge_bond: 0 }, cosine),
			Error::<Test>::BadChallengeBond,
		);
		assert_spec_refused(
			with(
				VerificationPolicy::Optimistic { window_blocks: 40, challenge_bond: u128::MAX },
				cosine,
			),
			Error::<Test>::BadChallengeBond,
		);
		for min_deadline in [0, 1, 501, u64::MAX] {
			let mut spec = with(VerificationPolicy::Quorum { k: 2, n: 3 }, cosine);
			spec.policy.min_deadline = min_deadline;
			assert_spec_refused(spec, Error::<Test>::BadMinDeadline);
		}
		assert_spec_refused(
			with(
				VerificationPolicy::Quorum { k: 2, n: 3 },
				ComparisonRule::MaxAbs(Tolerance(2_000_000)),
			),
			Error::<Test>::BadTolerance,
		);
		assert_spec_refused(
			with(VerificationPolicy::Quorum { k: 2, n: 3 }, ComparisonRule::TokenTopK(3)),
			Error::<Test>::RuleDoesNotFitTask,
		);
	});
}

#[test]
fn generation_and_tabular_models_register() {
	run_test(|| {
		register(ALICE, "SmolLM2-135M-Instruct", generation_spec());
		let mlp = ModelSpecOf::<Test> {
			files: ModelFiles {
				weights: file(60, 4_000),
				config: Some(file(61, 200)),
				tokenizer: None,
			},
			format: ModelFormat::Safetensors,
			architecture: Architecture::Mlp,
			task: TaskKind::TabularClassification { inputs: 6, classes: 2 },
			pricing: Pricing { per_request: 1, per_output_token: 0 },
			policy: ModelPolicy {
				verification: VerificationPolicy::Sampled {
					permill: Permill::from_percent(10),
					k: 1,
					n: 1,
				},
				comparison: ComparisonRule::Exact,
				min_deadline: 10,
			},
		};
		register(ALICE, "loan-risk", mlp);
		assert_eq!(Lines::<Test>::iter().count(), 2);
	});
}

// --- publish_version ------------------------------------------------------

#[test]
fn publish_version_numbers_versions_and_holds_their_deposits() {
	run_test(|| {
		let (line, first) = register(ALICE, "minilm", embedding_spec(1));
		let held_before = held(ALICE);
		assert_ok!(Registry::publish_version(
			RuntimeOrigin::signed(ALICE),
			line,
			embedding_spec(2)
		));
		let second = first + 1;
		let record = Models::<Test>::get(second).expect("stored");
		assert_eq!(record.version, 2);
		assert_eq!(record.line, line);
		assert_eq!(held(ALICE), held_before + record.deposit);
		assert_eq!(Lines::<Test>::get(line).expect("line").versions.to_vec(), vec![first, second]);
		assert_eq!(
			last_event(),
			Event::VersionPublished { line, model: second, version: 2, deposit: record.deposit }
				.into()
		);
		assert_eq!(Registry::latest_active(line), Some(second));
	});
}

#[test]
fn publish_version_errors() {
	run_test(|| {
		let (line, _) = register(ALICE, "minilm", embedding_spec(1));
		assert_noop!(
			Registry::publish_version(RuntimeOrigin::signed(ALICE), line + 1, embedding_spec(2)),
			Error::<Test>::UnknownLine
		);
		assert_noop!(
			Registry::publish_version(RuntimeOrigin::signed(BOB), line, embedding_spec(2)),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			Registry::publish_version(RuntimeOrigin::signed(ALICE), line, embedding_spec(1)),
			Error::<Test>::DuplicateVersion
		);
		let mut bad = embedding_spec(2);
		bad.task = TaskKind::TextEmbedding { dim: 0 };
		assert_noop!(
			Registry::publish_version(RuntimeOrigin::signed(ALICE), line, bad),
			Error::<Test>::MalformedTask
		);
		// MaxVersions is 4 in the mock.
		for seed in 2..=4 {
			assert_ok!(Registry::publish_version(
				RuntimeOrigin::signed(ALICE),
				line,
				embedding_spec(seed)
			));
		}
		assert_noop!(
			Registry::publish_version(RuntimeOrigin::signed(ALICE), line, embedding_spec(5)),
			Error::<Test>::TooManyVersions
		);
	});
}

#[test]
fn publish_version_needs_the_deposit() {
	run_test(|| {
		let (line, _) = register(ALICE, "minilm", embedding_spec(1));
		let free = Balances::balance(&ALICE);
		// Leave Alice less than a record's deposit.
		assert_ok!(Balances::transfer_allow_death(RuntimeOrigin::signed(ALICE), BOB, free - 50));
		assert_noop!(
			Registry::publish_version(RuntimeOrigin::signed(ALICE), line, embedding_spec(2)),
			Error::<Test>::InsufficientBalance
		);
	});
}

#[test]
fn a_retired_version_leaves_room_and_its_files_may_return() {
	run_test(|| {
		let (line, first) = two_versions();
		assert_ok!(Registry::set_status(RuntimeOrigin::signed(ALICE), first, ModelStatus::Retired));
		// Only live versions count as duplicates.
		assert_ok!(Registry::publish_version(
			RuntimeOrigin::signed(ALICE),
			line,
			embedding_spec(1)
		));
		let newest = NextModelId::<Test>::get() - 1;
		assert_eq!(Models::<Test>::get(newest).expect("stored").version, 3);
	});
}

// --- set_price and set_policy ----------------------------------------------

#[test]
fn set_price_changes_the_price() {
	run_test(|| {
		let (_, model) = register(ALICE, "minilm", embedding_spec(1));
		let pricing = Pricing { per_request: 99, per_output_token: 0 };
		assert_ok!(Registry::set_price(RuntimeOrigin::signed(ALICE), model, pricing));
		assert_eq!(Models::<Test>::get(model).expect("stored").pricing, pricing);
		assert_eq!(last_event(), Event::PriceSet { model, pricing, terms: 1 }.into());
		assert_eq!(Registry::terms(model), 1, "a new revision of the terms");

		let (_, smol) = register(ALICE, "smol", generation_spec());
		assert_eq!(Registry::terms(smol), 0, "as published");
		let per_token = Pricing { per_request: 1, per_output_token: 7 };
		assert_ok!(Registry::set_price(RuntimeOrigin::signed(ALICE), smol, per_token));
		assert_eq!(Registry::terms(smol), 1);
	});
}

#[test]
fn set_price_errors() {
	run_test(|| {
		let (_, model) = register(ALICE, "minilm", embedding_spec(1));
		let pricing = Pricing { per_request: 1, per_output_token: 0 };
		assert_noop!(
			Registry::set_price(RuntimeOrigin::signed(ALICE), model + 1, pricing),
			Error::<Test>::UnknownModel
		);
		assert_noop!(
			Registry::set_price(RuntimeOrigin::signed(BOB), model, pricing),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			Registry::set_price(
				RuntimeOrigin::signed(ALICE),
				model,
				Pricing { per_request: 1, per_output_token: 1 }
			),
			Error::<Test>::TokenPriceWithoutGeneration
		);
		let current = Models::<Test>::get(model).expect("stored").pricing;
		assert_noop!(
			Registry::set_price(RuntimeOrigin::signed(ALICE), model, current),
			Error::<Test>::TermsUnchanged
		);
		assert_ok!(Registry::set_status(RuntimeOrigin::signed(ALICE), model, ModelStatus::Retired));
		assert_noop!(
			Registry::set_price(RuntimeOrigin::signed(ALICE), model, pricing),
			Error::<Test>::ModelRetired
		);
	});
}

#[test]
fn set_policy_changes_the_policy_and_validates_it() {
	run_test(|| {
		let (_, model) = register(ALICE, "minilm", embedding_spec(1));
		let policy = ModelPolicy {
			verification: VerificationPolicy::Optimistic {
				window_blocks: 20,
				challenge_bond: 1_000,
			},
			comparison: ComparisonRule::MaxAbs(Tolerance(500)),
			min_deadline: 10,
		};
		assert_ok!(Registry::set_policy(RuntimeOrigin::signed(ALICE), model, policy));
		assert_eq!(Models::<Test>::get(model).expect("stored").policy, policy);
		assert_eq!(last_event(), Event::PolicySet { model, policy, terms: 1 }.into());
		assert_noop!(
			Registry::set_policy(RuntimeOrigin::signed(ALICE), model, policy),
			Error::<Test>::TermsUnchanged
		);

		let bad = ModelPolicy {
			verification: VerificationPolicy::Quorum { k: 3, n: 2 },
			comparison: ComparisonRule::Exact,
			min_deadline: 10,
		};
		assert_noop!(
			Registry::set_policy(RuntimeOrigin::signed(ALICE), model, bad),
			Error::<Test>::BadThreshold
		);
		// After executors joined, the publisher cannot make results
		// unchallengeable or hold them for centuries.
		let unchallengeable = ModelPolicy {
			verification: VerificationPolicy::Optimistic { window_blocks: 20, challenge_bond: 0 },
			..policy
		};
		assert_noop!(
			Registry::set_policy(RuntimeOrigin::signed(ALICE), model, unchallengeable),
			Error::<Test>::BadChallengeBond
		);
		let endless = ModelPolicy {
			verification: VerificationPolicy::Optimistic {
				window_blocks: u64::MAX,
				challenge_bond: 1_000,
			},
			..policy
		};
		assert_noop!(
			Registry::set_policy(RuntimeOrigin::signed(ALICE), model, endless),
			Error::<Test>::BadWindow
		);
		assert_noop!(
			Registry::set_policy(RuntimeOrigin::signed(BOB), model, policy),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			Registry::set_policy(RuntimeOrigin::signed(ALICE), 77, policy),
			Error::<Test>::UnknownModel
		);
		assert_ok!(Registry::set_status(RuntimeOrigin::signed(ALICE), model, ModelStatus::Retired));
		assert_noop!(
			Registry::set_policy(RuntimeOrigin::signed(ALICE), model, policy),
			Error::<Test>::ModelRetired
		);
	});
}

// --- set_status ------------------------------------------------------------

#[test]
fn deprecating_and_reactivating() {
	run_test(|| {
		let (line, model) = register(ALICE, "minilm", embedding_spec(1));
		assert_ok!(Registry::set_status(
			RuntimeOrigin::signed(ALICE),
			model,
			ModelStatus::Deprecated
		));
		assert_eq!(Registry::status(model), Some(ModelStatus::Deprecated));
		assert!(!Registry::is_active(model));
		assert_eq!(Registry::latest_active(line), None);
		assert_eq!(
			last_event(),
			Event::StatusChanged { model, status: ModelStatus::Deprecated, forced: false }.into()
		);
		assert_noop!(
			Registry::set_status(RuntimeOrigin::signed(ALICE), model, ModelStatus::Deprecated),
			Error::<Test>::StatusUnchanged
		);
		assert_ok!(Registry::set_status(RuntimeOrigin::signed(ALICE), model, ModelStatus::Active));
		assert!(Registry::is_active(model));
	});
}

#[test]
fn latest_active_skips_deprecated_versions() {
	run_test(|| {
		let (line, first) = two_versions();
		let second = first + 1;
		assert_eq!(Registry::latest_active(line), Some(second));
		assert_ok!(Registry::set_status(
			RuntimeOrigin::signed(ALICE),
			second,
			ModelStatus::Deprecated
		));
		assert_eq!(Registry::latest_active(line), Some(first));
		assert_eq!(Registry::latest_active(line + 5), None);
	});
}

#[test]
fn retiring_the_last_version_frees_the_name_and_its_tombstone_keeps_its_deposit() {
	run_test(|| {
		let issuance = Balances::total_issuance();
		let (line, model) = register(ALICE, "minilm", embedding_spec(1));
		let record_deposit = Models::<Test>::get(model).expect("stored").deposit;
		let line_deposit = Lines::<Test>::get(line).expect("stored").deposit;

		assert_ok!(Registry::set_status(RuntimeOrigin::signed(ALICE), model, ModelStatus::Retired));

		assert_eq!(held(ALICE), record_deposit, "the tombstone is paid for");
		let record = Models::<Test>::get(model).expect("a retired record stays as a tombstone");
		assert_eq!(record.status, ModelStatus::Retired);
		assert_eq!(record.deposit, record_deposit);
		assert!(Lines::<Test>::get(line).is_none());
		assert!(LineByName::<Test>::get(ALICE, name("minilm")).is_none());
		System::assert_has_event(
			Event::LineRemoved { line, deposit_released: line_deposit }.into(),
		);
		let removable_at = System::block_number() + TOMBSTONE_PERIOD;
		System::assert_last_event(Event::ModelRetired { model, removable_at }.into());
		// The name is free again.
		register(ALICE, "minilm", embedding_spec(1));

		// A tombstone period later, anyone removes it; the owner gets the
		// deposit.
		System::set_block_number(removable_at);
		let held_before = held(ALICE);
		assert_ok!(Registry::remove_retired(RuntimeOrigin::signed(BOB), model));
		System::assert_last_event(
			Event::RetiredRemoved { model, deposit_released: record_deposit }.into(),
		);
		assert!(Models::<Test>::get(model).is_none());
		assert!(RetiredAt::<Test>::get(model).is_none());
		assert_eq!(held(ALICE), held_before - record_deposit);
		assert_eq!(Balances::total_issuance(), issuance);
	});
}

/// The attack: retire versions to leave records in storage that nobody pays
/// for. A retired version's deposit now stays held until its record is
/// removed, and every record can be removed a tombstone period later, so
/// the state shrinks back and every deposit comes home.
#[test]
fn tombstones_are_paid_for_until_removed_and_the_state_shrinks_back() {
	run_test(|| {
		let (line, first) = register(ALICE, "minilm", embedding_spec(1));
		let mut versions = vec![first];
		for version in 2..=4 {
			assert_ok!(Registry::publish_version(
				RuntimeOrigin::signed(ALICE),
				line,
				embedding_spec(version)
			));
			versions.push(NextModelId::<Test>::get() - 1);
		}
		let held_while_live = held(ALICE);
		let line_deposit = Lines::<Test>::get(line).expect("stored").deposit;
		for model in &versions {
			assert_ok!(Registry::set_status(
				RuntimeOrigin::signed(ALICE),
				*model,
				ModelStatus::Retired
			));
		}
		assert_eq!(
			held(ALICE),
			held_while_live - line_deposit,
			"every tombstone holds its deposit"
		);
		assert_eq!(Models::<Test>::iter().count(), 4);
		Registry::do_try_state().expect("invariants hold");

		System::set_block_number(System::block_number() + TOMBSTONE_PERIOD);
		for model in &versions {
			assert_ok!(Registry::remove_retired(RuntimeOrigin::signed(CHARLIE), *model));
		}
		assert_eq!(Models::<Test>::iter().count(), 0);
		assert_eq!(RetiredAt::<Test>::iter().count(), 0);
		assert_eq!(held(ALICE), 0);
		assert_eq!(Balances::balance(&ALICE), ENDOWMENT);
	});
}

#[test]
fn remove_retired_errors() {
	run_test(|| {
		let (_, model) = register(ALICE, "minilm", embedding_spec(1));
		assert_noop!(
			Registry::remove_retired(RuntimeOrigin::signed(BOB), model + 1),
			Error::<Test>::UnknownModel
		);
		assert_noop!(
			Registry::remove_retired(RuntimeOrigin::signed(BOB), model),
			Error::<Test>::NotRetired
		);
		assert_ok!(Registry::set_status(RuntimeOrigin::signed(ALICE), model, ModelStatus::Retired));
		System::set_block_number(System::block_number() + TOMBSTONE_PERIOD - 1);
		assert_noop!(
			Registry::remove_retired(RuntimeOrigin::signed(BOB), model),
			Error::<Test>::TombstoneKept
		);
		assert_noop!(
			Registry::remove_retired(RuntimeOrigin::none(), model),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn retiring_one_of_two_versions_keeps_the_line() {
	run_test(|| {
		let (line, first) = two_versions();
		let held_before = held(ALICE);
		assert_ok!(Registry::set_status(RuntimeOrigin::signed(ALICE), first, ModelStatus::Retired));
		assert_eq!(held(ALICE), held_before, "the tombstone holds its deposit");
		assert_eq!(
			Lines::<Test>::get(line).expect("line stays").versions.to_vec(),
			vec![first + 1]
		);
	});
}

#[test]
fn retiring_is_final_and_waits_for_open_requests() {
	run_test(|| {
		let (_, model) = register(ALICE, "minilm", embedding_spec(1));
		TestUsage::set_open_requests(model, 2);
		assert_noop!(
			Registry::set_status(RuntimeOrigin::signed(ALICE), model, ModelStatus::Retired),
			Error::<Test>::ModelInUse
		);
		// Deprecating does not wait: in-flight requests finish.
		assert_ok!(Registry::set_status(
			RuntimeOrigin::signed(ALICE),
			model,
			ModelStatus::Deprecated
		));
		TestUsage::set_open_requests(model, 0);
		assert_ok!(Registry::set_status(RuntimeOrigin::signed(ALICE), model, ModelStatus::Retired));
		assert_noop!(
			Registry::set_status(RuntimeOrigin::signed(ALICE), model, ModelStatus::Active),
			Error::<Test>::ModelRetired
		);
	});
}

#[test]
fn set_status_errors() {
	run_test(|| {
		let (_, model) = register(ALICE, "minilm", embedding_spec(1));
		assert_noop!(
			Registry::set_status(RuntimeOrigin::signed(BOB), model, ModelStatus::Deprecated),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			Registry::set_status(RuntimeOrigin::signed(ALICE), 42, ModelStatus::Deprecated),
			Error::<Test>::UnknownModel
		);
		assert_noop!(
			Registry::set_status(RuntimeOrigin::signed(ALICE), model, ModelStatus::Active),
			Error::<Test>::StatusUnchanged
		);
	});
}

// --- force_set_status ---------------------------------------------------

#[test]
fn force_set_status_takes_down_any_model() {
	run_test(|| {
		let (_, model) = register(ALICE, "malicious", embedding_spec(1));
		assert_ok!(Registry::force_set_status(
			RuntimeOrigin::root(),
			model,
			ModelStatus::Deprecated
		));
		assert_eq!(
			last_event(),
			Event::StatusChanged { model, status: ModelStatus::Deprecated, forced: true }.into()
		);
		let record_deposit = Models::<Test>::get(model).expect("stored").deposit;
		assert_ok!(Registry::force_set_status(RuntimeOrigin::root(), model, ModelStatus::Retired));
		assert_eq!(held(ALICE), record_deposit, "only the tombstone's deposit stays");
	});
}

#[test]
fn force_set_status_errors() {
	run_test(|| {
		let (_, model) = register(ALICE, "m", embedding_spec(1));
		assert_noop!(
			Registry::force_set_status(
				RuntimeOrigin::signed(ALICE),
				model,
				ModelStatus::Deprecated
			),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Registry::force_set_status(RuntimeOrigin::root(), 9, ModelStatus::Deprecated),
			Error::<Test>::UnknownModel
		);
		TestUsage::set_open_requests(model, 1);
		assert_noop!(
			Registry::force_set_status(RuntimeOrigin::root(), model, ModelStatus::Retired),
			Error::<Test>::ModelInUse
		);
	});
}

// --- ownership ---------------------------------------------------------------

#[test]
fn ownership_moves_with_its_deposits_in_two_steps() {
	run_test(|| {
		let issuance = Balances::total_issuance();
		let (line, first) = two_versions();
		let total = held(ALICE);

		assert_ok!(Registry::transfer_ownership(RuntimeOrigin::signed(ALICE), line, BOB));
		assert_eq!(last_event(), Event::OwnershipOffered { line, from: ALICE, to: BOB }.into());
		// Nothing moves until Bob accepts.
		assert_eq!(Models::<Test>::get(first).expect("stored").owner, ALICE);

		assert_ok!(Registry::accept_ownership(RuntimeOrigin::signed(BOB), line));
		assert_eq!(held(ALICE), 0);
		assert_eq!(Balances::balance(&ALICE), ENDOWMENT);
		assert_eq!(held(BOB), total);
		assert_eq!(Balances::balance(&BOB), ENDOWMENT - total);
		assert_eq!(Balances::total_issuance(), issuance);
		let model_line = Lines::<Test>::get(line).expect("stored");
		assert_eq!(model_line.owner, BOB);
		assert_eq!(model_line.pending_owner, None);
		for id in [first, first + 1] {
			assert_eq!(Models::<Test>::get(id).expect("stored").owner, BOB);
		}
		assert_eq!(LineByName::<Test>::get(BOB, name("minilm")), Some(line));
		assert!(LineByName::<Test>::get(ALICE, name("minilm")).is_none());
		assert_eq!(last_event(), Event::OwnershipTransferred { line, from: ALICE, to: BOB }.into());

		// The new owner controls it; the old one no longer does.
		assert_ok!(Registry::set_status(
			RuntimeOrigin::signed(BOB),
			first,
			ModelStatus::Deprecated
		));
		assert_noop!(
			Registry::set_status(RuntimeOrigin::signed(ALICE), first, ModelStatus::Active),
			Error::<Test>::NotOwner
		);
	});
}

#[test]
fn an_offer_can_be_withdrawn() {
	run_test(|| {
		let (line, _) = register(ALICE, "minilm", embedding_spec(1));
		assert_ok!(Registry::transfer_ownership(RuntimeOrigin::signed(ALICE), line, BOB));
		assert_ok!(Registry::transfer_ownership(RuntimeOrigin::signed(ALICE), line, ALICE));
		assert_eq!(Lines::<Test>::get(line).expect("stored").pending_owner, None);
		assert_noop!(
			Registry::accept_ownership(RuntimeOrigin::signed(BOB), line),
			Error::<Test>::NotPendingOwner
		);
	});
}

#[test]
fn ownership_errors() {
	run_test(|| {
		let (line, _) = register(ALICE, "minilm", embedding_spec(1));
		assert_noop!(
			Registry::transfer_ownership(RuntimeOrigin::signed(ALICE), line + 1, BOB),
			Error::<Test>::UnknownLine
		);
		assert_noop!(
			Registry::transfer_ownership(RuntimeOrigin::signed(BOB), line, BOB),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			Registry::accept_ownership(RuntimeOrigin::signed(BOB), line + 1),
			Error::<Test>::UnknownLine
		);
		assert_ok!(Registry::transfer_ownership(RuntimeOrigin::signed(ALICE), line, BOB));
		assert_noop!(
			Registry::accept_ownership(RuntimeOrigin::signed(CHARLIE), line),
			Error::<Test>::NotPendingOwner
		);

		// Bob already has a line of that name.
		register(BOB, "minilm", embedding_spec(3));
		assert_noop!(
			Registry::accept_ownership(RuntimeOrigin::signed(BOB), line),
			Error::<Test>::NameTaken
		);

		// A new owner who cannot pay the deposit cannot take the line.
		assert_ok!(Registry::transfer_ownership(RuntimeOrigin::signed(ALICE), line, PAUPER));
		assert_noop!(
			Registry::accept_ownership(RuntimeOrigin::signed(PAUPER), line),
			Error::<Test>::InsufficientBalance
		);
	});
}

// --- invariants --------------------------------------------------------------

#[test]
fn try_state_detects_a_broken_index() {
	run_test(|| {
		let (line, _) = register(ALICE, "minilm", embedding_spec(1));
		assert_ok!(Registry::do_try_state());
		LineByName::<Test>::insert(BOB, name("ghost"), line);
		assert!(Registry::do_try_state().is_err());
		LineByName::<Test>::remove(BOB, name("ghost"));
	});
}

#[test]
fn try_state_detects_a_deposit_the_records_do_not_account_for() {
	run_test(|| {
		let (_, model) = register(ALICE, "minilm", embedding_spec(1));
		Models::<Test>::mutate(model, |record| {
			record.as_mut().expect("stored").deposit += 1;
		});
		assert!(Registry::do_try_state().is_err());
		Models::<Test>::mutate(model, |record| {
			record.as_mut().expect("stored").deposit -= 1;
		});
	});
}

#[test]
fn deposits_are_conserved_through_a_whole_life() {
	run_test(|| {
		let issuance = Balances::total_issuance();
		let (line, first) = two_versions();
		assert_ok!(Registry::transfer_ownership(RuntimeOrigin::signed(ALICE), line, CHARLIE));
		assert_ok!(Registry::accept_ownership(RuntimeOrigin::signed(CHARLIE), line));
		assert_ok!(Registry::set_status(
			RuntimeOrigin::signed(CHARLIE),
			first,
			ModelStatus::Retired
		));
		assert_ok!(Registry::force_set_status(
			RuntimeOrigin::root(),
			first + 1,
			ModelStatus::Retired
		));
		System::set_block_number(System::block_number() + TOMBSTONE_PERIOD);
		for model in [first, first + 1] {
			assert_ok!(Registry::remove_retired(RuntimeOrigin::signed(BOB), model));
		}
		for who in [ALICE, BOB, CHARLIE] {
			assert_eq!(held(who), 0);
			assert_eq!(Balances::balance(&who), ENDOWMENT);
		}
		assert_eq!(Balances::total_issuance(), issuance);
	});
}

/// A record stored before policies had a minimum deadline is read back,
/// after the migration, with the runtime's shortest, and everything else
/// as it was.
#[test]
fn the_v2_migration_gives_stored_policies_the_shortest_minimum_deadline() {
	use codec::Encode;
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	use veritas_primitives::model::ModelPolicyV1;
	run_test(|| {
		let (_, model) = register(ALICE, "minilm", embedding_spec(1));
		let current = Models::<Test>::get(model).expect("stored");
		let old_policy = ModelPolicyV1 {
			verification: current.policy.verification,
			comparison: current.policy.comparison,
		};
		let v1 = (
			current.line,
			current.version,
			current.owner,
			current.files.clone(),
			current.format,
			current.architecture.clone(),
			current.task,
			current.pricing,
			old_policy,
			current.status,
			current.deposit,
			current.published_at,
		)
			.encode();
		frame_support::storage::unhashed::put_raw(&Models::<Test>::hashed_key_for(model), &v1);
		StorageVersion::new(1).put::<Registry>();

		crate::migrations::v2::MigrateV1ToV2::<Test>::on_runtime_upgrade();
		let migrated = Models::<Test>::get(model).expect("decodes as v2");
		assert_eq!(migrated.policy, old_policy.with_min_deadline(Bounds::get().min_deadline.0));
		assert_eq!(crate::ModelRecordOf::<Test> { policy: current.policy, ..migrated }, current);
		assert_eq!(Registry::on_chain_storage_version(), StorageVersion::new(2));
		// Run again, it changes nothing.
		crate::migrations::v2::MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(Models::<Test>::get(model).expect("stored").policy.min_deadline, 2);
	});
}

/// Versions retired before tombstones held deposits are dated at the
/// upgrade, so that they can be removed a tombstone period later.
#[test]
fn the_v3_migration_dates_every_retired_version() {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	run_test(|| {
		let (_, first) = two_versions();
		assert_ok!(Registry::set_status(RuntimeOrigin::signed(ALICE), first, ModelStatus::Retired));
		RetiredAt::<Test>::remove(first);
		StorageVersion::new(2).put::<Registry>();
		System::set_block_number(40);
		crate::migrations::v3::MigrateV2ToV3::<Test>::on_runtime_upgrade();
		assert_eq!(Registry::on_chain_storage_version(), 3);
		assert_eq!(RetiredAt::<Test>::get(first), Some(40));
		assert_eq!(RetiredAt::<Test>::get(first + 1), None, "a live version has no date");
	});
}
