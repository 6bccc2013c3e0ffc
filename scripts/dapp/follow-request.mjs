// A dApp on Veritas with @polkadot/api and no custom types: it connects,
// reads the metadata, registers a model and an executor (dev accounts),
// submits `request_inference`, and follows the request with
// `inference_subscribeRequest` until it is settled. Bob plays the executor.
//
//   node follow-request.mjs ws://127.0.0.1:9944
//
// Prints one JSON line: the statuses seen and the final request.

import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';

const url = process.argv[2] ?? 'ws://127.0.0.1:9944';
const VRT = 10n ** 12n;
const FINAL = ['Accepted', 'Rejected', 'Expired', 'Cancelled', 'Unrunnable', 'Unverified'];

function fail(message) {
  console.error(`follow-request: ${message}`);
  process.exit(1);
}

/** Signs, submits and resolves once the transaction is in a block without error. */
function submit(api, tx, signer) {
  return new Promise((resolve, reject) => {
    tx.signAndSend(signer, ({ status, dispatchError }) => {
      if (dispatchError) {
        const text = dispatchError.isModule
          ? (({ section, name }) => `${section}.${name}`)(api.registry.findMetaError(dispatchError.asModule))
          : dispatchError.toString();
        reject(new Error(`${tx.method.section}.${tx.method.method}: ${text}`));
      } else if (status.isInBlock) {
        resolve();
      }
    }).catch(reject);
  });
}

/** SCALE of `Vec<F32Bits>`: a compact length, then little-endian f32s. */
function f32Vector(values) {
  const bytes = new Uint8Array(1 + 4 * values.length);
  bytes[0] = values.length << 2;
  const view = new DataView(bytes.buffer);
  values.forEach((value, index) => view.setFloat32(1 + 4 * index, value, true));
  return bytes;
}

const hex = (bytes) => '0x' + Buffer.from(bytes).toString('hex');

await cryptoWaitReady();
const provider = new WsProvider(url);
const api = await ApiPromise.create({ provider, noInitWarn: true });
const pallets = api.runtimeMetadata.asLatest.pallets.map((pallet) => pallet.name.toString());
for (const name of ['Models', 'Inference', 'Verification', 'Settlement']) {
  if (!pallets.includes(name)) fail(`the metadata has no ${name} pallet: ${pallets}`);
}

const keyring = new Keyring({ type: 'sr25519' });
const [publisher, executor, dapp] = ['//Alice', '//Bob', '//Charlie'].map((uri) => keyring.addFromUri(uri));

const model = (await api.query.models.nextModelId()).toNumber();
const file = { cid: 'bafkreidappmodel', digest: blake2AsHex('dapp model', 256), size: 1000 };
await submit(api, api.tx.models.registerModel('dapp-regression', {
  files: { weights: file, config: null, tokenizer: null },
  format: 'Safetensors',
  architecture: 'Mlp',
  task: { TabularRegression: { inputs: 1 } },
  pricing: { perRequest: VRT / 10n, perOutputToken: 0 },
  // Optimistic: the model's files are made up, so no verifier could re-run
  // it; its result stands once a short window passes unchallenged.
  policy: {
    verification: { Optimistic: { windowBlocks: 3, challengeBond: 10n * VRT } },
    comparison: 'Exact',
    minDeadline: 10,
  },
}), publisher);
await submit(api, api.tx.inference.registerExecutor(1000n * VRT, [model], 2), executor);

const fee = await provider.send('inference_estimateFee', [model]);
const request = (await api.query.inference.nextRequestId()).toNumber();
const head = (await api.rpc.chain.getHeader()).number.toNumber();
await submit(api, api.tx.inference.requestInference(
  model,
  { Inline: hex(f32Vector([0.25])) },
  { maxNewTokens: 0, seed: 0, temperatureThousandths: 0 },
  BigInt(fee.total),
  head + 100,
), dapp);

const statuses = [];
const settled = new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`not settled; seen ${statuses}`)), 90_000);
  provider.subscribe('inference_request', 'inference_subscribeRequest', [request], (error, update) => {
    if (error) return reject(error);
    statuses.push(update.request.status);
    if (FINAL.includes(update.request.status)) {
      clearTimeout(timer);
      resolve(update.request);
    }
  }).catch(reject);
});

// The executor's answer: InferenceOutput::Regression(0.5), SCALE variant 3.
const output = new Uint8Array(5);
output[0] = 3;
new DataView(output.buffer).setFloat32(1, 0.5, true);
await submit(api, api.tx.inference.submitResult(
  request, hex(output), blake2AsHex(output, 256), 'bafkreidappproof', blake2AsHex('proof', 256),
), executor);

const final = await settled.catch((error) => fail(error.message));
console.log(JSON.stringify({ fee, statuses, request: final }));
await api.disconnect();
process.exit(0);
