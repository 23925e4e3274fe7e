import { Button } from '../../components/button';
import { ErrorText, Row } from '../../components/layout';
import { T } from '../../components/text';
import { message } from '../../lib/errors';
import { colors } from '../../lib/theme';

export function SaveBar({
  onSave,
  busy,
  error,
  saved,
  testID,
}: {
  onSave: () => void;
  busy: boolean;
  error: unknown;
  saved: boolean;
  testID: string;
}) {
  return (
    <>
      <ErrorText error={error ? message(error) : null} testID={`${testID}-error`} />
      <Row>
        <Button title="Save" onPress={onSave} busy={busy} testID={`${testID}-save`} />
        {saved && !error ? (
          <T testID={`${testID}-saved`} style={{ color: colors.success }}>
            Saved
          </T>
        ) : null}
      </Row>
    </>
  );
}
