import { VerifyEmailBody } from '@verzek/contract';
import { router, useLocalSearchParams } from 'expo-router';
import { useEffect, useRef, useState } from 'react';
import { Button } from '../components/button';
import { Field } from '../components/field';
import { Banner, Card, ErrorText, Row, Screen } from '../components/layout';
import { T } from '../components/text';
import { message } from '../lib/errors';
import { validate } from '../lib/form';
import { useSession } from '../state/session';

/** Verify the email: from the link (`?token=`), by pasting the token, or ask for a new mail. */
export function VerifyEmailScreen() {
  const { api, user, status, reloadUser } = useSession();
  const params = useLocalSearchParams<{ token?: string }>();
  const [token, setToken] = useState(typeof params.token === 'string' ? params.token : '');
  const [done, setDone] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [info, setInfo] = useState<string | null>(null);
  const tried = useRef(false);

  const verify = async (value: string) => {
    setFailure(null);
    const checked = validate(VerifyEmailBody, { token: value.trim() });
    if (!checked.ok) return setFieldError(checked.errors.token ?? 'Paste the code from the mail');
    setFieldError(undefined);
    setBusy(true);
    try {
      const res = await api.auth.verifyEmail({ token: value.trim() });
      setDone(res.message ?? 'Your email is verified');
      if (status === 'signed-in') await reloadUser().catch(() => undefined);
    } catch (e) {
      setFailure(message(e));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (!tried.current && typeof params.token === 'string' && params.token) {
      tried.current = true;
      void verify(params.token);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [params.token]);

  const resend = async () => {
    setFailure(null);
    try {
      setInfo((await api.auth.resendVerification()).message ?? 'Sent');
    } catch (e) {
      setFailure(message(e));
    }
  };

  return (
    <Screen title="Verify your email" testID="screen-verify-email">
      {done || user?.email_verified ? (
        <Banner kind="info" text={done ?? 'Your email is verified.'} testID="verify-done">
          <Row>
            <Button
              title={status === 'signed-in' ? 'Go to the dashboard' : 'Log in'}
              onPress={() => router.replace(status === 'signed-in' ? '/dashboard' : '/login')}
              testID="verify-continue"
            />
          </Row>
        </Banner>
      ) : (
        <Card>
          <T variant="muted">
            {user ? `We sent a link to ${user.email}. ` : ''}Open it, or paste the code from the mail here.
            Until your email is verified you can read the feed but not connect an exchange or trade.
          </T>
          <Field
            label="Verification code"
            value={token}
            onChangeText={setToken}
            error={fieldError}
            testID="verify-token"
          />
          <ErrorText error={failure} testID="verify-failure" />
          {info ? <T testID="verify-info">{info}</T> : null}
          <Row>
            <Button title="Verify" onPress={() => void verify(token)} busy={busy} testID="verify-submit" />
            {status === 'signed-in' ? (
              <>
                <Button
                  title="Send a new mail"
                  kind="ghost"
                  onPress={() => void resend()}
                  testID="verify-resend"
                />
                <Button
                  title="Later"
                  kind="ghost"
                  onPress={() => router.replace('/dashboard')}
                  testID="verify-later"
                />
              </>
            ) : null}
          </Row>
        </Card>
      )}
    </Screen>
  );
}
