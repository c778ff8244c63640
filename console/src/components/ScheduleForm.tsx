import { useState, type FormEvent } from "react";
import { ApiError, api, query, type Schedule } from "../api";
import { ScopeSelect, useDefaultScope } from "./ScopeSelect";

/** Creates a schedule of `workflow`; the server checks the cron, time zone, interval and params and says what is wrong, field by field. */
export function ScheduleForm({ workflow, onCreated }: { workflow: string; onCreated: (schedule: Schedule) => void }) {
  const [scope, setScope] = useState(useDefaultScope());
  const [cron, setCron] = useState("0 9 * * 1-5");
  const [timezone, setTimezone] = useState(Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");
  const [params, setParams] = useState("{}");
  const [overlap, setOverlap] = useState<"skip" | "allow">("skip");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setErrors({});
    let parsed: unknown;
    try {
      parsed = JSON.parse(params || "{}");
    } catch {
      setErrors({ params: 'expected JSON, e.g. {"n": 5}' });
      return;
    }
    setBusy(true);
    try {
      onCreated(
        await api<Schedule>("POST", `/api/schedules${query({ scope })}`, {
          workflow,
          cron,
          timezone,
          params: parsed,
          overlap,
        }),
      );
    } catch (error) {
      const byField: Record<string, string> = {};
      if (error instanceof ApiError) {
        for (const issue of error.issues) {
          const field = issue.path.replace(/^body\.?/, "").split(/[.[]/)[0] || "form";
          byField[field] = byField[field] ? `${byField[field]}; ${issue.message}` : issue.message;
        }
      }
      setErrors(Object.keys(byField).length ? byField : { form: (error as Error).message });
    } finally {
      setBusy(false);
    }
  }

  const described = (field: string) =>
    errors[field] ? { "aria-invalid": true, "aria-describedby": `schedule-${field}-error` } : {};
  const error = (field: string) =>
    errors[field] && (
      <p id={`schedule-${field}-error`} className="field-error" role="alert">
        {errors[field]}
      </p>
    );
  return (
    <form onSubmit={submit} noValidate>
      <ScopeSelect id="schedule-scope" value={scope} onChange={setScope} />
      <div className="field">
        <label htmlFor="schedule-cron">Cron</label>
        <input
          id="schedule-cron"
          className="code"
          value={cron}
          onChange={(e) => setCron(e.target.value)}
          {...described("cron")}
        />
        <p className="hint">5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first.</p>
        {error("cron")}
      </div>
      <div className="field">
        <label htmlFor="schedule-timezone">Time zone</label>
        <input
          id="schedule-timezone"
          value={timezone}
          onChange={(e) => setTimezone(e.target.value)}
          list="timezones"
          {...described("timezone")}
        />
        <datalist id="timezones">
          {Intl.supportedValuesOf("timeZone").map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
        {error("timezone")}
      </div>
      <div className="field">
        <label htmlFor="schedule-params">Params (JSON)</label>
        <textarea
          id="schedule-params"
          className="code"
          rows={3}
          value={params}
          onChange={(e) => setParams(e.target.value)}
          {...described("params")}
        />
        {error("params")}
      </div>
      <div className="field">
        <label htmlFor="schedule-overlap">While the last run has not ended</label>
        <select id="schedule-overlap" value={overlap} onChange={(e) => setOverlap(e.target.value as "skip" | "allow")}>
          <option value="skip">skip the fire</option>
          <option value="allow">start another run</option>
        </select>
      </div>
      {error("form")}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Creating…" : "Create schedule"}
        </button>
      </div>
    </form>
  );
}
