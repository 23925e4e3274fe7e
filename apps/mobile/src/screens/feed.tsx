import { Banner, Empty, ErrorText, Screen } from '../components/layout';
import { Button } from '../components/button';
import { SignalCard } from '../components/signal-card';
import { T } from '../components/text';
import { message } from '../lib/errors';
import { useLive } from '../state/live';
import { useFeed } from '../state/queries/signals';

export function FeedScreen() {
  const feed = useFeed();
  const { connected } = useLive();
  const items = feed.data?.pages.flatMap((p) => p.items) ?? [];
  const trial = feed.data?.pages[0]?.trial ?? null;
  return (
    <Screen
      title="Signals"
      testID="screen-feed"
      refreshing={feed.isRefetching}
      onRefresh={() => void feed.refetch()}
      actions={
        <T variant="small" testID="feed-live">
          {connected ? '● live' : '○ refreshing every 15 s'}
        </T>
      }
    >
      {trial ? (
        <Banner
          kind="info"
          testID="trial-delay"
          text={`TRIAL: signals appear ${trial.delay_minutes} minutes after they are posted, and only the last ${trial.history_days} days are shown.`}
        >
          <T variant="muted">
            VIP and PREMIUM see every signal the moment it is posted; PREMIUM also trades it for you.
          </T>
        </Banner>
      ) : null}
      <ErrorText error={feed.error ? message(feed.error) : null} />
      {feed.isLoading ? <Empty text="Loading…" /> : null}
      {!feed.isLoading && items.length === 0 ? <Empty text="No signals yet." testID="feed-empty" /> : null}
      {items.map((s) => (
        <SignalCard key={s.id} signal={s} />
      ))}
      {feed.hasNextPage ? (
        <Button
          kind="ghost"
          title="Older signals"
          busy={feed.isFetchingNextPage}
          onPress={() => void feed.fetchNextPage()}
          testID="feed-more"
        />
      ) : null}
    </Screen>
  );
}
