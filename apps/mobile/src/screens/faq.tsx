import { Card, Screen } from '../components/layout';
import { T } from '../components/text';

const faq: [string, string][] = [
  [
    'What is paper trading?',
    'A simulated exchange account fed by real market prices: orders fill as they would on the exchange, fees included, but no money moves. Everyone starts there.',
  ],
  [
    'Why does TRIAL see signals late?',
    'TRIAL shows each signal after a delay and only a few days of history. VIP and PREMIUM see them the moment they are posted.',
  ],
  [
    'What does PREMIUM add?',
    'Auto-trading: each signal opens a position on your exchange account with the take-profit ladder, the stop loss and your DCA settings, within your risk limits.',
  ],
  [
    'Why was my trade blocked?',
    'The risk engine refuses a trade that would break one of your limits (daily loss, trades per day, exposure, per-symbol, cooldown after a loss) or while the kill switch is on. The reason is shown in the app.',
  ],
  [
    'What does HALTED mean?',
    'The global kill switch is on — set by an administrator or by the circuit breaker after a large system-wide drawdown. No new trades open until it is off; open positions keep their stops and targets.',
  ],
  [
    'Are my API keys safe?',
    'They are encrypted at rest and never shown again. Use keys without withdrawal permission and restrict them to the server’s IP address; keys that can withdraw are refused.',
  ],
  [
    'How do I pay?',
    'Send USDT on the TRON network (TRC-20) to the address on the Plans screen and paste the transaction hash. The plan activates once the transfer is final on chain; 30 days, stacking on renewal.',
  ],
  [
    'How do I get notifications?',
    'Install the app on your phone and allow notifications; choose which ones in Settings → General. You can also link Telegram.',
  ],
];

export function FaqScreen() {
  return (
    <Screen title="FAQ" testID="screen-faq">
      {faq.map(([q, a]) => (
        <Card key={q} title={q}>
          <T variant="muted">{a}</T>
        </Card>
      ))}
    </Screen>
  );
}
