/**
 * `promise`, or what `late()` gives (or throws) once `ms` have passed without it settling: for a
 * client whose call may never settle (a frozen broker, Sentinels that do not answer). The timer is
 * cleared when the promise wins, and never holds the process open.
 */
export async function settleWithin<T, L = T>(promise: Promise<T>, ms: number, late: () => L): Promise<T | L> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<L>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(late());
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    }, ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
