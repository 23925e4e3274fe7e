import { router } from 'expo-router';
import { Button } from '../components/button';
import { Card, Row, Screen } from '../components/layout';
import { T } from '../components/text';

const steps = [
  [
    'Follow signals',
    'Signals from the operator’s channels arrive live in the feed (TRIAL: after a short delay).',
  ],
  ['Trade on paper first', 'Every account starts on the paper exchange: real prices, no money at risk.'],
  [
    'Set your limits',
    'Capital, size per trade, leverage, daily loss limit and cooldowns — the risk engine enforces them.',
  ],
  [
    'Go PREMIUM to auto-trade',
    'Pay in USDT (TRC-20); each signal then opens your position with its take-profit ladder and stop.',
  ],
];

/** Onboarding for visitors: what the product does and where to begin. */
export function WelcomeScreen() {
  return (
    <Screen title="Verzek Auto Trader" testID="screen-welcome">
      <T variant="muted">
        Crypto signals, executed for you with a take-profit ladder, a stop loss and a risk engine that can
        halt everything.
      </T>
      <Row gap={12} style={{ alignItems: 'stretch' }}>
        {steps.map(([title, text], i) => (
          <Card key={title} title={`${i + 1}. ${title}`} style={{ flexGrow: 1, flexBasis: 220 }}>
            <T variant="muted">{text}</T>
          </Card>
        ))}
      </Row>
      <Row gap={12}>
        <Button
          title="Create an account"
          kind="gold"
          onPress={() => router.push('/register')}
          testID="welcome-register"
        />
        <Button title="Log in" kind="ghost" onPress={() => router.push('/login')} testID="welcome-login" />
      </Row>
    </Screen>
  );
}
