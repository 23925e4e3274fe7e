/** The web app gets its updates from the live stream; Expo push is for the iOS and Android apps. */
export function usePushRegistration(): void {}

export function devicePushToken(): Promise<string | null> {
  return Promise.resolve(null);
}
