/**
 * Single-flight: concurrent callers share one in-flight operation.
 *
 * @module
 */

/** @internal Runs at most one operation at a time; callers arriving meanwhile share its result. */
export class SingleFlight<T> {
  #current: Promise<T> | undefined;

  /** Joins the in-flight operation, or starts `operation` when none is running. */
  run(operation: () => Promise<T>): Promise<T> {
    if (this.#current) return this.#current;
    // Started on a microtask so even a synchronous throw settles `p` after it is stored.
    const p: Promise<T> = Promise.resolve()
      .then(operation)
      .finally(() => {
        if (this.#current === p) this.#current = undefined;
      });
    this.#current = p;
    return p;
  }
}
