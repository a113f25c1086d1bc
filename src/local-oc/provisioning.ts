// The provisioning areas around servers and clusters (spec: tokens, channels, updates, Incus
// images and image sources), stored in the model and shown back. Messages follow the real
// handlers: a decode failure is `Bad Request: Failed to decode <thing>: ...`, a lookup failure
// `Not found` (404), a validation failure its own text (400); creates and replaces answer 201 with
// a Location, deletes 200.
//
// Deliberate deviations: updates are not downloaded (the update files' contents are generated),
// a pre-seed image (`tokens/{uuid}/image`, `seeds/{name}` with `type`) is a small generated file,
// a refresh of updates fetches again only the releases the servers run, one of image sources
// finds nothing new.

import { randomUUID } from "node:crypto";
import type { Context } from "./context.js";
import { HttpError, badRequest, constraint, notFound, q, rewrap, validation } from "./errors.js";
import { created, emptySync, sync, syncETag, type ApiRequest, type ApiResponse, type Router } from "./http.js";
import { complete } from "./spec-shapes.js";
import { nowString } from "./state.js";
import { type ChannelRecord, type IncusImageRecord, type TokenRecord, type TokenSeedRecord, type UpdateRecord } from "./persisted.js";
import { decodeObject, parseUUID } from "./decode.js";
import { ensureUpdates } from "./seeding.js";

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

/** The TokenPut fields of a body, validated as provisioning.Token.Validate. */
function tokenFields(body: Record<string, unknown>, defaultChannel: string): Omit<TokenRecord, "uuid" | "auto_remove"> {
  const uses = body["uses_remaining"];
  const fields = {
    uses_remaining: typeof uses === "number" ? Math.trunc(uses) : 0,
    expire_at: str(body["expire_at"]),
    description: str(body["description"]),
    channel: str(body["channel"]) === "" ? defaultChannel : str(body["channel"]),
  };
  if (fields.uses_remaining < 0) throw validation('Value for "uses remaining" can not be negative');
  const expires = Date.parse(fields.expire_at);
  if (fields.expire_at === "" || Number.isNaN(expires) || expires < Date.now()) throw validation('Value for "expire at" can not be in the past');
  return fields;
}

function registerTokenRoutes(router: Router, ctx: Context): void {
  const data = () => ctx.store.data;
  const token = (raw: string): TokenRecord => {
    const uuid = parseUUID(raw);
    const t = data().tokens.find((x) => x.uuid === uuid);
    if (t === undefined) throw notFound();
    return t;
  };

  router.add("GET", TOKENS, (req) => {
    const tokens = [...data().tokens].sort((a, b) => a.uuid.localeCompare(b.uuid));
    return sync(recursive(req) ? tokens.map(tokenDocument) : tokens.map((t) => `${TOKENS}/${t.uuid}`));
  });
  router.add("POST", TOKENS, (req) => {
    const body = decodeObject(req.body, "Failed to decode token");
    let fields: ReturnType<typeof tokenFields>;
    try {
      fields = tokenFields(body, "stable");
    } catch (err) {
      rewrap(err, "Failed creating token: Validation failed for new token");
    }
    const record: TokenRecord = { uuid: randomUUID(), auto_remove: false, ...fields };
    data().tokens.push(record);
    ctx.changed();
    return created(`${TOKENS}/${record.uuid}`);
  });
  router.add("GET", `${TOKENS}/{uuid}`, (req) => {
    const t = token(req.params["uuid"]!);
    return syncETag(tokenDocument(t), t);
  });
  router.add("PUT", `${TOKENS}/{uuid}`, (req) => {
    const uuid = parseUUID(req.params["uuid"]!);
    const body = decodeObject(req.body, "Failed to decode token");
    const t = data().tokens.find((x) => x.uuid === uuid);
    if (t === undefined) throw notFound().wrap(`Failed to get token ${q(uuid)}`);
    try {
      Object.assign(t, tokenFields(body, t.channel));
    } catch (err) {
      rewrap(err, `Failed updating token ${q(uuid)}`);
    }
    ctx.changed();
    return created(`${TOKENS}/${uuid}`);
  });
  router.add("DELETE", `${TOKENS}/{uuid}`, (req) => {
    const t = token(req.params["uuid"]!);
    data().tokens = data().tokens.filter((x) => x !== t);
    data().token_seeds = data().token_seeds.filter((s) => s.token_uuid !== t.uuid);
    ctx.changed();
    return emptySync();
  });
  router.add("GET", `${TOKENS}/{uuid}/provider-config`, (req) => {
    const t = token(req.params["uuid"]!);
    return sync(
      complete("TokenProviderConfig", {
        name: "operations-center",
        version: "1",
        config: { server_url: "https://local-oc.example.test:8443", server_token: t.uuid, server_certificate: data().tls.certificate },
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

  const seed = (uuid: string, name: string): TokenSeedRecord => {
    const s = data().token_seeds.find((x) => x.token_uuid === uuid && x.name === name);
    if (s === undefined) throw notFound();
    return s;
  };
  router.add("GET", `${TOKENS}/{uuid}/seeds`, (req) => {
    const t = token(req.params["uuid"]!);
    const seeds = data().token_seeds.filter((s) => s.token_uuid === t.uuid).sort((a, b) => a.name.localeCompare(b.name));
    return sync(recursive(req) ? seeds.map(seedDocument) : seeds.map((s) => `${TOKENS}/${t.uuid}/seeds/${s.name}`));
  });
  router.add("POST", `${TOKENS}/{uuid}/seeds`, (req) => {
    const t = token(req.params["uuid"]!);
    const body = decodeObject(req.body, "Failed to decode token seed");
    const name = str(body["name"]);
    if (name === "") throw validation("Validate token seed: Invalid token seed, name can not be empty");
    if (data().token_seeds.some((s) => s.token_uuid === t.uuid && s.name === name)) throw constraint("Constraint violation");
    data().token_seeds.push({
      token_uuid: t.uuid,
      name,
      description: str(body["description"]),
      public: body["public"] === true,
      seeds: isObject(body["seeds"]) ? body["seeds"] : {},
      last_updated: nowString(),
    });
    ctx.changed();
    // The real handler names /images/ here, not /seeds/.
    return created(`${TOKENS}/${t.uuid}/images/${name}`);
  });
  router.add("GET", `${TOKENS}/{uuid}/seeds/{name}`, (req) => {
    const uuid = parseUUID(req.params["uuid"]!);
    const s = seed(uuid, req.params["name"]!);
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
    const s = data().token_seeds.find((x) => x.token_uuid === uuid && x.name === name);
    if (s === undefined) throw notFound().wrap(`Failed to get token seed config "${uuid}/${name}"`);
    s.description = str(body["description"]);
    s.public = body["public"] === true;
    s.seeds = isObject(body["seeds"]) ? body["seeds"] : {};
    s.last_updated = nowString();
    ctx.changed();
    return created(`${TOKENS}/${uuid}/seeds/${name}`);
  });
  router.add("DELETE", `${TOKENS}/{uuid}/seeds/{name}`, (req) => {
    const uuid = parseUUID(req.params["uuid"]!);
    const s = seed(uuid, req.params["name"]!);
    data().token_seeds = data().token_seeds.filter((x) => x !== s);
    ctx.changed();
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
  const data = () => ctx.store.data;
  const channel = (name: string): ChannelRecord => {
    const c = data().channels.find((x) => x.name === name);
    if (c === undefined) throw notFound();
    return c;
  };
  router.add("GET", CHANNELS, (req) => {
    const channels = [...data().channels].sort((a, b) => a.name.localeCompare(b.name));
    return sync(recursive(req) ? channels.map(channelDocument) : channels.map((c) => `${CHANNELS}/${c.name}`));
  });
  router.add("POST", CHANNELS, (req) => {
    const body = decodeObject(req.body);
    const name = str(body["name"]);
    try {
      if (name === "") throw validation("Invalid channel, validation of name failed: name must not be empty");
      if (data().channels.some((c) => c.name === name)) throw constraint("Constraint violation");
    } catch (err) {
      rewrap(err, "Failed creating channel");
    }
    data().channels.push({ name, description: str(body["description"]), last_updated: nowString() });
    ctx.changed();
    return created(`${CHANNELS}/${name}`);
  });
  router.add("GET", `${CHANNELS}/{name}`, (req) => {
    const c = channel(req.params["name"]!);
    return syncETag(channelDocument(c), c);
  });
  router.add("PUT", `${CHANNELS}/{name}`, (req) => {
    const name = req.params["name"]!;
    const body = decodeObject(req.body);
    const c = data().channels.find((x) => x.name === name);
    if (c === undefined) throw notFound().wrap(`Failed to get channel ${q(name)}`);
    c.description = str(body["description"]);
    c.last_updated = nowString();
    ctx.changed();
    return created(`${CHANNELS}/${name}`);
  });
  router.add("DELETE", `${CHANNELS}/{name}`, (req) => {
    const c = channel(req.params["name"]!);
    const users = [...data().servers.filter((s) => s.channel === c.name).map((s) => s.name), ...data().clusters.filter((x) => x.channel === c.name).map((x) => x.name)];
    if (users.length > 0) throw constraint(`Channel ${q(c.name)} is still in use: Constraint violation`);
    data().channels = data().channels.filter((x) => x !== c);
    ctx.changed();
    return emptySync();
  });
  router.add("GET", `${CHANNELS}/{name}/changelog`, (req) => {
    const c = channel(req.params["name"]!);
    const updates = data().updates.filter((u) => u.channels.includes(c.name)).sort((a, b) => b.version.localeCompare(a.version));
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
  const data = () => ctx.store.data;
  const update = (raw: string): UpdateRecord => {
    const uuid = parseUUID(raw);
    const u = data().updates.find((x) => x.uuid === uuid);
    if (u === undefined) throw notFound();
    return u;
  };
  router.add("GET", UPDATES, (req) => {
    const status = req.query.get("status");
    if (status !== null && status !== "" && !["unknown", "pending", "ready"].includes(status)) {
      throw new HttpError(500, "Invalid status");
    }
    let updates = [...data().updates].sort((a, b) => b.version.localeCompare(a.version));
    if (status !== null && status !== "") updates = updates.filter((u) => u.update_status === status);
    const channel = req.query.get("channel");
    if (channel !== null && channel !== "") updates = updates.filter((u) => u.channels.includes(channel));
    return sync(recursive(req) ? updates.map(updateDocument) : updates.map((u) => `${UPDATES}/${u.uuid}`));
  });
  router.add("POST", UPDATES, () => {
    // Uploading an update archive is not simulated: the real handler reads a tar stream.
    throw badRequest("Failed to read update archive: uploads are not supported by the local Operations Center");
  });
  // CleanupAll: every update goes (and its files); a refresh fetches again what the source offers.
  router.add("DELETE", UPDATES, () => {
    data().updates = [];
    ctx.changed();
    return emptySync();
  });
  router.add("POST", `${UPDATES}/:refresh`, () => {
    ensureUpdates(data());
    ctx.changed();
    return {
      status: 202,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ type: "async", status: "Started", status_code: 100, operation: "", error_code: 0, error: "", metadata: null }) + "\n",
    };
  });
  router.add("GET", `${UPDATES}/{uuid}`, (req) => {
    const u = update(req.params["uuid"]!);
    return syncETag(updateDocument(u), u);
  });
  router.add("PUT", `${UPDATES}/{uuid}`, (req) => {
    const uuid = parseUUID(req.params["uuid"]!);
    const body = decodeObject(req.body);
    const u = data().updates.find((x) => x.uuid === uuid);
    if (u === undefined) throw notFound().wrap(`Failed to get update ${q(uuid)}`);
    const channels = Array.isArray(body["channels"]) ? body["channels"].filter((c): c is string => typeof c === "string") : [];
    const unknown = channels.find((c) => !data().channels.some((x) => x.name === c));
    if (unknown !== undefined) throw notFound().wrap(`Failed updating update ${q(uuid)}: Failed to get channel ${q(unknown)}`);
    u.channels = channels;
    ctx.changed();
    return created(`${UPDATES}/${uuid}`);
  });
  router.add("GET", `${UPDATES}/{uuid}/changelog`, (req) => {
    const u = update(req.params["uuid"]!);
    const prior = data()
      .updates.filter((x) => x.version < u.version)
      .sort((a, b) => b.version.localeCompare(a.version))[0];
    return sync(complete("UpdateChangelog", { channel: u.channels[0] ?? "", current_version: u.version, prior_version: prior?.version ?? "", components: { os: { added: [], updated: [u.changelog], removed: [] } } }));
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
  const data = () => ctx.store.data;
  const image = (name: string) => {
    const i = data().incus_images.find((x) => x.name === name);
    if (i === undefined) throw notFound();
    return i;
  };
  const imageDocument = (i: IncusImageRecord) => complete("IncusImage", i);
  router.add("GET", IMAGES, (req) => {
    const images = [...data().incus_images].sort((a, b) => a.name.localeCompare(b.name));
    return sync(recursive(req) ? images.map(imageDocument) : images.map((i) => `/1.0/image/incus/${i.name}`));
  });
  router.add("POST", IMAGES, () => {
    throw badRequest('Content-type is not "multipart/form-data"');
  });
  router.add("GET", `${IMAGES}/{name}`, (req) => {
    const i = image(req.params["name"]!);
    return syncETag(imageDocument(i), i);
  });
  router.add("PUT", `${IMAGES}/{name}`, (req) => {
    const name = req.params["name"]!;
    const body = decodeObject(req.body);
    const i = data().incus_images.find((x) => x.name === name);
    if (i === undefined) throw notFound().wrap(`Failed to get incus image ${q(name)}`);
    i.description = str(body["description"]);
    i.aliases = Array.isArray(body["aliases"]) ? body["aliases"].filter((a): a is string => typeof a === "string") : [];
    i.last_updated = nowString();
    ctx.changed();
    return created(`/1.0/image/incus/${name}`);
  });
  router.add("DELETE", `${IMAGES}/{name}`, (req) => {
    const i = image(req.params["name"]!);
    data().incus_images = data().incus_images.filter((x) => x !== i);
    ctx.changed();
    return emptySync();
  });
  router.add("DELETE", `${IMAGES}/{name}/{version}`, (req) => {
    const i = image(req.params["name"]!);
    if (i.versions[req.params["version"]!] === undefined) throw notFound();
    delete i.versions[req.params["version"]!];
    ctx.changed();
    return emptySync();
  });
  router.add("GET", `${IMAGES}/{name}/{version}/{filename}`, (req) => {
    const { name, version, filename } = req.params as { name: string; version: string; filename: string };
    const i = data().incus_images.find((x) => x.name === name);
    if (i === undefined || i.versions[version] === undefined) {
      throw notFound().wrap(`Failed to get file ${q(filename)} for incus image ${q(name)}, version ${q(version)}`);
    }
    return generatedFile(filename, `${name} ${version}\n`);
  });

  // Image sources are served at both prefixes the real router mounts them under.
  for (const prefix of ["/1.0/images/sources", `${IMAGES}/sources`]) {
    const source = (name: string) => {
      const s = data().image_sources.find((x) => x.name === name);
      if (s === undefined) throw notFound();
      return s;
    };
    router.add("GET", prefix, (req) => {
      const sources = [...data().image_sources].sort((a, b) => a.name.localeCompare(b.name));
      return sync(recursive(req) ? sources.map((s) => complete("IncusImageSource", s)) : sources.map((s) => `/1.0/image/sources/${s.name}`));
    });
    router.add("POST", prefix, (req) => {
      const body = decodeObject(req.body);
      const name = str(body["name"]);
      try {
        if (name === "") throw validation("Invalid image source, name can not be empty");
        if (str(body["url"]) === "") throw validation("Invalid image source, url can not be empty");
        if (data().image_sources.some((s) => s.name === name)) throw constraint("Constraint violation");
      } catch (err) {
        rewrap(err, "Failed creating image source");
      }
      data().image_sources.push({ name, url: str(body["url"]), filter_expression: str(body["filter_expression"]), last_updated: nowString() });
      ctx.changed();
      return created(`/1.0/image/sources/${name}`);
    });
    router.add("GET", `${prefix}/{name}`, (req) => {
      const s = source(req.params["name"]!);
      return syncETag(complete("IncusImageSource", s), s);
    });
    router.add("PUT", `${prefix}/{name}`, (req) => {
      const name = req.params["name"]!;
      const body = decodeObject(req.body);
      const s = data().image_sources.find((x) => x.name === name);
      if (s === undefined) throw notFound().wrap(`Failed to get image source ${q(name)}`);
      s.url = str(body["url"]) === "" ? s.url : str(body["url"]);
      s.filter_expression = str(body["filter_expression"]);
      s.last_updated = nowString();
      ctx.changed();
      return created(`/1.0/image/sources/${name}`);
    });
    router.add("DELETE", `${prefix}/{name}`, (req) => {
      const s = source(req.params["name"]!);
      data().image_sources = data().image_sources.filter((x) => x !== s);
      ctx.changed();
      return emptySync();
    });
    router.add("POST", `${prefix}/{name}/:refresh`, (req) => {
      source(req.params["name"]!);
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
