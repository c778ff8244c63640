import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { ScheduleCreate, SchedulePatch } from "../../../schedules/schedule-service.ts";
import { ScheduleView } from "../../../schedules/schedule-view.ts";
import { AUTH_ERRORS, ScopeFilter, ScopeQuery, WorkflowFilter, errors, idParam, json } from "../openapi-helpers.ts";

const tags = ["Schedules"];

export function registerSchedulePaths(registry: OpenAPIRegistry): void {
  const create = ScheduleCreate.meta({
    id: "ScheduleCreate",
    description:
      "`cron`: 5 fields, or 6 with seconds first; `timezone`: an IANA name (default UTC). Firing more often than BIFROST_SCHEDULE_MIN_INTERVAL_S (default 60) is refused.",
    example: { workflow: "nightly_report", cron: "0 3 * * *", timezone: "Europe/Amsterdam", params: { days: 1 } },
  });
  const patch = SchedulePatch.meta({
    id: "SchedulePatch",
    description: "The fields to change; `enabled: false` pauses, `true` resumes",
    example: { enabled: false },
  });

  registry.registerPath({
    method: "get",
    path: "/api/schedules",
    operationId: "listSchedules",
    summary: "List schedules",
    description: "An org token sees its own org's.",
    tags,
    request: { query: z.object({ scope: ScopeFilter, workflow: WorkflowFilter }) },
    responses: { 200: json("The schedules", z.array(ScheduleView)), ...errors(400, ...AUTH_ERRORS, 403) },
  });

  registry.registerPath({
    method: "post",
    path: "/api/schedules",
    operationId: "createSchedule",
    summary: "Create a schedule",
    description: 'Its runs act for the scope and have `trigger: "schedule"`.',
    tags,
    request: {
      query: z.object({ scope: ScopeQuery }),
      body: { required: true, content: { "application/json": { schema: create } } },
    },
    responses: { 201: json("Created", ScheduleView), ...errors(400, ...AUTH_ERRORS, 403, 404, 415) },
  });

  registry.registerPath({
    method: "get",
    path: "/api/schedules/{id}",
    operationId: "getSchedule",
    summary: "Read a schedule",
    tags,
    request: { params: idParam("schedule") },
    responses: { 200: json("The schedule", ScheduleView), ...errors(400, ...AUTH_ERRORS, 404) },
  });

  registry.registerPath({
    method: "patch",
    path: "/api/schedules/{id}",
    operationId: "updateSchedule",
    summary: "Change, pause or resume a schedule",
    tags,
    request: {
      params: idParam("schedule"),
      body: { required: true, content: { "application/json": { schema: patch } } },
    },
    responses: { 200: json("Changed", ScheduleView), ...errors(400, ...AUTH_ERRORS, 403, 404, 415) },
  });

  registry.registerPath({
    method: "delete",
    path: "/api/schedules/{id}",
    operationId: "deleteSchedule",
    summary: "Delete a schedule",
    tags,
    request: { params: idParam("schedule") },
    responses: { 204: { description: "Deleted" }, ...errors(400, ...AUTH_ERRORS, 403, 404) },
  });
}
