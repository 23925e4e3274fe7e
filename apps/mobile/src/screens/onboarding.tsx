import { router } from 'expo-router';
import { Button } from '../components/button';
import { Badge, Card, Row, Screen } from '../components/layout';
import { T } from '../components/text';
import { useExchange, useStrategy } from '../state/queries/settings';
import { canTrade, useUser, useFreshUser } from '../state/session';

/** What to set up first, in order, with what is already done. */
export function OnboardingScreen() {
  useFreshUser();
  const user = useUser();
  const exchange = useExchange();
  const strategy = useStrategy();
  const steps = [
    {
      key: 'verify',
      title: 'Verify your email',
      done: user.email_verified,
      href: '/verify-email',
      text: 'Needed before connecting an exchange or trading.',
    },
    {
      key: 'exchange',
      title: 'Connect an exchange',
      done: !!exchange.data,
      href: '/settings?section=exchange',
      text: 'Start with Paper: real prices, simulated money.',
    },
    {
      key: 'strategy',
      title: 'Size your trades',
      done: strategy.data
        ? strategy.data.per_trade_usdt !== '5' || strategy.data.capital_usdt !== '100'
        : false,
      href: '/settings?section=strategy',
      text: 'Capital, margin per trade, leverage, take-profit split.',
    },
    {
      key: 'risk',
      title: 'Check your risk limits',
      done: false,
      href: '/settings?section=risk',
      text: 'Daily loss limit, trades per day, exposure, cooldown.',
    },
    {
      key: 'plan',
      title: 'Go PREMIUM',
      done: canTrade(user),
      href: '/plans',
      text: 'Auto-trading comes with PREMIUM (USDT, TRC-20).',
    },
    {
      key: 'auto',
      title: 'Turn auto-trading on',
      done: user.auto_trade_enabled,
      href: '/trade',
      text: 'Every new signal then opens a position for you.',
    },
    {
      key: 'telegram',
      title: 'Link Telegram (optional)',
      done: false,
      href: '/telegram',
      text: 'Notifications and the groups of your plan.',
    },
  ];
  return (
    <Screen title="Get started" testID="screen-onboarding">
      {steps.map((s, i) => (
        <Card key={s.key} testID={`onboarding-${s.key}`}>
          <Row style={{ justifyContent: 'space-between' }}>
            <T variant="heading">
              {i + 1}. {s.title}
            </T>
            {s.done ? <Badge text="done" kind="ok" /> : null}
          </Row>
          <T variant="muted">{s.text}</T>
          {!s.done ? (
            <Row>
              <Button
                compact
                title="Do it"
                onPress={() => router.push(s.href as never)}
                testID={`onboarding-${s.key}-go`}
              />
            </Row>
          ) : null}
        </Card>
      ))}
    </Screen>
  );
}
