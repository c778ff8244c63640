import type { RequestHandler } from "express";
import { ValidationError, formatPath } from "../errors/index.ts";
import { MAX_BODY_DEPTH, findUnstorableJson } from "../storage/storable-json.ts";

/**
 * Refuses a parsed JSON body that could not be stored or written back out (nested deeper than
 * MAX_BODY_DEPTH, or holding a lone UTF-16 surrogate anywhere), before any route sees it: one
 * check for every body, so no route, service or database meets such a value.
 */
export const checkJsonBody: RequestHandler = (req, _res, next) => {
  if (req.body !== undefined) {
    const problem = findUnstorableJson(req.body, MAX_BODY_DEPTH);
    if (problem) throw new ValidationError([{ path: formatPath("body", problem.path), message: problem.reason }]);
  }
  next();
};
