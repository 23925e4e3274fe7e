import { SettingsScreen } from '../../src/screens/settings';

export default SettingsScreen;
