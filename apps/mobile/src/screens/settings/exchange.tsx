import { ExchangeConnectBody, ExchangeProvider, type ExchangeValidation } from '@verzek/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { z } from 'zod';
import { Button } from '../../components/button';
import { ConfirmButton } from '../../components/confirm';
import { Field } from '../../components/field';
import { Banner, Card, ErrorText, KV, Row } from '../../components/layout';
import { Tabs } from '../../components/tabs';
import { T } from '../../components/text';
import { message } from '../../lib/errors';
import { num, validate, type FieldErrors } from '../../lib/form';
import { colors } from '../../lib/theme';
import { keys } from '../../state/queries/keys';
import { useExchange } from '../../state/queries/settings';
import { useSession, useUser } from '../../state/session';

type Provider = z.infer<typeof ExchangeProvider>;
const names: Record<Provider, string> = {
  paper: 'Paper',
  binance_futures: 'Binance Futures',
  bybit: 'Bybit',
  phemex: 'Phemex',
  kraken_futures: 'Kraken Futures',
};

export function ExchangeSettingsForm() {
  const { api } = useSession();
  const user = useUser();
  const qc = useQueryClient();
  const current = useExchange();
  const [provider, setProvider] = useState<Provider>('paper');
  const [mode, setMode] = useState<'testnet' | 'mainnet'>('testnet');
  const [key, setKey] = useState('');
  const [secret, setSecret] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [leverage, setLeverage] = useState('10');
  const [margin, setMargin] = useState<'ISOLATED' | 'CROSSED'>('ISOLATED');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [check, setCheck] = useState<z.output<typeof ExchangeValidation> | null>(null);
  const paper = provider === 'paper';

  const body = () => ({
    provider,
    mode: paper ? ('paper' as const) : mode,
    ...(paper
      ? {}
      : { api_key: key.trim(), api_secret: secret.trim(), ...(passphrase ? { passphrase } : {}) }),
    leverage_default: num(leverage),
    margin_mode: margin,
  });
  const connect = useMutation({
    mutationFn: async () => {
      const b = body();
      const checked = validate(ExchangeConnectBody, b);
      if (!checked.ok) {
        setErrors(checked.errors);
        throw new Error('Fix the fields marked in red');
      }
      if (!paper && (!b.api_key || !b.api_secret)) {
        setErrors({
          api_key: b.api_key ? '' : 'required for a live exchange',
          api_secret: b.api_secret ? '' : 'required',
        });
        throw new Error('An API key and secret are needed');
      }
      setErrors({});
      return api.exchanges.connect(b);
    },
    onSuccess: (data) => {
      qc.setQueryData(keys.exchange, data);
      setSecret('');
      void qc.invalidateQueries({ queryKey: ['balance'] });
    },
  });
  const test = useMutation({
    mutationFn: () =>
      api.exchanges.validate(
        paper
          ? null
          : {
              provider,
              mode,
              api_key: key.trim(),
              api_secret: secret.trim(),
              ...(passphrase ? { passphrase } : {}),
            },
      ),
    onSuccess: setCheck,
  });
  const disconnect = useMutation({
    mutationFn: () => api.exchanges.disconnect(),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.exchange }),
  });
  const acct = current.data;
  const warnings = [...(acct?.warnings ?? []), ...(check?.warnings ?? [])];

  return (
    <Card title="Exchange" testID="settings-exchange">
      {acct ? (
        <>
          <KV k="Connected" v={`${names[acct.provider]} (${acct.mode})`} testID="exchange-current" />
          <KV k="Default leverage / margin" v={`×${acct.leverage_default} · ${acct.margin_mode}`} />
        </>
      ) : (
        <T variant="muted" testID="exchange-none">
          Not connected yet: connect Paper to trade with simulated money at real prices.
        </T>
      )}
      {warnings.length > 0 ? (
        <Banner kind="warn" text="Check your API key" testID="exchange-warnings">
          {warnings.map((w) => (
            <T key={w}>• {w}</T>
          ))}
        </Banner>
      ) : null}
      {!user.email_verified ? (
        <Banner kind="info" text="Verify your email before connecting an exchange." />
      ) : null}
      <T variant="label">Provider</T>
      <Tabs
        value={provider}
        onChange={setProvider}
        options={ExchangeProvider.options.map((p) => ({ key: p, label: names[p] }))}
        testID="exchange-provider"
      />
      {!paper ? (
        <>
          <Banner
            kind="warn"
            text="Create an API key that can trade futures but can NOT withdraw, and restrict it to the server’s IP address."
            testID="exchange-permission-warning"
          >
            <T variant="muted">
              Keys that allow withdrawals are refused. Keys are encrypted at rest and never shown again.
            </T>
          </Banner>
          <Tabs
            value={mode}
            onChange={setMode}
            options={[
              { key: 'testnet', label: 'Testnet' },
              { key: 'mainnet', label: 'Mainnet (real money)' },
            ]}
            testID="exchange-mode"
          />
          <Field
            label="API key"
            value={key}
            onChangeText={setKey}
            error={errors.api_key || undefined}
            testID="exchange-key"
          />
          <Field
            label="API secret"
            value={secret}
            onChangeText={setSecret}
            secureTextEntry
            error={errors.api_secret || undefined}
            testID="exchange-secret"
          />
          {provider === 'phemex' || provider === 'kraken_futures' ? (
            <Field
              label="Passphrase (if any)"
              value={passphrase}
              onChangeText={setPassphrase}
              secureTextEntry
              testID="exchange-passphrase"
            />
          ) : null}
        </>
      ) : null}
      <Row gap={8}>
        <Field
          label="Default leverage"
          value={leverage}
          onChangeText={setLeverage}
          keyboardType="number-pad"
          error={errors.leverage_default}
          testID="exchange-leverage"
        />
      </Row>
      <Tabs
        value={margin}
        onChange={setMargin}
        options={[
          { key: 'ISOLATED', label: 'Isolated' },
          { key: 'CROSSED', label: 'Cross' },
        ]}
        testID="exchange-margin"
      />
      <ErrorText
        error={
          connect.error
            ? message(connect.error)
            : test.error
              ? message(test.error)
              : disconnect.error
                ? message(disconnect.error)
                : null
        }
        testID="exchange-error"
      />
      {check ? (
        <T testID="exchange-check" style={{ color: check.ok ? colors.success : colors.danger }}>
          {check.ok
            ? `Keys work${check.balance ? ` — balance ${check.balance.total} ${check.balance.asset}` : ''}`
            : `Refused: ${check.refused ?? 'unknown reason'}`}
        </T>
      ) : null}
      {connect.isSuccess ? (
        <T testID="exchange-connected" style={{ color: colors.success }}>
          Connected
        </T>
      ) : null}
      <Row>
        <Button
          title={paper ? 'Connect paper' : 'Connect'}
          kind="gold"
          onPress={() => connect.mutate()}
          busy={connect.isPending}
          testID="exchange-connect"
        />
        {!paper ? (
          <Button
            title="Test keys"
            kind="ghost"
            onPress={() => test.mutate()}
            busy={test.isPending}
            testID="exchange-test"
          />
        ) : null}
        {acct && acct.provider !== 'paper' ? (
          <ConfirmButton
            title="Disconnect"
            question="Wipe the keys and fall back to paper?"
            onConfirm={() => disconnect.mutate()}
            testID="exchange-disconnect"
          />
        ) : null}
      </Row>
    </Card>
  );
}
