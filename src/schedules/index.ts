export * from "./cron-schedule.ts";
export * from "./schedule-view.ts";
export * from "./schedule-store.ts";
export * from "./schedule-queue.ts";
export * from "./schedule-service.ts";
export * from "./schedule-firer.ts";
export * from "./schedule-sync.ts";
// next-fires.ts is left out on purpose: ScheduleService's own memory.
