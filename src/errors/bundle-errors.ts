import { BifrostError } from "./bifrost-error.ts";

/**
 * A backup's secrets are encrypted under another key than this server's, and no (or the wrong)
 * source key was given. Nothing was imported.
 */
export class BundleKeyMismatchError extends BifrostError<"BUNDLE_KEY_MISMATCH"> {
  override name = "BundleKeyMismatchError";
  constructor(message: string, details?: { bundleKey?: string; serverKey: string; sourceKey?: string }) {
    super("BUNDLE_KEY_MISMATCH", message, details);
  }
}
