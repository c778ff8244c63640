import type { Request } from "express";
import { BifrostError, ValidationError } from "../errors/index.ts";

/**
 * The errors Express and body-parser raise for a request they cannot read, as the API's own.
 * Their messages are safe, but we word them ourselves. Null for any other error.
 */
export function fromLibraryError(error: unknown, req: Request): BifrostError | null {
  const { type, status, expose, limit } = (error ?? {}) as {
    type?: string;
    status?: number;
    expose?: boolean;
    limit?: number;
  };
  if (type === "entity.too.large") {
    return new BifrostError(
      "PAYLOAD_TOO_LARGE",
      `Request body is larger than the limit${limit ? ` of ${limit} bytes` : ""}`,
    );
  }
  if (type === "entity.parse.failed") return new ValidationError([{ path: "body", message: "not valid JSON" }]);
  if (type === "charset.unsupported" || type === "encoding.unsupported") {
    return new BifrostError(
      "UNSUPPORTED_MEDIA_TYPE",
      "Unsupported body encoding: send UTF-8 JSON, uncompressed or with Content-Encoding gzip, deflate or br",
    );
  }
  // Express's router cannot decode a path parameter (`%ZZ`, or escapes that spell no UTF-8).
  if (error instanceof URIError && status === 400) {
    return new BifrostError(
      "MALFORMED_REQUEST",
      "The request path has a malformed percent-escape: each % must start an escape of two hex digits, and the escapes must spell UTF-8 (encode path parts with encodeURIComponent)",
    );
  }
  // Any other client error of theirs (http-errors marks those `expose`): a body whose
  // Content-Encoding does not decode (corrupt or truncated gzip, deflate or brotli), a body shorter
  // than its Content-Length.
  if (expose === true && typeof status === "number" && status >= 400 && status < 500) {
    const encoding = req.headers["content-encoding"];
    return new BifrostError(
      "MALFORMED_REQUEST",
      encoding && encoding !== "identity" && type === undefined
        ? `The request body does not decode as its Content-Encoding (${encoding}) says: it is corrupt or cut short`
        : "The request body could not be read: it does not match its headers (Content-Length, Content-Encoding)",
    );
  }
  return null;
}
