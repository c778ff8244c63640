import type { ResponseConfig } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { ErrorCode } from "../../errors/index.ts";
import { ERROR_STATUS } from "../error-status.ts";

// Small builders the path files share, so every operation answers errors the same way.

/** The one error shape of the API (src/http/error-handler.ts). */
export const ErrorBody = z
  .object({
    error: z.object({
      code: ErrorCode.meta({
        id: "ErrorCode",
        description: "Stable: clients match on it; the HTTP status follows from it",
      }),
      message: z.string().meta({ description: "For people; may change" }),
      details: z
        .unknown()
        .optional()
        .meta({ description: "Structured detail when there is any, e.g. the invalid fields" }),
    }),
  })
  .meta({
    id: "Error",
    description: "Every error the API answers",
    example: {
      error: {
        code: "VALIDATION_ERROR",
        message: "Invalid body: type: Invalid option",
        details: [{ path: "body.type", message: "Invalid option" }],
      },
    },
  });

const WHY: Record<number, string> = {
  400: "The input is invalid",
  401: "No token, or an unknown, expired or revoked one",
  403: "This token may not do this (another org, admin only, or read-only)",
  404: "Not found (another org's rows answer the same)",
  409: "Conflicts with the current state",
  413: "The body is too large",
  415: "The body is not JSON",
  422: "Well-formed, but cannot be done",
  429: "Too many failed authentications from this address",
  503: "The queue or the database is unavailable; retry",
};

/** Error responses for these statuses, each naming the codes that answer with it (from ERROR_STATUS). */
export function errors(...statuses: number[]): Record<string, ResponseConfig> {
  return Object.fromEntries(
    statuses.map((status) => {
      const codes = Object.entries(ERROR_STATUS)
        .filter(([, s]) => s === status)
        .map(([code]) => `\`${code}\``);
      return [
        String(status),
        {
          description: `${WHY[status] ?? "Error"}: ${codes.join(", ")}`,
          content: { "application/json": { schema: ErrorBody } },
        },
      ];
    }),
  );
}

/** What every bearer-authenticated operation can answer besides its own errors. */
export const AUTH_ERRORS = [401, 429] as const;

/** A JSON response. */
export function json(description: string, schema: z.ZodType): ResponseConfig {
  return { description, content: { "application/json": { schema } } };
}

/** `?scope=`: where the request acts. */
export const ScopeQuery = z.string().optional().meta({
  description: "`global`, an org id or an org name; default: global for admin tokens, the own org for org tokens",
  example: "acme",
});

/** `?scope=` on a list: a filter. */
export const ScopeFilter = z.string().optional().meta({
  description: "Only this scope (`global`, an org id or name); an org token sees its own org's rows only",
  example: "acme",
});

/** `?workflow=` on a list. */
export const WorkflowFilter = z
  .string()
  .regex(/^[a-z0-9_]{1,100}$/)
  .optional()
  .meta({ description: "Only this workflow's", example: "charge_card" });

export const TrueFalse = z.enum(["true", "false"]);

/** Cursor paging of the v2 contract: the answer stays an array, `Link` names the next page. */
export const CursorQuery = {
  cursor: z
    .string()
    .optional()
    .meta({ description: 'Opaque: the `cursor` of the `Link: rel="next"` URL of the previous page' }),
};

export const LinkHeaders = z.object({
  Link: z.string().optional().meta({
    description: 'When more rows exist: `<url>; rel="next"`',
    example: '</api/executions?cursor=eyJ0IjoxfQ&limit=50>; rel="next"',
  }),
});

/** A path segment that names a row by id. */
export function idParam(what: string) {
  return z.object({ id: z.string().meta({ description: `The ${what}'s id` }) });
}
