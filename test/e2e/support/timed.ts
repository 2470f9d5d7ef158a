/** Logs how long each step of a browser flow took when E2E_TIMING=1 (to keep the suite near 3 minutes). */
export function timed(label: string): (step: string) => void {
  let last = Date.now();
  return (step) => {
    if (process.env.E2E_TIMING !== '1') return;
    const now = Date.now();
    process.stderr.write(`e2e ${label}: ${step} ${now - last} ms\n`);
    last = now;
  };
}
