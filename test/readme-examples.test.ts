/**
 * The README's code as a host copies it: every ```ts (or ```tsx) block of its Mount, Options and Write API
 * sections, each a module of its own, type-checks as written in a strict TypeScript project that
 * installed the packed module, with the packages the block imports at this package's versions.
 * Their plain-JavaScript twin, examples/host, parses and imports only what the package exports
 * (test/packaged-host.test.ts runs it).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost, install, ownVersion, packModule, ROOT } from './support/packed-module.js';

const run = promisify(execFile);
const SECTIONS = ['Mount', 'Options', 'Write API'];
const PACKAGE = 'executions-admin';
/** What a host on Postgres has whatever the block imports; @types/node for `process.env`. */
const HOST_PACKAGES = ['hono', 'drizzle-orm', 'postgres', '@types/node'];

interface Block {
  /** e.g. `Mount, block 2` */
  name: string;
  file: string;
  /** The README line of the block's first line of code. */
  line: number;
  code: string;
}

/** The fenced ts/tsx blocks of a `## <section>`, up to the next `## ` heading. */
function blocksOf(readme: string, section: string): Block[] {
  const lines = readme.split('\n');
  const start = lines.indexOf(`## ${section}`);
  if (start === -1) throw new Error(`README.md has no "## ${section}" section`);
  const blocks: Block[] = [];
  for (let i = start + 1; i < lines.length && !lines[i]!.startsWith('## '); i += 1) {
    const fence = /^```(ts|tsx)\s*$/.exec(lines[i]!);
    if (!fence) continue;
    const end = lines.indexOf('```', i + 1);
    if (end === -1) throw new Error(`README.md line ${i + 1}: a code block that never closes`);
    const slug = section.toLowerCase().replace(/\W+/g, '-');
    blocks.push({
      name: `${section}, block ${blocks.length + 1}`,
      file: `readme/${slug}-${blocks.length + 1}.${fence[1]}`,
      line: i + 2,
      code: lines.slice(i + 1, end).join('\n'),
    });
    i = end;
  }
  return blocks;
}

/** The packages a block imports, by name (`hono/jsx` is `hono`, `@scope/name/x` is `@scope/name`). */
function packagesImported(code: string): string[] {
  const specifiers = [...code.matchAll(/(?:from|import)\s*\(?\s*'([^'./][^']*)'/g)].map((m) => m[1]!);
  return specifiers
    .filter((s) => !s.startsWith('node:'))
    .map((s) =>
      s
        .split('/')
        .slice(0, s.startsWith('@') ? 2 : 1)
        .join('/'),
    )
    .filter((name) => name !== PACKAGE);
}

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    jsx: 'react-jsx',
    jsxImportSource: 'hono/jsx',
    noUncheckedIndexedAccess: true,
    // As `tsc --init` sets it: the host's own code is checked, not every declaration it installed.
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  },
  include: ['readme'],
};

const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
const blocks = SECTIONS.flatMap((section) => blocksOf(readme, section));

describe("the README's Mount and Write API code, in a strict TypeScript host", () => {
  let work: string;
  let host: string;
  /** tsc's errors by file, as tsc names them. */
  const errors = new Map<string, string[]>();

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'xa-readme-'));
    const tarball = await packModule(work);
    const imported = new Set([...HOST_PACKAGES, ...blocks.flatMap((block) => packagesImported(block.code))]);
    host = await createHost(
      work,
      'host',
      [...imported].map((name) => `${name}@${ownVersion(name)}`),
    );
    await install(host, [tarball]);
    await writeFile(join(host, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
    await mkdir(join(host, 'readme'));
    // Each block a module of its own, so that no two share a scope.
    for (const block of blocks) await writeFile(join(host, block.file), `${block.code}\nexport {};\n`);
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const output = await run(process.execPath, [tsc, '-p', '.', '--pretty', 'false'], { cwd: host }).then(
      ({ stdout }) => stdout,
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    // An error's first line names its file; the lines under it, indented, go with it.
    let file = '';
    for (const line of output.split('\n').filter((l) => l.trim())) {
      file = /^(\S+?)\(\d+,\d+\): error /.exec(line)?.[1] ?? (line.startsWith(' ') ? file : '');
      errors.set(file, [...(errors.get(file) ?? []), line]);
    }
  }, 600_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('finds code blocks in each section', () => {
    for (const section of SECTIONS) expect(blocks.filter((b) => b.name.startsWith(section)).length).toBeGreaterThan(0);
  });

  it.each(blocks)('$name (README.md line $line) type-checks', (block) => {
    // tsc's line numbers are the block's: shown as README lines for whoever fixes it.
    const found = (errors.get(block.file) ?? []).map((e) =>
      e.replace(
        /^\S+?\((\d+),(\d+)\)/,
        (_, line: string, column: string) => `README.md:${block.line + Number(line) - 1}:${column}`,
      ),
    );
    expect(found, `${block.name}:\n${found.join('\n')}`).toEqual([]);
  });

  it('leaves tsc nothing else to say', () => {
    expect([...errors].filter(([file]) => !blocks.some((block) => block.file === file))).toEqual([]);
  });

  it('examples/host, the plain-JavaScript twin, parses and imports only what the package exports', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--input-type=module', '-e', `console.log(JSON.stringify(Object.keys(await import('${PACKAGE}'))))`],
      { cwd: host },
    );
    const exported = JSON.parse(stdout) as string[];
    const dir = join(ROOT, 'examples/host');
    for (const file of (await readdir(dir)).filter((name) => name.endsWith('.js'))) {
      await run(process.execPath, ['--check', join(dir, file)]);
      const source = await readFile(join(dir, file), 'utf8');
      const imports = [...source.matchAll(new RegExp(`import\\s*{([^}]*)}\\s*from\\s*'${PACKAGE}'`, 'g'))];
      const names = imports.flatMap((m) => m[1]!.split(',').map((name) => name.trim().split(/\s+as\s+/)[0]!)).filter(Boolean);
      expect(
        names.filter((name) => !exported.includes(name)),
        file,
      ).toEqual([]);
    }
  });
});
