// `--import` this in a thread's execArgv: registers typescript-hooks.mjs before the thread's entry loads.
import { register } from "node:module";

register("./typescript-hooks.mjs", import.meta.url);
process.setSourceMapsEnabled(true);
