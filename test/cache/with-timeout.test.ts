import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { withTimeout } from '../../src/cache/with-timeout';
import { sleep } from '../helpers/wait';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const never = () => new Promise<never>(() => undefined);

describe('withTimeout', () => {
  it("gives the call's answer when it comes in time", async () => {
    await expect(withTimeout(async () => 'answer', 50)).resolves.toBe('answer');
  });

  it('rejects with ETIMEDOUT once the time passes without an answer', async () => {
    const started = Date.now();
    await expect(withTimeout(never, 50)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('rejects with what a call throws at once', async () => {
    const call = () => {
      throw new Error('thrown');
    };
    await expect(withTimeout(call, 50)).rejects.toThrow('thrown');
  });

  it('times out each of many calls started at different times, and none that answered', async () => {
    const outcomes: Promise<string>[] = [];
    for (let i = 0; i < 6; i += 1) {
      outcomes.push(
        withTimeout(i % 2 === 0 ? never : async () => 'answer', 40).catch(() => 'late'),
      );
      await sleep(15);
    }
    expect(await Promise.all(outcomes)).toEqual([
      'late',
      'answer',
      'late',
      'answer',
      'late',
      'answer',
    ]);
  });

  it('drops an answer that comes after its deadline', async () => {
    const late = withTimeout(() => sleep(80).then(() => 'answer'), 30);
    await expect(late).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    await sleep(100);
  });

  it('lets go of an answer once it is given, not when the timeout passes', async () => {
    const answered = await (async () => {
      const answer = { session: 'x'.repeat(1000) };
      await withTimeout(async () => answer, 60_000);
      return new WeakRef(answer);
    })();
    // A WeakRef holds its target until the job that made it is over.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(answered.deref()).toBeUndefined();
  });
});
