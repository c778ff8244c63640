import http from "node:http";

// The latency figures' client: node:http on kept-alive connections (one per client loop). The
// client runs in the API's process (one machine, one run), so its own CPU time is in every figure;
// undici's `fetch` spends ~0.1–0.3 ms more per request here than node:http does, which is the
// client's cost, not the platform's.
const agent = new http.Agent({ keepAlive: true });

export interface Answer {
  status: number;
  body: string;
}

export function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? "GET", headers: options.headers, agent }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}
