import pgliteWasm from "@electric-sql/pglite/pglite.wasm" with { type: "bytes" };
import initdbWasm from "@electric-sql/pglite/initdb.wasm" with { type: "bytes" };
import fsData from "@electric-sql/pglite/pglite.data" with { type: "bytes" };

/**
 * PGlite's WASM, initdb and file-system bundle, embedded as bytes imports so that a bundled or
 * compiled build never reads them from a package directory. Compiled once per process.
 */
export interface PgliteAssets {
  readonly pgliteWasmModule: WebAssembly.Module;
  readonly initdbWasmModule: WebAssembly.Module;
  readonly fsBundle: Blob;
}

let compiled: Promise<PgliteAssets> | undefined;

export function loadPgliteAssets(): Promise<PgliteAssets> {
  compiled ??= Promise.all([WebAssembly.compile(pgliteWasm), WebAssembly.compile(initdbWasm)]).then(
    ([pgliteWasmModule, initdbWasmModule]) => ({
      pgliteWasmModule,
      initdbWasmModule,
      fsBundle: new Blob([fsData]),
    }),
  );
  return compiled;
}
