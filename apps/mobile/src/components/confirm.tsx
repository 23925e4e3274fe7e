import { useState } from 'react';
import { View } from 'react-native';
import { Button } from './button';
import { T } from './text';

/** A button that asks once more, inline (works the same on phones and the web). */
export function ConfirmButton({
  title,
  question,
  onConfirm,
  busy,
  testID,
  kind = 'danger',
}: {
  title: string;
  question: string;
  onConfirm: () => void;
  busy?: boolean;
  testID: string;
  kind?: 'danger' | 'primary' | 'gold';
}) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <Button compact title={title} kind={kind} busy={busy} onPress={() => setAsking(true)} testID={testID} />
    );
  return (
    <View style={{ gap: 6, flexDirection: 'row', flexWrap: 'wrap', alignItems: 'center' }}>
      <T>{question}</T>
      <Button
        compact
        kind={kind}
        title="Yes"
        accessibilityLabel={`Yes, ${title.toLowerCase()}`}
        testID={`${testID}-yes`}
        onPress={() => {
          setAsking(false);
          onConfirm();
        }}
      />
      <Button compact kind="ghost" title="No" testID={`${testID}-no`} onPress={() => setAsking(false)} />
    </View>
  );
}
