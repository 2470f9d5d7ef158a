/** MariaDB's "deadlock, try restarting the transaction" (1213) and lock-wait timeout (1205); SQLite's busy file. */
const TRANSIENT = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'SQLITE_BUSY']);

/** Whether `err` is a lock conflict the database asks us to resolve by running the transaction again. */
export const isTransientLockError = (err: unknown): boolean => TRANSIENT.has(String((err as { code?: unknown })?.code));

/**
 * Runs `work` again, after a short random pause, when its transaction was chosen as a deadlock's
 * victim (rolled back whole, so running it again is what the database asks for). Writers running
 * at the same time (replicas, one process handling several contracts' events at once, two
 * identical HTTP calls) meet such deadlocks on MariaDB's gap and shared locks; every transaction of
 * `ServiceDatabase.transaction` goes through this (the bus handlers and the HTTP routes write through it).
 */
export async function retryOnDeadlock<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= attempts || !isTransientLockError(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}
