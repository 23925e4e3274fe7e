import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmButton } from '../../components/confirm';
import { Field } from '../../components/field';
import { Banner, Card, ErrorText, KV, Row } from '../../components/layout';
import { T } from '../../components/text';
import { message } from '../../lib/errors';
import { fmtTime } from '../../lib/format';
import { keys } from '../../state/queries/keys';
import { useSession } from '../../state/session';

export function AdminKillSwitch() {
  const { api } = useSession();
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: keys.safetyStatus,
    queryFn: () => api.safety.status(),
    refetchInterval: 30_000,
  });
  const [reason, setReason] = useState('');
  const toggle = useMutation({
    mutationFn: (on: boolean) =>
      api.safety.toggle({ kill_switch: on, ...(reason.trim() ? { reason: reason.trim() } : {}) }),
    onSuccess: async (data) => {
      qc.setQueryData(keys.safetyStatus, data);
      setReason('');
      await qc.invalidateQueries({ queryKey: ['safety'] });
    },
  });
  const s = q.data;
  return (
    <Card title="Kill switch" testID="admin-kill-switch">
      {s?.global_kill_switch ? (
        <Banner kind="bad" text={`Trading is HALTED${s.reason ? `: ${s.reason}` : ''}`} />
      ) : null}
      {s ? (
        <>
          <KV
            k="Kill switch"
            v={s.global_kill_switch ? `ON (set by ${s.set_by ?? '?'})` : 'off'}
            testID="admin-kill-state"
          />
          <KV
            k="24 h system drawdown"
            v={`${s.last24h_drawdown_pct} % (breaker at ${s.global_max_dd_pct} %)`}
          />
          <KV k="Active workers" v={String(s.active_workers)} />
          <KV k="As of" v={fmtTime(s.timestamp)} />
        </>
      ) : null}
      <Field label="Reason (optional)" value={reason} onChangeText={setReason} testID="admin-kill-reason" />
      <ErrorText error={q.error ? message(q.error) : toggle.error ? message(toggle.error) : null} />
      <Row>
        {s?.global_kill_switch ? (
          <ConfirmButton
            title="Resume trading"
            kind="primary"
            question="Turn the kill switch off?"
            onConfirm={() => toggle.mutate(false)}
            testID="admin-kill-off"
          />
        ) : (
          <ConfirmButton
            title="Halt all trading"
            question="Stop every new trade for every user?"
            onConfirm={() => toggle.mutate(true)}
            testID="admin-kill-on"
          />
        )}
      </Row>
      <T variant="small">Open positions keep their stops and targets; only new trades are refused.</T>
    </Card>
  );
}
