import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, query, type ConfigType } from "../api";
import { describeError } from "../error-messages";
import { parseImportFile, type ImportRow } from "../../../src/configs/import-file.ts";
import type { ImportReport } from "../../../src/bundles/import-report-view.ts";
import { Dialog } from "./Dialog";
import { MASK } from "./format";
import { useToast } from "./Toasts";

const TYPES: ConfigType[] = ["string", "int", "bool", "json", "secret"];

/**
 * Imports a .env or JSON file into one scope (POST /api/configs/import): the keys with the types
 * guessed (credential names as secrets; each can be changed), a preview from the server's dry run,
 * then the import, all or nothing. A secret's value is never shown back.
 */
export function ImportConfigs({ scope, scopeName }: { scope: string; scopeName: string }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [rows, setRows] = useState<ImportRow[] | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  const close = () => {
    setOpen(false);
    setRows(null);
    setReport(null);
    setError(null);
  };
  const read = (text: string) => {
    setReport(null);
    try {
      const parsed = parseImportFile(text);
      setRows(parsed);
      setError(parsed.length ? null : "No KEY=value lines or JSON keys in it.");
    } catch (caught) {
      setRows(null);
      setError(caught instanceof SyntaxError ? "Not valid JSON." : (caught as Error).message);
    }
  };
  const send = async (dryRun: boolean) => {
    setError(null);
    try {
      const path = `/api/configs/import${query({ scope, dryRun: String(dryRun) })}`;
      const answer = await api<ImportReport>("POST", path, { configs: rows });
      if (dryRun) return setReport(answer);
      toast(`Imported ${answer.changes.length} configs into ${scopeName}.`);
      void queryClient.invalidateQueries({ queryKey: ["configs"] });
      void queryClient.invalidateQueries({ queryKey: ["config-matrix"] });
      close();
    } catch (caught) {
      setError(describeError(caught));
    }
  };

  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Import…
      </button>
      <Dialog title={`Import into ${scopeName}`} open={open} onClose={close}>
        <div className="field">
          <label htmlFor="import-text">A .env file or a JSON object</label>
          <textarea
            id="import-text"
            rows={6}
            spellCheck={false}
            placeholder={"REGION=eu-west\nSTRIPE_API_KEY=sk_live_..."}
            onChange={(e) => read(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="import-file">Or a file</label>
          <input
            id="import-file"
            type="file"
            accept=".env,.json,text/plain,application/json"
            onChange={(e) => void e.target.files?.[0]?.text().then(read)}
          />
        </div>
        {rows && rows.length > 0 && (
          <div className="table-wrap">
            <table aria-label="Keys to import">
              <thead>
                <tr>
                  <th scope="col">Key</th>
                  <th scope="col">Type</th>
                  <th scope="col">Value</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row, i) => (
                  <tr key={i}>
                    <td>
                      <code>{row.key}</code>
                    </td>
                    <td>
                      <select
                        aria-label={`Type of ${row.key}`}
                        value={row.type}
                        onChange={(e) => {
                          setReport(null);
                          setRows(rows.map((r, j) => (j === i ? { ...r, type: e.target.value as ConfigType } : r)));
                        }}
                      >
                        {TYPES.map((type) => (
                          <option key={type}>{type}</option>
                        ))}
                      </select>
                    </td>
                    <td>
                      {row.type === "secret"
                        ? MASK
                        : typeof row.value === "string"
                          ? row.value
                          : JSON.stringify(row.value)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {report && (
          <p role="status" className="import-preview">
            {report.configs.created} to create, {report.configs.updated} to update, {report.configs.unchanged}{" "}
            unchanged.
          </p>
        )}
        {error && (
          <p role="alert" className="field-error">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={close}>
            Cancel
          </button>
          {report ? (
            <button type="button" className="primary" onClick={() => void send(false)}>
              Import {rows?.length} keys
            </button>
          ) : (
            <button type="button" className="primary" disabled={!rows?.length} onClick={() => void send(true)}>
              Preview
            </button>
          )}
        </div>
      </Dialog>
    </>
  );
}
