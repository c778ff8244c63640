import { useState, type FormEvent } from "react";
import { ApiError, api, query, type Config, type ConfigType } from "../api";
import { useSession } from "../session";
import { describeError, describeIssue } from "../error-messages";
import { formatWhen } from "./format";

const TYPES: { value: ConfigType; label: string }[] = [
  { value: "string", label: "String" },
  { value: "int", label: "Integer" },
  { value: "bool", label: "Boolean" },
  { value: "json", label: "JSON" },
  { value: "secret", label: "Secret" },
];

type Field = "key" | "type" | "value" | "description" | "scope" | "form";

/** Which field a server error is about: the API says it by code and by issue path. */
function fieldErrors(error: ApiError): Partial<Record<Field, string>> {
  if (error.code === "CONFIG_EXISTS" || error.code === "INVALID_CONFIG_KEY") return { key: describeError(error) };
  if (error.code === "INVALID_CONFIG_VALUE") return { value: describeError(error) };
  const out: Partial<Record<Field, string>> = {};
  for (const issue of error.issues) {
    const field =
      (["value", "description", "type"] as const).find((f) => issue.path === `body.${f}`) ??
      (issue.path === "query.scope" ? "scope" : "form");
    const words = describeIssue(field, issue.message);
    out[field] = out[field] ? `${out[field]} ${words}` : words;
  }
  return Object.keys(out).length ? out : { form: describeError(error) };
}

/** The value as the form edits it: text for every type but bool. */
function initialValue(config?: Config): string | boolean {
  if (!config || config.type === "secret") return config?.type === "bool" ? false : "";
  if (config.type === "bool") return Boolean(config.value);
  if (config.type === "json") return JSON.stringify(config.value, null, 2);
  return String(config.value);
}

/**
 * Adds or edits a config. A secret is never shown or pre-filled: editing one keeps its value unless
 * a new one is typed. Adding is create-only (`If-None-Match: *`): a key that exists is a conflict
 * offered as "edit instead", never a silent overwrite. Server errors appear next to their field.
 * `preset` pre-fills key, type and description (never a value) to override a global config in an org.
 */
export function ConfigForm({
  scope,
  existing,
  preset,
  onDone,
  onEditInstead,
}: {
  scope: string;
  existing?: Config;
  preset?: Config;
  onDone: (saved: Config) => void;
  /** Offered when the key to add exists already: switch to editing it. */
  onEditInstead?: (key: string, scope: string) => void;
}) {
  const { orgs, isAdmin } = useSession();
  const [key, setKey] = useState(existing?.key ?? preset?.key ?? "");
  const [type, setType] = useState<ConfigType>(existing?.type ?? preset?.type ?? "string");
  const [value, setValue] = useState<string | boolean>(initialValue(existing));
  const [description, setDescription] = useState(existing?.description ?? preset?.description ?? "");
  const [target, setTarget] = useState(scope);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [exists, setExists] = useState(false);
  const [confirmUnsecret, setConfirmUnsecret] = useState(false);
  const [busy, setBusy] = useState(false);

  const jsonProblem = type === "json" && typeof value === "string" && value.trim() !== "" ? jsonError(value) : null;
  const typeChanged = !!existing && existing.type !== type;
  const unsecreting = existing?.type === "secret" && type !== "secret";
  // An edited secret keeps its value when the field is left empty (the API keeps the ciphertext).
  const keepsSecret = existing?.type === "secret" && type === "secret" && value === "";

  function changeType(next: ConfigType) {
    setType(next);
    setValue(next === "bool" ? false : existing && existing.type === next ? initialValue(existing) : "");
    setConfirmUnsecret(false);
    setErrors({});
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (jsonProblem || (unsecreting && !confirmUnsecret)) return;
    if (key.trim() === "") {
      setErrors({ key: "Enter a key, e.g. stripe_api_key." });
      return;
    }
    setBusy(true);
    setErrors({});
    setExists(false);
    const typed = type === "json" && typeof value === "string" && value.trim() !== "" ? JSON.parse(value) : value;
    const body = {
      type,
      ...(keepsSecret ? {} : { value: typed }),
      description: description === "" ? null : description,
    };
    try {
      const saved = await api<Config>(
        "PUT",
        `/api/configs/${encodeURIComponent(key)}${query({ scope: target })}`,
        body,
        existing ? {} : { "if-none-match": "*" },
      );
      onDone(saved);
    } catch (error) {
      setExists(error instanceof ApiError && error.code === "CONFIG_EXISTS");
      setErrors(error instanceof ApiError ? fieldErrors(error) : { form: describeError(error) });
    } finally {
      setBusy(false);
    }
  }

  const described = (field: Field, help?: string) => ({
    "aria-invalid": errors[field] ? true : undefined,
    "aria-describedby":
      [errors[field] ? `${field}-error` : "", help ? `${field}-help` : ""].filter(Boolean).join(" ") || undefined,
  });
  const errorOf = (field: Field) =>
    errors[field] && (
      <p id={`${field}-error`} className="field-error" role="alert">
        {errors[field]}
      </p>
    );
  // Editing or overriding: the key and type are known, so the value is what to fill in.
  const focusValue = !!existing || !!preset;

  return (
    <form onSubmit={submit} noValidate className="config-form">
      <div className="field">
        <label htmlFor="config-key">Key</label>
        <input
          id="config-key"
          name="key"
          value={key}
          onChange={(e) => {
            setKey(e.target.value);
            setExists(false);
          }}
          disabled={!!existing || !!preset}
          required
          autoComplete="off"
          {...described("key", "config-key")}
        />
        <p id="key-help" className="hint">
          Letters, digits and _; <code>Stripe-API-Key</code> is stored as <code>stripe_api_key</code>.
        </p>
        {errorOf("key")}
        {exists && onEditInstead && (
          <button type="button" onClick={() => onEditInstead(key, target)}>
            Edit the existing {key}
          </button>
        )}
      </div>
      <div className="field">
        <label htmlFor="config-type">Type</label>
        <select
          id="config-type"
          name="type"
          value={type}
          onChange={(e) => changeType(e.target.value as ConfigType)}
          {...described("type", typeChanged ? "type" : undefined)}
        >
          {TYPES.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </select>
        {typeChanged && (
          <p id="type-help" className="warning" role="status">
            Changing the type from {existing!.type} to {type}: workflows that read <code>{existing!.key}</code> with a
            typed getter will get the new type
            {existing!.type === "secret" ? "" : ", and the value must be entered again"}.
          </p>
        )}
        {unsecreting && (
          <label className="switch confirm">
            <input type="checkbox" checked={confirmUnsecret} onChange={(e) => setConfirmUnsecret(e.target.checked)} />
            <span>
              Yes, store it as a plain {type}: anyone who can read this scope will see it, and runs stop scrubbing it.
            </span>
          </label>
        )}
        {errorOf("type")}
      </div>
      <div className="field">
        <ValueInput
          type={type}
          value={value}
          onChange={setValue}
          editingSecret={existing?.type === "secret" && type === "secret"}
          autoFocus={focusValue}
          {...described("value", type === "secret" || type === "json" ? "value" : undefined)}
        />
        {existing?.type === "secret" && (
          <p className="hint">
            Value last changed {formatWhen(existing.updatedAt)} by {existing.updatedBy}.
          </p>
        )}
        {jsonProblem && (
          <p id="value-json" className="field-error" role="status">
            Not valid JSON yet: {jsonProblem}
          </p>
        )}
        {errorOf("value")}
      </div>
      <div className="field">
        <label htmlFor="config-description">Description</label>
        <textarea
          id="config-description"
          name="description"
          rows={2}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          {...described("description")}
        />
        {errorOf("description")}
      </div>
      <div className="field">
        <label htmlFor="config-scope">Scope</label>
        <select
          id="config-scope"
          name="scope"
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          disabled={!!existing || !!preset}
          {...described("scope")}
        >
          {isAdmin && <option value="global">Global (every org)</option>}
          {orgs.map((org) => (
            <option key={org.id} value={org.id}>
              {org.name}
            </option>
          ))}
        </select>
        {errorOf("scope")}
      </div>
      {errorOf("form")}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || !!jsonProblem || (unsecreting && !confirmUnsecret)}>
          {busy ? "Saving…" : existing ? "Save" : "Add config"}
        </button>
      </div>
    </form>
  );
}

function ValueInput(props: {
  type: ConfigType;
  value: string | boolean;
  onChange: (value: string | boolean) => void;
  editingSecret: boolean;
  autoFocus?: boolean;
  "aria-invalid"?: boolean;
  "aria-describedby"?: string;
}) {
  const { type, value, onChange, editingSecret, autoFocus, ...aria } = props;
  if (type === "bool") {
    return (
      <label className="switch">
        <input
          type="checkbox"
          role="switch"
          name="value"
          checked={value === true}
          onChange={(e) => onChange(e.target.checked)}
          data-autofocus={autoFocus || undefined}
          {...aria}
        />
        <span>Value: {value === true ? "true" : "false"}</span>
      </label>
    );
  }
  const text = typeof value === "string" ? value : "";
  return (
    <>
      <label htmlFor="config-value">{type === "secret" && editingSecret ? "New value" : "Value"}</label>
      {type === "json" ? (
        <textarea
          id="config-value"
          name="value"
          rows={6}
          spellCheck={false}
          className="code"
          value={text}
          onChange={(e) => onChange(e.target.value)}
          data-autofocus={autoFocus || undefined}
          {...aria}
        />
      ) : (
        <input
          id="config-value"
          name="value"
          type={type === "secret" ? "password" : type === "int" ? "number" : "text"}
          step={type === "int" ? 1 : undefined}
          inputMode={type === "int" ? "numeric" : undefined}
          autoComplete={type === "secret" ? "new-password" : "off"}
          value={text}
          onChange={(e) => onChange(e.target.value)}
          data-autofocus={autoFocus || undefined}
          placeholder={type === "secret" && editingSecret ? "Leave empty to keep the current value" : undefined}
          {...aria}
        />
      )}
      {type === "secret" && (
        <p id="value-help" className="hint">
          Write-only: it is encrypted at once and never shown again
          {editingSecret ? ". Type a whole new value to replace it, or leave it empty to keep it." : "."}
        </p>
      )}
      {type === "json" && (
        <p id="value-help" className="hint">
          Any JSON value: an object, a list, a number, a quoted string.
        </p>
      )}
    </>
  );
}

function jsonError(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
