import { useState, type FormEvent } from "react";
import { ApiError, CONSOLE_TRIGGER, api, query, type Execution, type JsonSchema, type Workflow } from "../api";
import { useSession } from "../session";

/** A form generated from a workflow's params JSON Schema: one input per property that fits its type. */
export function RunWorkflowForm({
  workflows,
  onStarted,
  initial,
}: {
  workflows: Workflow[];
  onStarted: (execution: Execution) => void;
  initial?: string;
}) {
  const { orgs, isAdmin } = useSession();
  const [name, setName] = useState(initial ?? workflows[0]?.name ?? "");
  const [scope, setScope] = useState(isAdmin ? "global" : (orgs[0]?.id ?? ""));
  const [values, setValues] = useState<Record<string, unknown>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const workflow = workflows.find((w) => w.name === name);
  // A property's schema may be `true` (anything goes): a JSON input, as for a schema with no type.
  const properties = Object.entries(workflow?.params.properties ?? {}).map(([prop, schema]): [string, JsonSchema] => [
    prop,
    typeof schema === "object" ? schema : {},
  ]);
  const required = new Set(workflow?.params.required ?? []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    const params: Record<string, unknown> = {};
    const problems: Record<string, string> = {};
    for (const [prop, schema] of properties) {
      const raw = values[prop];
      if (raw === undefined || raw === "") continue;
      const parsed = toParam(raw, schema);
      if (parsed.ok) params[prop] = parsed.value;
      else problems[prop] = parsed.error;
    }
    if (Object.keys(problems).length) {
      setErrors(problems);
      setBusy(false);
      return;
    }
    try {
      onStarted(
        await api<Execution>(
          "POST",
          `/api/workflows/${encodeURIComponent(name)}/executions${query({ scope })}`,
          { params },
          CONSOLE_TRIGGER,
        ),
      );
    } catch (error) {
      const byField: Record<string, string> = {};
      if (error instanceof ApiError)
        for (const issue of error.issues) byField[issue.path.replace(/^body\.params\.?/, "") || "form"] = issue.message;
      setErrors(Object.keys(byField).length ? byField : { form: (error as Error).message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor="run-workflow">Workflow</label>
        <select
          id="run-workflow"
          value={name}
          onChange={(e) => (setName(e.target.value), setValues({}), setErrors({}))}
        >
          {workflows.map((w) => (
            <option key={w.name} value={w.name}>
              {w.name}
            </option>
          ))}
        </select>
        {workflow?.description && <p className="hint">{workflow.description}</p>}
      </div>
      <div className="field">
        <label htmlFor="run-scope">Run for</label>
        <select id="run-scope" value={scope} onChange={(e) => setScope(e.target.value)}>
          {isAdmin && <option value="global">Global</option>}
          {orgs.map((org) => (
            <option key={org.id} value={org.id}>
              {org.name}
            </option>
          ))}
        </select>
      </div>
      <fieldset>
        <legend>Params</legend>
        {properties.length === 0 && <p className="muted">This workflow takes no params.</p>}
        {properties.map(([prop, schema]) => (
          <ParamInput
            key={`${name}.${prop}`}
            name={prop}
            schema={schema}
            required={required.has(prop)}
            value={values[prop]}
            error={errors[prop]}
            onChange={(v) => setValues({ ...values, [prop]: v })}
          />
        ))}
      </fieldset>
      {errors.form && (
        <p role="alert" className="field-error">
          {errors.form}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || !workflow}>
          {busy ? "Starting…" : "Run"}
        </button>
      </div>
    </form>
  );
}

function typeOf(schema: JsonSchema): string {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  return schema.enum ? "enum" : (type ?? "json");
}

function ParamInput({
  name,
  schema,
  required,
  value,
  error,
  onChange,
}: {
  name: string;
  schema: JsonSchema;
  required: boolean;
  value: unknown;
  error?: string;
  onChange: (v: unknown) => void;
}) {
  const id = `param-${name}`;
  const type = typeOf(schema);
  const aria = {
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? `${id}-error` : undefined,
    "aria-required": required || undefined,
  };
  const label = (
    <label htmlFor={id}>
      {name}
      {required ? " (required)" : ""}
      {schema.default !== undefined ? ` — default ${JSON.stringify(schema.default)}` : ""}
    </label>
  );
  let input;
  if (type === "boolean") {
    return (
      <div className="field">
        <label className="switch">
          <input
            id={id}
            type="checkbox"
            checked={value === true}
            onChange={(e) => onChange(e.target.checked)}
            {...aria}
          />
          <span>{name}</span>
        </label>
        {error && (
          <p id={`${id}-error`} className="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
    );
  }
  if (type === "enum") {
    input = (
      <select
        id={id}
        value={value === undefined ? "" : JSON.stringify(value)}
        onChange={(e) => onChange(e.target.value === "" ? undefined : JSON.parse(e.target.value))}
        {...aria}
      >
        <option value="">—</option>
        {schema.enum!.map((option) => (
          <option key={JSON.stringify(option)} value={JSON.stringify(option)}>
            {String(option)}
          </option>
        ))}
      </select>
    );
  } else if (type === "integer" || type === "number") {
    input = (
      <input
        id={id}
        type="number"
        step={type === "integer" ? 1 : "any"}
        value={String(value ?? "")}
        onChange={(e) => onChange(e.target.value)}
        {...aria}
      />
    );
  } else if (type === "string") {
    input = (
      <input id={id} type="text" value={String(value ?? "")} onChange={(e) => onChange(e.target.value)} {...aria} />
    );
  } else {
    input = (
      <textarea
        id={id}
        className="code"
        rows={3}
        placeholder="JSON"
        value={String(value ?? "")}
        onChange={(e) => onChange(e.target.value)}
        {...aria}
      />
    );
  }
  return (
    <div className="field">
      {label}
      {input}
      {schema.description && <p className="hint">{schema.description}</p>}
      {error && (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function toParam(raw: unknown, schema: JsonSchema): { ok: true; value: unknown } | { ok: false; error: string } {
  const type = typeOf(schema);
  if (type === "integer" || type === "number") {
    const n = Number(raw);
    return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, error: "expected a number" };
  }
  if (type === "json" || type === "object" || type === "array") {
    try {
      return { ok: true, value: JSON.parse(String(raw)) };
    } catch {
      return { ok: false, error: "expected JSON" };
    }
  }
  return { ok: true, value: raw };
}
