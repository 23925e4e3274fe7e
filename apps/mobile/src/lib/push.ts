import Constants from 'expo-constants';
import * as Device from 'expo-device';
import * as Notifications from 'expo-notifications';
import { useEffect } from 'react';
import { Platform } from 'react-native';
import { useSession } from '../state/session';
import { rememberPushToken } from './push-token';

Notifications.setNotificationHandler({
  handleNotification: () =>
    Promise.resolve({
      shouldShowBanner: true,
      shouldShowList: true,
      shouldPlaySound: false,
      shouldSetBadge: false,
    }),
});

/** The Expo push token of this device, or null (simulator, permission refused, no EAS project id). */
export async function devicePushToken(): Promise<string | null> {
  if (!Device.isDevice) return null;
  const projectId = (Constants.expoConfig?.extra as { eas?: { projectId?: string } } | undefined)?.eas
    ?.projectId;
  if (!projectId) return null;
  if (Platform.OS === 'android') {
    await Notifications.setNotificationChannelAsync('default', {
      name: 'Trading',
      importance: Notifications.AndroidImportance.HIGH,
    });
  }
  let { status } = await Notifications.getPermissionsAsync();
  if (status !== 'granted') status = (await Notifications.requestPermissionsAsync()).status;
  if (status !== 'granted') return null;
  return (await Notifications.getExpoPushTokenAsync({ projectId })).data;
}

/**
 * Signed in on a device: register its Expo push token with the server, which then sends the
 * notifications the user chose (Settings → General). Failures are silent: push is a convenience.
 */
export function usePushRegistration(): void {
  const { api, user } = useSession();
  const userId = user?.id;
  useEffect(() => {
    if (userId === undefined) return;
    let live = true;
    void (async () => {
      try {
        const token = await devicePushToken();
        if (!live || !token) return;
        await api.push.register({
          token,
          platform: Platform.OS === 'ios' ? 'ios' : 'android',
          device: Device.modelName ?? undefined,
        });
        rememberPushToken(token);
      } catch {
        /* push is optional */
      }
    })();
    return () => {
      live = false;
    };
  }, [api, userId]);
}
