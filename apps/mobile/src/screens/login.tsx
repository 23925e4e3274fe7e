import { LoginBody } from '@verzek/contract';
import { router } from 'expo-router';
import { useState } from 'react';
import { Button } from '../components/button';
import { Field } from '../components/field';
import { Banner, Card, ErrorText, Row, Screen } from '../components/layout';
import { T } from '../components/text';
import { code, message } from '../lib/errors';
import { validate, type FieldErrors } from '../lib/form';
import { useSession } from '../state/session';

export function LoginScreen() {
  const { login, endedReason } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needsTotp, setNeedsTotp] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setFailure(null);
    const form = { email: email.trim(), password, ...(needsTotp ? { totp: totp.trim() } : {}) };
    const checked = validate(LoginBody, form);
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    setBusy(true);
    try {
      await login(form);
      router.replace('/dashboard');
    } catch (e) {
      if (code(e) === 'totp_required') {
        setNeedsTotp(true);
        setFailure('Enter the 6-digit code from your authenticator app.');
      } else setFailure(message(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Screen title="Log in" testID="screen-login">
      {endedReason ? (
        <Banner kind="warn" text={`You were logged out: ${endedReason}`} testID="session-ended" />
      ) : null}
      <Card>
        <Field
          label="Email"
          value={email}
          onChangeText={setEmail}
          keyboardType="email-address"
          autoComplete="email"
          error={errors.email}
          testID="login-email"
        />
        <Field
          label="Password"
          value={password}
          onChangeText={setPassword}
          secureTextEntry
          autoComplete="password"
          error={errors.password}
          testID="login-password"
          onSubmitEditing={() => void submit()}
        />
        {needsTotp ? (
          <Field
            label="Two-factor code"
            value={totp}
            onChangeText={setTotp}
            keyboardType="number-pad"
            maxLength={6}
            error={errors.totp}
            testID="login-totp"
            onSubmitEditing={() => void submit()}
          />
        ) : null}
        <ErrorText error={failure} testID="login-failure" />
        <Row>
          <Button title="Log in" onPress={() => void submit()} busy={busy} testID="login-submit" />
          <Button
            title="Create an account"
            kind="ghost"
            onPress={() => router.replace('/register')}
            testID="login-to-register"
          />
        </Row>
      </Card>
      <T variant="small">Forgot your password? Ask your operator to reset it.</T>
    </Screen>
  );
}
