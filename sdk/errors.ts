// The errors workflow code can catch, each with a stable `code`.
export {
  BifrostError,
  ConfigNotFoundError,
  ConfigTypeError,
  SecretAccessError,
  SecretValueMissingError,
  ScopeAccessError,
  SecretCopyError,
  ValidationError,
  InvalidConfigKeyError,
  InvalidConfigValueError,
} from "../src/errors/index.ts";
export type { ErrorCode, ValidationIssue } from "../src/errors/index.ts";
