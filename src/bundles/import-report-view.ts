import { z } from "zod";

const Counts = z.object({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int() });

/** What an import did, or (dry run) would do. The same shape either way. */
export const ImportReport = z
  .object({
    dryRun: z.boolean(),
    orgs: z.object({
      created: z.array(z.string()).meta({ description: "Names of the orgs it created" }),
      existing: z.number().int(),
    }),
    configs: Counts,
    changes: z
      .array(
        z.object({
          org: z.string().nullable(),
          key: z.string(),
          type: z.string(),
          change: z.enum(["created", "updated"]),
        }),
      )
      .meta({ description: "Every config created or updated (unchanged ones are only counted)" }),
    needsValue: z.array(z.object({ org: z.string().nullable(), key: z.string(), howToSet: z.string() })).meta({
      description: "Secrets that exist after the import without a value: set each before a workflow needs it",
    }),
    schedules: Counts.meta({ description: "Schedules, matched by org + workflow + cron" }),
    webhooks: Counts.meta({ description: "Webhooks, matched by id" }),
    needsSecret: z
      .array(z.object({ org: z.string().nullable(), webhook: z.string(), workflow: z.string(), howToSet: z.string() }))
      .meta({
        description:
          "Webhooks an import created: bundles carry no webhook secrets, so each got a new one nobody has seen. Rotate it to get one to give the sender.",
      }),
  })
  .meta({ id: "ImportReport", description: "What an import did, or (dry run) would do" });
export type ImportReport = z.infer<typeof ImportReport>;
