// Work written as a generator that pauses (yields) now and then, so that a caller may let I/O in
// between (src/engine-reads.ts runInSlices), or run it to the end at once. Pure.

/** Runs steps to the end, at once. */
export function finish<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
