import { RegisterBody } from '@verzek/contract';
import { router, useLocalSearchParams } from 'expo-router';
import { useState } from 'react';
import { Button } from '../components/button';
import { Field } from '../components/field';
import { Card, ErrorText, Row, Screen } from '../components/layout';
import { T } from '../components/text';
import { message } from '../lib/errors';
import { validate, type FieldErrors } from '../lib/form';
import { useSession } from '../state/session';

export function RegisterScreen() {
  const { register } = useSession();
  const params = useLocalSearchParams<{ ref?: string }>();
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [ref, setRef] = useState(typeof params.ref === 'string' ? params.ref : '');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setFailure(null);
    const form = {
      username: username.trim(),
      email: email.trim(),
      password,
      ...(ref.trim() ? { ref: ref.trim() } : {}),
    };
    const checked = validate(RegisterBody, form);
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    setBusy(true);
    try {
      await register(form);
      router.replace('/verify-email');
    } catch (e) {
      setFailure(message(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Screen title="Create an account" testID="screen-register">
      <T variant="muted">
        New accounts start on TRIAL: the signal feed with a short delay. Upgrade any time.
      </T>
      <Card>
        <Field
          label="Username"
          value={username}
          onChangeText={setUsername}
          error={errors.username}
          testID="register-username"
        />
        <Field
          label="Email"
          value={email}
          onChangeText={setEmail}
          keyboardType="email-address"
          autoComplete="email"
          error={errors.email}
          testID="register-email"
        />
        <Field
          label="Password"
          value={password}
          onChangeText={setPassword}
          secureTextEntry
          autoComplete="new-password"
          error={errors.password}
          hint="At least 8 characters"
          testID="register-password"
        />
        <Field
          label="Referral code (optional)"
          value={ref}
          onChangeText={setRef}
          autoCapitalize="characters"
          error={errors.ref}
          testID="register-ref"
        />
        <ErrorText error={failure} testID="register-failure" />
        <Row>
          <Button
            title="Create account"
            kind="gold"
            onPress={() => void submit()}
            busy={busy}
            testID="register-submit"
          />
          <Button
            title="I have an account"
            kind="ghost"
            onPress={() => router.replace('/login')}
            testID="register-to-login"
          />
        </Row>
      </Card>
    </Screen>
  );
}
