import { loadConfig, loadDotEnv, type Config } from '@verzek/platform';

/** Configuration for a CLI command: ./.env (if any) under the real environment, then overrides. */
export function cliConfig(overrides: Record<string, string | undefined> = {}): Config {
  loadDotEnv();
  return loadConfig(undefined, overrides);
}
