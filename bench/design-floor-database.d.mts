// Types of design-floor-database.mjs (plain ESM: the floor's worker process runs it without a compiler).
export type FloorStatement = "insertToken" | "lookup" | "insert" | "claim" | "finish";

export interface FloorDatabase {
  run(name: FloorStatement, ...values: string[]): Promise<number>;
  get(name: FloorStatement, ...values: string[]): Promise<{ role: string; revokedAt: string | null } | undefined>;
  close(): Promise<void>;
}

export function openFloorDatabase(url: string): Promise<FloorDatabase>;
