import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import * as Linking from 'expo-linking';
import { Button } from '../components/button';
import { Card, ErrorText, KV, Row, Screen } from '../components/layout';
import { T } from '../components/text';
import { message } from '../lib/errors';
import { fmtTime } from '../lib/format';
import { keys } from '../state/queries/keys';
import { useSession } from '../state/session';

/** Link the Telegram account: a one-time deep link to the bot (`/start <code>`). */
export function TelegramScreen() {
  const { api } = useSession();
  const qc = useQueryClient();
  const status = useQuery({
    queryKey: keys.telegram,
    queryFn: () => api.telegram.status(),
    refetchInterval: 15_000,
  });
  const link = useMutation({ mutationFn: () => api.telegram.link() });
  const unlink = useMutation({
    mutationFn: () => api.telegram.unlink(),
    onSuccess: (data) => qc.setQueryData(keys.telegram, data),
  });
  return (
    <Screen title="Telegram" testID="screen-telegram">
      <Card title="Your Telegram account">
        <T variant="muted">
          Linked accounts receive notifications from the bot and are let into the groups of your plan.
        </T>
        <KV
          k="Status"
          v={
            status.data
              ? status.data.linked
                ? `linked${status.data.telegram_username ? ` as @${status.data.telegram_username}` : ''}`
                : 'not linked'
              : '…'
          }
          testID="telegram-status"
        />
        {status.data?.linked_at ? <KV k="Since" v={fmtTime(status.data.linked_at)} /> : null}
        <ErrorText
          error={
            status.error
              ? message(status.error)
              : link.error
                ? message(link.error)
                : unlink.error
                  ? message(unlink.error)
                  : null
          }
          testID="telegram-error"
        />
        {link.data ? (
          <>
            <T>
              Open this link on the device where Telegram is installed (valid until{' '}
              {fmtTime(link.data.expires_at)}):
            </T>
            <T selectable testID="telegram-link" style={{ fontFamily: 'monospace' }}>
              {link.data.url}
            </T>
            <Row>
              <Button
                title="Open Telegram"
                onPress={() => void Linking.openURL(link.data.url)}
                testID="telegram-open"
              />
            </Row>
          </>
        ) : null}
        <Row>
          {!status.data?.linked ? (
            <Button
              title="Link Telegram"
              kind="gold"
              onPress={() => link.mutate()}
              busy={link.isPending}
              testID="telegram-link-create"
            />
          ) : null}
          {status.data?.linked ? (
            <Button
              title="Unlink"
              kind="ghost"
              onPress={() => unlink.mutate()}
              busy={unlink.isPending}
              testID="telegram-unlink"
            />
          ) : null}
        </Row>
      </Card>
    </Screen>
  );
}
