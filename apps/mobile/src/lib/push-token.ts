/** The Expo push token this device registered in this session (removed from the server on logout). */
let registered: string | null = null;

export function rememberPushToken(token: string | null): void {
  registered = token;
}

export function registeredPushToken(): string | null {
  return registered;
}
