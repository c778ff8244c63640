import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { api, type WorkflowList } from "../api";
import { Dialog } from "../components/Dialog";
import { RunWorkflowForm } from "../components/RunWorkflowForm";
import { SchedulesPanel } from "../components/SchedulesPanel";
import { WebhooksPanel } from "../components/WebhooksPanel";

/** One workflow: run it, and what runs it without anyone asking: its schedules and webhooks. */
export function WorkflowPage() {
  const { name = "" } = useParams();
  const navigate = useNavigate();
  const [running, setRunning] = useState(false);
  const workflows = useQuery({ queryKey: ["workflows"], queryFn: () => api<WorkflowList>("GET", "/api/workflows") });
  if (workflows.isError)
    return (
      <p role="alert" className="page-error">
        {(workflows.error as Error).message}
      </p>
    );
  if (!workflows.data) return <p className="loading">Loading…</p>;
  const workflow = workflows.data.workflows.find((w) => w.name === name);
  if (!workflow)
    return (
      <p role="alert" className="page-error">
        No workflow named {name} is loaded.
      </p>
    );

  return (
    <section aria-labelledby="workflow-title">
      <p className="crumb">
        <Link to="/workflows">Workflows</Link>
      </p>
      <div className="page-head">
        <div>
          <h1 id="workflow-title">{workflow.name}</h1>
          {workflow.description && <p className="muted">{workflow.description}</p>}
        </div>
        <div className="actions">
          <Link to={`/executions?workflow=${encodeURIComponent(workflow.name)}`}>All runs</Link>
          <button type="button" className="primary" onClick={() => setRunning(true)}>
            Run
          </button>
        </div>
      </div>
      <SchedulesPanel workflow={workflow.name} />
      <WebhooksPanel workflow={workflow.name} />
      <Dialog title={`Run ${workflow.name}`} open={running} onClose={() => setRunning(false)}>
        {running && (
          <RunWorkflowForm
            workflows={workflows.data.workflows}
            initial={workflow.name}
            onStarted={(e) => navigate(`/executions/${e.id}`)}
          />
        )}
        <button type="button" className="close" onClick={() => setRunning(false)}>
          Cancel
        </button>
      </Dialog>
    </section>
  );
}
