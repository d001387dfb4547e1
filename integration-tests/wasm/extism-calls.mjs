// Calls a function of an Extism plugin with Extism's own JavaScript runtime (@extism/extism) on Node, once per input,
// on one instance (in order), and prints the outputs as a JSON array of strings: the reference Carehost's results
// are compared with.
// usage: node extism-calls.mjs <module.wasm> <function> <input>...
import fs from 'node:fs';
import createPlugin from '@extism/extism';

const [wasm, fn, ...inputs] = process.argv.slice(2);
const plugin = await createPlugin({ wasm: [{ data: fs.readFileSync(wasm) }] }, { useWasi: true });
const outputs = [];
for (const input of inputs) {
  const output = await plugin.call(fn, input);
  outputs.push(output === null ? null : output.text());
}
await plugin.close();
console.log(JSON.stringify(outputs));
