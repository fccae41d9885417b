// A worker thread's entry. Worker threads do not inherit the TypeScript loader the main thread registered
// (scripts/tierlab.mjs, or a test runner's), so each registers tsx before importing the module it runs.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.module);
