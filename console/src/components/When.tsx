import { formatRelative, formatWhen } from "./format";

/** A time as "3 min ago", the exact date and time on hover (and for screen readers via dateTime). */
export function When({ at }: { at: string | null }) {
  if (!at) return <span className="muted">—</span>;
  return (
    <time dateTime={at} title={formatWhen(at)} className="when">
      {formatRelative(at)}
    </time>
  );
}
