/**
 * The log-reading worker (see readLogInWorker in responses.ts): reads the second half of a large
 * response log into a column table of its own while the main thread reads the first half, and sends
 * back the table's image (moved, not copied), the submission hashes and what it found.
 *
 * Bundled with esbuild (src/bundles.json): it imports only the table and the range reader.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ResponseTable, type TableImage } from '../survey/table.ts';
import { readLogRange, type RangeRead } from './log-read.ts';

export interface LogWorkerInput {
  file: string;
  from: number;
  to: number;
  size: number;
}

export type LogWorkerOutput = { read: RangeRead; image: TableImage; submissions: [string, string][] } | { error: string };

if (parentPort) {
  const port = parentPort;
  const { file, from, to, size } = workerData as LogWorkerInput;
  const table = new ResponseTable();
  const submissions: [string, string][] = [];
  readLogRange(file, from, to, size, table, (hash, id) => submissions.push([hash, id])).then(
    (read) => {
      const view = table.toImage();
      // Copies of the views into buffers of their own, which are then moved to the main thread.
      const ids = view.ids.slice();
      const idEnds = view.idEnds.slice();
      const codes = view.codes.map((c) => c.slice());
      const output: LogWorkerOutput = { read, image: { ...view, ids, idEnds, codes }, submissions };
      port.postMessage(output, [ids.buffer as ArrayBuffer, idEnds.buffer as ArrayBuffer, ...codes.map((c) => c.buffer as ArrayBuffer)]);
    },
    (error: unknown) => port.postMessage({ error: error instanceof Error ? error.message : String(error) } satisfies LogWorkerOutput),
  );
}
