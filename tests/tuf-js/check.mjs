// Refreshes a registry's TUF metadata with tuf-js (a TUF client this project did not write)
// and downloads targets through it. One JSON line per target on stdout; exit 1 on any error.
//
//   node check.mjs --metadata-url URL --targets-url URL --root 1.root.json --dir WORKDIR [--target PATH]...
import { Updater } from 'tuf-js';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  if (i < 0 || i + 1 >= args.length) throw new Error(`missing ${name}`);
  return args[i + 1];
};
const targets = args.flatMap((a, i) => (a === '--target' ? [args[i + 1]] : []));

try {
  const dir = option('--dir');
  const metadataDir = path.join(dir, 'metadata');
  const targetDir = path.join(dir, 'targets');
  fs.mkdirSync(metadataDir, { recursive: true });
  fs.mkdirSync(targetDir, { recursive: true });
  // tuf-js keeps its trusted root in metadataDir/root.json: seed it only on first use,
  // so later runs exercise its persisted trust (rollback checks, root rotation).
  if (!fs.existsSync(path.join(metadataDir, 'root.json'))) {
    fs.copyFileSync(option('--root'), path.join(metadataDir, 'root.json'));
  }

  const updater = new Updater({
    metadataDir,
    metadataBaseUrl: option('--metadata-url'),
    targetDir,
    targetBaseUrl: option('--targets-url'),
  });
  await updater.refresh();
  for (const target of targets) {
    const info = await updater.getTargetInfo(target);
    if (!info) throw new Error(`no target ${target} in the signed metadata`);
    const file = path.join(targetDir, target.replaceAll('/', '_'));
    fs.rmSync(file, { force: true });
    await updater.downloadTarget(info, file);
    const bytes = fs.readFileSync(file);
    console.log(JSON.stringify({ target, length: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), file }));
  }
} catch (error) {
  console.error(`tuf-js: ${error?.message ?? error}`);
  process.exit(1);
}
