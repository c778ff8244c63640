import { BifrostError } from "./bifrost-error.ts";

/** No schedule with that id, or (for an org token) one of another org: the same answer either way. */
export class ScheduleNotFoundError extends BifrostError<"SCHEDULE_NOT_FOUND"> {
  override name = "ScheduleNotFoundError";
  constructor(readonly scheduleId: string) {
    super("SCHEDULE_NOT_FOUND", `No schedule with id ${JSON.stringify(scheduleId)}`, { scheduleId });
  }
}
