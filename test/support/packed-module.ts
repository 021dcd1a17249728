/**
 * The module as a host gets it: the tarball `npm pack` makes, installed into a host's own folder
 * with npm. Each pack builds in a copy of the package, so suites packing at once never build into
 * the same dist/ (the build starts by deleting it).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const ROOT = new URL('../..', import.meta.url).pathname;

/** Left out of the copy: installed or generated, never an input of the build. */
const NOT_COPIED = new Set(['node_modules', '.git', 'dist', '.data', 'test-results']);

/** The files a pack copies, each path and content hashed: what the tarball is made from. */
async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (dir === ROOT && NOT_COPIED.has(entry.name)) continue;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile())
        hash
          .update(path.slice(ROOT.length))
          .update('\0')
          .update(await readFile(path));
    }
  };
  await walk(ROOT);
  return hash.digest('hex').slice(0, 16);
}

/**
 * Packs the module into `work` and returns the tarball's path. Three suites pack the same files
 * and each pack runs the whole build: the first keeps its tarball in the system's temporary
 * folder, named for what it was made from, and the others copy it.
 */
export async function packModule(work: string): Promise<string> {
  const kept = join(tmpdir(), `executions-admin-pack-${await sourceHash()}.tgz`);
  const tarball = join(work, 'executions-admin.tgz');
  if (
    await copyFile(kept, tarball).then(
      () => true,
      () => false,
    )
  )
    return tarball;
  const copy = await mkdtemp(join(work, 'package-'));
  await cp(ROOT, copy, {
    recursive: true,
    filter: (src) => src === ROOT || !NOT_COPIED.has(src.slice(ROOT.length).split('/')[0]!),
  });
  await symlink(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', work], { cwd: copy });
  await rm(copy, { recursive: true, force: true });
  await rename(join(work, stdout.trim().split('\n').pop()!), tarball);
  const part = `${kept}.${process.pid}`;
  await copyFile(tarball, part);
  await rename(part, kept);
  return tarball;
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The version this package installs for itself, so that a host is given the same one. */
export function ownVersion(name: string): string {
  const version = manifest.dependencies[name] ?? manifest.devDependencies[name];
  if (!version) throw new Error(`${name} is not among the package's dependencies`);
  return version;
}

export const runtimeDependencies = (): string[] => Object.keys(manifest.dependencies);

/** A new host folder in `work`: an ESM package with these packages installed (`name@version`). */
export async function createHost(work: string, name: string, packages: string[]): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir);
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }, null, 2));
  await install(dir, packages);
  return dir;
}

export async function install(dir: string, packages: string[]): Promise<void> {
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...packages], { cwd: dir });
}

/** The packages installed in a folder: every `node_modules/<name>` and `node_modules/@scope/<name>`, nested ones too. */
export async function installedPackages(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (nodeModules: string, prefix: string): Promise<void> => {
    const entries = await readdir(nodeModules, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      if (entry.name.startsWith('@')) {
        for (const scoped of await readdir(join(nodeModules, entry.name), { withFileTypes: true })) {
          if (!scoped.isDirectory()) continue;
          const name = `${entry.name}/${scoped.name}`;
          found.push(prefix + name);
          await walk(join(nodeModules, name, 'node_modules'), `${prefix}${name}>`);
        }
      } else {
        found.push(prefix + entry.name);
        await walk(join(nodeModules, entry.name, 'node_modules'), `${prefix}${entry.name}>`);
      }
    }
  };
  await walk(join(dir, 'node_modules'), '');
  return found.sort();
}

/** Bytes on disk under a folder's node_modules, as `du -sb` counts them. */
export async function nodeModulesBytes(dir: string): Promise<number> {
  const { stdout } = await run('du', ['-sb', join(dir, 'node_modules')]);
  return Number(stdout.split('\t')[0]);
}
