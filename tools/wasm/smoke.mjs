// Smoke test of the in-browser runtime, in Node: load Pyodide from .wasm/runtime's files only,
// install the NumPy, tqdm and npbackprop wheels from local paths, and run a diagnose check.
//
//   node tools/wasm/smoke.mjs [.wasm/runtime]      (make wasm-smoke)
//
// Any network request fails the test: fetch is replaced by a function that throws.
import { readdirSync, readFileSync } from "node:fs";
import { resolve, join } from "node:path";
import { pathToFileURL } from "node:url";

const runtime = resolve(process.argv[2] ?? ".wasm/runtime");
const t0 = performance.now();
const requests = [];
globalThis.fetch = async (url) => {
  requests.push(String(url));
  throw new Error(`smoke: network request refused: ${url}`);
};

const manifest = JSON.parse(readFileSync(join(runtime, "manifest.json"), "utf8"));
const { loadPyodide } = await import(pathToFileURL(join(runtime, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: runtime + "/" });
const tCore = performance.now();

const wheels = readdirSync(runtime).filter((f) => f.endsWith(".whl"));
const want = ["numpy-", "tqdm-", "npbackprop-"].map((p) => {
  const w = wheels.find((f) => f.startsWith(p));
  if (!w) throw new Error(`smoke: no ${p}*.whl in ${runtime}`);
  return join(runtime, w);
});
await pyodide.loadPackage(want, { messageCallback: () => {} });
const tWheels = performance.now();

const out = await pyodide.runPythonAsync(`
import sys, time
t = time.perf_counter()
before = set(sys.modules)
import numpy as np, npbackprop
from npbackprop import diagnose
import_s = time.perf_counter() - t

def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W2 = parameters["W2"]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = 1 / m * np.dot(dZ2, A1.T)
    db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    dW1 = 1 / m * np.dot(dZ1, X.T)
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}

report = diagnose.check_two_layer(backward_propagation)
print(report)
# A short training run (tqdm's progress bar forced on, the SIGINT handler of train's loop).
from npbackprop.datasets import planar
from npbackprop.training import train
X, Y = planar(m=400, seed=1)
_, hist = train(X, Y, [2, 4, 1], hidden="tanh", learning_rate=1.2, epochs=200, seed=2,
                progress=True)
print(f"train: cost {hist.cost[0]:.4f} -> {hist.cost[-1]:.4f} in 200 epochs")

# Every submodule of npbackprop: which import, and what the others miss in the runtime.
import importlib, pkgutil
failed, walked = {}, 0
for mod in pkgutil.walk_packages(npbackprop.__path__, "npbackprop."):
    walked += 1
    try:
        importlib.import_module(mod.name)
    except Exception as e:
        failed[mod.name] = f"{type(e).__name__}: {e}"
print(f"npbackprop: {walked} submodules imported, failures: {failed or 'none'}")
# Not third-party: Cython's runtime modules (NumPy's) and multiprocessing's alias (tqdm's).
third_party = sorted({m.split(".")[0] for m in set(sys.modules) - before}
                     - set(sys.stdlib_module_names) - {"numpy", "npbackprop", "tqdm"}
                     - {"_cython_3_3_2", "cython_runtime", "__mp_main__"})
f"numpy {np.__version__}, npbackprop {npbackprop.__version__ if hasattr(npbackprop, '__version__') else '?'}, "\
f"ok={report.ok}, convention={report.convention}, import {import_s:.2f} s, "\
f"third-party modules imported besides numpy and tqdm: {third_party or 'none'}"
`);
const tEnd = performance.now();
console.log(out);
console.log(
  `smoke: Pyodide ${pyodide.version} (manifest: ${JSON.stringify(manifest.versions)})\n` +
    `smoke: core ${((tCore - t0) / 1000).toFixed(2)} s, wheels ${((tWheels - tCore) / 1000).toFixed(2)} s, ` +
    `import+check ${((tEnd - tWheels) / 1000).toFixed(2)} s, total ${((tEnd - t0) / 1000).toFixed(2)} s; ` +
    `network requests: ${requests.length}`,
);
if (requests.length) {
  console.log(requests.join("\n"));
  process.exit(1);
}
