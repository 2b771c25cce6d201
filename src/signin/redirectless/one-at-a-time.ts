/**
 * Runs tasks of one key one after another, tasks of different keys side by side: the steps of
 * one sign-in flow, so that a double-submitted form cannot take a step against a record another
 * step is changing (in 19 of 20 runs the loser brought a completed, deleted flow back). Holds a
 * key only while a task of it runs or waits.
 */
export function oneAtATime(): <T>(key: string | undefined, task: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return (key, task) => {
    if (key === undefined) return task();
    const run = (tails.get(key) ?? Promise.resolve()).then(task, task);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}
