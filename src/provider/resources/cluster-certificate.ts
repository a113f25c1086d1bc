// operationscenter_cluster_certificate: replaces a cluster's certificate through Operations
// Center (PUT /1.0/provisioning/clusters/{name}/certificate). The private key is write-only: it
// reaches the provider in config only and is never in plan, state or logs; the state keeps a
// keyed digest of it, so a new key shows as a change. Destroy leaves the certificate in place (a
// cluster always has one).
import { type KeyObject, X509Certificate, createPrivateKey } from "node:crypto";
import { segment } from "../../client/path.js";
import type { ProviderClient } from "../client.js";
import { DiagnosticError, type Diagnostic, type ObjectValue, type Resource } from "../plugin/types.js";
import { clusterChange, renameNote } from "./common/cluster-reference.js";
import { apiStep, knownString } from "./values.js";
import { DONE, NOT_DONE, sendThenConfirm } from "./common/lost-reply.js";

const TYPE_NAME = "operationscenter_cluster_certificate";

const PURPOSE = "cluster.certificate.key";

export const clusterCertificateResource: Resource<ProviderClient> = {
  typeName: TYPE_NAME,
  schema: {
    version: 0,
    block: {
      description:
        "The certificate (and its private key) a cluster presents, replaced through Operations Center on every member. The key is write-only (Terraform 1.11+): state holds only a keyed digest of it. " +
        "Destroy stops managing it; the cluster keeps its certificate.",
      attributes: {
        id: { type: "string", computed: true, description: "The cluster name." },
        cluster: {
          type: "string",
          required: true,
          description:
            "Name of the cluster in Operations Center. The cluster's rename is an in-place change with no call; a change to another existing cluster puts the certificate there (the first cluster keeps its certificate).",
        },
        certificate: { type: "string", required: true, description: "The new certificate (PEM)." },
        private_key: {
          type: "string",
          required: true,
          writeOnly: true,
          sensitive: true,
          description: "Its private key (PEM). Write-only: never stored in plan or state.",
        },
        private_key_digest: {
          type: "string",
          computed: true,
          description: "Keyed digest (hmac-sha256) of the private key, to tell a new key from the same one.",
        },
        fingerprint: { type: "string", computed: true, description: "SHA-256 fingerprint of the certificate." },
      },
    },
  },

  validate({ config, capabilities }) {
    const out = pairProblems(config);
    if (!capabilities.writeOnlyAttributesAllowed) {
      out.push({ severity: "error", summary: "private_key is write-only and needs Terraform 1.11 or later", path: ["private_key"] });
    }
    return out;
  },

  async plan({ prior, proposed, config }, { client }) {
    if (proposed === null) return { planned: null };
    const problems = config === null ? [] : pairProblems(config);
    if (problems.length > 0) throw new DiagnosticError(problems);
    const key = config === null ? undefined : knownString(config.private_key);
    const certificate = knownString(proposed.certificate);
    const planned: ObjectValue = {
      ...proposed,
      id: proposed.cluster ?? null,
      private_key: null,
      private_key_digest: key === undefined ? (prior?.private_key_digest ?? null) : client.digest(PURPOSE, key),
      fingerprint: certificate === undefined ? (prior?.fingerprint ?? null) : fingerprintOf(certificate),
    };
    const from = knownString(prior?.cluster);
    const to = knownString(proposed.cluster);
    const change = await clusterChange(client.api, from, to);
    if (change === "rename") return { planned, diagnostics: [renameNote(TYPE_NAME, from!, to!)] };
    if (change === "move") {
      return {
        planned,
        diagnostics: [
          {
            severity: "warning",
            summary: `${TYPE_NAME}: the certificate will be put on cluster "${to!}"; cluster "${from!}" keeps its certificate`,
            detail: "A change of cluster is an in-place change: the certificate and key are written to the new cluster, and nothing is written to the old one.",
          },
        ],
      };
    }
    return { planned };
  },

  async apply({ prior, planned, config }, { client, log }) {
    if (planned === null) {
      log.info(`oc-cdktf: stopped managing the certificate of cluster "${knownString(prior?.cluster) ?? ""}"; the cluster keeps it`);
      return { state: null };
    }
    const cluster = knownString(planned.cluster)!;
    // The cluster's rename (or a move with the same pair already live there) changes no certificate.
    if (
      prior !== null &&
      prior.certificate === planned.certificate &&
      prior.private_key_digest === planned.private_key_digest &&
      (await liveCertificate(client, cluster)) === planned.certificate
    ) {
      return { state: { ...planned, private_key: null } };
    }
    const key = config === null ? undefined : knownString(config.private_key);
    if (key === undefined) throw new DiagnosticError({ severity: "error", summary: "private_key is not known at apply time", path: ["private_key"] });
    const certificate = knownString(planned.certificate)!;
    await apiStep(`Cannot replace the certificate of cluster "${cluster}"`, () =>
      sendThenConfirm(
        async () => {
          await client.api.request("PUT", `/1.0/provisioning/clusters/${segment(cluster)}/certificate`, {
            body: { cluster_certificate: certificate, cluster_certificate_key: key },
            subject: cluster,
          });
        },
        async () => ((await liveCertificate(client, cluster)) === certificate ? DONE : NOT_DONE),
      ),
    );
    return { state: { ...planned, private_key: null } };
  },

  async read({ state }, { client }) {
    const live = await liveCertificate(client, knownString(state.cluster)!);
    if (live === undefined) return { state: null };
    if (live === knownString(state.certificate) || live === "") return { state };
    // Replaced by someone else: the certificate shows the change; the key digest is unknown to us.
    return { state: { ...state, certificate: live, fingerprint: fingerprintOf(live) } };
  },
};

/** The certificate the cluster presents, as Operations Center records it; undefined when the cluster is gone. */
async function liveCertificate(client: ProviderClient, cluster: string): Promise<string | undefined> {
  const found = await apiStep(`Cannot read cluster "${cluster}"`, () => client.api.findCluster(cluster));
  return found?.cluster.certificate;
}

function fingerprintOf(pem: string): string | null {
  try {
    return new X509Certificate(pem).fingerprint256.replaceAll(":", "").toLowerCase();
  } catch {
    return null;
  }
}

/** Whether the certificate is PEM and the key belongs to it; the key is never quoted. */
function pairProblems(config: ObjectValue): Diagnostic[] {
  const certificate = knownString(config.certificate);
  const key = knownString(config.private_key);
  let x509: X509Certificate | undefined;
  if (certificate !== undefined) {
    try {
      x509 = new X509Certificate(certificate);
    } catch {
      return [
        {
          severity: "error",
          summary: "certificate: not a PEM certificate",
          detail: 'Give the certificate as PEM (-----BEGIN CERTIFICATE----- ...), e.g. file("cluster.crt").',
          path: ["certificate"],
        },
      ];
    }
  }
  if (key === undefined) return [];
  let parsed: KeyObject;
  try {
    parsed = createPrivateKey(key);
  } catch {
    return [
      {
        severity: "error",
        summary: "private_key: not a PEM private key",
        detail: 'Give the key as PEM (-----BEGIN PRIVATE KEY----- ...), e.g. file("cluster.key").',
        path: ["private_key"],
      },
    ];
  }
  if (x509 !== undefined && !x509.checkPrivateKey(parsed)) {
    return [
      {
        severity: "error",
        summary: "private_key: does not belong to certificate",
        detail: "Give the key the certificate was issued for.",
        path: ["private_key"],
      },
    ];
  }
  return [];
}
