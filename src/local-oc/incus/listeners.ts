// One HTTPS listener per ready cluster, presenting the cluster's own certificate, as each member
// of a real cluster serves the Incus API with the cluster certificate (operations-center@41a98e0
// internal/provisioning/cluster/cluster_service.go, Create: "From now on, use the cluster
// certificate to connect to the cluster"). The listener follows the cluster: it opens when the
// cluster becomes ready, presents the new certificate after PUT /clusters/{name}/certificate,
// moves with a rename and closes when the cluster goes. A real cluster is reached at its members'
// addresses; here every cluster gets 127.0.0.1 (or the local OC's host) and a free port.
// The port is bound when the cluster becomes ready, its TLS context made at its first connection:
// a TLS context costs 1.2-1.8 ms of CPU here, and most clusters of a large fleet or bench are never
// reached through their Incus API.
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer as createNetServer, type Server as NetServer } from "node:net";
import { listenerServerOptions, listenerTls, type KeyPair } from "../certificates.js";
import { hostPort } from "../incusos.js";
import type { Store } from "../state.js";
import { clusterKeyPair } from "./trust.js";

type IncusRequestHandler = (cluster: string, req: IncomingMessage, res: ServerResponse) => void;

interface Listener {
  cluster: string;
  /** Holds the port; hands each connection to `https`. */
  server: NetServer;
  /** Made at the first connection, with the key pair then current. */
  https?: HttpsServer;
  pair: KeyPair;
  url: string;
}

/** A cluster's Incus API address and the certificate it presents. */
export interface IncusEndpoint {
  cluster: string;
  url: string;
  certificate: string;
}

export class IncusListeners {
  private readonly listeners = new Map<string, Listener>();

  constructor(
    private readonly store: Store,
    private readonly host: string,
    private readonly handle: IncusRequestHandler,
  ) {}

  /** The endpoints now served, in cluster name order. */
  endpoints(): IncusEndpoint[] {
    return [...this.listeners.values()]
      .map((l) => ({ cluster: l.cluster, url: l.url, certificate: l.pair.certificate }))
      .sort((a, b) => (a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : 0));
  }

  endpoint(cluster: string): IncusEndpoint | undefined {
    const l = this.listeners.get(cluster);
    return l === undefined ? undefined : { cluster: l.cluster, url: l.url, certificate: l.pair.certificate };
  }

  /**
   * Brings the listeners in line with the clusters: one for each ready cluster with a key pair.
   * Returns true when an address or a certificate changed.
   */
  async sync(): Promise<boolean> {
    const wanted = new Map<string, KeyPair>();
    for (const c of this.store.data.clusters) {
      const pair = clusterKeyPair(this.store.data, c.name);
      if (c.status === "ready" && pair !== undefined) wanted.set(c.name, pair);
    }
    let changed = false;
    for (const [name, listener] of [...this.listeners]) {
      if (wanted.has(name)) continue;
      this.listeners.delete(name);
      // A renamed cluster keeps its listener (and address): same certificate, new name.
      const renamed = [...wanted].find(([other, pair]) => !this.listeners.has(other) && pair.certificate === listener.pair.certificate);
      if (renamed !== undefined) {
        listener.cluster = renamed[0];
        this.listeners.set(renamed[0], listener);
      } else {
        await close(listener);
      }
      changed = true;
    }
    for (const [name, pair] of wanted) {
      const listener = this.listeners.get(name);
      if (listener === undefined) {
        this.listeners.set(name, await this.open(name, pair));
        changed = true;
      } else if (listener.pair.certificate !== pair.certificate) {
        listener.https?.setSecureContext(listenerTls(pair));
        listener.pair = pair;
        changed = true;
      }
    }
    return changed;
  }

  async close(): Promise<void> {
    const all = [...this.listeners.values()];
    this.listeners.clear();
    await Promise.all(all.map(close));
  }

  private async open(cluster: string, pair: KeyPair): Promise<Listener> {
    // The handler reads the name from the listener, so that a rename takes effect at once.
    const listener: Listener = { cluster, pair, url: "", server: createNetServer() };
    listener.server.on("connection", (socket) => {
      listener.https ??= createHttpsServer(listenerServerOptions(listener.pair), (req, res) => this.handle(listener.cluster, req, res));
      listener.https.emit("connection", socket);
    });
    await new Promise<void>((resolveListen, reject) => {
      listener.server.once("error", reject);
      listener.server.listen(0, this.host, () => {
        listener.server.off("error", reject);
        resolveListen();
      });
    });
    const address = listener.server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    listener.url = `https://${hostPort(this.host, port)}`;
    return listener;
  }
}

function close(listener: Listener): Promise<void> {
  return new Promise((resolveClose) => {
    listener.server.close(() => resolveClose());
    listener.https?.closeAllConnections();
  });
}
