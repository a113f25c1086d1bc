// Hook output: one line per API call, e.g.
//   oc-cdktf: [2/3] server02: add to cluster "a" ... ok (84 ms)
// Terraform shows it under the resource's address. Never print secrets: callers pass names only.

export type Writer = (line: string) => void;

/** A failure a hook reports to the user: what failed and what state it left behind. */
export class HookError extends Error {
  constructor(
    message: string,
    /** What state Operations Center is left in, for the last line of the report. */
    readonly leftState?: string,
  ) {
    super(message);
    this.name = "HookError";
  }

  /** A failed call, reported with the state it leaves behind. */
  static wrap(err: unknown, leftState: string): HookError {
    return new HookError(err instanceof Error ? err.message : String(err), leftState);
  }
}

export class Reporter {
  private planned = 0;
  private done = 0;

  constructor(private readonly write: Writer = (line) => process.stdout.write(`${line}\n`)) {}

  /** Announces how many changing calls follow, so that they are numbered [i/n]. */
  plan(count: number): void {
    this.planned = count;
    this.done = 0;
  }

  note(text: string): void {
    this.write(`oc-cdktf: ${text}`);
  }

  /** A call that reads: printed without a number. */
  read<T>(subject: string, action: string, call: () => Promise<T>): Promise<T> {
    return this.timed(`${subject}: ${action}`, call);
  }

  /** A call that changes something: numbered against the plan. */
  change<T>(subject: string, action: string, call: () => Promise<T>): Promise<T> {
    this.done += 1;
    const counter = this.planned > 0 ? `[${this.done}/${Math.max(this.planned, this.done)}] ` : "";
    return this.timed(`${counter}${subject}: ${action}`, call);
  }

  private async timed<T>(label: string, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await call();
      this.write(`oc-cdktf: ${label} ... ok (${Math.round(performance.now() - started)} ms)`);
      return result;
    } catch (err) {
      this.write(`oc-cdktf: ${label} ... failed (${Math.round(performance.now() - started)} ms)`);
      throw err;
    }
  }
}
