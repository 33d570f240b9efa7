/** Stopping the child processes the end-to-end tests start (the backend, the test provider). */
import type { ChildProcess } from 'node:child_process';

/**
 * Asks `child` to stop (SIGTERM), waits up to 5 s for it to exit, then kills it (SIGKILL): a
 * server that hangs on shutdown must not keep the test run alive. Does nothing if it has exited.
 */
export async function stopChild(child: ChildProcess): Promise<void> {
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  if (!running()) {
    return;
  }
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((done) => setTimeout(done, 5000))]);
  if (running()) {
    child.kill('SIGKILL');
  }
}
