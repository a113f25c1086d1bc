// Who may use a cluster's Incus API: the request's client certificate against the cluster's trust
// store (incus/trust.ts). An untrusted client gets 403 "not authorized" from every endpoint that
// does not allow untrusted clients (incus@be7afc5 cmd/incusd/daemon.go, createCmd: "Rejecting
// request from untrusted client"); a restricted certificate may read but not change server-wide
// settings (incus@be7afc5 internal/server/auth/driver_tls.go, CheckPermission).
import type { Context } from "../context.js";
import { HttpError } from "../errors.js";
import type { ApiRequest } from "../http.js";
import { IncusClusterModel } from "./model.js";
import { clientTrust, type ClientTrust } from "./trust.js";

export interface IncusAccessOptions {
  /** Clusters also trust the client certificates Operations Center trusts (an opt-in; real clusters do not). */
  trustOperationsCenterClients: boolean;
}

/** The cluster of the request (404 when there is no ready cluster of that name) and how its client stands. */
export function incusCluster(ctx: Context, req: ApiRequest, options: IncusAccessOptions): { model: IncusClusterModel; trust: ClientTrust } {
  const model = IncusClusterModel.of(ctx.store, req.params["cluster"]!);
  if (model === undefined)
    throw new HttpError(404, `No Incus cluster "${req.params["cluster"]}" here (the local Operations Center serves one for each ready cluster it created)`);
  return { model, trust: clientTrust(ctx.store.data, model.name, req.peer?.fingerprint, options.trustOperationsCenterClients) };
}

/** The cluster of a request that needs a trusted client; a change needs an unrestricted one. */
export function trustedIncusCluster(ctx: Context, req: ApiRequest, options: IncusAccessOptions): IncusClusterModel {
  const { model, trust } = incusCluster(ctx, req, options);
  if (!trust.trusted) throw new HttpError(403, "not authorized");
  if (trust.restricted && req.method !== "GET" && req.method !== "HEAD") throw new HttpError(403, "Certificate is restricted");
  return model;
}
