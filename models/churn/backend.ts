import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tfjs from '@tensorflow/tfjs';

/** The TensorFlow.js namespace every churn module uses; the backend behind it is chosen once by `initBackend`. */
export type Tf = typeof tfjs;

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface InitBackendOptions {
  /**
   * Which backend to use when the native one is absent. 'auto' takes wasm, which trained the churn MLP fastest
   * here (see models/churn/README.md); 'cpu' is the pure-JS fallback.
   */
  prefer?: 'auto' | 'wasm' | 'cpu';
}

let active: { tf: Tf; backend: BackendName } | undefined;

/** The wasm binaries ship inside the package; Node reads them from disk, so we hand it file paths, not URLs. */
function wasmFiles(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  const names = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
  return Object.fromEntries(names.map((name) => [name, join(dist, name)]));
}

async function loadNative(): Promise<Tf | undefined> {
  try {
    // Optional dependency: its install downloads libtensorflow, so most machines do not have it.
    const name = '@tensorflow/tfjs-node';
    return (await import(name)) as Tf;
  } catch {
    return undefined;
  }
}

/**
 * Picks the TensorFlow.js backend once per process: native tfjs-node when installed, else wasm (SIMD), else cpu.
 * Later calls return the same choice unless they name another ('wasm' or 'cpu').
 *
 * @example
 * const { tf, backend } = await initBackend();
 * console.error(`training on ${backend}`);
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<{ tf: Tf; backend: BackendName }> {
  const prefer = options.prefer ?? 'auto';
  // An explicit preference switches (the bench times both); 'auto' keeps whatever was chosen first.
  if (active && (prefer === 'auto' || prefer === active.backend)) return active;
  const native = prefer === 'auto' ? await loadNative() : undefined;
  if (native) {
    await native.setBackend('tensorflow');
    await native.ready();
    active = { tf: native, backend: 'tensorflow' };
    return active;
  }
  if (prefer !== 'cpu') {
    try {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(wasmFiles());
      if (await tfjs.setBackend('wasm')) {
        await tfjs.ready();
        active = { tf: tfjs, backend: 'wasm' };
        return active;
      }
    } catch {
      // fall through to the cpu backend, which always loads
    }
  }
  await tfjs.setBackend('cpu');
  await tfjs.ready();
  active = { tf: tfjs, backend: 'cpu' };
  return active;
}

/** The backend in use, or undefined before `initBackend` ran (for the README, health endpoint, model manifest). */
export function activeBackend(): BackendName | undefined {
  return active?.backend;
}
