import type { Request, Response } from "express";
import { z } from "zod";

/**
 * Cursor pages (`cursor=`, `limit=`, `Link: <...>; rel="next"`): a cursor is the sort key of the
 * last row of the page before, as base64url JSON, opaque to clients. Pages are keyset reads
 * (`WHERE key < cursor ORDER BY key DESC LIMIT n`), so rows inserted meanwhile never shift a page
 * and each page costs one index range whatever its depth.
 */
export function cursorOf(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

/** `cursor=` as a zod schema: decodes to the key tuple `shape` describes, or a 400 VALIDATION_ERROR. */
export function cursorParam<T extends z.ZodTypeAny>(shape: T) {
  return z
    .string()
    .max(1_000)
    .transform((text, ctx): z.infer<T> => {
      let parsed: unknown;
      try {
        parsed = /^[A-Za-z0-9_-]+$/.test(text)
          ? JSON.parse(Buffer.from(text, "base64url").toString("utf8"))
          : undefined;
      } catch {
        parsed = undefined;
      }
      const result = shape.safeParse(parsed);
      if (!result.success) {
        ctx.addIssue({
          code: "custom",
          message: "is not a cursor this API gave (take it from the Link header of the page before)",
        });
        return z.NEVER;
      }
      return result.data;
    });
}

/** A list page: at most `limit` of `rows` (read as `limit + 1` to know whether more follow). */
export function sendPage<R>(req: Request, res: Response, rows: R[], limit: number, keyOf: (row: R) => unknown[]): R[] {
  if (rows.length <= limit) return rows;
  const page = rows.slice(0, limit);
  const url = new URL(req.originalUrl, "http://x");
  url.searchParams.set("cursor", cursorOf(keyOf(page[page.length - 1])));
  res.set("Link", `<${url.pathname}${url.search}>; rel="next"`);
  return page;
}
