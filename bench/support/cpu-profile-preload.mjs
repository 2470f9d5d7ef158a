// Loaded with `node --import` into the measured BFF (NODE_OPTIONS refuses --cpu-prof): starts V8's
// sampling profiler on SIGUSR2 — so start-up and the warm-up stay out of the profile — and writes
// CPU_PROFILE_DIR/bff-<pid>.cpuprofile when the process exits.
import fs from 'node:fs';
import inspector from 'node:inspector';

const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 200 }); // µs
process.on('SIGUSR2', () => session.post('Profiler.start'));
process.on('exit', () => {
  session.post('Profiler.stop', (err, result) => {
    if (!err) fs.writeFileSync(`${process.env.CPU_PROFILE_DIR}/bff-${process.pid}.cpuprofile`, JSON.stringify(result.profile));
  });
});
