// The Operations Center client of one provider process: every request goes through its ReadCache
// (read-cache.ts), so resources share their reads and writes drop what they touch. A subclass, so
// the typed methods (getCluster, listServers, the OS proxy reads of incusOS) stay as they are:
// each ends in request(), which this one overrides.
import { OperationsCenterClient } from "./client.js";
import { ReadCache } from "./read-cache.js";
import type { ApiResponse, RequestOptions } from "./transport.js";

export class CachedReadsClient extends OperationsCenterClient {
  readonly readCache = new ReadCache();

  override request(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    return this.readCache.request((m, p, o) => super.request(m, p, o), method, path, options);
  }
}
