import { X509Certificate } from "node:crypto";
import { Construct } from "constructs";
import { anyToken, declareOnce, namedResource } from "./bulk-declarations.js";
import { Cluster } from "./cluster.js";
import { clusterAttribute, type ICluster } from "./icluster.js";
import { literal } from "./names.js";
import { ClusterCertificate as CertificateResource } from "./provider/cluster-certificate/index.js";
import { synthError } from "./synth-errors.js";

export interface ClusterCertificateProps {
  /**
   * The cluster whose certificate is replaced: a `Cluster` of this app (whose `certificate` and
   * `fingerprint` then carry the new one) or `Cluster.fromClusterName`.
   */
  readonly cluster: ICluster;
  /** The new cluster certificate (PEM). */
  readonly certificate: string;
  /**
   * Its private key (PEM). Write-only: pass it as a token (a variable, a data source, file()), so
   * it is not written into cdk.tf.json; it never reaches plan or state.
   */
  readonly privateKey: string;
}

/**
 * The cluster's certificate, replaced through Operations Center: one
 * `operationscenter_cluster_certificate` resource. Removing it leaves the certificate in place.
 * The `certificate` and `fingerprint` of a `Cluster` of this app then carry this certificate.
 */
export class ClusterCertificate extends Construct {
  readonly resource: CertificateResource;

  constructor(scope: Construct, id: string, props: ClusterCertificateProps) {
    super(scope, id);
    const where = `ClusterCertificate '${this.node.path}'`;
    if (!anyToken(props.certificate)) {
      try {
        new X509Certificate(props.certificate);
      } catch {
        throw synthError(where, [`certificate is not a PEM certificate; give the PEM text (-----BEGIN CERTIFICATE----- ...)`]);
      }
    }
    if (!anyToken(props.privateKey) && !props.privateKey.includes("-----BEGIN ")) {
      throw synthError(where, [`privateKey is not a PEM private key; give the PEM text or a token of it`]);
    }
    declareOnce(this, `certificate\0${props.cluster.name}`, where, `the certificate of cluster "${props.cluster.name}"`);
    this.resource = namedResource(
      this,
      (provider) =>
        new CertificateResource(this, "resource", {
          provider,
          cluster: clusterAttribute(props.cluster),
          certificate: literal(props.certificate),
          privateKey: literal(props.privateKey),
        }),
    );
    if (props.cluster instanceof Cluster) props.cluster.useCertificate(this);
  }

  /** The certificate put in place (PEM). */
  get certificate(): string {
    return this.resource.certificate;
  }

  /** Its SHA-256 fingerprint, known at plan. */
  get fingerprint(): string {
    return this.resource.fingerprint;
  }
}
