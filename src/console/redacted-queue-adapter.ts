import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import type { Job } from "bullmq";

/** What the dashboard shows in place of a job's data. */
export const HIDDEN_JOB_DATA = {
  hidden: "job data is not shown here: open the execution (its id is the job id) in the console",
};
const HIDDEN_FAILURE = "failed: the execution holds what happened";

/**
 * bull-board's BullMQ adapter, showing the browser no more than a backup would: a job's data (the
 * sealed per-user config, the execution's ids), return value, failure reason, stack trace and
 * logs are withheld. bull-board's formatters cover only data and return value, and it sends
 * `failedReason` and `stacktrace` from `job.toJSON()` as they are, so every job is cleaned where
 * the adapter hands it over (`getJob`, `getJobs`), before any handler sees it.
 */
export class RedactedQueueAdapter extends BullMQAdapter {
  override async getJob(id: string): Promise<Job | undefined> {
    const job = await super.getJob(id);
    return job ? redacted(job) : job;
  }

  override async getJobs(
    statuses: Parameters<BullMQAdapter["getJobs"]>[0],
    start?: number,
    end?: number,
  ): Promise<Job[]> {
    return (await super.getJobs(statuses, start, end)).map(redacted);
  }

  override async getJobLogs(): Promise<string[]> {
    return [];
  }

  override async getJobSchedulers(): ReturnType<BullMQAdapter["getJobSchedulers"]> {
    return (await super.getJobSchedulers()).map((scheduler) => ({ ...scheduler, template: undefined }));
  }
}

/** The job, its fields replaced: `toJSON()` (what bull-board sends) reads them. A fetched job is a copy of what Redis holds. */
function redacted(job: Job): Job {
  job.data = HIDDEN_JOB_DATA;
  job.returnvalue = null;
  job.stacktrace = [];
  if (job.failedReason) job.failedReason = HIDDEN_FAILURE;
  return job;
}
