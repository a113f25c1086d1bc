// Model layer of the provisioning areas around servers and clusters: tokens and their seeds,
// channels, updates, Incus images and image sources. The only code that changes them: each
// function checks what the real handler and service check, throws OC's errors (errors.ts) and
// marks its changes for persistence. The routes (provisioning.ts) decode requests into these
// calls and encode the answers.

import { randomUUID } from "node:crypto";
import type { Context } from "./context.js";
import { constraint, notFound, q, rewrap, validation } from "./errors.js";
import type { ChannelRecord, ImageSourceRecord, IncusImageRecord, TokenRecord, TokenSeedRecord, UpdateRecord } from "./persisted.js";
import { ensureUpdates } from "./seeding.js";
import { nowString } from "./state.js";

/** The TokenPut fields of a request; an empty channel keeps the default (a create's "stable", a PUT's current one). */
export type TokenPut = Omit<TokenRecord, "uuid" | "auto_remove">;
/** The TokenSeedPut fields of a request. */
export type TokenSeedPut = Pick<TokenSeedRecord, "description" | "public" | "seeds">;

/** The record found, or 404 (wrapped in `context` where OC wraps it). */
function found<T>(record: T | undefined, context?: string): T {
  if (record === undefined) throw context === undefined ? notFound() : notFound().wrap(context);
  return record;
}

const byName = <T extends { name: string }>(a: T, b: T): number => a.name.localeCompare(b.name);
const byVersionDescending = (a: UpdateRecord, b: UpdateRecord): number => b.version.localeCompare(a.version);

/** provisioning.Token.Validate, with the default channel applied. */
function validToken(input: TokenPut, defaultChannel: string): TokenPut {
  const fields = { ...input, channel: input.channel === "" ? defaultChannel : input.channel };
  if (fields.uses_remaining < 0) throw validation('Value for "uses remaining" can not be negative');
  const expires = Date.parse(fields.expire_at);
  if (fields.expire_at === "" || Number.isNaN(expires) || expires < Date.now()) throw validation('Value for "expire at" can not be in the past');
  return fields;
}

export function listTokens(ctx: Context): TokenRecord[] {
  return [...ctx.store.data.tokens].sort((a, b) => a.uuid.localeCompare(b.uuid));
}

export function getToken(ctx: Context, uuid: string, context?: string): TokenRecord {
  return found(
    ctx.store.data.tokens.find((x) => x.uuid === uuid),
    context,
  );
}

export function createToken(ctx: Context, input: TokenPut): TokenRecord {
  let fields: TokenPut;
  try {
    fields = validToken(input, "stable");
  } catch (err) {
    rewrap(err, "Failed creating token: Validation failed for new token");
  }
  const record: TokenRecord = { uuid: randomUUID(), auto_remove: false, ...fields };
  ctx.store.data.tokens.push(record);
  ctx.changed();
  return record;
}

export function updateToken(ctx: Context, uuid: string, input: TokenPut): void {
  const t = getToken(ctx, uuid, `Failed to get token ${q(uuid)}`);
  try {
    Object.assign(t, validToken(input, t.channel));
  } catch (err) {
    rewrap(err, `Failed updating token ${q(uuid)}`);
  }
  ctx.changed();
}

/** Deletes a token with its seeds. */
export function deleteToken(ctx: Context, uuid: string): void {
  const data = ctx.store.data;
  const t = getToken(ctx, uuid);
  data.tokens = data.tokens.filter((x) => x !== t);
  data.token_seeds = data.token_seeds.filter((s) => s.token_uuid !== t.uuid);
  ctx.changed();
}

export function listTokenSeeds(ctx: Context, token: TokenRecord): TokenSeedRecord[] {
  return ctx.store.data.token_seeds.filter((s) => s.token_uuid === token.uuid).sort(byName);
}

export function getTokenSeed(ctx: Context, uuid: string, name: string, context?: string): TokenSeedRecord {
  return found(
    ctx.store.data.token_seeds.find((x) => x.token_uuid === uuid && x.name === name),
    context,
  );
}

export function createTokenSeed(ctx: Context, token: TokenRecord, name: string, input: TokenSeedPut): void {
  const data = ctx.store.data;
  if (name === "") throw validation("Validate token seed: Invalid token seed, name can not be empty");
  if (data.token_seeds.some((s) => s.token_uuid === token.uuid && s.name === name)) throw constraint("Constraint violation");
  data.token_seeds.push({ token_uuid: token.uuid, name, ...input, last_updated: nowString() });
  ctx.changed();
}

export function updateTokenSeed(ctx: Context, uuid: string, name: string, input: TokenSeedPut): void {
  const s = getTokenSeed(ctx, uuid, name, `Failed to get token seed config "${uuid}/${name}"`);
  Object.assign(s, input, { last_updated: nowString() });
  ctx.changed();
}

export function deleteTokenSeed(ctx: Context, uuid: string, name: string): void {
  const s = getTokenSeed(ctx, uuid, name);
  ctx.store.data.token_seeds = ctx.store.data.token_seeds.filter((x) => x !== s);
  ctx.changed();
}

export function listChannels(ctx: Context): ChannelRecord[] {
  return [...ctx.store.data.channels].sort(byName);
}

export function getChannel(ctx: Context, name: string, context?: string): ChannelRecord {
  return found(
    ctx.store.data.channels.find((x) => x.name === name),
    context,
  );
}

export function createChannel(ctx: Context, name: string, description: string): void {
  const data = ctx.store.data;
  try {
    if (name === "") throw validation("Invalid channel, validation of name failed: name must not be empty");
    if (data.channels.some((c) => c.name === name)) throw constraint("Constraint violation");
  } catch (err) {
    rewrap(err, "Failed creating channel");
  }
  data.channels.push({ name, description, last_updated: nowString() });
  ctx.changed();
}

export function updateChannel(ctx: Context, name: string, description: string): void {
  const c = getChannel(ctx, name, `Failed to get channel ${q(name)}`);
  c.description = description;
  c.last_updated = nowString();
  ctx.changed();
}

/** Deletes a channel no server or cluster uses (the database's foreign keys refuse it otherwise). */
export function deleteChannel(ctx: Context, name: string): void {
  const data = ctx.store.data;
  const c = getChannel(ctx, name);
  const users = [
    ...data.servers.filter((s) => s.channel === c.name).map((s) => s.name),
    ...data.clusters.filter((x) => x.channel === c.name).map((x) => x.name),
  ];
  if (users.length > 0) throw constraint(`Channel ${q(c.name)} is still in use: Constraint violation`);
  data.channels = data.channels.filter((x) => x !== c);
  ctx.changed();
}

/** The channel's updates, newest first. */
export function channelUpdates(ctx: Context, channel: ChannelRecord): UpdateRecord[] {
  return ctx.store.data.updates.filter((u) => u.channels.includes(channel.name)).sort(byVersionDescending);
}

/** The updates, newest first, with the list's status and channel filters ("" for none). */
export function listUpdates(ctx: Context, status: string, channel: string): UpdateRecord[] {
  let updates = [...ctx.store.data.updates].sort(byVersionDescending);
  if (status !== "") updates = updates.filter((u) => u.update_status === status);
  if (channel !== "") updates = updates.filter((u) => u.channels.includes(channel));
  return updates;
}

export function getUpdate(ctx: Context, uuid: string, context?: string): UpdateRecord {
  return found(
    ctx.store.data.updates.find((x) => x.uuid === uuid),
    context,
  );
}

/** The newest update older than this one. */
export function priorUpdate(ctx: Context, u: UpdateRecord): UpdateRecord | undefined {
  return ctx.store.data.updates.filter((x) => x.version < u.version).sort(byVersionDescending)[0];
}

/** CleanupAll: every update goes (and its files); a refresh fetches again what the source offers. */
export function deleteAllUpdates(ctx: Context): void {
  ctx.store.data.updates = [];
  ctx.changed();
}

export function refreshUpdates(ctx: Context): void {
  ensureUpdates(ctx.store.data);
  ctx.changed();
}

/** PUT of an update: its channels, each of which must exist. */
export function setUpdateChannels(ctx: Context, uuid: string, channels: string[]): void {
  const u = getUpdate(ctx, uuid, `Failed to get update ${q(uuid)}`);
  const unknown = channels.find((c) => !ctx.store.data.channels.some((x) => x.name === c));
  if (unknown !== undefined) throw notFound().wrap(`Failed updating update ${q(uuid)}: Failed to get channel ${q(unknown)}`);
  u.channels = channels;
  ctx.changed();
}

export function listIncusImages(ctx: Context): IncusImageRecord[] {
  return [...ctx.store.data.incus_images].sort(byName);
}

export function getIncusImage(ctx: Context, name: string, context?: string): IncusImageRecord {
  return found(
    ctx.store.data.incus_images.find((x) => x.name === name),
    context,
  );
}

export function updateIncusImage(ctx: Context, name: string, input: Pick<IncusImageRecord, "description" | "aliases">): void {
  const i = getIncusImage(ctx, name, `Failed to get incus image ${q(name)}`);
  Object.assign(i, input, { last_updated: nowString() });
  ctx.changed();
}

export function deleteIncusImage(ctx: Context, name: string): void {
  const i = getIncusImage(ctx, name);
  ctx.store.data.incus_images = ctx.store.data.incus_images.filter((x) => x !== i);
  ctx.changed();
}

export function deleteIncusImageVersion(ctx: Context, name: string, version: string): void {
  const i = getIncusImage(ctx, name);
  if (i.versions[version] === undefined) throw notFound();
  delete i.versions[version];
  ctx.changed();
}

export function listImageSources(ctx: Context): ImageSourceRecord[] {
  return [...ctx.store.data.image_sources].sort(byName);
}

export function getImageSource(ctx: Context, name: string, context?: string): ImageSourceRecord {
  return found(
    ctx.store.data.image_sources.find((x) => x.name === name),
    context,
  );
}

export function createImageSource(ctx: Context, input: Omit<ImageSourceRecord, "last_updated">): void {
  const data = ctx.store.data;
  try {
    if (input.name === "") throw validation("Invalid image source, name can not be empty");
    if (input.url === "") throw validation("Invalid image source, url can not be empty");
    if (data.image_sources.some((s) => s.name === input.name)) throw constraint("Constraint violation");
  } catch (err) {
    rewrap(err, "Failed creating image source");
  }
  data.image_sources.push({ ...input, last_updated: nowString() });
  ctx.changed();
}

/** PUT of an image source: an empty url keeps the current one. */
export function updateImageSource(ctx: Context, name: string, input: Pick<ImageSourceRecord, "url" | "filter_expression">): void {
  const s = getImageSource(ctx, name, `Failed to get image source ${q(name)}`);
  s.url = input.url === "" ? s.url : input.url;
  s.filter_expression = input.filter_expression;
  s.last_updated = nowString();
  ctx.changed();
}

export function deleteImageSource(ctx: Context, name: string): void {
  const s = getImageSource(ctx, name);
  ctx.store.data.image_sources = ctx.store.data.image_sources.filter((x) => x !== s);
  ctx.changed();
}
