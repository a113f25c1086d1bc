// GET/POST /1.0/certificates and GET /1.0/certificates/{fingerprint} of a cluster's Incus API, as
// incus@be7afc5 cmd/incusd/certificates.go (certificatesGet, certificatesPost, certificateGet)
// answers them for TLS clients. Certificate add tokens are not simulated.
import type { Context } from "../context.js";
import { HttpError } from "../errors.js";
import { created, encodePath, sync, syncETag, type Router } from "../http.js";
import { incusCluster, trustedIncusCluster, type IncusAccessOptions } from "./access.js";
import { addTrustedCertificate, certificatesPostSchema, trustStore } from "./trust.js";
import type { TrustedCertificate } from "../persisted.js";
import { INCUS_PREFIX } from "./routes.js";

/** api.Certificate of a trust store entry. */
const certificateDocument = (c: TrustedCertificate) => ({
  name: c.name,
  type: c.type,
  restricted: c.restricted,
  projects: c.projects,
  certificate: c.certificate,
  description: c.description,
  fingerprint: c.fingerprint,
});

export function registerIncusCertificateRoutes(router: Router, ctx: Context, options: IncusAccessOptions): void {
  const P = INCUS_PREFIX;

  router.add("GET", `${P}/certificates`, (req) => {
    const model = trustedIncusCluster(ctx, req, options);
    const all = trustStore(ctx.store.data, model.name);
    if (req.query.get("recursion") === "1") return sync(all.map(certificateDocument));
    return sync(all.map((c) => encodePath(`/1.0/certificates/${c.fingerprint}`)));
  });

  router.add("GET", `${P}/certificates/{fingerprint}`, (req) => {
    const model = trustedIncusCluster(ctx, req, options);
    const prefix = req.params["fingerprint"]!.toLowerCase();
    const matches = trustStore(ctx.store.data, model.name).filter((c) => c.fingerprint.startsWith(prefix));
    if (matches.length === 0) throw new HttpError(404, "Certificate not found");
    if (matches.length > 1) throw new HttpError(400, "More than one certificate matches");
    const doc = certificateDocument(matches[0]!);
    return syncETag(doc, [doc.name, doc.type, doc.restricted, doc.projects, doc.certificate, doc.description]);
  });

  router.add("POST", `${P}/certificates`, (req) => {
    const { model, trust } = incusCluster(ctx, req, options);
    let json: unknown;
    try {
      json = JSON.parse(req.body === "" ? "null" : req.body);
    } catch (error) {
      throw new HttpError(400, (error as Error).message);
    }
    const parsed = certificatesPostSchema.safeParse(json ?? {});
    if (!parsed.success) throw new HttpError(400, parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; "));
    const body = parsed.data;
    const certificateText = body.certificate ?? "";
    const type = body.type ?? "";
    if (body.token === true && certificateText !== "") throw new HttpError(400, "Can't use certificate if token is requested");
    if (body.token === true && type !== "client") throw new HttpError(400, "Tokens can only be issued for client certificates");
    if (trust.trusted && certificateText === "" && body.token !== true) throw new HttpError(400, "Client is already trusted");
    // A client that may not create certificates needs a trust token, which the local OC never issues.
    if (!trust.trusted || trust.restricted) throw new HttpError(403, "not authorized");
    if (body.token === true) throw new HttpError(400, "Certificate add tokens are not simulated by the local Operations Center: send the certificate");
    const fingerprint = addTrustedCertificate(ctx.store, model.name, body);
    return created(`/1.0/certificates/${fingerprint}`);
  });
}
