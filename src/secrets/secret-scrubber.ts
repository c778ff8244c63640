import { GramIndex } from "./gram-index.ts";
import { mayHoldNuls, withoutNuls } from "./nul-skipping.ts";
import { REDACTED } from "./redaction.ts";
import { formsOf, valuesToFind, type SecretForm } from "./secret-forms.ts";
import { scrubStructured } from "./structured-scrub.ts";

export { REDACTED } from "./redaction.ts";
export {
  INSPECT_IN_ONE_PIECE,
  MIN_SECRET_LENGTH,
  encodingsOf,
  formsOf,
  valuesToFind,
  type SecretForm,
} from "./secret-forms.ts";

/**
 * Replaces every occurrence of any of the values (and their encodings, secret-forms.ts; a
 * multi-line value's lines too) with [REDACTED]; overlapping or touching occurrences merge into
 * one redaction. NULs inside an occurrence, raw or escaped, are skipped (nul-skipping.ts).
 */
export class SecretScrubber {
  #indexes: GramIndex[];

  constructor(values: Iterable<string>) {
    // One entry a text: two values may share a form, and then its redaction reaches the furthest.
    const forms = new Map<string, SecretForm>();
    for (const value of values) {
      for (const form of valuesToFind(value).flatMap(formsOf)) {
        const known = forms.get(form.text);
        forms.set(
          form.text,
          known
            ? { text: form.text, before: Math.max(known.before, form.before), after: Math.max(known.after, form.after) }
            : form,
        );
      }
    }
    this.#indexes = forms.size === 0 ? [] : [new GramIndex([...forms.values()])];
  }

  /** Its densest sampling stride, in characters (0 when it looks for nothing). */
  get stride(): number {
    return this.#indexes.length === 0 ? 0 : Math.min(...this.#indexes.map((index) => index.stride));
  }

  /**
   * A scrubber of this one's values and `more`, which reuses this one's index: building one for
   * 1,000 secrets takes ~10–30 ms (`npm run bench`), one for a run's few values of its own
   * microseconds. It redacts exactly what one scrubber of all the values would: every value is
   * found in the text as given, and the occurrences merge. (Scrubbing with one, then the other,
   * would not: a value overlapping one already replaced would no longer be found, and the rest of
   * it would show.)
   */
  with(more: Iterable<string>): SecretScrubber {
    return SecretScrubber.joined([this, new SecretScrubber(more)]);
  }

  /** A scrubber of all their values, made of their indexes as they are (no indexing: as `with`). */
  static joined(scrubbers: SecretScrubber[]): SecretScrubber {
    const combined = new SecretScrubber([]);
    combined.#indexes = scrubbers.flatMap((scrubber) => scrubber.#indexes);
    return combined;
  }

  scrub(text: string): string {
    if (text.length === 0) return text;
    const found: number[] = [];
    for (const index of this.#indexes) index.find(text, found);
    if (this.#indexes.length > 0 && mayHoldNuls(text)) this.#findWithoutNuls(text, found);
    if (found.length === 0) return text;
    const order = Array.from({ length: found.length / 2 }, (_, i) => i).sort((a, b) => found[2 * a] - found[2 * b]);
    let out = "";
    let from = 0;
    let start = found[2 * order[0]];
    let end = found[2 * order[0] + 1];
    for (const i of order) {
      if (found[2 * i] > end) {
        out += text.slice(from, start) + REDACTED;
        from = end;
        start = found[2 * i];
      }
      end = Math.max(end, found[2 * i + 1]);
    }
    return out + text.slice(from, start) + REDACTED + text.slice(end);
  }

  /** Searches `text` again without its NULs, and adds what that finds as ranges of `text` (spanning the NULs). */
  #findWithoutNuls(text: string, found: number[]): void {
    const { stripped, kept } = withoutNuls(text);
    if (stripped.length === text.length) return; // only escapes escaped again: nothing skipped
    const inner: number[] = [];
    for (const index of this.#indexes) index.find(stripped, inner);
    for (let i = 0; i < inner.length; i += 2) found.push(kept[inner[i]], kept[inner[i + 1] - 1] + 1);
  }

  /**
   * Scrubs a JSON text (a run's result as stored) as a value first (structured-scrub.ts), then as
   * text, which also finds a secret spelled by JSON's escapes (`"\nope"` holds "nope"). The text
   * pass is kept only when it leaves JSON: one across JSON's own syntax (a secret `true`, or
   * spanning a quote) would leave text no reader could parse. So what comes back is always JSON.
   */
  scrubJson(json: string): string {
    if (this.#indexes.length === 0) return json;
    const value: unknown = JSON.parse(json);
    const scrubbed = scrubStructured(value, (text) => this.scrub(text));
    const structured = scrubbed === value ? json : JSON.stringify(scrubbed);
    const text = this.scrub(structured);
    if (text === structured) return structured;
    try {
      JSON.parse(text);
      return text;
    } catch {
      return structured;
    }
  }

  /** A JSON value with every secret taken out (structured-scrub.ts); `value` itself when none was in it. */
  scrubValue(value: unknown): unknown {
    if (this.#indexes.length === 0) return value;
    return scrubStructured(value, (text) => this.scrub(text));
  }
}
