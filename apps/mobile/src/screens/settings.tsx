import { useLocalSearchParams } from 'expo-router';
import { useState } from 'react';
import { useFreshUser } from '../state/session';
import { Screen } from '../components/layout';
import { Tabs } from '../components/tabs';
import { DcaSettingsForm } from './settings/dca';
import { ExchangeSettingsForm } from './settings/exchange';
import { GeneralSettingsForm } from './settings/general';
import { RiskSettingsForm } from './settings/risk';
import { SecuritySettings } from './settings/security';
import { StrategySettingsForm } from './settings/strategy';

const sections = [
  { key: 'general', label: 'General' },
  { key: 'exchange', label: 'Exchange' },
  { key: 'strategy', label: 'Strategy' },
  { key: 'risk', label: 'Risk' },
  { key: 'dca', label: 'DCA' },
  { key: 'security', label: 'Security' },
] as const;
export type SettingsSection = (typeof sections)[number]['key'];

export function SettingsScreen() {
  useFreshUser();
  const params = useLocalSearchParams<{ section?: string }>();
  const initial = sections.find((s) => s.key === params.section)?.key ?? 'general';
  const [section, setSection] = useState<SettingsSection>(initial);
  return (
    <Screen title="Settings" testID="screen-settings">
      <Tabs value={section} onChange={setSection} options={sections} testID="settings-tab" />
      {section === 'general' ? <GeneralSettingsForm /> : null}
      {section === 'exchange' ? <ExchangeSettingsForm /> : null}
      {section === 'strategy' ? <StrategySettingsForm /> : null}
      {section === 'risk' ? <RiskSettingsForm /> : null}
      {section === 'dca' ? <DcaSettingsForm /> : null}
      {section === 'security' ? <SecuritySettings /> : null}
    </Screen>
  );
}
