import { TotpCodeBody, type TotpSetupResponse } from '@verzek/contract';
import { useState } from 'react';
import type { z } from 'zod';
import { Button } from '../../components/button';
import { Field } from '../../components/field';
import { Card, ErrorText, KV, Row } from '../../components/layout';
import { T } from '../../components/text';
import { message } from '../../lib/errors';
import { validate } from '../../lib/form';
import { useSession, useUser } from '../../state/session';

/** Two-factor authentication: enable (secret + confirm with a code) or disable with a fresh code. */
export function SecuritySettings() {
  const { api, reloadUser } = useSession();
  const user = useUser();
  const [setup, setSetup] = useState<z.output<typeof TotpSetupResponse> | null>(null);
  const [codeText, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<unknown>) => {
    setError(null);
    setBusy(true);
    try {
      await fn();
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };
  const withCode = (fn: (code: string) => Promise<unknown>) => {
    const checked = validate(TotpCodeBody, { code: codeText.trim() });
    if (!checked.ok) return setFieldError(checked.errors.code);
    setFieldError(undefined);
    void run(async () => {
      await fn(codeText.trim());
      setCode('');
      setSetup(null);
      await reloadUser();
    });
  };
  return (
    <Card title="Security" testID="settings-security">
      <KV k="Email" v={`${user.email} (${user.email_verified ? 'verified' : 'not verified'})`} />
      <KV k="Two-factor authentication" v={user.totp_enabled ? 'on' : 'off'} testID="security-2fa" />
      {setup ? (
        <>
          <T variant="muted">Add this key to your authenticator app, then enter the code it shows.</T>
          <T selectable testID="security-secret" style={{ fontFamily: 'monospace' }}>
            {setup.secret}
          </T>
        </>
      ) : null}
      {setup || user.totp_enabled ? (
        <Field
          label="6-digit code"
          value={codeText}
          onChangeText={setCode}
          keyboardType="number-pad"
          maxLength={6}
          error={fieldError}
          testID="security-code"
        />
      ) : null}
      <ErrorText error={error} testID="security-error" />
      <Row>
        {!user.totp_enabled && !setup ? (
          <Button
            title="Turn on 2FA"
            busy={busy}
            onPress={() => void run(async () => setSetup(await api.auth.enable2fa()))}
            testID="security-enable"
          />
        ) : null}
        {setup ? (
          <Button
            title="Confirm"
            busy={busy}
            onPress={() => withCode((code) => api.auth.confirm2fa({ code }))}
            testID="security-confirm"
          />
        ) : null}
        {user.totp_enabled ? (
          <Button
            title="Turn off 2FA"
            kind="danger"
            busy={busy}
            onPress={() => withCode((code) => api.auth.disable2fa({ code }))}
            testID="security-disable"
          />
        ) : null}
      </Row>
    </Card>
  );
}
