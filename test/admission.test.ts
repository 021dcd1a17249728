/** Turns at the database by kind of request (src/http/admission.ts): limits, queue, giving up, streams. */
import { describe, expect, it } from 'vitest';
import { admission, OverloadedError, streamInTurn } from '../src/http/admission.js';

/** A promise and the functions that settle it. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('admission', () => {
  it('runs at most `concurrent` at once, queues `queued` more and refuses the rest at once', async () => {
    const turns = admission('lists', { concurrent: 2, queued: 1 });
    const waiter = new AbortController();
    const gates = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((gate, i) =>
      turns.run(async () => {
        started.push(i);
        await gate.promise;
        return i;
      }, waiter),
    );
    await expect(turns.run(async () => 'late', waiter)).rejects.toBeInstanceOf(OverloadedError);
    await tick();
    expect(started).toEqual([0, 1]);
    gates[0]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    gates[1]!.resolve();
    gates[2]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
  });

  it('lets a request that gave up leave the queue, and never runs its work', async () => {
    const turns = admission('lists', { concurrent: 1, queued: 1 });
    const busy = deferred();
    const first = turns.run(() => busy.promise, new AbortController());
    const giving = new AbortController();
    let ran = false;
    const waiting = turns.run(async () => {
      ran = true;
    }, giving);
    giving.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
    // Its place in the queue is free again.
    const next = turns.run(async () => 'next', new AbortController());
    busy.resolve();
    await first;
    expect(await next).toBe('next');
    expect(ran).toBe(false);
  });

  it('holds a turn until the work settles, even after the request gave up on it', async () => {
    const turns = admission('lists', { concurrent: 1, queued: 0 });
    const giving = new AbortController();
    const work = deferred();
    const running = turns.run(() => work.promise, giving);
    giving.abort(new Error('deadline'));
    await expect(turns.run(async () => 'other', new AbortController())).rejects.toBeInstanceOf(OverloadedError);
    work.reject(new Error('statement timeout'));
    await expect(running).rejects.toThrow('statement timeout');
    expect(await turns.run(async () => 'other', new AbortController())).toBe('other');
  });

  it('holds a stream’s turn until it ends or is cancelled', async () => {
    const turns = admission('exports', { concurrent: 1, queued: 0 });
    const waiter = new AbortController();
    const stream = await streamInTurn(turns, waiter, async () => new Response('a,b\r\n1,2\r\n').body!);
    await expect(turns.enter(waiter)).rejects.toBeInstanceOf(OverloadedError);
    expect(await new Response(stream).text()).toBe('a,b\r\n1,2\r\n');
    const again = await streamInTurn(turns, waiter, async () => new Response('x').body!);
    await again.cancel();
    (await turns.enter(waiter))();
  });
});
