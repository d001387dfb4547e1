// Assembles every .wat file of a folder into a .wasm file of another, with wabt's wat2wasm (the npm build of wabt).
// usage: node assemble.mjs <wat folder> <output folder>
import fs from 'node:fs';
import path from 'node:path';
import initWabt from 'wabt';

const [source, target] = process.argv.slice(2);
if (!source || !target) {
  console.error('usage: node assemble.mjs <wat folder> <output folder>');
  process.exit(2);
}
const wabt = await initWabt();
fs.mkdirSync(target, { recursive: true });
for (const name of fs.readdirSync(source).filter((f) => f.endsWith('.wat')).sort()) {
  const text = fs.readFileSync(path.join(source, name), 'utf8');
  const module = wabt.parseWat(name, text);
  module.validate();
  const { buffer } = module.toBinary({ write_debug_names: false });
  fs.writeFileSync(path.join(target, name.replace(/\.wat$/, '.wasm')), Buffer.from(buffer));
  module.destroy();
  console.log(`${name} -> ${path.join(target, name.replace(/\.wat$/, '.wasm'))} (${buffer.length} bytes)`);
}
