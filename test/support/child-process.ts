/**
 * A TypeScript script run in a child process (through tsx), its stdout read line by line: for
 * a server whose memory is its own, or a writer the test kills mid-flight.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ChildScript {
  process: ChildProcess;
  /** Every stdout line so far. */
  lines: string[];
  /** stdout and stderr as they came, for failure messages. */
  output(): string;
  /** Resolves with the first line (already seen or to come) matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Calls `listener` with every stdout line from now on. */
  onLine(listener: (line: string) => void): void;
  /** Resolves when the process has exited, with its signal or code. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL, or the given signal, then waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs `script` (a path from the repository's root) with tsx, after any extra Node flags. */
export function spawnScript(script: string, env: Record<string, string> = {}, nodeFlags: string[] = []): ChildScript {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', join(ROOT, script)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const listeners: ((line: string) => void)[] = [];
  let all = '';
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    all += text;
    const parts = (partial + text).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const listener of listeners) listener(line);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    all += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });

  const handle: ChildScript = {
    process: child,
    lines,
    output: () => all,
    onLine: (listener) => listeners.push(listener),
    exited,
    waitFor(pattern, timeoutMs = 60_000) {
      const seen = lines.map((line) => line.match(pattern)).find((m) => m !== null);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${all}`)),
          timeoutMs,
        );
        listeners.push((line) => {
          const match = line.match(pattern);
          if (match) {
            clearTimeout(timer);
            resolve(match);
          }
        });
        void exited.then(({ code, signal }) => {
          clearTimeout(timer);
          reject(new Error(`${script} exited (${signal ?? code}) before a line matching ${pattern}:\n${all}`));
        });
      });
    },
    async stop(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  return handle;
}
