// What a JSON value must be for the platform to store it and write it back out: JSON.parse reads
// any depth, but JSON.stringify (and every recursive walk after it) overflows the stack on a value
// nested thousands deep; and a lone UTF-16 surrogate (`"\ud800"`, valid JSON) is no Unicode text,
// which Prisma refuses to send and PostgreSQL to hold.

/** How deeply a stored JSON value (a json config, a workflow's params) may nest. */
export const MAX_VALUE_DEPTH = 64;
/** How deeply a workflow's result may nest. */
export const MAX_RESULT_DEPTH = 128;
/** How deeply a request body may nest: room for a bundle or a request around a value of MAX_VALUE_DEPTH. */
export const MAX_BODY_DEPTH = 128;

export interface UnstorableJson {
  /** Where: property names and array indexes from the top. */
  path: (string | number)[];
  reason: string;
}

interface Visit {
  value: unknown;
  depth: number;
  parent: Visit | null;
  key: string | number | null;
}

/**
 * The first part of `value` that cannot be stored: a container deeper than `maxDepth` levels
 * (`[]` is one level, `[[]]` two), or a string or property name that is not well-formed Unicode.
 * Iterative, so a value of any depth is checked without recursion.
 */
export function findUnstorableJson(value: unknown, maxDepth: number): UnstorableJson | null {
  const stack: Visit[] = [{ value, depth: 0, parent: null, key: null }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const current = visit.value;
    if (typeof current === "string") {
      if (!current.isWellFormed()) return { path: pathOf(visit), reason: LONE_SURROGATE };
      continue;
    }
    if (current === null || typeof current !== "object") continue;
    const depth = visit.depth + 1;
    // Where it starts: the rest of a path that deep says nothing more.
    if (depth > maxDepth) return { path: pathOf(visit).slice(0, 4), reason: `nested deeper than ${maxDepth} levels` };
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], depth, parent: visit, key: i });
      continue;
    }
    const keys = Object.keys(current);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      if (!key.isWellFormed()) return { path: pathOf(visit), reason: `a property name here is ${LONE_SURROGATE}` };
      stack.push({ value: (current as Record<string, unknown>)[key], depth, parent: visit, key });
    }
  }
  return null;
}

const LONE_SURROGATE = "not valid Unicode: it holds a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff escape)";

function pathOf(visit: Visit): (string | number)[] {
  const path: (string | number)[] = [];
  for (let at: Visit | null = visit; at && at.key !== null; at = at.parent) path.push(at.key);
  return path.reverse();
}
