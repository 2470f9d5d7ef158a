import { startLegacyApp } from './start-legacy-app';

// Dev sandbox only: a stand-in for the VM-hosted legacy apps the BFF routes to.
void startLegacyApp(Number(process.env.LEGACY_PORT ?? 8090), process.env.LEGACY_HOST).then((running) => {
  console.log(`legacy-app ready on ${running.url}`);
  const stop = () => void running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});
