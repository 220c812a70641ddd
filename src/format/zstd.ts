import { init } from '@bokuweb/zstd-wasm';

let ready: Promise<void> | undefined;

/**
 * Loads zstd's WebAssembly once per thread. Each call of the library's init() instantiates the
 * module again and swaps it in while compressions may be running against the old one: the Parquet
 * worker, which sets up a codec per stream, wrote pages DuckDB could not decompress when three
 * streams' inits overlapped.
 */
export function zstdReady(): Promise<void> {
  return (ready ??= init());
}
