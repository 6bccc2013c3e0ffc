// Drives a Veritas chain with inference requests and measures what happens
// to them: how many settle, how fast, and in which stage the blocks go.
//
//   node load.mjs --url ws://127.0.0.1:9944 --model 2 --features 28,0.62,590,45,1,1 \
//       --rate 50 --seconds 120 [--accounts 6] [--max-new-tokens 0] [--label mlp]
//   node load.mjs ... --text "A man is eating food." --burst 64 --bursts 4
//
// Requests are signed by `--accounts` accounts derived from //Bob
// (//Bob//load//0, ...), funded by Bob at the start, each keeping its own
// nonce so that many of its requests can wait in the pool at once. With
// `--rate R` the driver submits R requests a second for `--seconds`; with
// `--burst B` it submits B at once, waits until they all settle, and repeats
// `--bursts` times. Deadlines are spread over eight blocks so that no
// deadline block fills.
//
// It follows the best chain block by block (not finality: a dev node
// finalizes a block or two later) and reads each block's events: when a
// request was created, when its result came, when its rounds opened, when
// it was attested and when it settled (and, for a request that found every
// executor busy, how long it waited in its model's line). It prints one JSON line: submitted,
// created, settled, outcomes, settled/s, latency percentiles in blocks (from
// the request's block) and seconds (from submission), the mean blocks spent
// in each stage, the block weight and length the load used, and for a
// generation load the tokens generated and their rate.

import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

const OUTCOMES = {
  RequestAccepted: 'accepted',
  RequestRejected: 'rejected',
  RequestUnrunnable: 'unrunnable',
  RequestUnverified: 'unverified',
  RequestExpired: 'expired',
  RequestCancelled: 'cancelled',
  RequestLeftLine: 'left_line_unassigned',
};
const VRT = 10n ** 12n;

function parseArgs(argv) {
  const args = { accounts: 6, executors: 1, seconds: 60, bursts: 1, maxNewTokens: 0, label: 'load', settleBlocks: 40 };
  const names = {
    '--url': 'url', '--model': 'model', '--features': 'features', '--text': 'text',
    '--rate': 'rate', '--seconds': 'seconds', '--burst': 'burst', '--bursts': 'bursts',
    '--accounts': 'accounts', '--max-new-tokens': 'maxNewTokens', '--label': 'label',
    '--settle-blocks': 'settleBlocks', '--executors': 'executors',
  };
  for (let index = 0; index < argv.length; index += 2) {
    const name = names[argv[index]];
    if (!name || argv[index + 1] === undefined) fail(`unknown or incomplete argument ${argv[index]}`);
    args[name] = argv[index + 1];
  }
  for (const name of ['model', 'rate', 'seconds', 'burst', 'bursts', 'accounts', 'maxNewTokens', 'settleBlocks', 'executors']) {
    if (args[name] !== undefined) args[name] = Number(args[name]);
  }
  if (!args.url || args.model === undefined) fail('--url and --model are required');
  if ((args.features === undefined) === (args.text === undefined)) fail('give --features or --text');
  if ((args.rate === undefined) === (args.burst === undefined)) fail('give --rate or --burst');
  return args;
}

function fail(message) {
  console.error(`load: ${message}`);
  process.exit(1);
}

const hex = (bytes) => '0x' + Buffer.from(bytes).toString('hex');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The request's input as the runtime's `RequestInput::Inline`. */
function inlineInput(args) {
  if (args.text !== undefined) return { Inline: hex(Buffer.from(args.text, 'utf8')) };
  // Tabular features: SCALE `Vec<F32Bits>`, a compact length then f32 LE.
  const values = args.features.split(',').map(Number);
  const bytes = new Uint8Array(1 + 4 * values.length);
  bytes[0] = values.length << 2;
  const view = new DataView(bytes.buffer);
  values.forEach((value, index) => view.setFloat32(1 + 4 * index, value, true));
  return { Inline: hex(bytes) };
}

function percentile(sorted, share) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)];
}

const mean = (values) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);
const round2 = (value) => (value === null ? null : Math.round(value * 100) / 100);

const args = parseArgs(process.argv.slice(2));
await cryptoWaitReady();
const provider = new WsProvider(args.url);
const api = await ApiPromise.create({ provider, noInitWarn: true });
const keyring = new Keyring({ type: 'sr25519' });
const bob = keyring.addFromUri('//Bob');
const signers = Array.from({ length: args.accounts }, (_, index) => keyring.addFromUri(`//Bob//load//${index}`));

/** Signs and sends `tx`; resolves once it is in a block without error. */
function inBlock(tx, signer, options = {}) {
  return new Promise((resolve, reject) => {
    tx.signAndSend(signer, options, ({ status, dispatchError }) => {
      if (dispatchError) {
        const text = dispatchError.isModule
          ? (({ section, name }) => `${section}.${name}`)(api.registry.findMetaError(dispatchError.asModule))
          : dispatchError.toString();
        reject(new Error(`${tx.method.section}.${tx.method.method}: ${text}`));
      } else if (status.isInBlock) resolve();
    }).catch(reject);
  });
}

// Extra executors, their `vrex` keys in the node's keystore (a dev node
// allows `author_insertKey` on 127.0.0.1).
const executors = Array.from({ length: args.executors - 1 }, (_, index) => `//Bob//executor//${index}`);
for (const uri of executors) {
  await provider.send('author_insertKey', ['vrex', uri, hex(keyring.addFromUri(uri).publicKey)]);
}

// Fund the load accounts and the executors from Bob, all in one block.
{
  let nonce = (await api.rpc.system.accountNextIndex(bob.address)).toNumber();
  const accounts = [...signers.map((signer) => signer.address), ...executors.map((uri) => keyring.addFromUri(uri).address)];
  await Promise.all(accounts.map((address) =>
    inBlock(api.tx.balances.transferKeepAlive(address, 10_000n * VRT), bob, { nonce: nonce++ })));
}
await Promise.all(executors.map((uri) =>
  inBlock(api.tx.inference.registerExecutor(1000n * VRT, [args.model], 64), keyring.addFromUri(uri))));

const params = { maxNewTokens: args.maxNewTokens, seed: 0, temperatureThousandths: 0 };
const quote = await provider.send('inference_estimateFee',
  [args.model, { max_new_tokens: args.maxNewTokens, seed: 0, temperature_thousandths: 0 }]);
const maxFee = BigInt(quote.total);
const input = inlineInput(args);
const nonces = await Promise.all(signers.map((s) => api.rpc.system.accountNextIndex(s.address).then((n) => n.toNumber())));

// Per transaction hash: when it was submitted. Per request id: what happened.
const submittedAt = new Map();
const requests = new Map();
const refused = [];
// Requests included but failed, by error.
const failed = {};
// Answers and attestations refused inside their batches, by error.
const batchRefusals = {};
let submitted = 0;
let firstSubmission = null;

async function submitOne(index, head) {
  const account = index % signers.length;
  const tx = api.tx.inference.requestInference(args.model, input, params, maxFee, head + 60 + (index % 8));
  await tx.signAsync(signers[account], { nonce: nonces[account]++, era: 0 });
  const at = Date.now();
  firstSubmission ??= at;
  submittedAt.set(tx.hash.toHex(), at);
  submitted += 1;
  try {
    await api.rpc.author.submitExtrinsic(tx);
  } catch (error) {
    refused.push(error.message);
  }
}

// Block usage while the load runs.
const usage = [];
let lastBlock = null;

async function follow(header) {
  const number = header.number.toNumber();
  const hash = header.hash;
  const [block, events, weight] = await Promise.all([
    api.rpc.chain.getBlock(hash),
    api.query.system.events.at(hash),
    api.query.system.blockWeight.at(hash),
  ]);
  const time = Date.now();
  lastBlock = number;
  const extrinsics = block.block.extrinsics;
  const hashes = extrinsics.map((extrinsic) => extrinsic.hash.toHex());
  const length = extrinsics.reduce((total, extrinsic) => total + extrinsic.encodedLength, 0);
  let inferenceTransactions = 0;
  for (const extrinsic of extrinsics) {
    if (['inference', 'verification'].includes(extrinsic.method.section)) inferenceTransactions += 1;
  }
  usage.push({
    number,
    normalRefTime: weight.normal.refTime.toBigInt(),
    operationalRefTime: weight.operational.refTime.toBigInt(),
    mandatoryRefTime: weight.mandatory.refTime.toBigInt(),
    length,
    inferenceTransactions,
  });
  for (const { phase, event } of events) {
    const data = event.data;
    if (event.section === 'system' && event.method === 'ExtrinsicFailed' && phase.isApplyExtrinsic) {
      if (!submittedAt.has(hashes[phase.asApplyExtrinsic.toNumber()])) continue;
      const error = data.dispatchError;
      const name = error.isModule
        ? (({ section, name }) => `${section}.${name}`)(api.registry.findMetaError(error.asModule))
        : error.toString();
      failed[name] = (failed[name] ?? 0) + 1;
      continue;
    }
    const request = data.request?.toNumber?.();
    // A request is created assigned, or waiting in its model's line for an
    // executor with room (`RequestAssigned` when it gets one).
    if (event.section === 'inference' && ['RequestCreated', 'RequestWaiting'].includes(event.method)) {
      const extrinsic = phase.isApplyExtrinsic ? hashes[phase.asApplyExtrinsic.toNumber()] : null;
      if (!submittedAt.has(extrinsic)) continue;
      const waited = event.method === 'RequestWaiting';
      requests.set(request, {
        submittedAt: submittedAt.get(extrinsic), created: number, assigned: waited ? undefined : number, waited, rounds: [], attested: [],
      });
      continue;
    }
    if (['AnswerRefused', 'AttestationRefused'].includes(event.method)) {
      const error = data.error;
      const name = error.isModule
        ? (({ section, name }) => `${section}.${name}`)(api.registry.findMetaError(error.asModule))
        : error.toString();
      const key = `${event.method}: ${name}`;
      batchRefusals[key] = (batchRefusals[key] ?? 0) + 1;
      continue;
    }
    const record = requests.get(request);
    if (!record) continue;
    if (event.section === 'inference' && event.method === 'RequestAssigned') {
      record.assigned = number;
    } else if (event.section === 'inference' && ['ResultSubmitted', 'UnrunnableReported'].includes(event.method)) {
      record.result ??= number;
    } else if (event.section === 'verification' && event.method === 'RoundOpened') {
      record.rounds.push(number);
    } else if (event.section === 'verification' && event.method === 'Attested') {
      record.attested.push(number);
    } else if (event.section === 'inference' && OUTCOMES[event.method]) {
      record.settled = number;
      record.settledAt = time;
      record.outcome = OUTCOMES[event.method];
    }
  }
}

// Blocks are handled one at a time and in order.
let chain = Promise.resolve();
const unsubscribe = await api.rpc.chain.subscribeNewHeads((header) => {
  chain = chain.then(() => follow(header)).catch((error) => console.error(`load: block: ${error.message}`));
});

const startBlock = (await api.rpc.chain.getHeader()).number.toNumber();
const waiting = () => [...requests.values()].filter((record) => record.settled === undefined).length;

if (args.rate !== undefined) {
  const total = Math.round(args.rate * args.seconds);
  const started = Date.now();
  for (let index = 0; index < total; index += 1) {
    const due = started + (index * 1000) / args.rate;
    const delay = due - Date.now();
    if (delay > 0) await sleep(delay);
    const head = lastBlock ?? startBlock;
    submitOne(index, head);
  }
} else {
  for (let burst = 0; burst < args.bursts; burst += 1) {
    const head = lastBlock ?? startBlock;
    await Promise.all(Array.from({ length: args.burst }, (_, index) => submitOne(burst * args.burst + index, head)));
    const until = (lastBlock ?? startBlock) + args.settleBlocks;
    const included = () => requests.size + Object.values(failed).reduce((a, b) => a + b, 0);
while ((included() < submitted - refused.length || waiting() > 0) && (lastBlock ?? 0) < until) await sleep(500);
  }
}
const lastSubmission = Date.now();

// Wait until every created request settles, or `--settle-blocks` pass.
const until = (lastBlock ?? startBlock) + args.settleBlocks;
const included = () => requests.size + Object.values(failed).reduce((a, b) => a + b, 0);
while ((included() < submitted - refused.length || waiting() > 0) && (lastBlock ?? 0) < until) await sleep(500);
await chain;
unsubscribe();

const records = [...requests.values()];
const settled = records.filter((record) => record.settled !== undefined);
const outcomes = {};
for (const record of settled) outcomes[record.outcome] = (outcomes[record.outcome] ?? 0) + 1;
const blocks = settled.map((record) => record.settled - record.created).sort((a, b) => a - b);
const seconds = settled.map((record) => (record.settledAt - record.submittedAt) / 1000).sort((a, b) => a - b);
const lastSettlement = Math.max(...settled.map((record) => record.settledAt));
const span = settled.length ? (lastSettlement - firstSubmission) / 1000 : null;
// The rate the pipeline keeps up while loaded: settlements from the moment
// the first requests could have settled (a quarter of the way in, at least
// 15 s) to the last submission, over that window. The tail of slow rounds
// after the load ends does not count against it.
const warmup = Math.max(15_000, (lastSubmission - firstSubmission) / 4);
const windowStart = firstSubmission + warmup;
const windowSeconds = (lastSubmission - windowStart) / 1000;
const settledInWindow = settled.filter((r) => r.settledAt >= windowStart && r.settledAt <= lastSubmission).length;
const stages = {
  waiting_for_executor: round2(mean(settled.filter((r) => r.waited && r.assigned).map((r) => r.assigned - r.created))),
  assigned_to_result: round2(mean(settled.filter((r) => r.result).map((r) => r.result - r.assigned))),
  result_to_round: round2(mean(settled.filter((r) => r.result && r.rounds.length).map((r) => r.rounds[0] - r.result))),
  round_to_attested: round2(mean(settled.filter((r) => r.rounds.length && r.attested.length).map((r) => r.attested[0] - r.rounds[0]))),
  attested_to_settled: round2(mean(settled.filter((r) => r.attested.length).map((r) => r.settled - r.attested[0]))),
};
// For a generation load, the tokens the settled results generated (their
// commitments stay on-chain for the retention period), and their rate over
// the span of the run.
let generation = null;
if (args.maxNewTokens > 0 && settled.length) {
  let tokens = 0;
  for (const [id, record] of requests) {
    if (record.settled === undefined) continue;
    const stored = await api.query.inference.requests(id);
    if (stored.isSome && stored.unwrap().result.isSome) {
      tokens += stored.unwrap().result.unwrap().generatedTokens.toNumber();
    }
  }
  generation = {
    generated_tokens: tokens,
    tokens_per_request: round2(tokens / settled.length),
    settled_tokens_per_second: span ? round2(tokens / span) : null,
  };
}

const loaded = usage.filter((block) => block.number > startBlock);
const maximum = api.consts.system.blockWeights.maxBlock.refTime.toBigInt();
const maxLength = api.consts.system.blockLength.max.normal.toNumber();
const busiest = loaded.reduce((best, block) => (!best || block.normalRefTime > best.normalRefTime ? block : best), null);

console.log(JSON.stringify({
  label: args.label,
  model: args.model,
  load: args.rate !== undefined ? `${args.rate}/s for ${args.seconds} s` : `${args.bursts} bursts of ${args.burst}`,
  accounts: args.accounts,
  submitted,
  refused_by_pool: refused.length,
  refusals: [...new Set(refused)].slice(0, 3),
  failed_in_block: failed,
  refused_in_batches: batchRefusals,
  created: records.length,
  waited_for_an_executor: records.filter((record) => record.waited).length,
  settled: settled.length,
  outcomes,
  submitting_seconds: round2((lastSubmission - firstSubmission) / 1000),
  settled_per_second: span ? round2(settled.length / span) : null,
  settled_per_second_while_loaded: windowSeconds > 0 ? round2(settledInWindow / windowSeconds) : null,
  latency_blocks: { p50: percentile(blocks, 0.5), p90: percentile(blocks, 0.9), max: blocks.at(-1) ?? null },
  latency_histogram_blocks: Object.fromEntries(
    [...new Set(blocks)].map((value) => [value, blocks.filter((b) => b === value).length])),
  latency_seconds: { p50: round2(percentile(seconds, 0.5)), p90: round2(percentile(seconds, 0.9)), max: round2(seconds.at(-1) ?? null) },
  mean_blocks_by_stage: stages,
  generation,
  blocks: loaded.length,
  block_usage: {
    mean_normal_weight_share: round2(mean(loaded.map((b) => Number(b.normalRefTime) / Number(maximum)))),
    busiest_normal_weight_share: busiest ? round2(Number(busiest.normalRefTime) / Number(maximum)) : null,
    busiest_mandatory_weight_share: busiest ? round2(Number(busiest.mandatoryRefTime) / Number(maximum)) : null,
    mean_length_share: round2(mean(loaded.map((b) => b.length / maxLength))),
    mean_inference_transactions: round2(mean(loaded.map((b) => b.inferenceTransactions))),
  },
}));
await api.disconnect();
process.exit(0);
