import { Platform } from 'react-native';

/**
 * Where the API lives. Baked in at build time from EXPO_PUBLIC_API_URL. Without it the web app talks
 * to the server that served it (same origin, no CORS); a device build defaults to the local demo.
 */
export const apiBaseUrl: string =
  process.env.EXPO_PUBLIC_API_URL ?? (Platform.OS === 'web' ? '' : 'http://127.0.0.1:8000');
