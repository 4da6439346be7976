// Refreshes a registry's TUF metadata with tuf-js (a TUF client this project did not write)
// and downloads targets through it. One JSON line per target on stdout; exit 1 on any error.
// With --artifacts, each index document downloaded (index/NAME.json, a package's only TUF
// target in registry format 2) is used as a TUF user would: every artifact it lists is
// fetched from targets/packages/NAME/VERSION/SHA256.FILE and checked against the length and
// sha256 of its index entry, which tuf-js has verified. One JSON line per artifact.
//
//   node check.mjs --metadata-url URL --targets-url URL --root 1.root.json --dir WORKDIR [--target PATH]... [--artifacts]
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
const withArtifacts = args.includes('--artifacts');
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

// An artifact named by a verified index entry: the URL follows consistent-snapshot naming,
// and the bytes must have exactly the entry's length and sha256.
async function fetchArtifact(targetsUrl, entry, targetDir) {
  const slash = entry.artifact.lastIndexOf('/');
  const url = `${targetsUrl}/${entry.artifact.slice(0, slash)}/${entry.sha256}.${entry.artifact.slice(slash + 1)}`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length !== entry.length || sha256(bytes) !== entry.sha256) {
    throw new Error(`${url}: length or sha256 differs from the verified index entry`);
  }
  const file = path.join(targetDir, entry.artifact.replaceAll('/', '_'));
  fs.writeFileSync(file, bytes);
  return { artifact: entry.artifact, version: entry.version, length: bytes.length, sha256: sha256(bytes), file };
}

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
    console.log(JSON.stringify({ target, length: bytes.length, sha256: sha256(bytes), file }));
    if (withArtifacts && target.startsWith('index/')) {
      const index = JSON.parse(bytes.toString('utf8'));
      for (const entry of index.versions) {
        console.log(JSON.stringify(await fetchArtifact(option('--targets-url'), entry, targetDir)));
      }
    }
  }
} catch (error) {
  console.error(`tuf-js: ${error?.message ?? error}`);
  process.exit(1);
}
