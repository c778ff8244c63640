import { createHash } from "node:crypto";
import { inspect } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SecretScrubber, encodingsOf, formsOf, valuesToFind } from "../../src/secrets/secret-scrubber.ts";
import { findLeaks, makeSecret, needlesFor, needlesOf } from "../support/leak-search.ts";

describe("SecretScrubber", () => {
  const secret = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
  const scrubber = new SecretScrubber([secret, "hunter2!", "p@ss word/ü"]);

  it.each([
    ["plain", `key=${secret}.`],
    ["base64", Buffer.from(secret).toString("base64")],
    ["base64url", Buffer.from("p@ss word/ü").toString("base64url")],
    ["URL-encoded", encodeURIComponent("p@ss word/ü")],
    ["form-encoded", "p%40ss+word%2F%C3%BC"],
    ["JSON-escaped", JSON.stringify({ v: "p@ss word/ü" })],
    ["hex", Buffer.from(secret).toString("hex")],
    ["HEX", Buffer.from(secret).toString("hex").toUpperCase()],
  ])("redacts the %s form", (_name, text) => {
    const out = scrubber.scrub(text);
    expect(out).toContain("[REDACTED]");
    expect(out).not.toContain(secret);
    expect(out).not.toContain("p@ss word");
  });

  it.each([0, 1, 2, 3, 4, 5])(
    "redacts base64 and base64url inside the encoding of a longer text, %i bytes before the value, and the groups holding its first and last bytes",
    (before) => {
      const prefix = "Authorization: Basic ";
      for (const value of [secret, "p@ss word/ü", "8-bytes!"]) {
        const n = Buffer.byteLength(value);
        const bytes = Buffer.from(`${"u".repeat(before)}${value}:more`);
        for (const encoded of [bytes.toString("base64"), bytes.toString("base64url")]) {
          // Every 4-character group that holds a byte of the value goes: the groups of bytes
          // floor(before / 3) to ceil((before + n) / 3).
          const expected = `${prefix}${encoded.slice(0, 4 * Math.floor(before / 3))}[REDACTED]${encoded.slice(4 * Math.ceil((before + n) / 3))}`;
          expect(scrubber.with(["8-bytes!"]).scrub(`${prefix}${encoded}`), `${value} after ${before}`).toBe(expected);
        }
      }
    },
  );

  it("matches short values inside longer base64 only where 6 of their bytes fall in whole groups", () => {
    expect(
      formsOf("7bytes!")
        .filter((f) => f.before + f.after > 0)
        .map((f) => f.text.length),
    ).toEqual([8, 8, 8, 8]);
    expect(formsOf("5byte").filter((f) => f.before + f.after > 0)).toEqual([]);
    expect(new SecretScrubber(["5byte"]).scrub(Buffer.from("ab5bytexyz").toString("base64"))).not.toContain(
      "[REDACTED]",
    );
  });

  it("takes an escape's backslash along rather than leave it alone before a redaction", () => {
    // "\nope-secret-1234" in JSON text (a log line of JSON) is a newline and "ope-…", but it reads as
    // the value from its "n" on: a redaction from there would leave a lone backslash, and the JSON unreadable.
    const json = JSON.stringify({ log: "line\nope-secret-1234", s: "a\\nope-secret-1234" });
    const out = new SecretScrubber(["nope-secret-1234"]).scrub(json);
    expect(JSON.parse(out)).toEqual({ log: "line[REDACTED]", s: "a\\[REDACTED]" });
  });

  it("leaves nothing the tests' leak search finds in base64 texts that hold a secret, JSON-escaped or not", () => {
    for (let i = 0; i < 50; i++) {
      const leaked = makeSecret("leaked", { special: i % 2 === 0 });
      const one = new SecretScrubber([leaked.plaintext]);
      const pad = "x".repeat(i % 7);
      const texts = [
        `Authorization: Basic ${Buffer.from(`${pad}:${leaked.plaintext}`).toString("base64")}`,
        `body ${Buffer.from(JSON.stringify({ pad, token: leaked.plaintext, n: i })).toString("base64")}`,
        `jwt eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: pad, key: leaked.plaintext })).toString("base64url")}.sig`,
      ];
      const haystacks = texts.map((text, n) => ({ where: `text ${n}`, content: one.scrub(text) }));
      expect(findLeaks(haystacks, needlesFor(leaked)), leaked.plaintext).toEqual([]);
      // The search does find them unscrubbed, so this test can fail.
      expect(findLeaks([{ where: "unscrubbed", content: texts.join("\n") }], needlesFor(leaked))).not.toEqual([]);
    }
  });

  it("redacts every occurrence, merges overlaps, keeps the rest", () => {
    expect(scrubber.scrub(`a hunter2! b hunter2!hunter2! c`)).toBe("a [REDACTED] b [REDACTED] c");
    const overlapping = new SecretScrubber(["abcdef", "defghi"]);
    expect(overlapping.scrub("xxabcdefghixx")).toBe("xx[REDACTED]xx");
  });

  it("finds a pattern that starts inside a failed partial match", () => {
    const s = new SecretScrubber(["aaab", "abcd"]);
    expect(s.scrub("aaaabcd")).toBe("a[REDACTED]");
    const nested = new SecretScrubber(["bcde", "fghi", "abcdefghijk"]);
    expect(nested.scrub("xabcdefghijkx")).toBe("x[REDACTED]x");
    expect(new SecretScrubber(["abab"]).scrub("abababx")).toBe("[REDACTED]x");
  });

  it("leaves text alone when there are no values, or values too short to scrub", () => {
    expect(new SecretScrubber([]).scrub("anything")).toBe("anything");
    expect(new SecretScrubber(["ab"]).scrub("abc ab")).toBe("abc ab");
  });

  it("redacts a value whose UTF-16 bytes were read as one byte a character (a NUL beside each character), in text and in JSON", () => {
    const le = Buffer.from(`x ${secret} y`, "utf16le").toString("utf8");
    expect(le).toBe([..."x sk_live_4eC39HqLyjWDarjtT1zdp7dc y"].map((c) => `${c}\0`).join(""));
    expect(scrubber.scrub(`out: ${le}`)).toBe("out: x\0 \0[REDACTED]\0 \0y\0");
    const be = Buffer.from(`x ${secret} y`, "utf16le").swap16().toString("latin1");
    expect(scrubber.scrub(be)).toBe("\0x\0 \0[REDACTED]\0 \0y");
    // As a run's result stores it: JSON writes each NUL as \u0000.
    const json = JSON.stringify({ out: le });
    expect(json).toContain("s\\u0000k\\u0000");
    expect(JSON.parse(scrubber.scrubJson(json))).toEqual({ out: "x\0 \0[REDACTED]\0 \0y\0" });
    // Beyond ASCII, what UTF-8 makes of its bytes (ü is FC 00: U+FFFD, then a NUL).
    expect(scrubber.scrub(Buffer.from("p@ss word/ü!", "utf16le").toString("utf8"))).toBe("[REDACTED]\0!\0");
    expect(scrubber.scrub("no NUL here, \0 one there")).toBe("no NUL here, \0 one there");
  });

  it("redacts such text where it was escaped: logged as JSON, or by console.log of an object", () => {
    const le = Buffer.from(`x ${secret} y`, "utf16le").toString("utf8");
    expect(scrubber.scrub(`json ${JSON.stringify({ out: le })}`)).toBe(
      `json {"out":"x\\u0000 \\u0000[REDACTED]\\u0000 \\u0000y\\u0000"}`,
    );
    const logged = inspect({ out: le }, { breakLength: Infinity });
    expect(logged).toContain("s\\x00k\\x00");
    expect(scrubber.scrub(logged)).toBe("{ out: 'x\\x00 \\x00[REDACTED]\\x00 \\x00y\\x00' }");
    // A backslash escaped before "u0000" is text, not a NUL: a value ending in a backslash stays JSON.
    const slashed = new SecretScrubber(["tail-of\\"]);
    const json = JSON.stringify({ v: 'tail-of\\\0"' });
    expect(json).toBe('{"v":"tail-of\\\\\\u0000\\""}');
    expect(JSON.parse(slashed.scrub(json))).toEqual({ v: '[REDACTED]\0"' });
  });

  it("redacts a value as console.log of an object writes it: backslashes and control characters escaped, quotes as they are", () => {
    const value = 'pa\\ss"w\nörd';
    for (const logged of [inspect({ v: value }), inspect([value, `it's ${value}`]), inspect(new Map([["k", value]]))]) {
      expect(logged).toContain("pa\\\\ss");
      expect(new SecretScrubber([value]).scrub(logged), logged).not.toMatch(/pa|rd/);
    }
    // A quote of each kind in the logged string: inspect escapes its single quotes.
    const quoted = "it's-a `secret`";
    const logged = inspect({ v: `"${quoted}"` });
    expect(logged).toContain("it\\'s");
    expect(new SecretScrubber([quoted]).scrub(logged)).toBe(`{ v: '"[REDACTED]"' }`);
  });

  it("redacts a value in lines longer than a line as worker processes have inspect show it: in one piece", () => {
    // A key file as JSON in lines: its quotes make the inspected form differ from the JSON-escaped one.
    const value = JSON.stringify(
      {
        type: "service_account",
        private_key: `-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END KEY-----\n`,
      },
      null,
      2,
    );
    const logged = inspect({ key: value }, { breakLength: Infinity });
    expect(new SecretScrubber([value]).scrub(logged)).toBe("{ key: '[REDACTED]' }");
  });

  it("takes what an escape it ends with escapes: a value ending in a backslash leaves JSON text readable", () => {
    const value = "Pa55w0rd\\";
    // In JSON text "Pa55w0rd\"" reads as the value from its start: the quote's backslash ends it.
    const json = JSON.stringify({ a: 'Pa55w0rd"quoted"', b: `${value}"`, c: `${value}\\` });
    expect(json).toContain('"Pa55w0rd\\"quoted');
    // c's JSON text, Pa55w0rd\\\\, is also the value escaped twice (JSON held in JSON): redacted whole.
    expect(JSON.parse(new SecretScrubber([value]).scrub(json))).toEqual({
      a: '[REDACTED]quoted"',
      b: '[REDACTED]"',
      c: "[REDACTED]",
    });
  });

  it("takes a \\uXXXX escape whole rather than cut it when a redaction reaches into it", () => {
    // Base64 of a text holding the secret at offset 1, its first group dropped: the match is
    // widened over the 4 characters before it, here the digits of an escaped ESC.
    const encoded = Buffer.from(`u${secret}`).toString("base64").slice(4);
    const json = JSON.stringify({ line: `\u001b${encoded}` });
    expect(json).toMatch(/^\{"line":"\\u001b[A-Za-z0-9+/]/);
    expect(JSON.parse(scrubber.scrub(json))).toEqual({ line: expect.stringMatching(/^\[REDACTED\]/) });
    expect(scrubber.scrub(`x\\u001b${encoded}`)).toMatch(/^x\[REDACTED\]/);
  });

  it("keeps a UTF-16 form only where it shows 4 of the value's characters", () => {
    // Ä, Ö, Ü and ß are C4 00, D6 00, DC 00 and DF 00: each U+FFFD and a NUL once read as UTF-8.
    expect(encodingsOf("ÄÖÜß")).not.toContain("\uFFFD\uFFFD\uFFFD\uFFFD");
    expect(new SecretScrubber(["ÄÖÜß"]).scrub("binary \uFFFD\uFFFD\uFFFD\uFFFD out")).toBe(
      "binary \uFFFD\uFFFD\uFFFD\uFFFD out",
    );
    expect(encodingsOf("Äbcde")).toContain("\uFFFDbcde");
  });

  it("scrubs a result as a value: every string, keys included", () => {
    const json = JSON.stringify({ [secret]: [secret, { x: `hunter2!` }], n: 1 });
    expect(JSON.parse(scrubber.scrubJson(json))).toEqual({ "[REDACTED]": ["[REDACTED]", { x: "[REDACTED]" }], n: 1 });
    expect(scrubber.scrubJson('{"clean":[1,"two",null]}')).toBe('{"clean":[1,"two",null]}');
  });

  it('keeps a "__proto__" key of a result a key, its other contents with it', () => {
    const json = `{"__proto__":{"note":"keep me","token":"${secret}"},"other":"${secret}"}`;
    expect(scrubber.scrubJson(json)).toBe('{"__proto__":{"note":"keep me","token":"[REDACTED]"},"other":"[REDACTED]"}');
  });

  it("always leaves a result JSON, whatever the secrets spell: JSON's own words, numbers, its syntax", () => {
    const common = new SecretScrubber(["true", "null", "2026", '1,"b":2']);
    const json = JSON.stringify({ ok: true, missing: null, year: 2026, id: 120260, text: "true story", a: 1, b: 2 });
    expect(JSON.parse(common.scrubJson(json))).toEqual({
      ok: true,
      missing: null,
      year: "[REDACTED]",
      id: "[REDACTED]",
      text: "[REDACTED] story",
      a: 1,
      b: 2,
    });
  });

  it("decodes and scrubs JSON held in a string, however deep, and leaves it JSON", () => {
    const value = 'pa"ss\\w0rd';
    const inner = JSON.stringify({ password: value, user: "ada" });
    const json = JSON.stringify({ body: inner, twice: JSON.stringify({ body: inner }) });
    const out = new SecretScrubber([value]).scrubJson(json);
    expect(findLeaks([{ where: "result", content: out }], needlesOf(value, "value", ""))).toEqual([]);
    const parsed = JSON.parse(out);
    expect(JSON.parse(parsed.body)).toEqual({ password: "[REDACTED]", user: "ada" });
    expect(JSON.parse(JSON.parse(parsed.twice).body)).toEqual({ password: "[REDACTED]", user: "ada" });
  });

  it("scrubs bytes: a Buffer's JSON, a typed array's and a byte array, read as UTF-8 and written back scrubbed", () => {
    const bytes = Buffer.from(`token=${secret}&x=1`);
    const json = JSON.stringify({ buffer: bytes, typed: new Uint8Array(bytes), list: [...bytes], small: [1, 2, 3, 4] });
    const out = JSON.parse(scrubber.scrubJson(json));
    expect(Buffer.from(out.buffer.data).toString()).toBe("token=[REDACTED]&x=1");
    expect(out.buffer.type).toBe("Buffer");
    expect(Buffer.from(Object.values(out.typed) as number[]).toString()).toBe("token=[REDACTED]&x=1");
    expect(Buffer.from(out.list).toString()).toBe("token=[REDACTED]&x=1");
    expect(out.small).toEqual([1, 2, 3, 4]);
  });
});

describe("SecretScrubber: the forms code writes", () => {
  const value = "p@ss w~rd!(x)*'tail";
  const one = new SecretScrubber([value]);
  const url = new URL("https://api.example.com/v1");
  url.username = "svc";
  url.password = value;

  it.each([
    [
      "a form body (URLSearchParams: `*` kept, `~` `!` `'` `(` encoded, space as +)",
      new URLSearchParams({ grant_type: "password", password: value }).toString(),
    ],
    ["a URL's password", url.href],
    ["encodeURI", encodeURI(`https://host/path/${value}`)],
    ["JSON in JSON", JSON.stringify({ body: JSON.stringify({ password: `${value}"` }) })],
    ["a Buffer as console.log shows it", inspect(Buffer.from(value), { breakLength: Infinity })],
    ["a Buffer's JSON", JSON.stringify({ body: Buffer.from(value) })],
  ])("redacts %s", (_name, text) => {
    const out = one.scrub(text);
    expect(out).toContain("[REDACTED]");
    expect(findLeaks([{ where: "out", content: out }], needlesOf(value, "value", ""))).toEqual([]);
    expect(findLeaks([{ where: "in", content: text }], needlesOf(value, "value", ""))).not.toEqual([]);
  });

  it("redacts each line of a multi-line secret on its own: a stack repeats a message's lines, inspect indents them", () => {
    const pem = `-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7zdp7dcX09\n-----END PRIVATE KEY-----`;
    const error = new Error(`bad key ${pem}`);
    const scrubbed = new SecretScrubber([pem]).scrub(
      `${error.stack}\n${inspect({ error }, { breakLength: Infinity })}`,
    );
    for (const line of pem.split("\n")) expect(scrubbed).not.toContain(line);
    expect(scrubbed).toContain("at ");
    // Lines shorter than 4 characters (or only spaces) are no secret of their own.
    expect(new SecretScrubber(["abcd-secret\n  \n}"]).scrub("a } and    spaces")).toBe("a } and    spaces");
  });
});

/**
 * The obvious scrubber: every occurrence of every form found by indexOf, widened over up to its
 * `before`/`after` base64 characters, over what an escape it ends with escapes, over a \uXXXX
 * escape it would cut and over an escape's backslash left alone before it, and the same in the text without its NULs, raw or escaped
 * (mapped back); overlapping or touching ones merged.
 */
function naiveScrub(values: string[], text: string): string {
  const ranges = naiveRanges(values, text);
  const skipped = [...text.matchAll(NULS)].flatMap((match) =>
    Array.from({ length: match[0].length }, (_, i) => match.index + i),
  );
  if (skipped.length > 0) {
    const kept = Array.from({ length: text.length }, (_, i) => i).filter((i) => !skipped.includes(i));
    for (const [start, end] of naiveRanges(values, text.replace(NULS, "")))
      ranges.push([kept[start], kept[end - 1] + 1]);
  }
  return merged(text, ranges);
}

/** A NUL, or one escaped as JSON or util.inspect write it (not where its backslash is itself escaped). */
const NULS = /\0|(?<=(?<!\\)(?:\\\\)*)\\(?:u0000|x00)/g;

function naiveRanges(values: string[], text: string): [number, number][] {
  const ranges: [number, number][] = [];
  const escapes = [...text.matchAll(/(?<=(?<!\\)(?:\\\\)*)\\u[0-9a-fA-F]{4}/g)].map((escape) => escape.index);
  for (const { text: form, before, after } of values.flatMap(valuesToFind).flatMap(formsOf)) {
    for (let at = text.indexOf(form); at !== -1; at = text.indexOf(form, at + 1)) {
      let start = at;
      let end = at + form.length;
      while (at - start < before && start > 0 && /[A-Za-z0-9+/=_-]/.test(text[start - 1])) start--;
      while (end - at - form.length < after && end < text.length && /[A-Za-z0-9+/=_-]/.test(text[end])) end++;
      let endBackslashes = 0;
      while (text[end - endBackslashes - 1] === "\\") endBackslashes++;
      if (endBackslashes % 2 === 1 && end < text.length) end++;
      for (const escape of escapes) {
        if (escape < start && start < escape + 6) start = escape;
        if (escape < end && end < escape + 6) end = escape + 6;
      }
      let backslashes = 0;
      while (text[start - backslashes - 1] === "\\") backslashes++;
      ranges.push([start - (backslashes % 2), end]);
    }
  }
  return ranges;
}

function merged(text: string, ranges: [number, number][]): string {
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of ranges) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  let out = "";
  let from = 0;
  for (const [start, end] of merged) {
    out += text.slice(from, start) + "[REDACTED]";
    from = end;
  }
  return out + text.slice(from);
}

describe("SecretScrubber against the obvious scrubber", () => {
  // A small alphabet, so values overlap, repeat and share prefixes and endings with the text.
  const piece = fc.string({ unit: fc.constantFrom("a", "b", "c", "_", "=", "%", "é"), minLength: 1, maxLength: 12 });

  it("redacts exactly the same text, whatever the values and the text", () => {
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 1, maxLength: 8 }),
        fc.array(fc.oneof(piece, fc.nat(7)), { maxLength: 30 }),
        (values, parts) => {
          // The text mixes random pieces with the values and their encodings.
          const forms = values.flatMap(encodingsOf);
          const text = parts
            .map((p) => (typeof p === "number" ? (forms[p % Math.max(forms.length, 1)] ?? "") : p))
            .join("");
          expect(new SecretScrubber(values).scrub(text)).toBe(naiveScrub(values, text));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("does the same in text with NULs anywhere, raw or escaped, values split by them included", () => {
    // Escapes after escaped backslashes too, which are no NULs, and other escapes and quotes.
    const nul = fc.constantFrom("\0", "\\u0000", "\\x00", "\\", "\\\\", "u0000", "\\u001b", '"', "'");
    // Values with backslashes and quotes too: their escaped forms end in escapes.
    const escapable = fc.string({ unit: fc.constantFrom("a", "b", "_", "\\", '"', "é"), minLength: 1, maxLength: 10 });
    fc.assert(
      fc.property(
        fc.array(escapable, { minLength: 1, maxLength: 6 }),
        fc.array(fc.oneof(escapable, fc.nat(7)), { maxLength: 20 }),
        fc.array(fc.tuple(fc.nat(), nul), { minLength: 1, maxLength: 20 }),
        (values, parts, nuls) => {
          const forms = values.flatMap(encodingsOf);
          let text = parts
            .map((p) => (typeof p === "number" ? (forms[p % Math.max(forms.length, 1)] ?? "") : p))
            .join("");
          for (const [at, what] of nuls)
            text = `${text.slice(0, at % (text.length + 1))}${what}${text.slice(at % (text.length + 1))}`;
          const scrubber = new SecretScrubber(values);
          expect(scrubber.scrub(text)).toBe(naiveScrub(values, text));
          // As JSON: still JSON, and no value is left once the NULs are gone (the text's escaped
          // ones are escaped twice there, which is not looked for). A value holding a quote may
          // match JSON's own quotes, and scrubJson refuses that (above).
          if (values.some((value) => value.includes('"'))) return;
          const scrubbed = (JSON.parse(scrubber.scrubJson(JSON.stringify({ text }))) as { text: string }).text;
          for (const value of values.filter((v) => v.length >= 4))
            expect(scrubbed.replaceAll("\0", "")).not.toContain(value);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  // Unbiased: fast-check's favourite tails (all zeros and neighbours) would share endings too.
  const hex = fc.noBias(fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 24, maxLength: 24 }));

  it.each([
    // 32 characters: 29 grams, of which the 5 inside "sk_live_" are left out.
    ["prefix", (tail: string) => `sk_live_${tail}`, 24],
    // 29 characters: 26 grams. "-prod" ends every form; the Buffer's JSON one, ",45,112,114,111,100",
    // has the most grams inside it: 16 are left out.
    ["ending", (tail: string) => `${tail}-prod`, 10],
  ])(
    "does the same when many values of one length share a %s, which the index leaves out",
    (_shared, valueOf, stride) => {
      fc.assert(
        fc.property(
          fc.uniqueArray(hex, { minLength: 40, maxLength: 120 }),
          fc.array(fc.nat(), { minLength: 1, maxLength: 60 }),
          (tails, picks) => {
            const values = tails.map(valueOf);
            const scrubber = new SecretScrubber(values);
            expect(scrubber.stride).toBe(stride);
            // Each pick puts a form of a value after 0–31 characters of filler: every alignment.
            const text = picks
              .map((pick) => {
                const forms = encodingsOf(values[pick % values.length]);
                return `${"x".repeat(pick % 32)}${forms[pick % forms.length]}`;
              })
              .join(" ");
            expect(scrubber.scrub(text)).toBe(naiveScrub(values, text));
          },
        ),
        { numRuns: 200 },
      );
    },
  );

  it("keeps the full stride when values share nothing more than chance gives", () => {
    const values = Array.from({ length: 1_000 }, (_, i) =>
      createHash("sha256").update(`value ${i}`).digest("hex").slice(0, 32),
    );
    expect(new SecretScrubber(values).stride).toBe(32 - 3);
  });

  it("adds values to a scrubber of none, none to a scrubber, and values twice", () => {
    const text = "a sk_live_0123456789abcdef b hunter2!! c p@ss word/ü";
    expect(new SecretScrubber([]).with(["hunter2!!"]).scrub(text)).toBe(
      "a sk_live_0123456789abcdef b [REDACTED] c p@ss word/ü",
    );
    expect(new SecretScrubber(["hunter2!!"]).with([]).scrub(text)).toBe(
      "a sk_live_0123456789abcdef b [REDACTED] c p@ss word/ü",
    );
    const twice = new SecretScrubber(["hunter2!!"]).with(["sk_live_0123456789abcdef"]).with(["p@ss word/ü"]);
    expect(twice.scrub(text)).toBe("a [REDACTED] b [REDACTED] c [REDACTED]");
    expect(new SecretScrubber([]).with([]).scrub(text)).toBe(text);
  });

  it("does the same when values are added to a scrubber with `with`, overlapping its own", () => {
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 1, maxLength: 6 }),
        fc.array(piece, { minLength: 1, maxLength: 4 }),
        fc.array(fc.oneof(piece, fc.nat(15)), { maxLength: 30 }),
        (values, more, parts) => {
          const forms = [...values, ...more].flatMap(encodingsOf);
          const text = parts
            .map((p) => (typeof p === "number" ? (forms[p % Math.max(forms.length, 1)] ?? "") : p))
            .join("");
          expect(new SecretScrubber(values).with(more).scrub(text)).toBe(naiveScrub([...values, ...more], text));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("does the same with 1,000 values, each in the text in one of its forms, among near misses", () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z0-9_]{4,40}$/), { minLength: 1_000, maxLength: 1_000 }),
        fc.nat(),
        (values, seed) => {
          const parts: string[] = [];
          values.forEach((value, i) => {
            const forms = encodingsOf(value);
            parts.push(forms[(seed + i) % forms.length], value.slice(1), "\n");
          });
          const text = parts.join("");
          expect(new SecretScrubber(values).scrub(text)).toBe(naiveScrub(values, text));
        },
      ),
      { numRuns: 20 },
    );
  });
});
