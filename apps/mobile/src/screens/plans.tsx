import { InitiatePaymentBody, type PaidPlan } from '@verzek/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import * as Clipboard from 'expo-clipboard';
import { useState } from 'react';
import { Button } from '../components/button';
import { Field } from '../components/field';
import { Badge, Banner, Card, Empty, ErrorText, KV, Row, Screen } from '../components/layout';
import { Tabs } from '../components/tabs';
import { T } from '../components/text';
import { message } from '../lib/errors';
import { validate } from '../lib/form';
import { fmtTime } from '../lib/format';
import { colors } from '../lib/theme';
import { keys } from '../state/queries/keys';
import { useMyPayments, usePlans } from '../state/queries/payments';
import { useSession, useUser, useFreshUser } from '../state/session';

/** Plans, USDT (TRC-20) checkout, and the status of my payments. */
export function PlansScreen() {
  useFreshUser();
  const user = useUser();
  const { api, reloadUser } = useSession();
  const qc = useQueryClient();
  const plans = usePlans();
  const payments = useMyPayments();
  const [plan, setPlan] = useState<PaidPlan>('PREMIUM');
  const [hash, setHash] = useState('');
  const [hashError, setHashError] = useState<string | undefined>();
  const [copied, setCopied] = useState(false);
  const offer = plans.data?.plans.find((p) => p.plan === plan);
  const pay = useMutation({
    mutationFn: async () => {
      const checked = validate(InitiatePaymentBody, { plan, tx_hash: hash, network: 'TRC20' });
      if (!checked.ok) {
        setHashError(checked.errors.tx_hash);
        throw new Error('Check the transaction hash');
      }
      setHashError(undefined);
      return api.payments.initiate({ plan, tx_hash: hash.trim(), network: 'TRC20' });
    },
    onSuccess: async () => {
      setHash('');
      await qc.invalidateQueries({ queryKey: keys.payments });
      await reloadUser().catch(() => undefined);
    },
  });
  const address = plans.data?.wallet_address ?? null;
  return (
    <Screen title="Plans" testID="screen-plans">
      <Card title="Your plan">
        <KV k="Plan" v={user.plan} testID="plans-current" />
        <KV k="Expires" v={user.plan_expires_at ? fmtTime(user.plan_expires_at) : 'never (TRIAL)'} />
      </Card>
      <Row gap={12} style={{ alignItems: 'stretch' }}>
        {plans.data?.plans.map((p) => (
          <Card
            key={p.plan}
            title={`${p.plan}${p.price_usdt !== '0' ? ` · ${p.price_usdt} USDT` : ' · free'}`}
            style={{ flexGrow: 1, flexBasis: 220 }}
            testID={`plan-${p.plan}`}
          >
            {p.duration_days ? <T variant="small">{p.duration_days} days, stacks on renewal</T> : null}
            {p.features.map((f) => (
              <T key={f} variant="muted">
                • {f}
              </T>
            ))}
            {user.plan === p.plan ? <Badge text="current" kind="ok" /> : null}
          </Card>
        ))}
      </Row>
      <Card title="Pay with USDT (TRC-20)" testID="plans-checkout">
        {plans.data && !plans.data.payments_enabled ? (
          <Banner
            kind="warn"
            text={plans.data.payments_disabled_reason ?? 'Payments are not enabled on this server.'}
            testID="plans-disabled"
          />
        ) : null}
        <Tabs
          value={plan}
          onChange={setPlan}
          options={[
            { key: 'VIP', label: 'VIP' },
            { key: 'PREMIUM', label: 'PREMIUM' },
          ]}
          testID="plans-choose"
        />
        <T>
          1. Send at least{' '}
          <T style={{ color: colors.gold, fontWeight: '800' }} testID="plans-amount">
            {offer?.price_usdt ?? '…'} USDT
          </T>{' '}
          on the TRON network (TRC-20) to:
        </T>
        {address ? (
          <Row>
            <T selectable testID="plans-address" style={{ fontFamily: 'monospace', flexShrink: 1 }}>
              {address}
            </T>
            <Button
              compact
              kind="ghost"
              title={copied ? 'Copied' : 'Copy'}
              accessibilityLabel="Copy the wallet address"
              onPress={() => void Clipboard.setStringAsync(address).then(() => setCopied(true))}
              testID="plans-copy"
            />
          </Row>
        ) : (
          <T variant="muted">No wallet configured.</T>
        )}
        <T variant="small">
          Only USDT on TRON (contract {plans.data?.token_contract ?? '…'}). Other tokens or networks are lost.
        </T>
        <T>2. Paste the transaction hash:</T>
        <Field
          label="Transaction hash"
          value={hash}
          onChangeText={setHash}
          error={hashError}
          testID="plans-hash"
        />
        <ErrorText error={pay.error && !hashError ? message(pay.error) : null} testID="plans-error" />
        {pay.isSuccess ? (
          <T testID="plans-submitted" style={{ color: colors.success }}>
            Submitted — we check the chain and activate the plan once the transfer is final.
          </T>
        ) : null}
        <Row>
          <Button
            kind="gold"
            title="Submit payment"
            onPress={() => pay.mutate()}
            busy={pay.isPending}
            disabled={!plans.data?.payments_enabled}
            testID="plans-submit"
          />
        </Row>
      </Card>
      <Card title="My payments" testID="plans-payments">
        {payments.data?.items.length === 0 ? <Empty text="No payments yet." /> : null}
        {payments.data?.items.map((p) => (
          <Row key={p.id} style={{ justifyContent: 'space-between' }}>
            <T>
              {p.plan} · {p.amount_usdt} USDT · {p.tx_hash.slice(0, 10)}…
            </T>
            <Row>
              <Badge
                text={p.status}
                kind={p.status === 'CONFIRMED' ? 'ok' : p.status === 'REJECTED' ? 'bad' : 'warn'}
                testID={`payment-${p.id}-status`}
              />
              {p.reason ? <T variant="small">{p.reason}</T> : null}
            </Row>
          </Row>
        ))}
      </Card>
    </Screen>
  );
}
