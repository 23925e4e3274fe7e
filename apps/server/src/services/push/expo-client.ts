import { createRequire } from 'node:module';
import { Expo } from 'expo-server-sdk';

/** The part of undici's Dispatcher the SDK's fetch uses. */
interface Dispatcher {
  dispatch(options: { origin?: string | URL; path: string }, handler: unknown): boolean;
  compose(interceptor: (dispatch: Dispatcher['dispatch']) => Dispatcher['dispatch']): Dispatcher;
}

const EXPO_DEFAULT = 'https://exp.host';

/**
 * An Expo push client for `baseUrl`. The official SDK reads its host from the environment at import
 * time; to make it configurable per client we hand it an undici dispatcher (its documented
 * `httpAgent` option) that sends its requests to our base URL instead. The dispatcher comes from the
 * undici the SDK itself uses, so the two always match.
 */
export function createExpoClient(options: { baseUrl: string; accessToken?: string | undefined }): Expo {
  const base = new URL(options.baseUrl);
  let httpAgent: Dispatcher | undefined;
  if (base.origin !== EXPO_DEFAULT || base.pathname !== '/') {
    const sdkRequire = createRequire(createRequire(import.meta.url).resolve('expo-server-sdk'));
    const { Agent } = sdkRequire('undici') as { Agent: new () => Dispatcher };
    const prefix = base.pathname.replace(/\/+$/, '');
    httpAgent = new Agent().compose(
      (dispatch) => (opts, handler) =>
        dispatch({ ...opts, origin: base.origin, path: `${prefix}${opts.path}` }, handler),
    );
  }
  return new Expo({
    ...(options.accessToken ? { accessToken: options.accessToken } : {}),
    ...(httpAgent ? { httpAgent: httpAgent as never } : {}),
    maxConcurrentRequests: 2,
  });
}

export { Expo };
