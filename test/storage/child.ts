/**
 * A child process for the storage tests, run as `node --import tsx test/storage/child.ts <mode> <dataDir>`.
 *
 * - `lock`: waits for "open" over IPC, opens the store and answers {ok, pid} or {ok: false, message};
 *   "close" closes it again (answered "closed"), "exit" ends the process.
 * - `links`: opens the store and, until killed, uses the live links of study "crash" in a loop: each
 *   use stores one response of that link's municipality (questionnaire "linked"); some stores fail or
 *   are retries (created: false), so uses are given back too. Prints "running" once the loop runs.
 */
import { openStore, type Store } from '../../src/storage/index.ts';

const [mode, dataDir] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: child.ts lock|links <dataDir>');

async function lockMode(): Promise<void> {
  let store: Store | undefined;
  process.on('message', async (message) => {
    if (message === 'open') {
      try {
        store = await openStore(dataDir!);
        process.send!({ ok: true, pid: process.pid });
      } catch (error) {
        process.send!({ ok: false, pid: process.pid, message: (error as Error).message });
      }
    } else if (message === 'close') {
      await store?.close();
      store = undefined;
      process.send!('closed');
    } else if (message === 'exit') {
      process.exit(0);
    }
  });
  process.send!('ready');
}

async function linksMode(): Promise<void> {
  const store = await openStore(dataDir!);
  const links = (await store.fieldwork.invitations('crash')).filter((i) => !i.revoked);
  let n = 0;
  const worker = async (w: number) => {
    for (;;) {
      const invitation = links[(n + w) % links.length]!;
      const k = (n += 1);
      const submission = `sub-${process.pid}-${k % 7 === 0 ? k - 1 : k}`;
      await store.fieldwork
        .useLink(invitation.tokenHash, '2016-05-02', async () => {
          if (k % 11 === 0) throw new Error('a failing store');
          return store.responses.add({ study: 'crash', questionnaire: 'linked', version: 1, municipality: invitation.municipality, answers: { k } }, submission);
        })
        .catch(() => undefined);
      if (k % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  for (let w = 0; w < 8; w += 1) void worker(w);
  console.log('running');
}

if (mode === 'lock') await lockMode();
else if (mode === 'links') await linksMode();
else throw new Error(`unknown mode ${mode}`);
