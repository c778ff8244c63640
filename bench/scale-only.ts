import { scaleRows } from "./scale-figures.ts";

// `npm run bench -- scale`: only the large-data rows (PostgreSQL, 1,000x against the small case);
// printed, not written to BENCHMARKS.md (the full `npm run bench` writes them there).

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
for (const row of await scaleRows(RUNS, log))
  process.stdout.write(
    `| ${row.figure} | ${row.value} | ${row.peer} | ${row.ratio} | ${row.goal} | ${row.met === null ? "—" : row.met ? "yes" : "**no**"} |\n${row.scale ? `  (${row.scale})\n` : ""}`,
  );
process.exit(0);
