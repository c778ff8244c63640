import { useInfiniteQuery } from "@tanstack/react-query";
import { apiLinked, type ConfigMatrix, type MatrixCell } from "../api";
import { formatValue } from "./format";
import { LoadMore } from "./LoadMore";

/** A cell as it reads: a value, or for a secret only whether it is set (never its value). */
function cellText(cell: MatrixCell | null | undefined): string {
  if (!cell) return "unset";
  if (cell.type === "secret") return cell.hasValue ? "set" : "no value";
  return formatValue(cell);
}

/** Pages of the matrix as one: every page lists every key; each adds its orgs' columns. */
function merged(pages: ConfigMatrix[]): ConfigMatrix {
  const keys = new Map<string, ConfigMatrix["keys"][number]>();
  for (const page of pages)
    for (const row of page.keys) {
      const seen = keys.get(row.key);
      keys.set(
        row.key,
        seen ? { ...seen, orgs: { ...seen.orgs, ...row.orgs }, differs: seen.differs || row.differs } : row,
      );
    }
  return { orgs: pages.flatMap((page) => page.orgs), keys: [...keys.values()] };
}

/** The keys × orgs matrix an admin compares scopes with; rows where an org differs from global are highlighted. */
export function ConfigMatrixView({ search }: { search: string }) {
  // A page of orgs at a time (the API's `Link: rel="next"`): "More orgs" adds the next page's columns.
  const pages = useInfiniteQuery({
    queryKey: ["config-matrix", "compare"],
    queryFn: ({ pageParam }) => apiLinked<ConfigMatrix>(pageParam ?? "/api/config-matrix"),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
  });
  if (pages.isError)
    return (
      <p role="alert" className="page-error">
        {(pages.error as Error).message}
      </p>
    );
  if (!pages.data) return <p className="loading">Loading…</p>;
  const { orgs, keys } = merged(pages.data.pages.map((page) => page.body));
  const rows = keys.filter((k) => k.key.includes(search));
  if (rows.length === 0)
    return <p className="empty">{keys.length ? "No config matches." : "No configs yet: add one to compare scopes."}</p>;
  return (
    <>
      <p className="muted">
        {rows.filter((r) => r.differs).length} of {rows.length} keys differ between an org and global. Secrets show as
        set, unset or no value, never their values.
      </p>
      <div className="table-wrap matrix-wrap">
        <table aria-label="Compare scopes" className="matrix">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Global</th>
              {orgs.map((org) => (
                <th scope="col" key={org.id}>
                  {org.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key} data-key={row.key} className={row.differs ? "differs" : undefined}>
                <th scope="row">
                  <code>{row.key}</code>
                  {row.differs && <span className="sr-only"> (differs)</span>}
                </th>
                <td data-scope="global" className={row.global ? undefined : "unset"}>
                  {cellText(row.global)}
                </td>
                {orgs.map((org) => {
                  const cell = row.orgs[org.id];
                  return (
                    <td
                      key={org.id}
                      data-scope={org.name}
                      className={cell ? "own" : "inherits"}
                      title={cell ? `${org.name}'s own value` : "inherits global"}
                    >
                      {cell ? cellText(cell) : <span className="muted">{row.global ? "↳ global" : "unset"}</span>}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <LoadMore pages={pages} label="More orgs" />
    </>
  );
}
