/**
 * Running `npm start` (bin/start.js: the build of src/server.ts) and the `praksis` CLI as child processes, as a user would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './helpers.ts';

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function collect(child: ChildProcess, timeoutMs: number): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`process did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Environment for a child: the test runner's, minus every PRAKSIS_* and PORT, plus `env`. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PRAKSIS_') && k !== 'PORT'));
  return { ...base, ...env };
}

/** Runs the CLI (`bin/praksis.js`) to completion. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<Finished> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'praksis.js'), ...args], { cwd: repoRoot, env: childEnv(env) });
  return collect(child, 30_000);
}

/** Runs the server expecting it to stop by itself (a start-up failure). */
export function runServerToExit(args: string[], env: Record<string, string>): Promise<Finished> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'start.js'), ...args], { cwd: repoRoot, env: childEnv(env) });
  return collect(child, 30_000);
}

export interface Started {
  url: string;
  /** Everything printed so far. */
  output: () => string;
  /** SIGTERM: a clean stop. */
  stop: () => Promise<Finished>;
  /** SIGKILL: the process dies wherever it is (a crash, a power cut for what is not on disk). */
  kill: () => Promise<Finished>;
}

/** Starts the server and resolves once it prints its address. */
export function startServer(args: string[], env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'start.js'), ...args], {
    cwd: repoRoot,
    env: childEnv({ PORT: '0', ...env }),
  });
  let out = '';
  const finished = collect(child, 120_000);
  child.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within 30 s:\n${out}`));
    }, 30_000);
    const check = () => {
      const match = /praksis is running at (http:\/\/localhost:\d+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off('data', check);
      resolve({
        url: match[1]!.replace('localhost', '127.0.0.1'),
        output: () => out,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return finished;
        },
        kill: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          return finished;
        },
      });
    };
    child.stdout?.on('data', check);
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it started:\n${out}`));
    });
  });
}
