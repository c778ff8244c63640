/** One figure of BENCHMARKS.md: what was measured, against what, and whether it met its goal. */
export interface Row {
  figure: string;
  value: string;
  peer: string;
  ratio: string;
  goal: string;
  met: boolean | null;
  scale?: string;
}
