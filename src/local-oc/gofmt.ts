// Go's %v formatting for the values Operations Center prints in its inconsistency reasons:
// maps print as map[k:v ...] with sorted keys, slices as [a b], structs as {f1 f2}.

export function goValue(value: unknown, kind: "map" | "struct" = "struct"): string {
  if (value === null || value === undefined) return "<nil>";
  if (Array.isArray(value)) return `[${value.map((v) => goValue(v)).join(" ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (kind === "map") {
      return `map[${entries
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => `${k}:${goValue(v, "map")}`)
        .join(" ")}]`;
    }
    return `{${entries.map(([, v]) => goValue(v, "map")).join(" ")}}`;
  }
  return String(value);
}

/** reflect.DeepEqual for JSON values (nil and empty slices differ in Go; here both are "empty"). */
export function deepEqual(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(norm);
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>)
          .sort(([x], [y]) => (x < y ? -1 : 1))
          .map(([k, x]) => [k, norm(x)]),
      );
    }
    return v;
  };
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}
