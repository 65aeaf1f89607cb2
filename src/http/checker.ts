/**
 * The check worker, main-thread side: plain JSON submissions are parsed and checked in a worker
 * thread (check-worker.ts), so the event loop spends its time on HTTP and the store.
 *
 * - The worker decides only "the plain valid case". For anything else it says so and the caller
 *   does the request itself, exactly as without a worker; error answers come from one place.
 * - Messages are answered in order, so a FIFO of waiting callers matches them (no ids).
 * - If the worker cannot start, dies or is closed, every waiting and later check answers
 *   "do it yourself": no request waits on a dead worker and none is lost.
 * - Its code is bundled from the TypeScript sources with esbuild (as the browser scripts are; see
 *   bundle.ts), so it runs the same under `npm start`, tsx and vitest.
 */
import { Worker } from 'node:worker_threads';
import { startWorker } from '../bundle.ts';
import type { Definitions } from '../survey/load.ts';
import type { WorkerVerdict } from './check-worker.ts';

type Waiting = (verdict: WorkerVerdict | undefined) => void;

export class SubmissionChecker {
  readonly #worker: Worker;
  #alive = true;
  #closing = false;
  /** Callers waiting for the worker's answer, oldest first (from #head on). */
  #waiting: Waiting[] = [];
  #head = 0;
  /** Bodies the worker found to be the plain valid case (tests: proves which path ran). */
  passed = 0;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (verdict: WorkerVerdict | null) => this.#answer(verdict ?? undefined));
    // An error here is a bug in the worker: its stack is logged (as the error handler does), never request data.
    worker.on('error', (error) => this.#stop(`the check worker failed: ${error.stack ?? error.message}`));
    worker.on('exit', (code) => this.#stop(this.#closing ? undefined : `the check worker stopped (exit code ${code})`));
    // The worker never keeps the process alive.
    worker.unref();
  }

  /** Starts the worker with the loaded definitions; resolves once it is ready to check. */
  static async start(definitions: Definitions): Promise<SubmissionChecker> {
    const { worker, first } = await startWorker('check-worker', { definitions });
    if (first !== 'ready') {
      await worker.terminate();
      throw new Error('the check worker did not say it was ready');
    }
    return new SubmissionChecker(worker);
  }

  /** Whether checks go to the worker (false once it died or was closed). */
  get alive(): boolean {
    return this.#alive;
  }

  /**
   * The worker's verdict on a request body: the checked submission when it is the plain valid
   * case; undefined when the caller must handle the request itself (anything else, or no worker).
   */
  check(text: string): Promise<WorkerVerdict | undefined> {
    if (!this.#alive) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#worker.postMessage(text);
    });
  }

  #answer(verdict: WorkerVerdict | undefined): void {
    if (verdict) this.passed += 1;
    const resolve = this.#waiting[this.#head];
    if (!resolve) return;
    this.#waiting[this.#head++] = undefined as unknown as Waiting;
    if (this.#head === this.#waiting.length) {
      this.#waiting = [];
      this.#head = 0;
    }
    resolve(verdict);
  }

  /** No more checks in the worker: everything waiting is handed back to its caller. */
  #stop(warning: string | undefined): void {
    if (!this.#alive) return;
    this.#alive = false;
    if (warning) console.warn(`praksis: ${warning}\npraksis: checking submissions on the main thread from now on`);
    const waiting = this.#waiting.slice(this.#head);
    this.#waiting = [];
    this.#head = 0;
    for (const resolve of waiting) resolve(undefined);
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#stop(undefined);
    await this.#worker.terminate();
  }
}
