/**
 * NULs between a value's characters: its UTF-16 bytes read as UTF-8 (a tool's UTF-16LE output,
 * `Buffer.from(secret, "utf16le")` written to stdout) spell it with a NUL beside each ASCII
 * character, which no form matches; and where such text was escaped, as JSON (`\u0000`) or
 * `util.inspect` (`console.log` of an object: `\x00`) write a NUL. A text holding any is
 * searched again without them.
 */
export function mayHoldNuls(text: string): boolean {
  return text.includes("\0") || text.includes("\\u0000") || text.includes("\\x00");
}

/**
 * `text` without its NULs, raw or escaped (an escape only where its backslash is not itself
 * escaped), and where each of its characters was in `text`.
 */
export function withoutNuls(text: string): { stripped: string; kept: Int32Array } {
  const codes = new Uint16Array(text.length);
  const kept = new Int32Array(text.length);
  let length = 0;
  let backslashes = 0; // right before i
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0) {
      backslashes = 0;
      continue;
    }
    if (code === 92 && backslashes % 2 === 0 && (text.startsWith("u0000", i + 1) || text.startsWith("x00", i + 1))) {
      i += text.charCodeAt(i + 1) === 117 ? 5 : 3;
      backslashes = 0;
      continue;
    }
    backslashes = code === 92 ? backslashes + 1 : 0;
    codes[length] = code;
    kept[length++] = i;
  }
  const parts: string[] = [];
  for (let at = 0; at < length; at += 8192)
    parts.push(String.fromCharCode(...codes.subarray(at, Math.min(at + 8192, length))));
  return { stripped: parts.join(""), kept };
}
