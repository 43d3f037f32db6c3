/**
 * The line-delimited JSON-RPC 2.0 server the Prisma CLI expects from a native schema engine
 * (one JSON object per line on stdin/stdout), answered by the wasm engine.
 *
 * Protocol details mirrored from the native engine, as the 7.10.1 CLI reads them:
 * - responses `{ jsonrpc, id, result }` or `{ jsonrpc, id, error: { code, message, data } }` where
 *   `data` is `{ is_panic, message, error_code?, meta? }`;
 * - `diff` output is not returned but sent to the CLI as a `print` request, which it answers;
 * - logs go to stderr as JSON lines `{ level, fields: { message }, target }`.
 *
 * @module
 */
import readline from "node:readline";
import { takePanicMessage } from "./wasm.mjs";

const RPC_ERROR_CODE = 4466;

/** Native method names whose wasm counterpart has another name. */
const RENAMED = { getDatabaseVersion: "version" };

/** Params passed to the wasm as-is are not needed by these methods (and can fail to deserialize). */
const IGNORED_PARAMS = new Set(["getDatabaseVersion"]);

/**
 * @param {object} opts
 * @param {Promise<object>} opts.engineReady resolves to the wasm SchemaEngine; if it rejects (bad
 *   schema, broken install), every request is answered with that error, so the CLI reports it
 *   and exits non-zero instead of seeing the engine vanish
 * @param {(params: object) => Promise<object>} opts.createDatabase implements `createDatabase`
 * @param {(params: object) => object} opts.prepareParams rewrites params before they reach the engine
 * @param {() => Promise<unknown>} opts.beforeExit awaited before the process exits
 */
export function serveRpc({ engineReady, createDatabase, prepareParams, beforeExit }) {
  engineReady.catch(() => {}); // a startup failure is reported to each request instead
  const pendingOutbound = new Map();
  let nextOutboundId = 1;
  let queue = Promise.resolve();
  let panicked;
  let failCurrentRequest;

  // wasm-bindgen throws some errors (e.g. invalid params) from inside a callback, where no await can
  // catch them. Fail the request in flight with it instead of crashing: if the engine process dies
  // before answering, the 7.10.1 CLI can exit 0 without reporting anything. The engine's state is
  // unknown afterwards, so later requests get the same error.
  const onUncaught = (error) => {
    if (failCurrentRequest) failCurrentRequest(error);
    else process.stderr.write(`${JSON.stringify({ level: "ERROR", fields: { message: String(error?.stack ?? error) }, target: "schema_engine::shim" })}\n`);
  };
  process.on("uncaughtException", onUncaught);
  process.on("unhandledRejection", onUncaught);

  const send = (message) => process.stdout.write(`${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`);

  /** Sends a request to the CLI and resolves with its answer (used for `print`). */
  const request = (method, params) =>
    new Promise((resolve) => {
      const id = `shim-${nextOutboundId++}`;
      pendingOutbound.set(id, resolve);
      send({ id, method, params });
    });

  const handlers = {
    createDatabase,
    getDatabaseDescription: async () => {
      throw new Error("getDatabaseDescription is not supported by the wasm schema engine shim");
    },
    debugPanic: async () => (await engineReady).debugPanic(),
    diff: async (params) => {
      const engine = await engineReady;
      const { exitCode, stdout } = await engine.diff({ shadowDatabaseUrl: null, ...prepareParams(params) });
      if (typeof stdout === "string" && stdout.length > 0) await request("print", { content: stdout });
      return { exitCode };
    },
  };

  const call = async (method, params) => {
    if (panicked) throw panicked;
    if (handlers[method]) return handlers[method](params);
    const engine = await engineReady;
    const name = RENAMED[method] ?? method;
    if (typeof engine[name] !== "function") {
      throw Object.assign(new Error(`Unknown schema engine method: ${method}`), { rpcCode: -32601 });
    }
    return engine[name](IGNORED_PARAMS.has(method) ? null : prepareParams(params ?? {}));
  };

  const handleRequest = async ({ id, method, params }) => {
    const crashed = new Promise((_, reject) => {
      failCurrentRequest = (error) => {
        panicked ??= error;
        reject(error);
      };
    });
    try {
      const result = await Promise.race([call(method, params), crashed]);
      send({ id, result: result ?? {} });
    } catch (error) {
      const rpcError = toRpcError(error);
      if (rpcError.data?.is_panic) panicked ??= error;
      send({ id, error: rpcError });
    } finally {
      failCurrentRequest = undefined;
    }
  };

  const onLine = (line) => {
    if (!line.trim()) return;
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      send({ id: null, error: { code: -32700, message: "Parse error" } });
      return;
    }
    if (message.method === undefined && pendingOutbound.has(message.id)) {
      pendingOutbound.get(message.id)(message);
      pendingOutbound.delete(message.id);
      return;
    }
    // One request at a time, in order, like the native engine's single-threaded dispatcher.
    queue = queue.then(() => handleRequest(message));
  };

  let exiting = false;
  const shutdown = () => {
    if (exiting) return;
    exiting = true;
    // Never hang: give pending work (shadow database drops) at most 15 s.
    setTimeout(() => process.exit(0), 15_000).unref();
    queue
      .then(beforeExit)
      .catch(() => {})
      .finally(() => process.exit(0));
  };

  readline.createInterface({ input: process.stdin, crlfDelay: Infinity }).on("line", onLine).on("close", shutdown);
  // The CLI ends stdin and then sends SIGTERM right away; finish cleanly instead of dying mid-drop.
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

/** Converts a wasm/adapter error into the JSON-RPC error object the CLI understands. */
export function toRpcError(error) {
  const panicMessage = takePanicMessage();
  if (panicMessage !== undefined || error instanceof WebAssembly.RuntimeError) {
    const message = panicMessage ?? String(error?.message ?? error);
    return { code: RPC_ERROR_CODE, message, data: { is_panic: true, message, backtrace: null } };
  }
  if (error?.rpcCode) return { code: error.rpcCode, message: error.message };
  const message = String(error?.message ?? error);
  return {
    code: RPC_ERROR_CODE,
    message: "An error happened. Check the data field for details.",
    data: { is_panic: false, message, meta: error?.meta ?? null, error_code: /^P\d{4}$/.test(error?.code) ? error.code : null },
  };
}
