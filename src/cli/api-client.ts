import { CliError, EXIT, exitCodeForStatus } from "./cli-error.ts";
import { readCredentials } from "./credentials.ts";

export interface ApiClientOptions {
  url?: string;
  token?: string;
}

/** The CLI's view of the HTTP API: BIFROST_URL + BIFROST_TOKEN, errors turned into one line. */
export class ApiClient {
  readonly baseUrl: string;
  readonly #token: string;

  /** The environment's BIFROST_URL and BIFROST_TOKEN win over what `bifrost login` kept. */
  constructor(options: ApiClientOptions = {}) {
    const kept = readCredentials();
    this.baseUrl = (
      options.url ??
      process.env.BIFROST_URL ??
      kept?.url ??
      `http://127.0.0.1:${process.env.PORT ?? 3000}`
    ).replace(/\/+$/, "");
    const token = options.token ?? process.env.BIFROST_TOKEN ?? kept?.token;
    if (!token)
      throw new CliError(
        "BIFROST_TOKEN is not set: export it, or run `bifrost login` (make a token with `bifrost tokens create --admin`)",
        EXIT.denied,
      );
    this.#token = token;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    const body = text ? safeJson(text) : undefined;
    if (body === undefined) throw this.notTheApi(method, path, response);
    return body as T;
  }

  /**
   * The response itself (for streamed bodies such as exports), once its status is known to be OK
   * and its body JSON. Anything else than the API's JSON (a proxy's or another server's HTML
   * page) is a one-line error naming the URL and the status.
   */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const url = new URL(this.baseUrl + path);
    for (const [name, value] of Object.entries(options.query ?? {}))
      if (value !== undefined) url.searchParams.set(name, String(value));
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.#token}`,
          ...(options.body === undefined ? {} : { "content-type": "application/json" }),
          ...options.headers,
        },
        body:
          options.body === undefined
            ? undefined
            : typeof options.body === "string"
              ? options.body
              : JSON.stringify(options.body),
        signal: options.signal,
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new CliError(
        `cannot reach the Bifrost API at ${this.baseUrl} (${cause}): is \`bifrost start\` running, and is BIFROST_URL right?`,
      );
    }
    if (!response.ok) {
      const body = safeJson(await response.text());
      const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
      if (typeof error?.code === "string" && typeof error.message === "string") {
        throw new CliError(
          `${error.code}: ${error.message}`,
          exitCodeForStatus(response.status),
          error.code,
          error.details,
        );
      }
      throw this.notTheApi(method, path, response);
    }
    const expected = options.stream ? /^text\/event-stream\b/i : /\bjson\b/i;
    if (response.status !== 204 && !expected.test(response.headers.get("content-type") ?? "")) {
      await response.body?.cancel();
      throw this.notTheApi(method, path, response);
    }
    return response;
  }

  private notTheApi(method: string, path: string, response: Response): CliError {
    const type = response.headers.get("content-type")?.split(";")[0].trim() || "no content type";
    return new CliError(
      `${this.baseUrl} answered ${method} ${path} with HTTP ${response.status} (${type}), not the Bifrost API's JSON: is BIFROST_URL right?`,
    );
  }
}

interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  /** Sent as JSON; a string is sent as it is (already JSON text). */
  body?: unknown;
  headers?: Record<string, string>;
  /** The answer is a text/event-stream (Server-Sent Events), not JSON. */
  stream?: boolean;
  signal?: AbortSignal;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
