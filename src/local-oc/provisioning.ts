// Routes of the provisioning areas around servers and clusters (tokens, channels, updates, Incus
// images and image sources): each decodes the request, calls the model (provisioning-model.ts)
// and encodes the answer; no route changes state. Messages follow the real handlers: a decode failure is `Bad Request: Failed to decode <thing>: ...`, a lookup failure
// `Not found` (404), a validation failure its own text (400); creates and replaces answer 201 with
// a Location, deletes 200.
//
// Deliberate deviations: updates are not downloaded (the update files' contents are generated),
// a pre-seed image (`tokens/{uuid}/image`, `seeds/{name}` with `type`) is a small generated file,
// a refresh of updates fetches again only the releases the servers run, one of image sources
// finds nothing new.

import { randomUUID } from "node:crypto";
import type { Context } from "./context.js";
import { HttpError, badRequest, notFound, q } from "./errors.js";
import { created, emptySync, sync, syncETag, type ApiRequest, type ApiResponse, type Router } from "./http.js";
import { complete } from "./spec-shapes.js";
import type { ChannelRecord, IncusImageRecord, TokenRecord, TokenSeedRecord, UpdateRecord } from "./persisted.js";
import { decodeObject, parseUUID } from "./decode.js";
import {
  channelUpdates,
  createChannel,
  createImageSource,
  createToken,
  createTokenSeed,
  deleteAllUpdates,
  deleteChannel,
  deleteImageSource,
  deleteIncusImage,
  deleteIncusImageVersion,
  deleteToken,
  deleteTokenSeed,
  getChannel,
  getImageSource,
  getIncusImage,
  getToken,
  getTokenSeed,
  getUpdate,
  listChannels,
  listImageSources,
  listIncusImages,
  listTokenSeeds,
  listTokens,
  listUpdates,
  priorUpdate,
  refreshUpdates,
  setUpdateChannels,
  updateChannel,
  updateImageSource,
  updateIncusImage,
  updateToken,
  updateTokenSeed,
  type TokenPut,
  type TokenSeedPut,
} from "./provisioning-model.js";

const TOKENS = "/1.0/provisioning/tokens";
const CHANNELS = "/1.0/provisioning/channels";
const UPDATES = "/1.0/provisioning/updates";
const IMAGES = "/1.0/images/incus";

const recursive = (req: ApiRequest): boolean => Number.parseInt(req.query.get("recursion") ?? "", 10) === 1;
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function tokenDocument(t: TokenRecord): Record<string, unknown> {
  return complete("Token", { uuid: t.uuid, uses_remaining: t.uses_remaining, expire_at: t.expire_at, description: t.description, channel: t.channel });
}

function seedDocument(s: TokenSeedRecord): Record<string, unknown> {
  return complete("TokenSeed", s);
}

function channelDocument(c: ChannelRecord): Record<string, unknown> {
  return complete("Channel", c);
}

function updateDocument(u: UpdateRecord): Record<string, unknown> {
  const { files: _files, changelog: _changelog, ...doc } = u;
  return complete("Update", doc);
}

/** The TokenPut fields of a body (the model validates them). */
function tokenPut(body: Record<string, unknown>): TokenPut {
  const uses = body["uses_remaining"];
  return {
    uses_remaining: typeof uses === "number" ? Math.trunc(uses) : 0,
    expire_at: str(body["expire_at"]),
    description: str(body["description"]),
    channel: str(body["channel"]),
  };
}

/** The TokenSeedPut fields of a body. */
function tokenSeedPut(body: Record<string, unknown>): TokenSeedPut {
  return { description: str(body["description"]), public: body["public"] === true, seeds: isObject(body["seeds"]) ? body["seeds"] : {} };
}

function registerTokenRoutes(router: Router, ctx: Context): void {
  const token = (raw: string): TokenRecord => getToken(ctx, parseUUID(raw));

  router.add("GET", TOKENS, (req) => {
    const tokens = listTokens(ctx);
    return sync(recursive(req) ? tokens.map(tokenDocument) : tokens.map((t) => `${TOKENS}/${t.uuid}`));
  });
  router.add("POST", TOKENS, (req) => {
    const body = decodeObject(req.body, "Failed to decode token");
    const record = createToken(ctx, tokenPut(body));
    return created(`${TOKENS}/${record.uuid}`);
  });
  router.add("GET", `${TOKENS}/{uuid}`, (req) => {
    const t = token(req.params["uuid"]!);
    return syncETag(tokenDocument(t), t);
  });
  router.add("PUT", `${TOKENS}/{uuid}`, (req) => {
    const uuid = parseUUID(req.params["uuid"]!);
    const body = decodeObject(req.body, "Failed to decode token");
    updateToken(ctx, uuid, tokenPut(body));
    return created(`${TOKENS}/${uuid}`);
  });
  router.add("DELETE", `${TOKENS}/{uuid}`, (req) => {
    deleteToken(ctx, parseUUID(req.params["uuid"]!));
    return emptySync();
  });
  router.add("GET", `${TOKENS}/{uuid}/provider-config`, (req) => {
    const t = token(req.params["uuid"]!);
    return sync(
      complete("TokenProviderConfig", {
        name: "operations-center",
        version: "1",
        config: { server_url: "https://local-oc.example.test:8443", server_token: t.uuid, server_certificate: ctx.store.data.tls.certificate },
      }),
    );
  });
  router.add("POST", `${TOKENS}/{uuid}/image`, (req) => {
    const t = token(req.params["uuid"]!);
    const body = decodeObject(req.body, "Failed to decode image request");
    const type = str(body["type"]) === "" ? "iso" : str(body["type"]);
    if (!["iso", "raw"].includes(type)) throw badRequest(`image type ${q(type)} is not valid`);
    const image = randomUUID();
    return created(`${TOKENS}/image/${image}`, { image: `${TOKENS}/${t.uuid}/image/${image}` });
  });
  router.add("GET", `${TOKENS}/{uuid}/image/{imageUUID}`, (req) => {
    const t = token(req.params["uuid"]!);
    const image = parseUUID(req.params["imageUUID"]!);
    return generatedFile(`IncusOS_${image}.iso`, `IncusOS pre-seeded installer for token ${t.uuid}\n`);
  });

  router.add("GET", `${TOKENS}/{uuid}/seeds`, (req) => {
    const t = token(req.params["uuid"]!);
    const seeds = listTokenSeeds(ctx, t);
    return sync(recursive(req) ? seeds.map(seedDocument) : seeds.map((s) => `${TOKENS}/${t.uuid}/seeds/${s.name}`));
  });
  router.add("POST", `${TOKENS}/{uuid}/seeds`, (req) => {
    const t = token(req.params["uuid"]!);
    const body = decodeObject(req.body, "Failed to decode token seed");
    const name = str(body["name"]);
    createTokenSeed(ctx, t, name, tokenSeedPut(body));
    // The real handler names /images/ here, not /seeds/.
    return created(`${TOKENS}/${t.uuid}/images/${name}`);
  });
  router.add("GET", `${TOKENS}/{uuid}/seeds/{name}`, (req) => {
    const uuid = parseUUID(req.params["uuid"]!);
    const s = getTokenSeed(ctx, uuid, req.params["name"]!);
    const type = req.query.get("type");
    if (type !== null && type !== "") {
      if (!["iso", "raw"].includes(type)) throw badRequest(`image type ${q(type)} is not valid`);
      return generatedFile(`pre-seed-${s.name}.${type === "iso" ? "iso" : "img"}`, `IncusOS pre-seeded installer ${s.name}\n`);
    }
    return syncETag(seedDocument(s), s);
  });
  router.add("PUT", `${TOKENS}/{uuid}/seeds/{name}`, (req) => {
    const uuid = parseUUID(req.params["uuid"]!);
    const name = req.params["name"]!;
    const body = decodeObject(req.body, "Failed to decode token seed");
    updateTokenSeed(ctx, uuid, name, tokenSeedPut(body));
    return created(`${TOKENS}/${uuid}/seeds/${name}`);
  });
  router.add("DELETE", `${TOKENS}/{uuid}/seeds/{name}`, (req) => {
    deleteTokenSeed(ctx, parseUUID(req.params["uuid"]!), req.params["name"]!);
    return emptySync();
  });
}

function generatedFile(filename: string, content: string): ApiResponse {
  return {
    status: 200,
    headers: { "Content-Type": "application/octet-stream", "Content-Disposition": `attachment; filename=${filename}` },
    body: content,
  };
}

function registerChannelRoutes(router: Router, ctx: Context): void {
  router.add("GET", CHANNELS, (req) => {
    const channels = listChannels(ctx);
    return sync(recursive(req) ? channels.map(channelDocument) : channels.map((c) => `${CHANNELS}/${c.name}`));
  });
  router.add("POST", CHANNELS, (req) => {
    const body = decodeObject(req.body);
    const name = str(body["name"]);
    createChannel(ctx, name, str(body["description"]));
    return created(`${CHANNELS}/${name}`);
  });
  router.add("GET", `${CHANNELS}/{name}`, (req) => {
    const c = getChannel(ctx, req.params["name"]!);
    return syncETag(channelDocument(c), c);
  });
  router.add("PUT", `${CHANNELS}/{name}`, (req) => {
    const name = req.params["name"]!;
    const body = decodeObject(req.body);
    updateChannel(ctx, name, str(body["description"]));
    return created(`${CHANNELS}/${name}`);
  });
  router.add("DELETE", `${CHANNELS}/{name}`, (req) => {
    deleteChannel(ctx, req.params["name"]!);
    return emptySync();
  });
  router.add("GET", `${CHANNELS}/{name}/changelog`, (req) => {
    const c = getChannel(ctx, req.params["name"]!);
    const updates = channelUpdates(ctx, c);
    return sync(
      updates.map((u, i) =>
        complete("UpdateChangelog", {
          channel: c.name,
          current_version: u.version,
          prior_version: updates[i + 1]?.version ?? "",
          components: { os: { added: [], updated: [u.changelog], removed: [] } },
        }),
      ),
    );
  });
}

function registerUpdateRoutes(router: Router, ctx: Context): void {
  const update = (raw: string): UpdateRecord => getUpdate(ctx, parseUUID(raw));
  router.add("GET", UPDATES, (req) => {
    const status = req.query.get("status") ?? "";
    if (status !== "" && !["unknown", "pending", "ready"].includes(status)) {
      throw new HttpError(500, "Invalid status");
    }
    const updates = listUpdates(ctx, status, req.query.get("channel") ?? "");
    return sync(recursive(req) ? updates.map(updateDocument) : updates.map((u) => `${UPDATES}/${u.uuid}`));
  });
  router.add("POST", UPDATES, () => {
    // Uploading an update archive is not simulated: the real handler reads a tar stream.
    throw badRequest("Failed to read update archive: uploads are not supported by the local Operations Center");
  });
  router.add("DELETE", UPDATES, () => {
    deleteAllUpdates(ctx);
    return emptySync();
  });
  router.add("POST", `${UPDATES}/:refresh`, () => {
    refreshUpdates(ctx);
    return {
      status: 202,
      headers: { "Content-Type": "application/json" },
      body: `${JSON.stringify({ type: "async", status: "Started", status_code: 100, operation: "", error_code: 0, error: "", metadata: null })}\n`,
    };
  });
  router.add("GET", `${UPDATES}/{uuid}`, (req) => {
    const u = update(req.params["uuid"]!);
    return syncETag(updateDocument(u), u);
  });
  router.add("PUT", `${UPDATES}/{uuid}`, (req) => {
    const uuid = parseUUID(req.params["uuid"]!);
    const body = decodeObject(req.body);
    const channels = Array.isArray(body["channels"]) ? body["channels"].filter((c): c is string => typeof c === "string") : [];
    setUpdateChannels(ctx, uuid, channels);
    return created(`${UPDATES}/${uuid}`);
  });
  router.add("GET", `${UPDATES}/{uuid}/changelog`, (req) => {
    const u = update(req.params["uuid"]!);
    const prior = priorUpdate(ctx, u);
    return sync(
      complete("UpdateChangelog", {
        channel: u.channels[0] ?? "",
        current_version: u.version,
        prior_version: prior?.version ?? "",
        components: { os: { added: [], updated: [u.changelog], removed: [] } },
      }),
    );
  });
  router.add("GET", `${UPDATES}/{uuid}/files`, (req) => sync(update(req.params["uuid"]!).files.map((f) => complete("UpdateFile", f))));
  router.add("GET", `${UPDATES}/{uuid}/files/{filename}`, (req) => {
    const u = update(req.params["uuid"]!);
    const file = u.files.find((f) => f.filename === req.params["filename"]);
    if (file === undefined) throw notFound();
    return generatedFile(file.filename, `${file.component} ${u.version} (${file.type})\n`);
  });
}

function registerImageRoutes(router: Router, ctx: Context): void {
  const imageDocument = (i: IncusImageRecord) => complete("IncusImage", i);
  router.add("GET", IMAGES, (req) => {
    const images = listIncusImages(ctx);
    return sync(recursive(req) ? images.map(imageDocument) : images.map((i) => `/1.0/image/incus/${i.name}`));
  });
  router.add("POST", IMAGES, () => {
    throw badRequest('Content-type is not "multipart/form-data"');
  });
  router.add("GET", `${IMAGES}/{name}`, (req) => {
    const i = getIncusImage(ctx, req.params["name"]!);
    return syncETag(imageDocument(i), i);
  });
  router.add("PUT", `${IMAGES}/{name}`, (req) => {
    const name = req.params["name"]!;
    const body = decodeObject(req.body);
    updateIncusImage(ctx, name, {
      description: str(body["description"]),
      aliases: Array.isArray(body["aliases"]) ? body["aliases"].filter((a): a is string => typeof a === "string") : [],
    });
    return created(`/1.0/image/incus/${name}`);
  });
  router.add("DELETE", `${IMAGES}/{name}`, (req) => {
    deleteIncusImage(ctx, req.params["name"]!);
    return emptySync();
  });
  router.add("DELETE", `${IMAGES}/{name}/{version}`, (req) => {
    deleteIncusImageVersion(ctx, req.params["name"]!, req.params["version"]!);
    return emptySync();
  });
  router.add("GET", `${IMAGES}/{name}/{version}/{filename}`, (req) => {
    const { name, version, filename } = req.params as { name: string; version: string; filename: string };
    const context = `Failed to get file ${q(filename)} for incus image ${q(name)}, version ${q(version)}`;
    const i = getIncusImage(ctx, name, context);
    if (i.versions[version] === undefined) throw notFound().wrap(context);
    return generatedFile(filename, `${name} ${version}\n`);
  });

  // Image sources are served at both prefixes the real router mounts them under.
  for (const prefix of ["/1.0/images/sources", `${IMAGES}/sources`]) {
    router.add("GET", prefix, (req) => {
      const sources = listImageSources(ctx);
      return sync(recursive(req) ? sources.map((s) => complete("IncusImageSource", s)) : sources.map((s) => `/1.0/image/sources/${s.name}`));
    });
    router.add("POST", prefix, (req) => {
      const body = decodeObject(req.body);
      const name = str(body["name"]);
      createImageSource(ctx, { name, url: str(body["url"]), filter_expression: str(body["filter_expression"]) });
      return created(`/1.0/image/sources/${name}`);
    });
    router.add("GET", `${prefix}/{name}`, (req) => {
      const s = getImageSource(ctx, req.params["name"]!);
      return syncETag(complete("IncusImageSource", s), s);
    });
    router.add("PUT", `${prefix}/{name}`, (req) => {
      const name = req.params["name"]!;
      const body = decodeObject(req.body);
      updateImageSource(ctx, name, { url: str(body["url"]), filter_expression: str(body["filter_expression"]) });
      return created(`/1.0/image/sources/${name}`);
    });
    router.add("DELETE", `${prefix}/{name}`, (req) => {
      deleteImageSource(ctx, req.params["name"]!);
      return emptySync();
    });
    // Finds nothing new (see above): only the lookup remains.
    router.add("POST", `${prefix}/{name}/:refresh`, (req) => {
      getImageSource(ctx, req.params["name"]!);
      return emptySync();
    });
  }
}

export function registerProvisioningRoutes(router: Router, ctx: Context): void {
  registerTokenRoutes(router, ctx);
  registerChannelRoutes(router, ctx);
  registerUpdateRoutes(router, ctx);
  registerImageRoutes(router, ctx);
}
