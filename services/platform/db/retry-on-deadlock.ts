/** MariaDB's "deadlock, try restarting the transaction" and lock-wait timeout; SQLite's busy file. */
const TRANSIENT = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'SQLITE_BUSY']);

/**
 * Runs `work` again, after a short random pause, when its transaction was chosen as a deadlock's
 * victim (rolled back whole, so running it again is what the database asks for). Handlers running
 * at the same time (replicas, or one process handling several contracts' events at once) meet
 * such deadlocks on MariaDB's gap locks; without this, each cost a redelivery (EVENT_REDELIVER_MS).
 */
export async function retryOnDeadlock<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= attempts || !TRANSIENT.has(String((err as { code?: unknown })?.code))) throw err;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}
