/**
 * Loads `@prisma/schema-engine-wasm` on plain Node 20 and creates one engine.
 *
 * The package's entry point does `import * as wasm from "./schema_engine_bg.wasm"`, which needs the
 * experimental wasm-modules loader, so we instantiate the `.wasm` ourselves against the package's
 * own JS glue (`schema_engine_bg.js`), as its entry point would.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const GLUE_MODULE = "./schema_engine_bg.js";

/** Last panic message reported by the wasm panic hook (it calls `global.PRISMA_WASM_PANIC_REGISTRY`). */
let lastPanicMessage;
globalThis.PRISMA_WASM_PANIC_REGISTRY = {
  set_message(message) {
    lastPanicMessage = message;
  },
};

/** Returns and clears the message of the last wasm panic, if any. */
export function takePanicMessage() {
  const message = lastPanicMessage;
  lastPanicMessage = undefined;
  return message;
}

/** @returns {Promise<typeof import("@prisma/schema-engine-wasm")>} the initialised glue module */
async function loadGlue() {
  const pkgDir = path.dirname(require.resolve("@prisma/schema-engine-wasm")); // → schema_engine.js
  const glue = await import(pathToFileURL(path.join(pkgDir, "schema_engine_bg.js")).href);
  const bytes = await readFile(path.join(pkgDir, "schema_engine_bg.wasm"));

  // The engine arms 10 s / 60 s timers (connection pool housekeeping). They must not keep the
  // process alive, so every setTimeout the wasm asks for is unref'd.
  const imports = { ...glue };
  for (const name of Object.keys(glue).filter((n) => n.startsWith("__wbg_setTimeout_"))) {
    imports[name] = (callback, ms) => {
      const timer = glue[name](callback, ms);
      timer?.unref?.();
      return timer;
    };
  }
  const { instance } = await WebAssembly.instantiate(bytes, { [GLUE_MODULE]: imports });
  glue.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  return glue;
}

/**
 * Creates the wasm schema engine.
 *
 * @param {[string, string][] | undefined} datamodels `[path, content]` pairs; undefined when the CLI
 *   passed no `--datamodels` (an empty array makes the engine panic).
 * @param {object} adapterFactory a factory bound with `bindMigrationAwareSqlAdapterFactory`
 * @param {(line: string) => void} log receives the engine's JSON log lines
 */
export async function createWasmEngine(datamodels, adapterFactory, log) {
  const glue = await loadGlue();
  const engine = await glue.SchemaEngine.new({ datamodels }, log, adapterFactory);
  return { engine, gitHash: glue.version() };
}
