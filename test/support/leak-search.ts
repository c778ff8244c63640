import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { inspect } from "node:util";

// Searching for a secret's plaintext where it must not be: in every common encoding, in text and
// in raw bytes (database files, logs), so a leak through any encoding layer is found.

export interface TestSecret {
  label: string;
  plaintext: string;
  /** The random part; found alone, it is a leak too (e.g. of a truncated or re-wrapped value). */
  core: string;
}

/**
 * Characters that JSON, URLs and shells treat specially, to make the encoded forms differ (a form
 * body encodes `~!'()` and keeps `*`, which encodeURIComponent does the other way round).
 */
const SPECIAL = ` +/=&?%"\\ü€~!'()*`;

/**
 * A random secret. `multiline`: a PEM-like key of several lines, each line with some of the random
 * part, as a stack trace would show it line by line.
 */
export function makeSecret(label: string, options: { special?: boolean; multiline?: boolean } = {}): TestSecret {
  const core = randomBytes(12).toString("hex");
  const plaintext = options.multiline
    ? `-----BEGIN TEST KEY-----\nleak_${core.slice(0, 12)}${randomBytes(6).toString("hex")}\n${randomBytes(6).toString("hex")}${core.slice(12)}_key\n-----END TEST KEY-----`
    : `leak_${core}${options.special ? SPECIAL : ""}`;
  return { label, core, plaintext };
}

/** Every base64 (or base64url) rendering of `bytes` that shows up inside the encoding of any longer text containing them. */
function base64Forms(bytes: Buffer, encoding: "base64" | "base64url"): string[] {
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const usable = Math.floor((bytes.length - offset) / 3) * 3;
    forms.push(bytes.subarray(offset, offset + usable).toString(encoding));
  }
  return forms;
}

export interface Needle {
  secret: string;
  form: string;
  text: string;
}

export function needlesOf(text: string, secret: string, prefix: string): Needle[] {
  const bytes = Buffer.from(text, "utf8");
  // Its UTF-16 bytes read as UTF-8 (a tool's UTF-16LE output): a NUL after each ASCII character.
  const utf16AsBytes = Buffer.from(text, "utf16le").toString("utf8");
  // Escaped by JSON.stringify, by util.inspect (console.log of an object), and either escaped
  // again as JSON, as a run's stored log holds a line.
  const escaped = (form: string, as: string): [string, string][] => [
    [`${as}, json-escaped`, JSON.stringify(form).slice(1, -1)],
    [`${as}, json-escaped twice`, JSON.stringify(JSON.stringify(form).slice(1, -1)).slice(1, -1)],
    [`${as}, inspected`, inspect(form).slice(1, -1)],
    [`${as}, inspected, json-escaped`, JSON.stringify(inspect(form).slice(1, -1)).slice(1, -1)],
  ];
  const url = new URL("https://host");
  url.password = text;
  const forms: [string, string][] = [
    ["raw", text],
    ...escaped(text, "raw"),
    ["url-encoded", encodeURIComponent(text)],
    ["URI-encoded", encodeURI(text)],
    ["form-encoded", new URLSearchParams({ v: text }).toString().slice(2)],
    ["URL password", url.password],
    ["hex", bytes.toString("hex")],
    ["HEX", bytes.toString("hex").toUpperCase()],
    // A Buffer as console.log shows it (<Buffer 6c 65 ...>), and its JSON ({"type":"Buffer","data":[108,101,...]}).
    ["Buffer inspected", bytes.toString("hex").replace(/(..)(?!$)/g, "$1 ")],
    ["Buffer as JSON", bytes.join(",")],
    ["UTF-16 read as UTF-8", utf16AsBytes],
    ...escaped(utf16AsBytes, "UTF-16 read as UTF-8"),
    ...base64Forms(bytes, "base64").map((form, i): [string, string] => [`base64@${i}`, form]),
    ...base64Forms(bytes, "base64url").map((form, i): [string, string] => [`base64url@${i}`, form]),
  ];
  const seen = new Set<string>();
  return forms
    .filter(([, form]) => form.length >= 16 && !seen.has(form) && seen.add(form))
    .map(([form, needle]) => ({ secret, form: `${prefix}${form}`, text: needle }));
}

export function needlesFor(secret: TestSecret): Needle[] {
  // Each line of a multi-line secret is a secret of its own: a stack trace repeats them one by one.
  const lines = secret.plaintext.includes("\n")
    ? secret.plaintext.split("\n").map((line, i) => needlesOf(line.trim(), secret.label, `line ${i + 1} `))
    : [];
  return [
    ...needlesOf(secret.plaintext, secret.label, ""),
    ...needlesOf(secret.core, secret.label, "core "),
    ...lines.flat(),
  ];
}

export interface Haystack {
  where: string;
  content: string | Buffer;
}

export interface Leak {
  where: string;
  secret: string;
  form: string;
}

/** Every (place, secret, form) where a needle occurs. Buffers are searched as UTF-8 and, for the raw forms, UTF-16LE. */
export function findLeaks(haystacks: Haystack[], needles: Needle[]): Leak[] {
  const leaks: Leak[] = [];
  for (const { where, content } of haystacks) {
    for (const needle of needles) {
      let found: boolean;
      if (typeof content === "string") found = content.includes(needle.text);
      else {
        found = content.includes(Buffer.from(needle.text, "utf8"));
        if (!found && (needle.form === "raw" || needle.form === "core raw"))
          found = content.includes(Buffer.from(needle.text, "utf16le"));
      }
      if (found) leaks.push({ where, secret: needle.secret, form: needle.form });
    }
  }
  return leaks;
}

/** Every file under `dir`, read as bytes. */
export function filesUnder(dir: string): Haystack[] {
  const out: Haystack[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push({ where: `file ${path}`, content: readFileSync(path) });
  }
  return out;
}
