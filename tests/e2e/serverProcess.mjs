/**
 * The board demo's server as a child process, started the way `npm start` starts it (the
 * `lockstep serve` CLI), on 127.0.0.1 with a given data directory. `start` resolves with the
 * URL it printed; `stop` sends SIGTERM and resolves with the exit code.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const START_TIMEOUT = 15_000;
const STOP_TIMEOUT = 10_000;

/** One run of the server; `log` keeps its output for failure reports. */
export class ServerProcess {
  /** @param {{ dataDir: string, port?: number }} options */
  constructor({ dataDir, port = 0 }) {
    this.dataDir = dataDir;
    this.port = port;
    this.log = [];
    this.child = null;
  }

  /** Starts the server; resolves with its base URL (`http://127.0.0.1:<port>/`). */
  start() {
    const args = ['dist/server/cli.js', 'serve', 'examples/board/dist/server.js', '--static', 'examples/board/public'];
    args.push('--data', this.dataDir, '--host', '127.0.0.1', '--port', String(this.port));
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOCKSTEP_LOG: 'info' } });
    this.child = child;
    child.stderr.setEncoding('utf8').on('data', (s) => this.log.push(s));
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`the server did not start in ${START_TIMEOUT} ms:\n${this.output()}`)), START_TIMEOUT);
      child.stdout.setEncoding('utf8').on('data', (s) => {
        out += s;
        this.log.push(s);
        const m = /open (http:\/\/127\.0\.0\.1:(\d+)\/)/.exec(out);
        if (m) {
          clearTimeout(timer);
          this.port = Number(m[2]);
          resolve(m[1]);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the server exited with ${code} before listening:\n${this.output()}`));
      });
    });
  }

  /** Sends SIGTERM; resolves with the exit code (SIGKILL and an error after a timeout). */
  stop() {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child?.exitCode ?? null);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the server did not stop within ${STOP_TIMEOUT} ms of SIGTERM:\n${this.output()}`));
      }, STOP_TIMEOUT);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
      child.kill('SIGTERM');
    });
  }

  /** Everything the server printed. */
  output() {
    return this.log.join('');
  }
}
